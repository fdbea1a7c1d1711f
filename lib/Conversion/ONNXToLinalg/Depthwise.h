//===- Depthwise.h - Depthwise convolutions as elementwise ops --*- C++ -*-===//

#ifndef WEFT_LIB_CONVERSION_ONNXTOLINALG_DEPTHWISE_H
#define WEFT_LIB_CONVERSION_ONNXTOLINALG_DEPTHWISE_H

#include "Activation.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"

namespace weft {

/// The depthwise convolution (one input channel per filter) of `input`
/// (N, C, spatial..., already zero-padded so that the window at `strides`
/// and `dilations` gives `yType`'s spatial size) with `filter` (C, 1,
/// kernel...), plus `bias` (none type: no bias), with `activation` applied
/// where the result is written: one elementwise op whose inputs are the
/// filter taps' windows of the padded input.
mlir::Value convolveDepthwise(mlir::OpBuilder &builder, mlir::Location loc,
                              mlir::Value input, mlir::Value filter,
                              mlir::Value bias, llvm::ArrayRef<int64_t> strides,
                              llvm::ArrayRef<int64_t> dilations,
                              mlir::RankedTensorType yType,
                              const Activation &activation);

} // namespace weft

#endif // WEFT_LIB_CONVERSION_ONNXTOLINALG_DEPTHWISE_H
