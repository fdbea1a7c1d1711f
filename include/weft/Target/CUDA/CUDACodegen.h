//===- CUDACodegen.h - onnx dialect to a CUDA program --------- -*- C++ -*-===//
//
// The CUDA code generator: lowers the functions of a module (partitions
// placed on a GPU) from the onnx dialect to buffers, turns float32
// contractions into cuBLAS GEMM calls and every other loop nest into a GPU
// kernel, compiles the kernels to PTX (NVVM, for each arch asked for), and
// writes the CUDA program the runtime's driver executes
// (docs/design/cuda-program.md). No host code is generated.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_CUDA_CUDACODEGEN_H
#define WEFT_TARGET_CUDA_CUDACODEGEN_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>
#include <vector>

namespace weft {

/// What to compile the kernels for.
struct CUDAPipelineOptions {
  /// The GPU archs PTX is generated for, newest last ("sm_80", "sm_90").
  std::vector<std::string> archs = {"sm_80", "sm_90"};
  /// libdevice's bitcode (math functions), "" to find it in the CUDA
  /// toolkit (see findLibdevice).
  std::string libdevice;
};

/// The libdevice bitcode of the CUDA toolkit ($CUDA_HOME, $CUDA_PATH or
/// /usr/local/cuda), or "" if none is installed.
std::string findLibdevice();

/// Adds the passes from the onnx dialect (shapes known) to functions of
/// GPU launches, GEMM calls and views, and `gpu.binary` ops holding PTX:
/// buildCUDAKernelPipeline, then buildCUDAToPTXPipeline.
void buildCUDALoweringPipeline(mlir::OpPassManager &pm,
                               const CUDAPipelineOptions &options);

/// The first half: up to functions of launches of kernels in one
/// `gpu.module`, still in the gpu, scf, memref and arith dialects.
void buildCUDAKernelPipeline(mlir::OpPassManager &pm);

/// The second half: the kernels to NVVM and PTX, for each arch.
void buildCUDAToPTXPipeline(mlir::OpPassManager &pm,
                            const CUDAPipelineOptions &options);

/// Registers `weft-lower-cuda-kernels` (buildCUDAKernelPipeline) and
/// `weft-cuda-to-ptx` (buildCUDAToPTXPipeline, default options).
void registerCUDAPipelines();

/// Host functions that do what each kernel of `module`'s gpu.modules does
/// for one thread, for running CUDA programs on the CPU (testing them where
/// no GPU is): `weft_emu_<module>__<kernel>(block id x, y, z, thread id x,
/// y, z, block size x, y, z, grid size x, y, z, <the kernel's parameters>)`,
/// in a new module, not yet lowered (buildLoopsToLLVMPipeline does it).
/// Called between the two halves. Fails on kernels that synchronize.
mlir::FailureOr<mlir::OwningOpRef<mlir::ModuleOp>>
extractEmulatedKernels(mlir::ModuleOp module);

/// The CUDA programs of a lowered module.
struct CUDAProgramText {
  /// The GpuCode section: modules, weights and one program per function.
  std::string code;
  /// The Weights section the program's `weight` lines point into.
  std::string weights;
};

/// Writes the CUDA program of every public function of `module` (lowered by
/// buildCUDALoweringPipeline) into `out`. Fails, with a diagnostic on the
/// op, where a function does something the program cannot express.
llvm::LogicalResult writeCUDAPrograms(mlir::ModuleOp module,
                                      CUDAProgramText &out);

/// The PTX of every kernel module in `module` for `arch`, concatenated.
std::string getPTX(mlir::ModuleOp module, llvm::StringRef arch);

} // namespace weft

#endif // WEFT_TARGET_CUDA_CUDACODEGEN_H
