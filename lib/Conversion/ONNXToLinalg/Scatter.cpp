//===- Scatter.cpp - ScatterElements, ScatterND and GatherND --------------===//
//
// Scatters in gather form: each output element starts from the data and
// folds in, in order, every update whose index lands on it (a loop over the
// updates in the linalg.generic body), so the result is a pure function of
// the position: no writes to computed addresses, and duplicate indices apply
// in order as ONNX's reference does. GatherND reads its index tuple from the
// indices tensor. Indices out of range are clamped for reading; an update
// whose index is out of range lands nowhere.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace weft {
namespace {

Value indexConstant(OpBuilder &b, Location loc, int64_t v) {
  return arith::ConstantIndexOp::create(b, loc, v);
}

/// Combines an update into the current value as `reduction` says.
Value combine(OpBuilder &b, Location loc, StringRef reduction, Value current,
              Value update) {
  bool isFloat = isa<FloatType>(current.getType());
  if (reduction == "add")
    return isFloat ? Value(arith::AddFOp::create(b, loc, current, update))
                   : Value(arith::AddIOp::create(b, loc, current, update));
  if (reduction == "mul")
    return isFloat ? Value(arith::MulFOp::create(b, loc, current, update))
                   : Value(arith::MulIOp::create(b, loc, current, update));
  if (reduction == "max")
    return isFloat ? Value(arith::MaximumFOp::create(b, loc, current, update))
                   : Value(arith::MaxSIOp::create(b, loc, current, update));
  if (reduction == "min")
    return isFloat ? Value(arith::MinimumFOp::create(b, loc, current, update))
                   : Value(arith::MinSIOp::create(b, loc, current, update));
  return update; // "none": the last update wins
}

bool isKnownReduction(StringRef reduction) {
  return llvm::is_contained({"none", "add", "mul", "max", "min"}, reduction);
}

bool isStatic(Value v) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  return type && type.hasStaticShape();
}

/// ScatterElements: out[q] folds in updates[p] for every p with
/// p == q off the axis and indices[p] == q[axis].
struct ScatterElementsToLinalg : OpRewritePattern<ONNXScatterElementsOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXScatterElementsOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    if (!type || !isStatic(op.getData()) || !isStatic(op.getUpdates()) ||
        !isStatic(op.getIndices()) || type != op.getType() ||
        !isKnownReduction(op.getReduction()))
      return rewriter.notifyMatchFailure(op, "not static");
    auto updatesType = cast<RankedTensorType>(op.getUpdates().getType());
    int64_t rank = type.getRank();
    std::optional<int64_t> normalized =
        normalizeAxis(int64_t(op.getAxis()), rank);
    if (!normalized || updatesType.getRank() != rank)
      return rewriter.notifyMatchFailure(op, "axis out of range");
    int64_t axis = *normalized;
    Value data = op.getData(), indices = op.getIndices(),
          updates = op.getUpdates();
    StringRef reduction = op.getReduction();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, op.getLoc(), type, ValueRange{data},
            {rewriter.getMultiDimIdentityMap(rank)},
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              SmallVector<Value> q;
              Value covered =
                  arith::ConstantOp::create(b, l, b.getBoolAttr(true));
              for (int64_t d = 0; d < rank; ++d) {
                q.push_back(linalg::IndexOp::create(b, l, d));
                if (d != axis)
                  covered = arith::AndIOp::create(
                      b, l, covered,
                      arith::CmpIOp::create(
                          b, l, arith::CmpIPredicate::slt, q[d],
                          indexConstant(b, l, updatesType.getDimSize(d))));
              }
              // Positions off the updates' extent get no update.
              Value count = arith::SelectOp::create(
                  b, l, covered,
                  indexConstant(b, l, updatesType.getDimSize(axis)),
                  indexConstant(b, l, 0));
              auto loop = scf::ForOp::create(
                  b, l, indexConstant(b, l, 0), count, indexConstant(b, l, 1),
                  ValueRange{args[0]},
                  [&](OpBuilder &lb, Location ll, Value j, ValueRange current) {
                    SmallVector<Value> p(q);
                    p[axis] = j;
                    Value target = wrapNegativeIndex(
                        lb, ll, tensor::ExtractOp::create(lb, ll, indices, p),
                        type.getDimSize(axis));
                    Value hits = arith::CmpIOp::create(
                        lb, ll, arith::CmpIPredicate::eq, target, q[axis]);
                    Value update =
                        tensor::ExtractOp::create(lb, ll, updates, p);
                    Value next = arith::SelectOp::create(
                        lb, ll, hits,
                        combine(lb, ll, reduction, current[0], update),
                        current[0]);
                    scf::YieldOp::create(lb, ll, next);
                  });
              return loop.getResult(0);
            }));
    return success();
  }
};

/// ScatterND: out[q] folds in updates[u, q[k:]] for every index tuple u with
/// indices[u, 0..k) == q[0..k).
struct ScatterNDToLinalg : OpRewritePattern<ONNXScatterNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXScatterNDOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    if (!type || !isStatic(op.getData()) || !isStatic(op.getUpdates()) ||
        !isStatic(op.getIndices()) || type != op.getType() ||
        !isKnownReduction(op.getReduction()))
      return rewriter.notifyMatchFailure(op, "not static");
    auto indicesType = cast<RankedTensorType>(op.getIndices().getType());
    int64_t rank = type.getRank(), indexRank = indicesType.getRank();
    int64_t k = indicesType.getDimSize(indexRank - 1);
    if (indexRank < 1 || k < 1 || k > rank)
      return rewriter.notifyMatchFailure(op, "bad index depth");
    // The index tuples, flattened: [tuples, k]; updates: [tuples, rest...].
    int64_t tuples = indicesType.getNumElements() / k;
    Location loc = op.getLoc();
    Value indices = reshapeTo(
        rewriter, loc, op.getIndices(),
        RankedTensorType::get({tuples, k}, indicesType.getElementType()));
    SmallVector<int64_t> updatesShape = {tuples};
    for (int64_t d = k; d < rank; ++d)
      updatesShape.push_back(type.getDimSize(d));
    Value updates =
        reshapeTo(rewriter, loc, op.getUpdates(),
                  RankedTensorType::get(updatesShape, type.getElementType()));
    StringRef reduction = op.getReduction();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, loc, type, ValueRange{op.getData()},
            {rewriter.getMultiDimIdentityMap(rank)},
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              SmallVector<Value> q;
              for (int64_t d = 0; d < rank; ++d)
                q.push_back(linalg::IndexOp::create(b, l, d));
              auto loop = scf::ForOp::create(
                  b, l, indexConstant(b, l, 0), indexConstant(b, l, tuples),
                  indexConstant(b, l, 1), ValueRange{args[0]},
                  [&](OpBuilder &lb, Location ll, Value u, ValueRange current) {
                    Value hits =
                        arith::ConstantOp::create(lb, ll, lb.getBoolAttr(true));
                    for (int64_t t = 0; t < k; ++t) {
                      Value target = wrapNegativeIndex(
                          lb, ll,
                          tensor::ExtractOp::create(
                              lb, ll, indices,
                              ValueRange{u, indexConstant(lb, ll, t)}),
                          type.getDimSize(t));
                      hits = arith::AndIOp::create(
                          lb, ll, hits,
                          arith::CmpIOp::create(
                              lb, ll, arith::CmpIPredicate::eq, target, q[t]));
                    }
                    SmallVector<Value> at = {u};
                    at.append(q.begin() + k, q.end());
                    Value update =
                        tensor::ExtractOp::create(lb, ll, updates, at);
                    scf::YieldOp::create(
                        lb, ll,
                        ValueRange{arith::SelectOp::create(
                            lb, ll, hits,
                            combine(lb, ll, reduction, current[0], update),
                            current[0])});
                  });
              return loop.getResult(0);
            }));
    return success();
  }
};

/// GatherND: out[i..., j...] = data[batch i..., indices[i..., 0..k), j...].
struct GatherNDToLinalg : OpRewritePattern<ONNXGatherNDOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXGatherNDOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto dataType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto indicesType = dyn_cast<RankedTensorType>(op.getIndices().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!dataType || !indicesType || !resultType || !isStatic(op.getData()) ||
        !isStatic(op.getIndices()) || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not static");
    int64_t batchDims = int64_t(op.getBatchDims());
    int64_t q = indicesType.getRank(), k = indicesType.getDimSize(q - 1);
    if (q < 1 || k < 1 || batchDims + k > dataType.getRank())
      return rewriter.notifyMatchFailure(op, "bad index depth");
    Value data = op.getData(), indices = op.getIndices();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), resultType, {}, {},
                [&](OpBuilder &b, Location l, ValueRange) -> Value {
                  // Output dims: indices' leading q - 1, then data's rest.
                  SmallVector<Value> lead, position;
                  for (int64_t d = 0; d < q - 1; ++d)
                    lead.push_back(linalg::IndexOp::create(b, l, d));
                  for (int64_t d = 0; d < batchDims; ++d)
                    position.push_back(lead[d]);
                  for (int64_t t = 0; t < k; ++t) {
                    SmallVector<Value> at(lead);
                    at.push_back(indexConstant(b, l, t));
                    int64_t size = dataType.getDimSize(batchDims + t);
                    position.push_back(clampIndex(
                        b, l,
                        wrapNegativeIndex(
                            b, l, tensor::ExtractOp::create(b, l, indices, at),
                            size),
                        size));
                  }
                  for (int64_t d = q - 1; d < resultType.getRank(); ++d)
                    position.push_back(linalg::IndexOp::create(b, l, d));
                  return tensor::ExtractOp::create(b, l, data, position);
                }));
    return success();
  }
};

} // namespace

void populateONNXScatterToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ScatterElementsToLinalg, ScatterNDToLinalg, GatherNDToLinalg>(
      patterns.getContext());
}

} // namespace weft
