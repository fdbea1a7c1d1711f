//===- Export.h - onnx dialect -> ONNX model --------------------*- C++ -*-===//
//
// Writes a module produced by the importer (one func.func of onnx ops) back
// as an ONNX model that passes onnx::checker.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_ONNX_EXPORT_H
#define WEFT_TARGET_ONNX_EXPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/raw_ostream.h"

namespace weft {

/// Serializes `module` as an ONNX ModelProto to `os`. Emits diagnostics and
/// fails on ops or types that have no ONNX form.
llvm::LogicalResult exportONNXModel(mlir::ModuleOp module,
                                    llvm::raw_ostream &os);

/// Registers `--export-onnx` with mlir-translate style tools.
void registerExportONNXTranslation();

} // namespace weft

#endif // WEFT_TARGET_ONNX_EXPORT_H
