//===- Indexing.cpp - Gathers, triangles and inference-time dropout -------===//
//
// Ops whose output element is read from a computed position of an input:
// one linalg.generic over the output shape whose body computes the position
// from linalg.index values (and index operands) and reads it with
// tensor.extract. Indices out of range are clamped, so a bad index never reads
// outside the tensor.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace weft {
namespace {

/// `index` (any integer type) as an index into a dim of `size`: negative
/// values count from the end, then the result is clamped into [0, size).
Value normalizeIndex(OpBuilder &b, Location loc, Value index, int64_t size) {
  return clampIndex(b, loc, wrapNegativeIndex(b, loc, index, size), size);
}

/// Gather: out[i..., j..., k...] = data[i..., indices[j...], k...].
struct GatherToLinalg : OpRewritePattern<ONNXGatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXGatherOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto dataType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto indicesType = dyn_cast<RankedTensorType>(op.getIndices().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !indicesType || !resultType ||
        !dataType.hasStaticShape() || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "shapes are not static");
    auto axis = normalizeAxis(int64_t(op.getAxis()), dataType.getRank());
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t indexRank = indicesType.getRank(), rank = resultType.getRank();
    MLIRContext *context = getContext();
    SmallVector<AffineExpr> indexExprs;
    for (int64_t d = 0; d < indexRank; ++d)
      indexExprs.push_back(getAffineDimExpr(*axis + d, context));
    AffineMap indexMap = AffineMap::get(rank, 0, indexExprs, context);
    Location loc = op.getLoc();
    Value data = op.getData();
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{resultType}, ValueRange{op.getIndices()},
        ValueRange{init},
        ArrayRef<AffineMap>{indexMap, rewriter.getMultiDimIdentityMap(rank)},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> position;
          for (int64_t d = 0; d < dataType.getRank(); ++d) {
            if (d < *axis)
              position.push_back(linalg::IndexOp::create(b, l, d));
            else if (d == *axis)
              position.push_back(
                  normalizeIndex(b, l, args[0], dataType.getDimSize(d)));
            else
              position.push_back(
                  linalg::IndexOp::create(b, l, d - 1 + indexRank));
          }
          linalg::YieldOp::create(
              b, l,
              ValueRange{tensor::ExtractOp::create(b, l, data, position)});
        });
    return success();
  }
};

/// GatherElements: out[p] = data[p with p[axis] = indices[p]].
struct GatherElementsToLinalg : OpRewritePattern<ONNXGatherElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXGatherElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto dataType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !resultType || !dataType.hasStaticShape() ||
        !resultType.hasStaticShape() ||
        resultType.getRank() != dataType.getRank())
      return rewriter.notifyMatchFailure(op, "shapes are not static");
    int64_t rank = resultType.getRank();
    auto axis = normalizeAxis(int64_t(op.getAxis()), rank);
    if (!axis)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    Location loc = op.getLoc();
    Value data = op.getData();
    Value init = tensor::EmptyOp::create(rewriter, loc, resultType.getShape(),
                                         resultType.getElementType());
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{resultType}, ValueRange{op.getIndices()},
        ValueRange{init}, ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          SmallVector<Value> position;
          for (int64_t d = 0; d < rank; ++d)
            position.push_back(
                d == *axis
                    ? normalizeIndex(b, l, args[0], dataType.getDimSize(d))
                    : Value(linalg::IndexOp::create(b, l, d)));
          linalg::YieldOp::create(
              b, l,
              ValueRange{tensor::ExtractOp::create(b, l, data, position)});
        });
    return success();
  }
};

/// Trilu: keeps the upper (col - row >= k) or lower (col - row <= k) triangle
/// of the last two dims; k is an optional scalar operand.
struct TriluToLinalg : OpRewritePattern<ONNXTriluOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXTriluOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
        type != op.getType())
      return rewriter.notifyMatchFailure(op, "not a static matrix stack");
    Location loc = op.getLoc();
    Value k = arith::ConstantIndexOp::create(rewriter, loc, 0);
    if (!isa<NoneType>(op.getK().getType())) {
      auto kType = dyn_cast<RankedTensorType>(op.getK().getType());
      if (!kType || kType.getNumElements() != 1)
        return rewriter.notifyMatchFailure(op, "k is not a scalar");
      SmallVector<Value> zeros(
          kType.getRank(), arith::ConstantIndexOp::create(rewriter, loc, 0));
      k = arith::IndexCastOp::create(
          rewriter, loc, rewriter.getIndexType(),
          tensor::ExtractOp::create(rewriter, loc, op.getK(), zeros));
    }
    bool upper = op.getUpper() != 0;
    int64_t rank = type.getRank();
    Type element = type.getElementType();
    Value init =
        tensor::EmptyOp::create(rewriter, loc, type.getShape(), element);
    AffineMap identity = rewriter.getMultiDimIdentityMap(rank);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{type}, ValueRange{op.getInput()}, ValueRange{init},
        ArrayRef<AffineMap>{identity, identity}, iterators,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value row = linalg::IndexOp::create(b, l, rank - 2);
          Value col = linalg::IndexOp::create(b, l, rank - 1);
          Value diagonal = arith::SubIOp::create(b, l, col, row);
          Value keep = arith::CmpIOp::create(b, l,
                                             upper ? arith::CmpIPredicate::sge
                                                   : arith::CmpIPredicate::sle,
                                             diagonal, k);
          Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(element));
          linalg::YieldOp::create(
              b, l,
              ValueRange{arith::SelectOp::create(b, l, keep, args[0], zero)});
        });
    return success();
  }
};

/// Dropout outside training is the identity; its mask, where asked for, is
/// all true. A training_mode operand must be absent or a constant false.
struct DropoutToIdentity : OpRewritePattern<ONNXDropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXDropoutOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    Value training = op.getTrainingMode();
    if (!isa<NoneType>(training.getType())) {
      auto constant = training.getDefiningOp<ONNXConstantOp>();
      auto value = constant ? dyn_cast_or_null<DenseElementsAttr>(
                                  getConstantOpValue(constant))
                            : nullptr;
      if (!value || !value.isSplat() || value.getSplatValue<bool>())
        return rewriter.notifyMatchFailure(op, "training mode");
    }
    if (op.getData().getType() != op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "types differ");
    SmallVector<Value> results{op.getData()};
    Value mask = op.getMask();
    if (!isa<NoneType>(mask.getType())) {
      auto maskType = dyn_cast<RankedTensorType>(mask.getType());
      if (!maskType || !maskType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "mask shape is not static");
      results.push_back(makeFilledTensor(rewriter, op.getLoc(),
                                         maskType.getShape(),
                                         maskType.getElementType(), 1));
    } else {
      results.push_back(mask);
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// EyeLike: ones on the k-th diagonal of a matrix shaped like the input.
struct EyeLikeToLinalg : OpRewritePattern<ONNXEyeLikeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXEyeLikeOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape() || type.getRank() != 2)
      return rewriter.notifyMatchFailure(op, "not a static matrix");
    Type element = type.getElementType();
    if (!isa<FloatType>(element) && !element.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "element type");
    int64_t k = int64_t(op.getK());
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), type, {}, {},
                [&](OpBuilder &b, Location l, ValueRange) -> Value {
                  Value row = linalg::IndexOp::create(b, l, 0);
                  Value col = linalg::IndexOp::create(b, l, 1);
                  Value onDiagonal = arith::CmpIOp::create(
                      b, l, arith::CmpIPredicate::eq,
                      arith::SubIOp::create(b, l, col, row),
                      arith::ConstantIndexOp::create(b, l, k));
                  Value one = arith::ConstantOp::create(
                      b, l, cast<TypedAttr>(b.getOneAttr(element)));
                  Value zero = arith::ConstantOp::create(
                      b, l, cast<TypedAttr>(b.getZeroAttr(element)));
                  return arith::SelectOp::create(b, l, onDiagonal, one, zero);
                }));
    return success();
  }
};

/// DepthToSpace and SpaceToDepth on NCHW: each output element is read from
/// the input position the block rearrangement sends it to.
template <typename OpTy, bool toSpace>
struct BlockRearrangeToLinalg : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!inType || !type || !inType.hasStaticShape() ||
        !type.hasStaticShape() || type.getRank() != 4)
      return rewriter.notifyMatchFailure(op, "not a static NCHW tensor");
    int64_t block = int64_t(op.getBlocksize());
    bool columnRowDepth = false;
    if constexpr (toSpace)
      columnRowDepth = op.getMode() == "CRD";
    // Channels on the depth side: the output's for DepthToSpace's input.
    int64_t channels = toSpace ? type.getDimSize(1) : inType.getDimSize(1);
    Value input = op.getInput();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, op.getLoc(), type, {}, {},
            [&](OpBuilder &b, Location l, ValueRange) -> Value {
              auto c = [&](int64_t v) -> Value {
                return arith::ConstantIndexOp::create(b, l, v);
              };
              Value n = linalg::IndexOp::create(b, l, 0);
              Value ch = linalg::IndexOp::create(b, l, 1);
              Value h = linalg::IndexOp::create(b, l, 2);
              Value w = linalg::IndexOp::create(b, l, 3);
              Value bs = c(block);
              SmallVector<Value> position;
              if (toSpace) {
                // out[n, ch, h, w] = in[n, depth, h / b, w / b]
                Value i = arith::RemUIOp::create(b, l, h, bs);
                Value j = arith::RemUIOp::create(b, l, w, bs);
                Value ij = arith::AddIOp::create(
                    b, l, arith::MulIOp::create(b, l, i, bs), j);
                Value depth =
                    columnRowDepth
                        ? arith::AddIOp::create(
                              b, l,
                              arith::MulIOp::create(b, l, ch, c(block * block)),
                              ij)
                        : arith::AddIOp::create(
                              b, l,
                              arith::MulIOp::create(b, l, ij, c(channels)), ch);
                position = {n, depth, arith::DivUIOp::create(b, l, h, bs),
                            arith::DivUIOp::create(b, l, w, bs)};
              } else {
                // out[n, (i * b + j) * C + c, h, w] = in[n, c, h*b+i, w*b+j]
                Value cc = arith::RemUIOp::create(b, l, ch, c(channels));
                Value ij = arith::DivUIOp::create(b, l, ch, c(channels));
                Value i = arith::DivUIOp::create(b, l, ij, bs);
                Value j = arith::RemUIOp::create(b, l, ij, bs);
                position = {n, cc,
                            arith::AddIOp::create(
                                b, l, arith::MulIOp::create(b, l, h, bs), i),
                            arith::AddIOp::create(
                                b, l, arith::MulIOp::create(b, l, w, bs), j)};
              }
              return tensor::ExtractOp::create(b, l, input, position);
            }));
    return success();
  }
};

} // namespace

void populateONNXIndexingToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<GatherToLinalg, GatherElementsToLinalg, TriluToLinalg,
               DropoutToIdentity, EyeLikeToLinalg,
               BlockRearrangeToLinalg<ONNXDepthToSpaceOp, true>,
               BlockRearrangeToLinalg<ONNXSpaceToDepthOp, false>>(
      patterns.getContext());
}

} // namespace weft
