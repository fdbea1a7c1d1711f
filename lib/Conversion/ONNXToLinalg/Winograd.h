//===- Winograd.h - 3x3 convolutions by Winograd's F(2x2, 3x3) --*- C++ -*-===//

#ifndef WEFT_LIB_CONVERSION_ONNXTOLINALG_WINOGRAD_H
#define WEFT_LIB_CONVERSION_ONNXTOLINALG_WINOGRAD_H

#include "Activation.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace weft {

/// The float32 convolution of `input` (NCHW, already zero-padded so that a
/// 3x3 window at stride 1 gives `yType`'s spatial size) with the constant
/// 3x3 `filter` (FCHW, one group), plus `bias` (none type: no bias), by
/// Winograd's minimal filtering F(2x2, 3x3): 16 multiplications per 2x2
/// output tile and channel pair instead of 36; `activation` is applied where
/// the result is written. Returns null where it does not
/// apply or would not pay: a filter that is not a constant, an odd output
/// size, or too few tiles for the 16 matrix products to be efficient.
mlir::Value convolveWinograd(mlir::OpBuilder &builder, mlir::Location loc,
                             mlir::Value input, mlir::Value filter,
                             mlir::Value bias, mlir::RankedTensorType yType,
                             const Activation &activation);

} // namespace weft

#endif // WEFT_LIB_CONVERSION_ONNXTOLINALG_WINOGRAD_H
