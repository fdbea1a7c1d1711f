//===- ONNXVerifiers.cpp - Semantic checks of onnx ops
//---------------------===//
//
// What every op's verifier checks beyond its ODS constraints: element types
// shared through a type variable agree, attribute values make sense, axes are
// in range, and constant indices stay inside the data they index.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/AttributeRules.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/Builders.h"

using namespace mlir;

namespace weft {

/// Checks integer attributes against AttributeRules.
static LogicalResult verifyAttributeValues(Operation *op) {
  StringRef opType = op->getName().stripDialect();
  auto props = dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
  if (!props)
    return success();
  for (NamedAttribute attr : props) {
    SmallVector<int64_t> values;
    if (auto ints = dyn_cast<DenseI64ArrayAttr>(attr.getValue()))
      values.assign(ints.asArrayRef().begin(), ints.asArrayRef().end());
    else if (auto i = dyn_cast<IntegerAttr>(attr.getValue()))
      values.push_back(i.getInt());
    else
      continue;
    std::string problem =
        checkIntAttributeValues(opType, attr.getName().getValue(), values);
    if (!problem.empty())
      return op->emitOpError(problem);
  }
  return success();
}

/// Ops whose `axis` attribute names a dimension of their first operand.
static bool hasDataAxis(StringRef opType) {
  return llvm::is_contained({"Concat", "Softmax", "LogSoftmax", "Hardmax",
                             "Gather", "GatherElements", "Split", "ArgMax",
                             "ArgMin", "LpNormalization"},
                            opType);
}

static LogicalResult verifyAxis(Operation *op, int64_t &axis, int64_t &rank) {
  rank = -1;
  auto props = dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
  auto attr = props ? props.getAs<IntegerAttr>("axis") : nullptr;
  if (!attr || op->getNumOperands() == 0)
    return success();
  auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!type)
    return success();
  rank = type.getRank();
  axis = attr.getInt();
  if (axis < -rank || axis >= rank)
    return op->emitOpError("axis ")
           << axis << " is out of range [" << -rank << ", " << rank - 1
           << "] for its rank-" << rank << " input";
  if (axis < 0)
    axis += rank;
  return success();
}

/// Constant indices of Gather and GatherElements must index inside the data.
static LogicalResult verifyConstantIndices(Operation *op, int64_t axis) {
  auto data = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
  if (!data || data.isDynamicDim(axis))
    return success();
  ElementsAttr indices = getConstantTensor(op->getOperand(1));
  if (!indices ||
      cast<ShapedType>(indices.getType()).getNumElements() > (1 << 20))
    return success();
  auto values = getIntValues(indices);
  if (!values)
    return success();
  int64_t dim = data.getDimSize(axis);
  for (int64_t v : *values)
    if (v < -dim || v >= dim)
      return op->emitOpError("index ")
             << v << " is out of range [" << -dim << ", " << dim - 1
             << "] for axis " << axis << " of its data";
  return success();
}

/// onnx.Constant holds exactly one value, of its result's type (it is
/// ConstantLike: folding it must always succeed).
static LogicalResult verifyConstant(ONNXConstantOp op) {
  Builder b(op.getContext());
  SmallVector<Type> implied;
  if (auto v = op.getValueAttr())
    implied.push_back(v.getType());
  if (auto v = op.getSparseValueAttr())
    implied.push_back(v.getType());
  auto tensorOf = [](ArrayRef<int64_t> shape, Type elt) {
    return RankedTensorType::get(shape, elt);
  };
  if (op.getValueFloatAttr())
    implied.push_back(tensorOf({}, b.getF32Type()));
  if (auto v = op.getValueFloatsAttr())
    implied.push_back(tensorOf({v.size()}, b.getF32Type()));
  if (op.getValueIntAttr())
    implied.push_back(tensorOf({}, b.getI64Type()));
  if (auto v = op.getValueIntsAttr())
    implied.push_back(tensorOf({v.size()}, b.getI64Type()));
  if (op.getValueStringAttr())
    implied.push_back(tensorOf({}, StringType::get(op.getContext())));
  if (auto v = op.getValueStringsAttr())
    implied.push_back(
        tensorOf({int64_t(v.size())}, StringType::get(op.getContext())));
  if (implied.size() != 1)
    return op.emitOpError("requires exactly one of value, sparse_value, "
                          "value_float(s), value_int(s), value_string(s)");
  if (op.getType() != implied.front())
    return op.emitOpError("result type ")
           << op.getType() << " does not match its value's type "
           << implied.front();
  return success();
}

/// Transpose's perm is a permutation of its input's axes.
static LogicalResult verifyTranspose(ONNXTransposeOp op) {
  auto perm = op.getPerm();
  if (!perm)
    return success();
  int64_t n = perm->size();
  auto type = dyn_cast<RankedTensorType>(op.getData().getType());
  if (type && type.getRank() != n)
    return op.emitOpError("perm has ")
           << n << " entries for a rank-" << type.getRank() << " input";
  SmallVector<bool> seen(n, false);
  for (int64_t p : *perm) {
    if (p < 0 || p >= n || seen[p])
      return op.emitOpError("perm is not a permutation of [0, ") << n << ")";
    seen[p] = true;
  }
  return success();
}

LogicalResult verifyONNXOp(Operation *op, StringRef typeGroups) {
  if (!typeGroups.empty() && failed(verifyElementTypeGroups(op, typeGroups)))
    return failure();
  if (failed(verifyAttributeValues(op)))
    return failure();
  if (auto constant = dyn_cast<ONNXConstantOp>(op))
    return verifyConstant(constant);
  if (auto transpose = dyn_cast<ONNXTransposeOp>(op))
    return verifyTranspose(transpose);
  StringRef opType = op->getName().stripDialect();
  if (!hasDataAxis(opType))
    return success();
  int64_t axis = 0, rank = -1;
  if (failed(verifyAxis(op, axis, rank)))
    return failure();
  if (rank >= 0 && (opType == "Gather" || opType == "GatherElements"))
    return verifyConstantIndices(op, axis);
  return success();
}

} // namespace weft
