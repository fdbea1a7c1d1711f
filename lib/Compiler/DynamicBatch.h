//===- DynamicBatch.h - Models with a batch bound at run time ---*- C++ -*-===//
//
// Internal to the compiler library; see DynamicBatch.cpp.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_COMPILER_DYNAMICBATCH_H
#define WEFT_LIB_COMPILER_DYNAMICBATCH_H

#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace weft {

/// If `main`'s inputs have a dynamic dim 0 (and no other dynamic dim), or if
/// `splitBatch` > 0 splits their fixed batch into that many chunks: checks
/// that the batch size only shapes reshapes and fills, and sets dim 0 to the
/// rows of one call (1, or batch / splitBatch). Returns those rows, or 0 for
/// a model run whole; failure (with an error) if it cannot be split.
llvm::FailureOr<int64_t> specializeBatch(mlir::func::FuncOp main,
                                         int64_t splitBatch);

/// Checks, once shapes are inferred, that every op keeps the chunks of
/// `chunk` samples of a chunk-per-call model apart and that every output is
/// batched.
mlir::LogicalResult checkPerSampleExecution(mlir::func::FuncOp main,
                                            int64_t chunk);

} // namespace weft

#endif // WEFT_LIB_COMPILER_DYNAMICBATCH_H
