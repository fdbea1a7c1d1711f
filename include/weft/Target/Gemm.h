//===- Gemm.h - Contractions on buffers that are row-major GEMMs -*- C++
//-*-===//
//
// Shared by the code generators that hand matrix products to a library
// (cuBLAS on GPUs, oneDNN on CPUs).
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_GEMM_H
#define WEFT_TARGET_GEMM_H

#include "mlir/Dialect/Linalg/IR/Linalg.h"

namespace weft {

/// A float32 row-major GEMM: C[b](m,n) += A[b](m,k) * B[b](k,n) for
/// b < batch, with A(m,k) at A + b*strideA + (transposeA ? k*lda + m :
/// m*lda + k) elements, B(k,n) at B + b*strideB + (transposeB ? n*ldb + k :
/// k*ldb + n), C(m,n) at C + b*strideC + m*ldc + n; A, B and C are the
/// generic's operands in order, each from its own layout's offset.
struct GemmShape {
  bool transposeA = false, transposeB = false;
  int64_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t batch = 1, strideA = 0, strideB = 0, strideC = 0;
  /// [ta, tb, m, n, k, lda, ldb, ldc, batch, sa, sb, sc]
  llvm::SmallVector<int64_t> toArray() const;
};

/// The GEMM `op` computes (on float32 memrefs of static strided layouts,
/// body `out + a * b`), or failure.
llvm::FailureOr<GemmShape> matchGemm(mlir::linalg::GenericOp op);

/// The linalg.fill that sets the whole output of the GEMM `op` to zero just
/// before it (only ops without memory effects in between), or null: the
/// GEMM can then overwrite its output (beta = 0) and the fill go.
mlir::linalg::FillOp getZeroFillBefore(mlir::linalg::GenericOp op);

} // namespace weft

#endif // WEFT_TARGET_GEMM_H
