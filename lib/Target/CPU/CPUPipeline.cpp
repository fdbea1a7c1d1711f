//===- CPUPipeline.cpp - onnx dialect to the LLVM dialect
//------------------===//

#include "weft/Conversion/Passes.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;

namespace weft {

void buildCPULoweringPipeline(OpPassManager &pm) {
  pm.addNestedPass<func::FuncOp>(createConvertONNXToLinalgPass());
  pm.addPass(createCanonicalizerPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Results become buffers the caller passes in (@main is public).
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  pm.addNestedPass<func::FuncOp>(createConvertMemRefCopyToLinalgPass());
  // Temporaries share one arena the runtime provides.
  pm.addNestedPass<func::FuncOp>(createPlanBuffersPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  buildLoopsToLLVMPipeline(pm);
}

void buildLoopsToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (erf, ...) becomes a libm call.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace weft
