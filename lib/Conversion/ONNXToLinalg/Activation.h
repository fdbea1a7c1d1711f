//===- Activation.h - Relu and Clip fused into their producer ---*- C++ -*-===//
//
// A Conv or Gemm whose only user is a Relu or a Clip with constant bounds
// computes
// the activation where it writes its result (in the loop body of a depthwise
// or Winograd output op, or in the pass that adds the bias after a GEMM)
// instead of in a pass of its own over the whole tensor.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_CONVERSION_ONNXTOLINALG_ACTIVATION_H
#define WEFT_LIB_CONVERSION_ONNXTOLINALG_ACTIVATION_H

#include "mlir/IR/Builders.h"

#include <optional>

namespace weft {

/// max(x, lo) then min(x, hi), each where given (Relu: lo = 0), with the
/// float ops the Relu and Clip lowerings use (NaN stays NaN).
struct Activation {
  std::optional<double> lo, hi;

  /// Whether there is anything to apply.
  bool any() const { return lo || hi; }

  /// `x` (a float scalar) with the activation applied.
  mlir::Value apply(mlir::OpBuilder &builder, mlir::Location loc,
                    mlir::Value x) const;
};

/// `value` + `bias` (read through `biasMap`; none without a bias) with
/// `activation` applied, as one elementwise pass in place over `value`'s
/// tensor (which bufferization then reuses).
mlir::Value addBiasAndActivate(mlir::OpBuilder &builder, mlir::Location loc,
                               mlir::Value value, mlir::Value bias,
                               mlir::AffineMap biasMap,
                               const Activation &activation);

/// The same pass into a new tensor of `resultType`, reading `value` through
/// `valueMap` (a transposed product, say): bufferization can place the new
/// tensor where a consumer wants it (the interior of a padded buffer)
/// instead of copying it there afterwards.
mlir::Value biasAndActivateInto(mlir::OpBuilder &builder, mlir::Location loc,
                                mlir::RankedTensorType resultType,
                                mlir::Value value, mlir::AffineMap valueMap,
                                mlir::Value bias, mlir::AffineMap biasMap,
                                const Activation &activation);

/// The float Relu, or Clip with constant (or absent) bounds, that is the
/// only user of `value`, with what it computes; nullopt otherwise.
std::optional<std::pair<mlir::Operation *, Activation>>
getFusableActivation(mlir::Value value);

/// Whether `activation` (a Relu or Clip) is computed by the Conv or Gemm
/// that produces its input, whose lowering replaces it: its own lowering
/// then leaves it alone.
bool isFusedIntoProducer(mlir::Operation *activation);

/// Whether the lowering of `op` (an onnx.Conv) applies a fused activation:
/// whether it has a lowering (ConvPool.cpp).
bool convTakesActivation(mlir::Operation *op);

/// Whether the lowering of `op` (an onnx.Gemm) applies a fused activation
/// (MatMul.cpp).
bool gemmTakesActivation(mlir::Operation *op);

} // namespace weft

#endif // WEFT_LIB_CONVERSION_ONNXTOLINALG_ACTIVATION_H
