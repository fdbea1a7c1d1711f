//===- ONNXDialect.h - The onnx dialect -------------------------*- C++ -*-===//
//
// The `onnx` dialect: ONNX's operators as MLIR operations.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_ONNXDIALECT_H
#define WEFT_DIALECT_ONNX_IR_ONNXDIALECT_H

#include "mlir/IR/Dialect.h"

#include "weft/Dialect/ONNX/IR/ONNXDialect.h.inc"

#endif // WEFT_DIALECT_ONNX_IR_ONNXDIALECT_H
