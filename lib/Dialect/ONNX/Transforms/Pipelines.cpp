//===- Pipelines.cpp - The graph simplification pipeline
//-------------------===//

#include "weft/Dialect/ONNX/Transforms/Passes.h"

#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace weft {

void buildSimplifyONNXPipeline(OpPassManager &pm,
                               const SimplifyONNXOptions &options) {
  // Two rounds: shapes that folding resolves feed the next round's folds.
  for (int round = 0; round < 2; ++round) {
    pm.addPass(createInferShapesPass());
    pm.addPass(createCanonicalizerPass());
    pm.addPass(createFoldConstantsPass());
    if (options.foldBatchNorm)
      pm.addPass(createFoldBatchNormPass());
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createInferShapesPass());
  pm.addPass(createSymbolDCEPass());
}

void registerONNXPasses() {
  registerWeftONNXPasses();
  PassPipelineRegistration<SimplifyONNXOptions>(
      "weft-simplify-onnx",
      "Infer shapes, canonicalize, fold constants and BatchNormalization",
      buildSimplifyONNXPipeline);
}

} // namespace weft
