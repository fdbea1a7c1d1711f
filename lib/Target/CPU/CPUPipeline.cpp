//===- CPUPipeline.cpp - onnx dialect to the LLVM dialect -----------------===//

#include "weft/Conversion/Passes.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"

#include "llvm/Support/Path.h"

#include <dlfcn.h>

using namespace mlir;

namespace weft {

void buildONNXToBuffersPipeline(OpPassManager &pm, bool forCPU) {
  ConvertONNXToLinalgPassOptions lowering;
  lowering.winograd = forCPU;
  lowering.transposeSmallConvolutions = forCPU;
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

std::string CPUCodegenOptions::describe() const {
  std::string list;
  for (auto [on, name] : {std::pair{oneDNN, "onednn"},
                          {oneDNN && packedWeights, "packed-weights"},
                          {openMP, "openmp"}})
    if (on)
      list += (list.empty() ? "" : ",") + std::string(name);
  return list.empty() ? "-" : list;
}

void buildCPULoweringPipeline(OpPassManager &pm,
                              const CPUCodegenOptions &options) {
  buildONNXToBuffersPipeline(pm);
  if (options.oneDNN) {
    CPULibraryCallsPassOptions calls;
    calls.packedWeights = options.packedWeights;
    pm.addPass(createCPULibraryCallsPass(calls));
  }
  if (options.openMP) {
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

void registerCPULoweringPipeline() {
  PassPipelineRegistration<CPULoweringPipelineOptions>(
      "weft-lower-cpu",
      "The CPU code generator: onnx ops (shapes known) to the LLVM dialect",
      [](OpPassManager &pm, const CPULoweringPipelineOptions &options) {
        buildCPULoweringPipeline(pm, readCodegenOptions(options));
      });
}

/// The first of `paths` that exists, or "".
static std::string findFirst(std::initializer_list<const char *> paths) {
  for (const char *path : paths)
    if (llvm::sys::fs::exists(path))
      return path;
  return "";
}

std::string findOpenMPLibrary() {
  return findFirst({"/usr/lib/x86_64-linux-gnu/libomp.so.5",
                    "/usr/lib/aarch64-linux-gnu/libomp.so.5",
                    "/usr/lib/llvm-22/lib/libomp.so.5"});
}

std::string findOneDNNLibrary() {
  return findFirst({"/usr/lib/x86_64-linux-gnu/libdnnl.so.2",
                    "/usr/lib/aarch64-linux-gnu/libdnnl.so.2",
                    "/usr/lib/libdnnl.so.2"});
}

std::string findCPUKernelsLibrary() {
  // Next to the code of the compiler (bin/ or lib/ of a build or install,
  // or a Python package's directory), then where this build put it.
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&findCPUKernelsLibrary), &info) &&
      info.dli_fname) {
    llvm::SmallString<256> directory(info.dli_fname);
    llvm::sys::path::remove_filename(directory);
    for (const char *relative :
         {"libweft_cpu_kernels.a", "../lib/libweft_cpu_kernels.a"}) {
      llvm::SmallString<256> candidate(directory);
      llvm::sys::path::append(candidate, relative);
      if (llvm::sys::fs::exists(candidate))
        return std::string(candidate);
    }
  }
#ifdef WEFT_CPU_KERNELS_PATH
  if (llvm::sys::fs::exists(WEFT_CPU_KERNELS_PATH))
    return WEFT_CPU_KERNELS_PATH;
#endif
  return "";
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
