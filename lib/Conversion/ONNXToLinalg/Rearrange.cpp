//===- Rearrange.cpp - Pad, Tile, Expand and Slice ------------------------===//
//
// Ops that copy input elements to other positions, with the shape-giving
// operands (pads, repeats, shape, slice bounds) constant: one parallel
// linalg.generic over the output that computes where each element comes from.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace weft {
namespace {

/// `index` (an index value) kept inside [0, size) as Pad's `mode` says:
/// "edge" clamps, "reflect" mirrors without repeating the border.
Value foldIntoRange(OpBuilder &b, Location loc, Value index, int64_t size,
                    StringRef mode) {
  auto c = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  if (mode == "reflect" && size > 1) {
    // Mirror with period 2 * (size - 1).
    int64_t period = 2 * (size - 1);
    Value m = arith::RemSIOp::create(b, loc, index, c(period));
    Value negative =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, m, c(0));
    m = arith::SelectOp::create(b, loc, negative,
                                arith::AddIOp::create(b, loc, m, c(period)), m);
    Value upper =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::sge, m, c(size));
    return arith::SelectOp::create(
        b, loc, upper, arith::SubIOp::create(b, loc, c(period), m), m);
  }
  return arith::MinSIOp::create(
      b, loc, arith::MaxSIOp::create(b, loc, index, c(0)), c(size - 1));
}

/// Pad with constant pads (negative ones crop) in constant, edge or reflect
/// mode.
struct PadToLinalg : OpRewritePattern<ONNXPadOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXPadOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || !type.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not static");
    int64_t rank = type.getRank();
    auto pads = getConstantIntValues(op.getPads(), std::nullopt);
    StringRef mode = op.getMode();
    if (!pads || int64_t(pads->size()) != 2 * rank ||
        !(mode == "constant" || mode == "edge" || mode == "reflect"))
      return rewriter.notifyMatchFailure(op, "pads not constant");
    Location loc = op.getLoc();
    Type elt = type.getElementType();
    Value fill = arith::ConstantOp::create(
        rewriter, loc, cast<TypedAttr>(rewriter.getZeroAttr(elt)));
    Value value = op.getConstantValue();
    if (!isa<NoneType>(value.getType())) {
      auto valueType = cast<RankedTensorType>(value.getType());
      SmallVector<Value> zeros(
          valueType.getRank(),
          arith::ConstantIndexOp::create(rewriter, loc, 0));
      fill = tensor::ExtractOp::create(rewriter, loc, value, zeros);
    }
    Value data = op.getData();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, loc, resultType, {}, {},
                [&](OpBuilder &b, Location l, ValueRange) -> Value {
                  SmallVector<Value> position;
                  Value inside =
                      arith::ConstantOp::create(b, l, b.getBoolAttr(true));
                  for (int64_t d = 0; d < rank; ++d) {
                    Value i = arith::SubIOp::create(
                        b, l, linalg::IndexOp::create(b, l, d),
                        arith::ConstantIndexOp::create(b, l, (*pads)[d]));
                    int64_t size = type.getDimSize(d);
                    if (mode == "constant") {
                      Value ok = arith::AndIOp::create(
                          b, l,
                          arith::CmpIOp::create(
                              b, l, arith::CmpIPredicate::sge, i,
                              arith::ConstantIndexOp::create(b, l, 0)),
                          arith::CmpIOp::create(
                              b, l, arith::CmpIPredicate::slt, i,
                              arith::ConstantIndexOp::create(b, l, size)));
                      inside = arith::AndIOp::create(b, l, inside, ok);
                    }
                    position.push_back(foldIntoRange(b, l, i, size, mode));
                  }
                  Value v = tensor::ExtractOp::create(b, l, data, position);
                  if (mode != "constant")
                    return v;
                  return arith::SelectOp::create(b, l, inside, v, fill);
                }));
    return success();
  }
};

/// Tile and Expand: each output element reads the input at its position
/// taken modulo the input's dims (Expand's are 1 or equal, right-aligned).
template <typename OpTy> struct RepeatToLinalg : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || !type.hasStaticShape() ||
        !resultType.hasStaticShape() || type.getRank() > resultType.getRank())
      return rewriter.notifyMatchFailure(op, "not static");
    int64_t offset = resultType.getRank() - type.getRank();
    for (int64_t d = 0; d < type.getRank(); ++d) {
      int64_t in = type.getDimSize(d), out = resultType.getDimSize(d + offset);
      if (in == 0 || out % in)
        return rewriter.notifyMatchFailure(op, "sizes do not repeat");
    }
    Value input = op.getInput();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), resultType, {}, {},
                [&](OpBuilder &b, Location l, ValueRange) -> Value {
                  SmallVector<Value> position;
                  for (int64_t d = 0; d < type.getRank(); ++d) {
                    Value o = linalg::IndexOp::create(b, l, d + offset);
                    int64_t size = type.getDimSize(d);
                    position.push_back(
                        size == resultType.getDimSize(d + offset)
                            ? o
                            : Value(arith::RemUIOp::create(
                                  b, l, o,
                                  arith::ConstantIndexOp::create(b, l, size))));
                  }
                  return tensor::ExtractOp::create(b, l, input, position);
                }));
    return success();
  }
};

/// Slice with constant starts, axes and steps: out[i] = in[first + i * step]
/// along each dim (ends give the result's shape, which inference knows).
/// Positive steps become a tensor.extract_slice; with a negative step (which
/// walks backwards) each element is read from its position.
struct SliceToLinalg : OpRewritePattern<ONNXSliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXSliceOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || !type.hasStaticShape() ||
        !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "not static");
    auto starts = getConstantIntValues(op.getStarts(), std::nullopt);
    auto axes = getConstantIntValues(op.getAxes(), std::vector<int64_t>());
    auto steps = getConstantIntValues(op.getSteps(), std::vector<int64_t>());
    if (!starts || !axes || !steps)
      return rewriter.notifyMatchFailure(op, "non-constant slice parameters");
    int64_t rank = type.getRank();
    SmallVector<int64_t> first(rank, 0), step(rank, 1);
    for (size_t i = 0; i < starts->size(); ++i) {
      int64_t axis = axes->empty() ? int64_t(i) : (*axes)[i];
      if (axis < 0)
        axis += rank;
      int64_t s = steps->empty() ? 1 : (*steps)[i];
      if (axis < 0 || axis >= rank || s == 0)
        return rewriter.notifyMatchFailure(op, "bad axis or step");
      int64_t dim = type.getDimSize(axis), start = (*starts)[i];
      if (start < 0)
        start += dim;
      // ONNX clamps starts to [0, dim] forward and [0, dim - 1] backward.
      start = std::clamp<int64_t>(start, 0, s > 0 ? dim : dim - 1);
      first[axis] = start;
      step[axis] = s;
    }
    if (llvm::all_of(step, [](int64_t s) { return s > 0; })) {
      rewriter.replaceOpWithNewOp<tensor::ExtractSliceOp>(
          op, resultType, op.getData(),
          getAsIndexOpFoldResult(getContext(), first),
          getAsIndexOpFoldResult(getContext(), resultType.getShape()),
          getAsIndexOpFoldResult(getContext(), step));
      return success();
    }
    Value data = op.getData();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), resultType, {}, {},
                [&](OpBuilder &b, Location l, ValueRange) -> Value {
                  SmallVector<Value> position;
                  for (int64_t d = 0; d < rank; ++d) {
                    Value i = linalg::IndexOp::create(b, l, d);
                    if (first[d] != 0 || step[d] != 1)
                      i = arith::AddIOp::create(
                          b, l, arith::ConstantIndexOp::create(b, l, first[d]),
                          arith::MulIOp::create(
                              b, l, i,
                              arith::ConstantIndexOp::create(b, l, step[d])));
                    position.push_back(i);
                  }
                  return tensor::ExtractOp::create(b, l, data, position);
                }));
    return success();
  }
};

} // namespace

void populateONNXRearrangeToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<PadToLinalg, RepeatToLinalg<ONNXTileOp>,
               RepeatToLinalg<ONNXExpandOp>, SliceToLinalg>(
      patterns.getContext());
}

} // namespace weft
