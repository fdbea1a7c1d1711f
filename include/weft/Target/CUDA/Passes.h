//===- Passes.h - CUDA code generation passes -------------------*- C++ -*-===//

#ifndef WEFT_TARGET_CUDA_PASSES_H
#define WEFT_TARGET_CUDA_PASSES_H

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Pass/Pass.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"

namespace weft {

/// The function cuBLAS GEMMs are called through, and the attribute with
/// their shape (see `weft-cuda-library-calls`).
constexpr const char *kGemmFunctionName = "weft_cuda_gemm";
constexpr const char *kGemmAttrName = "weft.gemm";

#define GEN_PASS_DECL
#include "weft/Target/CUDA/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "weft/Target/CUDA/Passes.h.inc"

} // namespace weft

#endif // WEFT_TARGET_CUDA_PASSES_H
