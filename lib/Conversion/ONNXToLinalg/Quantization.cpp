//===- Quantization.cpp - QuantizeLinear and DequantizeLinear -------------===//
//
// Per-tensor or per-axis (scale and zero point along `axis`) linear
// quantization, one linalg.generic each:
//   QuantizeLinear:   y = saturate(round_half_even(x / scale) + zero_point)
//   DequantizeLinear: y = (x - zero_point) * scale
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"

using namespace mlir;

namespace weft {
namespace {

/// How a scale or zero point of `type` is read inside a loop nest over
/// `rank` dims: one value for all, or one per index of `axis`.
std::optional<AffineMap> getQuantParamMap(Type type, int64_t rank, int64_t axis,
                                          MLIRContext *context) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || !tensor.hasStaticShape() || tensor.getRank() > 1)
    return std::nullopt;
  if (tensor.getRank() == 0)
    return AffineMap::get(rank, 0, {}, context);
  if (tensor.getDimSize(0) == 1)
    return AffineMap::get(rank, 0, {getAffineConstantExpr(0, context)},
                          context);
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  return AffineMap::get(rank, 0, {getAffineDimExpr(axis, context)}, context);
}

/// An integer scalar as a float of `type`.
Value intToFloat(OpBuilder &b, Location loc, Value x, Type type,
                 bool isUnsigned) {
  if (isUnsigned)
    return arith::UIToFPOp::create(b, loc, type, x);
  return arith::SIToFPOp::create(b, loc, type, x);
}

/// The operands, maps and axis shared by both ops; failure if unsupported.
struct QuantOperands {
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  bool hasZeroPoint = false;
};
FailureOr<QuantOperands> getQuantOperands(Operation *op, Value x, Value scale,
                                          Value zeroPoint, int64_t axis,
                                          RankedTensorType resultType) {
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  if (!xType || !xType.hasStaticShape() || !resultType.hasStaticShape())
    return failure();
  int64_t rank = xType.getRank();
  if (axis < 0)
    axis += rank; // checked where a per-axis parameter needs it
  MLIRContext *context = op->getContext();
  QuantOperands result;
  result.inputs = {x, scale};
  result.maps = {AffineMap::getMultiDimIdentityMap(rank, context)};
  auto scaleMap = getQuantParamMap(scale.getType(), rank, axis, context);
  if (!scaleMap)
    return failure();
  result.maps.push_back(*scaleMap);
  if (!isa<NoneType>(zeroPoint.getType())) {
    auto zpMap = getQuantParamMap(zeroPoint.getType(), rank, axis, context);
    if (!zpMap)
      return failure();
    result.inputs.push_back(zeroPoint);
    result.maps.push_back(*zpMap);
    result.hasZeroPoint = true;
  }
  return result;
}

struct QuantizeLinearToLinalg : OpRewritePattern<ONNXQuantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXQuantizeLinearOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    auto intType = resultType
                       ? dyn_cast<IntegerType>(resultType.getElementType())
                       : nullptr;
    if (!intType || intType.getWidth() > 32 ||
        !isa<FloatType>(getElementTypeOrSelf(op.getX().getType())))
      return rewriter.notifyMatchFailure(op, "not float to integer");
    auto operands =
        getQuantOperands(op, op.getX(), op.getYScale(), op.getYZeroPoint(),
                         int64_t(op.getAxis()), resultType);
    if (failed(operands))
      return rewriter.notifyMatchFailure(op, "unsupported shapes");
    bool isUnsigned = isUnsignedResultOp(op);
    unsigned width = intType.getWidth();
    double lo = isUnsigned ? 0 : -std::ldexp(1.0, width - 1);
    double hi = isUnsigned ? std::ldexp(1.0, width) - 1
                           : std::ldexp(1.0, width - 1) - 1;
    bool hasZeroPoint = operands->hasZeroPoint;
    Value y = buildParallelGeneric(
        rewriter, op.getLoc(), resultType, operands->inputs, operands->maps,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Type f = args[0].getType();
          Value q = math::RoundEvenOp::create(
              b, l, arith::DivFOp::create(b, l, args[0], args[1]));
          if (hasZeroPoint)
            q = arith::AddFOp::create(b, l, q,
                                      intToFloat(b, l, args[2], f, isUnsigned));
          q = arith::MaximumFOp::create(
              b, l, q, arith::ConstantOp::create(b, l, b.getFloatAttr(f, lo)));
          q = arith::MinimumFOp::create(
              b, l, q, arith::ConstantOp::create(b, l, b.getFloatAttr(f, hi)));
          if (isUnsigned)
            return arith::FPToUIOp::create(b, l, intType, q);
          return arith::FPToSIOp::create(b, l, intType, q);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct DequantizeLinearToLinalg : OpRewritePattern<ONNXDequantizeLinearOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXDequantizeLinearOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || !isa<FloatType>(resultType.getElementType()) ||
        !getElementTypeOrSelf(op.getX().getType()).isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "not integer to float");
    auto operands =
        getQuantOperands(op, op.getX(), op.getXScale(), op.getXZeroPoint(),
                         int64_t(op.getAxis()), resultType);
    if (failed(operands))
      return rewriter.notifyMatchFailure(op, "unsupported shapes");
    bool isUnsigned = isUnsignedOperandOp(op);
    bool hasZeroPoint = operands->hasZeroPoint;
    Type f = resultType.getElementType();
    Value y = buildParallelGeneric(
        rewriter, op.getLoc(), resultType, operands->inputs, operands->maps,
        [&](OpBuilder &b, Location l, ValueRange args) -> Value {
          Value x = intToFloat(b, l, args[0], f, isUnsigned);
          if (hasZeroPoint)
            x = arith::SubFOp::create(b, l, x,
                                      intToFloat(b, l, args[2], f, isUnsigned));
          return arith::MulFOp::create(b, l, x, args[1]);
        });
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateONNXQuantizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<QuantizeLinearToLinalg, DequantizeLinearToLinalg>(
      patterns.getContext());
}

} // namespace weft
