//===- Passes.td - CUDA code generation passes --------------*- tablegen -*-===//

#ifndef WEFT_TARGET_CUDA_PASSES_TD
#define WEFT_TARGET_CUDA_PASSES_TD

include "mlir/Pass/PassBase.td"

def CUDALibraryCallsPass
    : Pass<"weft-cuda-library-calls", "mlir::ModuleOp"> {
  let summary = "Turn float32 contractions on buffers into cuBLAS GEMM calls";
  let description = [{
    Runs on buffers (after bufferization). A `linalg.generic` that computes
    `C += A * B` over float32 memrefs, whose loop dimensions group into batch
    (in A, B and C), rows (A and C), columns (B and C) and one reduction
    (A and B), each group contiguous enough to be one strided dimension of a
    row-major GEMM, becomes a call of `@weft_cuda_gemm` on the three buffers
    (cast to unranked memrefs; the pass declares the function once per
    module). The call's `weft.gemm` attribute holds the
    GEMM's shape and strides in elements, in the CUDA program's order:
    `[ta, tb, m, n, k, lda, ldb, ldc, batch, sa, sb, sc]`. Contractions that
    do not fit stay generic and become GPU kernels.

    ```mlir
    linalg.generic {indexing_maps = [(m,k,n) -> (m,k), (m,k,n) -> (k,n),
                    (m,k,n) -> (m,n)], ...} ins(%a, %b) outs(%c) { mulf, addf }
    // becomes
    %0 = memref.cast %a : memref<8x4xf32> to memref<*xf32>
    ...
    func.call @weft_cuda_gemm(%0, %1, %2) {weft.gemm = array<i64: 0, 0, 8, 16, 4, 4, 16, 16, 1, 0, 0, 0>}
    ```
  }];
  let dependentDialects = ["::mlir::memref::MemRefDialect",
                           "::mlir::func::FuncDialect"];
  let statistics = [
    Statistic<"numCalls", "gemm-calls", "Contractions turned into GEMM calls">
  ];
}

def MapToGPUPass : Pass<"weft-map-to-gpu", "mlir::func::FuncOp"> {
  let summary = "Run each top-level loop nest of a function as a GPU launch";
  let description = [{
    Runs after `convert-linalg-to-parallel-loops`. Every `scf.parallel` in the
    function's body (static bounds, no reductions) becomes a `gpu.launch`
    with one thread per iteration: the iteration space is linearized, split
    into blocks of up to `block-size` threads, and each thread recovers its
    indices (threads past the end do nothing). Loops nested inside stay
    sequential within their thread. Other code between the host's steps
    (a top-level `scf.for` of a loop nest with no parallel dimension, scalar
    loads and stores) runs on one thread, each run of it in one launch;
    constants and views stay on the host.

    ```mlir
    scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c8) step (%c1, %c1) { ... }
    // becomes
    gpu.launch blocks(...) in (%gx = %c1, ...) threads(...) in (%bx = %c32, ...) {
      %id = ...   // block id * block size + thread id
      scf.if %in_range { %i = %id floordiv 8, %j = %id mod 8, ... }
      gpu.terminator
    }
    ```
  }];
  let options = [
    Option<"blockSize", "block-size", "int64_t", "256",
           "Threads per block">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::arith::ArithDialect"];
  let statistics = [
    Statistic<"numLaunches", "launches", "Loop nests mapped to launches">
  ];
}

def MergeGPUModulesPass : Pass<"weft-merge-gpu-modules", "mlir::ModuleOp"> {
  let summary = "Move every outlined kernel into one gpu.module";
  let description = [{
    `gpu-kernel-outlining` puts each kernel in a module of its own, where
    the kernel has its launch's function name. This pass moves every kernel
    into the first module under its old module's name (unique in the
    enclosing module) and updates the launches, so the kernels compile into
    one PTX module: one load per program and one file to inspect.

    ```mlir
    gpu.module @main_kernel { gpu.func @main_kernel(...) kernel {...} }
    gpu.module @main_kernel_0 { gpu.func @main_kernel(...) kernel {...} }
    // becomes
    gpu.module @main_kernel {
      gpu.func @main_kernel(...) kernel {...}
      gpu.func @main_kernel_0(...) kernel {...}
    }
    ```
  }];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def LowerCUDACodePass : Pass<"weft-lower-cuda-code", "mlir::ModuleOp"> {
  let summary = "Run the CUDA code generator on the nested GPU module";
  let description = [{
    After `--weft-outline-device-code`: runs the `weft-lower-cuda-kernels`
    pipeline (onnx ops to GPU launches and cuBLAS calls) and then
    `weft-cuda-to-ptx` on the nested module `@weft_cuda`. With `emulate`,
    each kernel is also compiled for the host first, into a nested module
    `@weft_emulated` that `--weft-lower-host-code` adds to the host code
    (the runtime runs it with WEFT_GPU_EMULATION=1, to test the GPU code
    where no GPU is). A module without GPU code is left alone.
  }];
  let options = [
    Option<"emulate", "emulate", "bool", /*default=*/"false",
           "Also compile each kernel for the host">
  ];
}

def SerializeCUDACodePass
    : Pass<"weft-serialize-cuda-code", "mlir::ModuleOp"> {
  let summary = "Write the lowered GPU module as CUDA programs and weights";
  let description = [{
    After `--weft-lower-cuda-code`: writes the CUDA program of each
    function of `@weft_cuda` (modules of PTX, weights, launches and cuBLAS
    calls; docs/cuda.md) and replaces the module with a
    `weft.binary "gpu-code"` (with its PTX for sm_90) and a
    `weft.binary "weights"`; with `weights-file`, the weights go to that
    file next to the artifact instead.
  }];
  let options = [
    Option<"weightsFile", "weights-file", "std::string", /*default=*/"\"\"",
           "Write the GPU code's constants to this file instead of the "
           "artifact">
  ];
  let dependentDialects = ["::weft::WeftDialect"];
}

#endif // WEFT_TARGET_CUDA_PASSES_TD
