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
#include "llvm/Support/FileSystem.h"

using namespace mlir;

namespace weft {

void buildONNXToBuffersPipeline(OpPassManager &pm, bool winograd) {
  ConvertONNXToLinalgPassOptions lowering;
  lowering.winograd = winograd;
  pm.addNestedPass<func::FuncOp>(createConvertONNXToLinalgPass(lowering));
  pm.addPass(createCanonicalizerPass());
  // Same-shape elementwise chains (a residual Add and its Relu) as one op.
  pm.addNestedPass<func::FuncOp>(createFuseElementwisePass());
  // Padded inputs are filled, and their producers write into them.
  pm.addNestedPass<func::FuncOp>(createDecomposePadsPass());
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  // Bufferization copies a result written in place into a slice onto that
  // same slice (a padded buffer's interior, the pieces of a concatenation)
  // through a second, identical view: merged, such a copy folds away.
  pm.addPass(createCSEPass());
  pm.addPass(createCanonicalizerPass());
  // Results become buffers the caller passes in (the functions are public);
  // a result computed in a buffer of its own is computed in the caller's.
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::BufferDeallocationPipelineOptions deallocation;
  bufferization::buildBufferDeallocationPipeline(pm, deallocation);
  pm.addNestedPass<func::FuncOp>(createConvertMemRefCopyToLinalgPass());
  // Temporaries share one arena the runtime provides (host or device memory).
  pm.addNestedPass<func::FuncOp>(createPlanBuffersPass());
}

void buildCPULoweringPipeline(OpPassManager &pm) {
  buildONNXToBuffersPipeline(pm);
  // Matrix products go to oneDNN where it is installed.
  if (!findOneDNNLibrary().empty())
    pm.addPass(createCPULibraryCallsPass());
  if (!findOpenMPLibrary().empty()) {
    // Large loop nests run on the threads of an OpenMP team (as many as
    // OMP_NUM_THREADS says when the code runs, by default one per core).
    pm.addNestedPass<func::FuncOp>(createLowerLinalgToLoopsPass());
    pm.addPass(createConvertSCFToOpenMPPass());
    // Inlines the alloca scopes the conversion wraps loop bodies in (they
    // allocate nothing here), before their loops become branches.
    pm.addPass(createCanonicalizerPass());
  } else {
    pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  }
  pm.addNestedPass<func::FuncOp>(createApproximateMathPass());
  buildLoopsToLLVMPipeline(pm);
}

/// Whether `variable` is set to 0 or off.
static bool isTurnedOff(const char *variable) {
  const char *setting = std::getenv(variable);
  return setting &&
         (llvm::StringRef(setting) == "0" || llvm::StringRef(setting) == "off");
}

/// The first of `paths` that exists, or "".
static std::string findFirst(std::initializer_list<const char *> paths) {
  for (const char *path : paths)
    if (llvm::sys::fs::exists(path))
      return path;
  return "";
}

std::string findOpenMPLibrary() {
  if (isTurnedOff("WEFT_OPENMP"))
    return "";
  return findFirst({"/usr/lib/x86_64-linux-gnu/libomp.so.5",
                    "/usr/lib/aarch64-linux-gnu/libomp.so.5",
                    "/usr/lib/llvm-22/lib/libomp.so.5"});
}

std::string findOneDNNLibrary() {
  if (isTurnedOff("WEFT_ONEDNN"))
    return "";
  return findFirst({"/usr/lib/x86_64-linux-gnu/libdnnl.so.2",
                    "/usr/lib/aarch64-linux-gnu/libdnnl.so.2",
                    "/usr/lib/libdnnl.so.2"});
}

void buildLoopsToLLVMPipeline(OpPassManager &pm) {
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  // What LLVM has no intrinsic for (erf, ...) becomes a libm call.
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createConvertToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
}

} // namespace weft
