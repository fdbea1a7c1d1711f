//===- Common.cpp - Helpers shared by the onnx-to-linalg patterns
//----------===//

#include "Common.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace weft {

Value makeEmptyTensor(OpBuilder &builder, Location loc, RankedTensorType type,
                      ValueRange sources) {
  SmallVector<Value> dynamicSizes;
  int64_t rank = type.getRank();
  for (int64_t d = 0; d < rank; ++d) {
    if (!type.isDynamicDim(d))
      continue;
    Value size;
    for (Value source : sources) {
      auto sourceType = dyn_cast<RankedTensorType>(source.getType());
      if (!sourceType)
        continue;
      int64_t aligned = d - (rank - sourceType.getRank());
      if (aligned >= 0 && sourceType.isDynamicDim(aligned)) {
        size = tensor::DimOp::create(builder, loc, source, aligned);
        break;
      }
    }
    if (!size)
      return nullptr;
    dynamicSizes.push_back(size);
  }
  return tensor::EmptyOp::create(builder, loc, type.getShape(),
                                 type.getElementType(), dynamicSizes);
}

AffineMap getBroadcastMap(RankedTensorType input, RankedTensorType result,
                          MLIRContext *context) {
  int64_t rank = result.getRank(), offset = rank - input.getRank();
  SmallVector<AffineExpr> exprs;
  for (int64_t d = 0; d < input.getRank(); ++d) {
    bool broadcast =
        input.getDimSize(d) == 1 && result.getDimSize(d + offset) != 1;
    exprs.push_back(broadcast ? getAffineConstantExpr(0, context)
                              : getAffineDimExpr(d + offset, context));
  }
  return AffineMap::get(rank, 0, exprs, context);
}

Value makeFilledTensor(OpBuilder &builder, Location loc,
                       ArrayRef<int64_t> shape, Type element, double value) {
  Attribute attr =
      isa<FloatType>(element)
          ? Attribute(builder.getFloatAttr(element, value))
          : Attribute(builder.getIntegerAttr(element, int64_t(value)));
  Value fill = arith::ConstantOp::create(builder, loc, cast<TypedAttr>(attr));
  Value empty = tensor::EmptyOp::create(builder, loc, shape, element);
  return linalg::FillOp::create(builder, loc, fill, empty).getResult(0);
}

Value buildParallelGeneric(
    OpBuilder &builder, Location loc, RankedTensorType resultType,
    ValueRange inputs, ArrayRef<AffineMap> inputMaps,
    function_ref<Value(OpBuilder &, Location, ValueRange)> body) {
  int64_t rank = resultType.getRank();
  SmallVector<AffineMap> maps(inputMaps);
  maps.push_back(builder.getMultiDimIdentityMap(rank));
  Value init = tensor::EmptyOp::create(builder, loc, resultType.getShape(),
                                       resultType.getElementType());
  return linalg::GenericOp::create(
             builder, loc, TypeRange{resultType}, inputs, ValueRange{init},
             maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(b, l, body(b, l, args.drop_back()));
             })
      .getResult(0);
}

std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  return axis;
}

Value wrapNegativeIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  Value i = arith::IndexCastOp::create(b, loc, b.getIndexType(), index);
  Value negative =
      arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, i,
                            arith::ConstantIndexOp::create(b, loc, 0));
  return arith::SelectOp::create(
      b, loc, negative,
      arith::AddIOp::create(b, loc, i,
                            arith::ConstantIndexOp::create(b, loc, size)),
      i);
}

Value clampIndex(OpBuilder &b, Location loc, Value i, int64_t size) {
  Value low = arith::MaxSIOp::create(b, loc, i,
                                     arith::ConstantIndexOp::create(b, loc, 0));
  return arith::MinSIOp::create(
      b, loc, low, arith::ConstantIndexOp::create(b, loc, size - 1));
}

Value reshapeTo(OpBuilder &builder, Location loc, Value value,
                RankedTensorType type) {
  auto shapeType =
      RankedTensorType::get({type.getRank()}, builder.getIndexType());
  SmallVector<APInt> dims;
  for (int64_t d : type.getShape())
    dims.push_back(APInt(64, d));
  Value shape = arith::ConstantOp::create(
      builder, loc, DenseElementsAttr::get(shapeType, dims));
  return tensor::ReshapeOp::create(builder, loc, type, value, shape);
}

Value buildBatchedMatmul(OpBuilder &builder, Location loc, Value a, Value b,
                         Value init) {
  MLIRContext *context = builder.getContext();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  AffineMap aMap = cast<RankedTensorType>(a.getType()).getRank() == 2
                       ? AffineMap::get(4, 0, {d(1), d(2)}, context)
                       : AffineMap::get(4, 0, {d(0), d(1), d(2)}, context);
  return linalg::GenericOp::create(
             builder, loc, TypeRange{init.getType()}, ValueRange{a, b},
             ValueRange{init},
             ArrayRef<AffineMap>{
                 aMap, AffineMap::get(4, 0, {d(0), d(2), d(3)}, context),
                 AffineMap::get(4, 0, {d(0), d(1), d(3)}, context)},
             {utils::IteratorType::parallel, utils::IteratorType::parallel,
              utils::IteratorType::reduction, utils::IteratorType::parallel},
             [](OpBuilder &b, Location l, ValueRange args) {
               Value m = arith::MulFOp::create(b, l, args[0], args[1]);
               linalg::YieldOp::create(
                   b, l, arith::AddFOp::create(b, l, args[2], m).getResult());
             })
      .getResult(0);
}

ElementsAttr getConstantElements(Value value) {
  ElementsAttr attr = getConstantTensor(value);
  if (!attr)
    matchPattern(value, m_Constant(&attr));
  return attr;
}

} // namespace weft
