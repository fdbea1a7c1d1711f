//===- CastConcat.cpp - Cast and Concat to linalg and tensor
//---------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace weft {
namespace {

/// Converts one scalar between number types as ONNX's Cast does (floats to
/// integers truncate; to bool, nonzero is true). Integers are signless here;
/// the flags say which side is unsigned.
Value castScalar(OpBuilder &b, Location loc, Value x, Type to,
                 bool fromUnsigned, bool toUnsigned) {
  Type from = x.getType();
  if (from == to)
    return x;
  auto fromInt = dyn_cast<IntegerType>(from), toInt = dyn_cast<IntegerType>(to);
  auto fromFloat = dyn_cast<FloatType>(from), toFloat = dyn_cast<FloatType>(to);
  if (toInt && toInt.getWidth() == 1) {
    Value zero = arith::ConstantOp::create(b, loc, b.getZeroAttr(from));
    if (fromFloat)
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNE, x, zero);
    return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ne, x, zero);
  }
  if (fromFloat && toFloat)
    return fromFloat.getWidth() < toFloat.getWidth()
               ? Value(arith::ExtFOp::create(b, loc, to, x))
               : Value(arith::TruncFOp::create(b, loc, to, x));
  if (fromFloat && toInt)
    return toUnsigned ? Value(arith::FPToUIOp::create(b, loc, to, x))
                      : Value(arith::FPToSIOp::create(b, loc, to, x));
  bool zeroExtend = fromInt && (fromInt.getWidth() == 1 || fromUnsigned);
  if (fromInt && toFloat)
    return zeroExtend ? Value(arith::UIToFPOp::create(b, loc, to, x))
                      : Value(arith::SIToFPOp::create(b, loc, to, x));
  if (fromInt && toInt) {
    if (fromInt.getWidth() < toInt.getWidth())
      return zeroExtend ? Value(arith::ExtUIOp::create(b, loc, to, x))
                        : Value(arith::ExtSIOp::create(b, loc, to, x));
    if (fromInt.getWidth() == toInt.getWidth())
      return x;
    return arith::TruncIOp::create(b, loc, to, x);
  }
  return nullptr;
}

/// Whether castScalar converts between these (signless) element types.
bool isCastSupported(Type from, Type to) {
  auto isNumber = [](Type t) {
    return isa<FloatType>(t) || t.isSignlessInteger();
  };
  return isNumber(from) && isNumber(to);
}

/// Cast and CastLike (whose target type is its second operand's).
template <typename OpTy> struct CastToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not static");
    Type from = getElementTypeOrSelf(op->getOperand(0).getType());
    if (!isCastSupported(from, type.getElementType()))
      return rewriter.notifyMatchFailure(op, "unsupported cast");
    // CastLike's second operand only gives the type.
    bool fromUnsigned = isUnsignedOperand(op, 0);
    bool toUnsigned = isUnsignedResultOp(op);
    Value out = tensor::EmptyOp::create(rewriter, op.getLoc(), type.getShape(),
                                        type.getElementType());
    AffineMap id = rewriter.getMultiDimIdentityMap(type.getRank());
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{type}, ValueRange{op->getOperand(0)}, ValueRange{out},
        ArrayRef<AffineMap>{id, id},
        SmallVector<utils::IteratorType>(type.getRank(),
                                         utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(b, loc,
                                  castScalar(b, loc, args[0],
                                             type.getElementType(),
                                             fromUnsigned, toUnsigned));
        });
    return success();
  }
};

/// Split along an axis into static pieces: one extract_slice each.
struct SplitToExtracts : OpRewritePattern<ONNXSplitOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXSplitOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not static");
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    int64_t covered = 0;
    for (Value result : op->getResults()) {
      auto pieceType = dyn_cast<RankedTensorType>(result.getType());
      if (!pieceType || !pieceType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "output not static");
      covered += pieceType.getDimSize(axis);
    }
    if (covered != type.getDimSize(axis))
      return rewriter.notifyMatchFailure(op, "pieces do not cover the axis");
    SmallVector<Value> pieces;
    int64_t offset = 0;
    for (Value result : op->getResults()) {
      auto pieceType = cast<RankedTensorType>(result.getType());
      // An empty piece reads nothing (a slice at the end would be out of
      // bounds of an empty input).
      if (pieceType.getNumElements() == 0) {
        pieces.push_back(tensor::EmptyOp::create(rewriter, op.getLoc(),
                                                 pieceType.getShape(),
                                                 pieceType.getElementType()));
        continue;
      }
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0)), sizes,
          strides(rank, rewriter.getIndexAttr(1));
      offsets[axis] = rewriter.getIndexAttr(offset);
      for (int64_t d : pieceType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      pieces.push_back(tensor::ExtractSliceOp::create(rewriter, op.getLoc(),
                                                      pieceType, op.getInput(),
                                                      offsets, sizes, strides));
      offset += pieceType.getDimSize(axis);
    }
    rewriter.replaceOp(op, pieces);
    return success();
  }
};

/// Concat of static tensors: each input inserted at its offset.
struct ConcatToInsertSlices : OpRewritePattern<ONNXConcatOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXConcatOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not static");
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    Value result = tensor::EmptyOp::create(
        rewriter, op.getLoc(), type.getShape(), type.getElementType());
    int64_t offset = 0;
    for (Value input : op.getInputs()) {
      auto inputType = dyn_cast<RankedTensorType>(input.getType());
      if (!inputType || !inputType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "input not static");
      SmallVector<OpFoldResult> offsets(rank, rewriter.getIndexAttr(0));
      offsets[axis] = rewriter.getIndexAttr(offset);
      SmallVector<OpFoldResult> sizes, strides(rank, rewriter.getIndexAttr(1));
      for (int64_t d : inputType.getShape())
        sizes.push_back(rewriter.getIndexAttr(d));
      result = tensor::InsertSliceOp::create(rewriter, op.getLoc(), input,
                                             result, offsets, sizes, strides);
      offset += inputType.getDimSize(axis);
    }
    rewriter.replaceOp(op, result);
    return success();
  }
};

} // namespace

void populateONNXCastConcatToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CastToGeneric<ONNXCastOp>, CastToGeneric<ONNXCastLikeOp>,
               ConcatToInsertSlices, SplitToExtracts>(patterns.getContext());
}

} // namespace weft
