//===- ConvertONNXToLinalg.cpp - The convert-onnx-to-linalg pass
//-----------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Conversion/Passes.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace weft {
#define GEN_PASS_DEF_CONVERTONNXTOLINALGPASS
#include "weft/Conversion/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {

void populateONNXToLinalgConversionPatterns(
    RewritePatternSet &patterns, const ONNXToLinalgOptions &options) {
  populateONNXElementwiseToLinalgPatterns(patterns);
  populateONNXMatMulToLinalgPatterns(patterns);
  populateONNXDataToLinalgPatterns(patterns);
  populateONNXIndexingToLinalgPatterns(patterns);
  populateONNXQuantizationToLinalgPatterns(patterns);
  populateONNXScanToLinalgPatterns(patterns);
  populateONNXScatterToLinalgPatterns(patterns);
  populateONNXRearrangeToLinalgPatterns(patterns);
  populateONNXSoftmaxToLinalgPatterns(patterns);
  populateONNXReductionToLinalgPatterns(patterns);
  populateONNXArgReductionToLinalgPatterns(patterns);
  populateONNXCastConcatToLinalgPatterns(patterns);
  populateONNXConvPoolToLinalgPatterns(patterns, options);
  populateONNXNormalizationToLinalgPatterns(patterns);
}

llvm::StringSet<> getONNXOpsLoweredToLinalg(MLIRContext *context) {
  context->getOrLoadDialect<ONNXDialect>();
  RewritePatternSet patterns(context);
  populateONNXToLinalgConversionPatterns(patterns);
  llvm::StringSet<> names;
  for (const auto &pattern : patterns.getNativePatterns())
    if (std::optional<OperationName> root = pattern->getRootKind())
      names.insert(root->stripDialect());
  return names;
}

namespace {
struct ConvertONNXToLinalgPass
    : impl::ConvertONNXToLinalgPassBase<ConvertONNXToLinalgPass> {
  using Base::Base;

  void runOnOperation() override {
    if (failed(makeUnsignedSignless(getOperation())))
      return signalPassFailure();
    RewritePatternSet patterns(&getContext());
    ONNXToLinalgOptions options;
    options.winograd = winograd;
    options.transposeSmallConvolutions = transposeSmallConvolutions;
    populateONNXToLinalgConversionPatterns(patterns, options);
    // Types do not change (tensors stay tensors), so a greedy rewrite is
    // enough; what is left of the onnx dialect has no lowering.
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns)))) {
      getOperation().emitError("lowering onnx ops to linalg did not converge");
      return signalPassFailure();
    }
    bool unsupported = false;
    getOperation().walk([&](Operation *op) {
      // Absent-value markers and constants stay only for the ops that have
      // no lowering; those are the ones to name.
      if (!isa<ONNXDialect>(op->getDialect()) || isa<ONNXNoValueOp>(op))
        return;
      if (isa<ONNXConstantOp>(op) &&
          llvm::any_of(op->getUsers(), [](Operation *user) {
            return isa<ONNXDialect>(user->getDialect());
          }))
        return;
      unsupported = true;
      op->emitError("unsupported op ")
          << op->getName().stripDialect() << " (opset "
          << ONNXDialect::getOpsetVersion() << ") on device cpu";
    });
    if (unsupported)
      signalPassFailure();
  }
};
} // namespace

} // namespace weft
