//===- CUDAPipeline.cpp - onnx dialect to GPU launches and PTX ------------===//

#include "weft/Conversion/Passes.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"
#include "weft/Target/CUDA/CUDACodegen.h"
#include "weft/Target/CUDA/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/GPU/Transforms/Passes.h"
#include "mlir/Dialect/LLVMIR/Transforms/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

using namespace mlir;

namespace weft {

std::string findLibdevice() {
  for (const char *variable : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *root = std::getenv(variable)) {
      llvm::SmallString<128> path(root);
      llvm::sys::path::append(path, "nvvm", "libdevice", "libdevice.10.bc");
      if (llvm::sys::fs::exists(path))
        return path.str().str();
    }
  const char *fallback = "/usr/local/cuda/nvvm/libdevice/libdevice.10.bc";
  return llvm::sys::fs::exists(fallback) ? fallback : "";
}

void buildCUDALoweringPipeline(OpPassManager &pm,
                               const CUDAPipelineOptions &options) {
  buildCUDAKernelPipeline(pm);
  buildCUDAToPTXPipeline(pm, options);
}

void registerCUDAPipelines() {
  PassPipelineRegistration<>(
      "weft-lower-cuda-kernels",
      "The CUDA code generator's first half: onnx ops to GPU launches and "
      "cuBLAS calls",
      [](OpPassManager &pm) { buildCUDAKernelPipeline(pm); });
  PassPipelineRegistration<>(
      "weft-cuda-to-ptx",
      "The CUDA code generator's second half: GPU modules to PTX (sm_80, "
      "sm_90)",
      [](OpPassManager &pm) {
        buildCUDAToPTXPipeline(pm, CUDAPipelineOptions());
      });
}

void buildCUDAKernelPipeline(OpPassManager &pm) {
  // Winograd's transforms would be loops of few operations per element for
  // each thread, and its filters 16/9 the size; the transposed products of
  // small convolutions are for packing constant weights on the CPU: GPU
  // convolutions stay one im2col kernel and one cuBLAS GEMM.
  buildONNXToBuffersPipeline(pm, /*forCPU=*/false);
  pm.addNestedPass<func::FuncOp>(createLinalgGeneralizeNamedOpsPass());
  pm.addPass(createCUDALibraryCallsPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToParallelLoopsPass());
  pm.addNestedPass<func::FuncOp>(createMapToGPUPass());
  // Kernels take constants and index arithmetic with them, not as
  // parameters; all kernels go into one module.
  pm.addPass(createGpuLaunchSinkIndexComputationsPass());
  pm.addPass(createGpuKernelOutliningPass());
  pm.addPass(createMergeGPUModulesPass());
}

void buildCUDAToPTXPipeline(OpPassManager &pm,
                            const CUDAPipelineOptions &options) {
  for (const std::string &arch : options.archs) {
    GpuNVVMAttachTargetOptions target;
    target.chip = arch;
    // PTX 8.0 (CUDA 12) knows sm_90; sm_80 code takes the same ISA.
    target.features = "+ptx80";
    target.optLevel = 3;
    std::string libdevice =
        options.libdevice.empty() ? findLibdevice() : options.libdevice;
    if (!libdevice.empty())
      target.linkLibs.push_back(libdevice);
    pm.addPass(createGpuNVVMAttachTarget(target));
  }
  OpPassManager &kernels = pm.nest<gpu::GPUModuleOp>();
  kernels.addPass(createSCFToControlFlowPass());
  kernels.addPass(memref::createExpandStridedMetadataPass());
  kernels.addPass(createLowerAffinePass());
  ConvertGpuOpsToNVVMOpsOptions nvvm;
  nvvm.indexBitwidth = 64;
  kernels.addPass(createConvertGpuOpsToNVVMOps(nvvm));
  kernels.addPass(createCanonicalizerPass());
  kernels.addPass(createCSEPass());
  kernels.addPass(createReconcileUnrealizedCastsPass());
  GpuModuleToBinaryPassOptions binary;
  binary.compilationTarget = "isa"; // PTX: the driver JITs it for its GPU
  pm.addPass(createGpuModuleToBinaryPass(binary));
}

} // namespace weft
