//===- Common.h - Helpers shared by the onnx-to-linalg patterns -*- C++ -*-===//

#ifndef WEFT_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
#define WEFT_LIB_CONVERSION_ONNXTOLINALG_COMMON_H

#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace weft {

/// An empty tensor of `type` for a linalg op to write; dynamic dims take
/// their sizes from the first of `sources` whose aligned dim is dynamic too.
mlir::Value makeEmptyTensor(mlir::OpBuilder &builder, mlir::Location loc,
                            mlir::RankedTensorType type,
                            mlir::ValueRange sources);

/// The indexing map reading `input` (numpy broadcasting, aligned to the right)
/// inside a loop nest over `resultRank` dims.
mlir::AffineMap getBroadcastMap(mlir::RankedTensorType input,
                                mlir::RankedTensorType result,
                                mlir::MLIRContext *context);

} // namespace weft

#endif // WEFT_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
