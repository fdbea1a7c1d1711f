//===- Import.h - ONNX model -> onnx dialect --------------------*- C++ -*-===//
//
// Imports an ONNX model into a module holding one `func.func @main` in the
// onnx dialect. Parsing, checking, opset lifting and type inference are done
// by ONNX's own C++ library; every error is a diagnostic naming the file and,
// where there is one, the node.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TARGET_ONNX_IMPORT_H
#define WEFT_TARGET_ONNX_IMPORT_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"

#include <functional>

namespace weft {

/// What the importer does besides building IR.
struct ImportOptions {
  /// Run onnx::checker on the model (structure, SSA, topological order).
  bool runChecker = true;
  /// Run ONNX's type and shape inference before building IR.
  bool inferShapes = true;
  /// Default-domain operators to replace by the function bodies ONNX's
  /// schemas define for them (after type inference, in the main graph);
  /// none when unset. A compiler sets it to the ops it has no lowering for.
  std::function<bool(llvm::StringRef opType)> expandFunction;
  /// Make dim 0 of every graph input and output a dynamic "batch" dim before
  /// types are inferred (the fixed batch it had is recorded on the module as
  /// `onnx.fixed_batch`), so that a compiler can split it.
  bool freeBatchDim = false;
  /// Deepest nesting of If/Loop/Scan bodies accepted.
  int maxSubgraphDepth = 32;
  /// Called with the path of each external-data file read (what a build
  /// system or a compile cache must watch besides the model); may be unset.
  std::function<void(llvm::StringRef path)> onExternalFile;
};

/// Imports the model file at `path`. External data is read from the model's
/// folder only. Returns null after emitting diagnostics on failure.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(mlir::MLIRContext *context, llvm::StringRef path,
                const ImportOptions &options = {});

/// Imports a serialized ModelProto; `displayName` names it in diagnostics and
/// `baseDir` is where its external data lives ("" allows none).
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModelFromBytes(mlir::MLIRContext *context, llvm::StringRef bytes,
                         llvm::StringRef displayName, llvm::StringRef baseDir,
                         const ImportOptions &options = {});

/// Adjusts the import options of one translation run (what a compiler adds:
/// ops to expand, a batch to open up).
using ImportOptionsHook =
    std::function<void(mlir::MLIRContext *context, ImportOptions &options)>;

/// Registers with mlir-translate style tools `--import-onnx` (a model to the
/// onnx dialect) and `--verify-onnx` (import and verify it, write nothing),
/// with the options `--no-infer-shapes` and `--no-checker`. `hook`, if set,
/// adjusts the options of each run; `dialects` are those the import may
/// need beside onnx and func. Diagnostics name the model and node.
void registerImportONNXTranslations(
    ImportOptionsHook hook = nullptr,
    std::function<void(mlir::DialectRegistry &)> dialects = nullptr);

} // namespace weft

#endif // WEFT_TARGET_ONNX_IMPORT_H
