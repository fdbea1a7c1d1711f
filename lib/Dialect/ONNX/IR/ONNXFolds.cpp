//===- ONNXFolds.cpp - Folding hooks of onnx ops
//---------------------------===//
//
// Local folds: ops that forward their input (Identity, no-op reshapes), ops
// whose result follows from static types (Shape, Size), and ops that only
// re-view constant data (Reshape, Squeeze, Unsqueeze, Flatten, Cast).
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include <cmath>

using namespace mlir;

namespace weft {

/// The static ranked tensor type of `value`, or null.
static RankedTensorType getStaticType(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!type || !type.hasStaticShape())
    return nullptr;
  return type;
}

/// Folds an op that only changes the shape of its input: to the input when
/// nothing changes, to a re-viewed constant when the input is constant.
static OpFoldResult foldReshapeLike(Operation *op, Value input,
                                    Attribute inputConstant) {
  auto resultType = getStaticType(op->getResult(0));
  if (!resultType)
    return {};
  if (input.getType() == resultType)
    return input;
  if (auto elements = dyn_cast_or_null<ElementsAttr>(inputConstant))
    if (elements.getElementType() == resultType.getElementType() &&
        cast<ShapedType>(elements.getType()).getNumElements() ==
            resultType.getNumElements())
      return reshapeTensorAttr(elements, resultType);
  return {};
}

OpFoldResult ONNXIdentityOp::fold(FoldAdaptor) {
  if (getInput().getType() != getOutput().getType())
    return {};
  return getInput();
}

OpFoldResult ONNXConstantOp::fold(FoldAdaptor) {
  // ConstantLike: the verifier guarantees a value of the result's type.
  return getConstantOpValue(*this);
}

OpFoldResult ONNXShapeOp::fold(FoldAdaptor) {
  auto inputType = dyn_cast<RankedTensorType>(getData().getType());
  auto resultType = getStaticType(getShape());
  if (!inputType || !resultType)
    return {};
  int64_t rank = inputType.getRank();
  auto clamp = [&](int64_t axis) {
    if (axis < 0)
      axis += rank;
    return std::clamp<int64_t>(axis, 0, rank);
  };
  int64_t start = clamp(getStart());
  int64_t end = getEnd() ? clamp(*getEnd()) : rank;
  SmallVector<int64_t> dims;
  for (int64_t i = start; i < end; ++i) {
    if (inputType.isDynamicDim(i))
      return {};
    dims.push_back(inputType.getDimSize(i));
  }
  if (resultType.getNumElements() != static_cast<int64_t>(dims.size()))
    return {};
  return makeTensorFromInts(resultType, dims);
}

OpFoldResult ONNXSizeOp::fold(FoldAdaptor) {
  auto inputType = getStaticType(getData());
  auto resultType = getStaticType(getSize());
  if (!inputType || !resultType || resultType.getNumElements() != 1)
    return {};
  return makeTensorFromInts(resultType, {inputType.getNumElements()});
}

OpFoldResult ONNXReshapeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, getData(), adaptor.getData());
}

OpFoldResult ONNXSqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, getData(), adaptor.getData());
}

OpFoldResult ONNXUnsqueezeOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, getData(), adaptor.getData());
}

OpFoldResult ONNXFlattenOp::fold(FoldAdaptor adaptor) {
  return foldReshapeLike(*this, getInput(), adaptor.getInput());
}

OpFoldResult ONNXExpandOp::fold(FoldAdaptor) {
  auto resultType = getStaticType(getOutput());
  if (resultType && getInput().getType() == resultType)
    return getInput();
  return {};
}

OpFoldResult ONNXCastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getOutput().getType())
    return getInput();
  auto input = dyn_cast_or_null<ElementsAttr>(adaptor.getInput());
  auto resultType = getStaticType(getOutput());
  if (!input || !resultType ||
      resultType.getNumElements() > kInlineElementLimit)
    return {};
  Type from = input.getElementType();
  Type to = resultType.getElementType();
  if (isa<IntegerType>(from)) {
    auto values = getIntValues(input);
    if (!values)
      return {};
    if (isa<FloatType>(to)) {
      auto floats = getFloatValues(input);
      return floats ? makeTensorFromFloats(resultType, *floats) : nullptr;
    }
    return makeTensorFromInts(resultType, *values);
  }
  auto values = getFloatValues(input);
  if (!values || !(isa<FloatType>(from)))
    return {};
  if (isa<FloatType>(to))
    return makeTensorFromFloats(resultType, *values);
  std::vector<int64_t> ints;
  for (double v : *values) {
    if (!std::isfinite(v) || std::fabs(v) >= 9.2e18)
      return {}; // ONNX leaves NaN, Inf and out-of-range conversions undefined
    ints.push_back(to.isInteger(1) ? v != 0.0 : static_cast<int64_t>(v));
  }
  return makeTensorFromInts(resultType, ints);
}

} // namespace weft
