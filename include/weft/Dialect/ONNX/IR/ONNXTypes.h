//===- ONNXTypes.h - Types of the onnx dialect ------------------*- C++ -*-===//
//
// !onnx.seq<T>, !onnx.opt<T> and the string element type !onnx.string.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_ONNXTYPES_H
#define WEFT_DIALECT_ONNX_IR_ONNXTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"

#define GET_TYPEDEF_CLASSES
#include "weft/Dialect/ONNX/IR/ONNXTypes.h.inc"

#endif // WEFT_DIALECT_ONNX_IR_ONNXTYPES_H
