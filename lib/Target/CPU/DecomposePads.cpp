//===- DecomposePads.cpp - Pads as fills with the source inserted ---------===//

#include "weft/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace weft {
#define GEN_PASS_DEF_DECOMPOSEPADSPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// A static pad with a constant value as fills of its border only (the
/// interior is the source, written once by whatever produces it): for each
/// padded dim, its low and high slabs, over the interior of the dims before
/// it and all of the dims after it, so that no element is filled twice.
struct PadAsBorderFills : OpRewritePattern<tensor::PadOp> {
  PadAsBorderFills(MLIRContext *context)
      : OpRewritePattern(context, /*benefit=*/2) {}

  LogicalResult matchAndRewrite(tensor::PadOp pad,
                                PatternRewriter &rewriter) const override {
    Value value = pad.getConstantPaddingValue();
    RankedTensorType source = pad.getSourceType(), result = pad.getResultType();
    ArrayRef<int64_t> low = pad.getStaticLow(), high = pad.getStaticHigh();
    if (!value || !source.hasStaticShape() || !result.hasStaticShape() ||
        ShapedType::isDynamicShape(low) || ShapedType::isDynamicShape(high))
      return rewriter.notifyMatchFailure(pad, "not a static constant pad");
    Location loc = pad.getLoc();
    int64_t rank = result.getRank();
    auto attrs = [&](ArrayRef<int64_t> values) {
      return getAsIndexOpFoldResult(rewriter.getContext(), values);
    };
    SmallVector<int64_t> ones(rank, 1);
    Value into = tensor::EmptyOp::create(rewriter, loc, result.getShape(),
                                         result.getElementType());
    for (int64_t d = 0; d < rank; ++d)
      for (bool isLow : {true, false}) {
        int64_t width = isLow ? low[d] : high[d];
        if (width == 0)
          continue;
        SmallVector<int64_t> offsets, sizes;
        for (int64_t e = 0; e < rank; ++e) {
          if (e < d) {
            offsets.push_back(low[e]);
            sizes.push_back(source.getDimSize(e));
          } else if (e == d) {
            offsets.push_back(isLow ? 0 : low[d] + source.getDimSize(d));
            sizes.push_back(width);
          } else {
            offsets.push_back(0);
            sizes.push_back(result.getDimSize(e));
          }
        }
        Value slab = tensor::ExtractSliceOp::create(
            rewriter, loc, into, attrs(offsets), attrs(sizes), attrs(ones));
        Value filled =
            linalg::FillOp::create(rewriter, loc, value, slab).getResult(0);
        into = tensor::InsertSliceOp::create(rewriter, loc, filled, into,
                                             attrs(offsets), attrs(sizes),
                                             attrs(ones));
      }
    rewriter.replaceOpWithNewOp<tensor::InsertSliceOp>(
        pad, pad.getSource(), into, attrs(low), attrs(source.getShape()),
        attrs(ones));
    return success();
  }
};

struct DecomposePadsPass : impl::DecomposePadsPassBase<DecomposePadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<PadAsBorderFills>(&getContext());
    linalg::populateDecomposePadPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace weft
