//===- DecomposePads.cpp - Pads as fills with the source inserted ---------===//

#include "weft/Target/CPU/Passes.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace weft {
#define GEN_PASS_DEF_DECOMPOSEPADSPASS
#include "weft/Target/CPU/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct DecomposePadsPass : impl::DecomposePadsPassBase<DecomposePadsPass> {
  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    linalg::populateDecomposePadPatterns(patterns);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns))))
      return signalPassFailure();
  }
};

} // namespace
} // namespace weft
