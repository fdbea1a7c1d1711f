//===- Passes.h - Passes on the onnx dialect --------------------*- C++ -*-===//

#ifndef WEFT_DIALECT_ONNX_TRANSFORMS_PASSES_H
#define WEFT_DIALECT_ONNX_TRANSFORMS_PASSES_H

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"

#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"

namespace weft {

#define GEN_PASS_DECL
#include "weft/Dialect/ONNX/Transforms/Passes.h.inc"

/// Options of the graph simplification pipeline.
struct SimplifyONNXOptions : mlir::PassPipelineOptions<SimplifyONNXOptions> {
  Option<bool> foldBatchNorm{
      *this, "fold-batchnorm",
      llvm::cl::desc("Fold BatchNormalization into Conv"),
      llvm::cl::init(true)};
};

/// Builds the graph simplification pipeline: shape inference, canonicalization,
/// constant folding and the BatchNormalization fold, twice, so that shapes
/// resolved by folding feed the next round.
void buildSimplifyONNXPipeline(mlir::OpPassManager &pm,
                               const SimplifyONNXOptions &options);

/// Registers the passes and the `weft-simplify-onnx` pipeline.
void registerONNXPasses();

#define GEN_PASS_REGISTRATION
#include "weft/Dialect/ONNX/Transforms/Passes.h.inc"

} // namespace weft

#endif // WEFT_DIALECT_ONNX_TRANSFORMS_PASSES_H
