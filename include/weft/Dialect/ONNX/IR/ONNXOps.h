//===- ONNXOps.h - Operations of the onnx dialect ---------------*- C++ -*-===//
//
// Declares every onnx op (generated from ONNX's schema registry) and the
// helpers their verifiers share.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_ONNXOPS_H
#define WEFT_DIALECT_ONNX_IR_ONNXOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Dialect/ONNX/IR/ONNXTypes.h"

namespace weft {

/// Checks that the operands and results named by `spec` agree on their
/// element type. `spec` lists groups separated by ';', each a comma-separated
/// list of operand ("i0", variadic tail "i2+") and result ("o0") positions;
/// `none` values (absent optionals) are skipped.
llvm::LogicalResult verifyElementTypeGroups(mlir::Operation *op,
                                            llvm::StringRef spec);

/// The verifier every onnx op runs: verifyElementTypeGroups with `typeGroups`,
/// then the semantic checks (attribute values, axes, constant indices).
llvm::LogicalResult verifyONNXOp(mlir::Operation *op,
                                 llvm::StringRef typeGroups);

/// Returns the element type ONNX's type constraints look at: the tensor
/// element type, looking through !onnx.seq and !onnx.opt; null for `none`.
mlir::Type getONNXElementType(mlir::Type type);

} // namespace weft

#define GET_OP_CLASSES
#include "weft/Dialect/ONNX/IR/ONNXOps.h.inc"

#endif // WEFT_DIALECT_ONNX_IR_ONNXOPS_H
