//===- DynamicBatch.h - Models with a batch bound at run time ---*- C++ -*-===//
//
// Internal to the compiler library; see DynamicBatch.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_COMPILER_DYNAMICBATCH_H
#define WEFT_LIB_COMPILER_DYNAMICBATCH_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace weft {

/// If `main`'s inputs have a dynamic dim 0 (and no other dynamic dim), checks
/// that the batch size only shapes reshapes and fills, and sets dim 0 to 1.
/// Returns whether the model has a dynamic batch; failure (with an error) if
/// it cannot be compiled for one.
llvm::FailureOr<bool> specializeDynamicBatch(mlir::func::FuncOp main);

/// Checks, once shapes are inferred, that every op keeps the samples of a
/// one-sample-per-call model apart and that every output is batched.
mlir::LogicalResult checkPerSampleExecution(mlir::func::FuncOp main);

} // namespace weft

#endif // WEFT_LIB_COMPILER_DYNAMICBATCH_H
