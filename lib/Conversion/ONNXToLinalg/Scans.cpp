//===- Scans.cpp - CumSum and Hardmax: each element scans its axis --------===//
//
// Each output element is computed by a loop along one axis of the input
// (scf.for inside the linalg.generic body). The axis of CumSum is an operand
// read at run time, so the loop's dim is chosen at run time too.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace weft {
namespace {

/// Among `rank` dims, the value `pick(d)` of the dim equal to `axis` (an
/// index value).
Value selectByAxis(OpBuilder &b, Location loc, Value axis, int64_t rank,
                   llvm::function_ref<Value(int64_t)> pick) {
  Value result = pick(0);
  for (int64_t d = 1; d < rank; ++d) {
    Value isAxis =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, axis,
                              arith::ConstantIndexOp::create(b, loc, d));
    result = arith::SelectOp::create(b, loc, isAxis, pick(d), result);
  }
  return result;
}

/// CumSum(x, axis): running sums along `axis`, optionally exclusive and/or
/// from the end.
struct CumSumToLinalg : OpRewritePattern<ONNXCumSumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXCumSumOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getX().getType());
    auto axisType = dyn_cast<RankedTensorType>(op.getAxis().getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
        type != op.getType() || !axisType || axisType.getNumElements() != 1)
      return rewriter.notifyMatchFailure(op, "not a static tensor");
    Type element = type.getElementType();
    if (!isa<FloatType>(element) && !element.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "element type");
    Location loc = op.getLoc();
    int64_t rank = type.getRank();
    SmallVector<Value> zeros(axisType.getRank(),
                             arith::ConstantIndexOp::create(rewriter, loc, 0));
    Value axis = arith::IndexCastOp::create(
        rewriter, loc, rewriter.getIndexType(),
        tensor::ExtractOp::create(rewriter, loc, op.getAxis(), zeros));
    Value negative =
        arith::CmpIOp::create(rewriter, loc, arith::CmpIPredicate::slt, axis,
                              arith::ConstantIndexOp::create(rewriter, loc, 0));
    axis = arith::SelectOp::create(
        rewriter, loc, negative,
        arith::AddIOp::create(
            rewriter, loc, axis,
            arith::ConstantIndexOp::create(rewriter, loc, rank)),
        axis);
    bool exclusive = op.getExclusive() != 0, reverse = op.getReverse() != 0;
    Value x = op.getX();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, loc, type, {}, {},
            [&](OpBuilder &b, Location l, ValueRange) -> Value {
              SmallVector<Value> here;
              for (int64_t d = 0; d < rank; ++d)
                here.push_back(linalg::IndexOp::create(b, l, d));
              Value position = selectByAxis(b, l, axis, rank,
                                            [&](int64_t d) { return here[d]; });
              Value length = selectByAxis(b, l, axis, rank, [&](int64_t d) {
                return arith::ConstantIndexOp::create(b, l, type.getDimSize(d));
              });
              Value zero = arith::ConstantOp::create(
                  b, l, cast<TypedAttr>(b.getZeroAttr(element)));
              auto loop = scf::ForOp::create(
                  b, l, arith::ConstantIndexOp::create(b, l, 0), length,
                  arith::ConstantIndexOp::create(b, l, 1), ValueRange{zero},
                  [&](OpBuilder &lb, Location ll, Value j, ValueRange sum) {
                    using P = arith::CmpIPredicate;
                    P predicate = reverse ? (exclusive ? P::ugt : P::uge)
                                          : (exclusive ? P::ult : P::ule);
                    Value included =
                        arith::CmpIOp::create(lb, ll, predicate, j, position);
                    SmallVector<Value> from;
                    for (int64_t d = 0; d < rank; ++d) {
                      Value isAxis = arith::CmpIOp::create(
                          lb, ll, P::eq, axis,
                          arith::ConstantIndexOp::create(lb, ll, d));
                      from.push_back(
                          arith::SelectOp::create(lb, ll, isAxis, j, here[d]));
                    }
                    Value v = tensor::ExtractOp::create(lb, ll, x, from);
                    v = arith::SelectOp::create(lb, ll, included, v, zero);
                    Value next =
                        isa<FloatType>(element)
                            ? Value(arith::AddFOp::create(lb, ll, sum[0], v))
                            : Value(arith::AddIOp::create(lb, ll, sum[0], v));
                    scf::YieldOp::create(lb, ll, next);
                  });
              return loop.getResult(0);
            }));
    return success();
  }
};

/// Hardmax: 1 where an element is the first largest along `axis`, else 0.
struct HardmaxToLinalg : OpRewritePattern<ONNXHardmaxOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXHardmaxOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape() || type.getRank() == 0 ||
        type != op.getType() || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    int64_t rank = type.getRank();
    std::optional<int64_t> normalized =
        normalizeAxis(int64_t(op.getAxis()), rank);
    if (!normalized)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *normalized;
    Type element = type.getElementType();
    Value input = op.getInput();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, op.getLoc(), type, {}, {},
            [&](OpBuilder &b, Location l, ValueRange) -> Value {
              SmallVector<Value> position;
              for (int64_t d = 0; d < rank; ++d)
                position.push_back(linalg::IndexOp::create(b, l, d));
              Value here = position[axis];
              SmallVector<Value> first(position);
              first[axis] = arith::ConstantIndexOp::create(b, l, 0);
              Value firstValue = tensor::ExtractOp::create(b, l, input, first);
              auto loop = scf::ForOp::create(
                  b, l, arith::ConstantIndexOp::create(b, l, 1),
                  arith::ConstantIndexOp::create(b, l, type.getDimSize(axis)),
                  arith::ConstantIndexOp::create(b, l, 1),
                  ValueRange{firstValue, first[axis]},
                  [&](OpBuilder &lb, Location ll, Value j, ValueRange best) {
                    SmallVector<Value> at(position);
                    at[axis] = j;
                    Value v = tensor::ExtractOp::create(lb, ll, input, at);
                    Value better = arith::CmpFOp::create(
                        lb, ll, arith::CmpFPredicate::OGT, v, best[0]);
                    scf::YieldOp::create(
                        lb, ll,
                        ValueRange{
                            arith::SelectOp::create(lb, ll, better, v, best[0]),
                            arith::SelectOp::create(lb, ll, better, j,
                                                    best[1])});
                  });
              Value isBest = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, here, loop.getResult(1));
              return arith::SelectOp::create(
                  b, l, isBest,
                  arith::ConstantOp::create(b, l, b.getFloatAttr(element, 1)),
                  arith::ConstantOp::create(b, l, b.getFloatAttr(element, 0)));
            }));
    return success();
  }
};

} // namespace

void populateONNXScanToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<CumSumToLinalg, HardmaxToLinalg>(patterns.getContext());
}

} // namespace weft
