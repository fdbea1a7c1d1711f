//===- Compile.h - An ONNX model to a .weft artifact ---------- -*- C++ -*-===//
//
// The compiler as one call: import the model, run the `weft-compile`
// pipeline (weft/Compiler/Pipeline.h) and write the artifact with the
// `weft-to-artifact` translation. weft-compile, weft-run's compile cache and
// the Python package use it.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_COMPILER_COMPILE_H
#define WEFT_COMPILER_COMPILE_H

#include "weft/Compiler/Pipeline.h"
#include "weft/Target/Artifact/ArtifactTranslation.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/LogicalResult.h"

#include <functional>
#include <string>

namespace weft {

/// How to compile, and what to write.
struct CompileOptions {
  /// The options of the pipeline's stages.
  CompilePipelineConfig pipeline;
  /// What to write.
  ArtifactPart emit = ArtifactPart::Artifact;
  /// Called with each external-data file the model reads; may be unset.
  std::function<void(llvm::StringRef path)> onExternalFile;
};

/// How weft-compile imports a model for a pipeline with `splitBatch`: ops
/// Weft does not lower replaced by ONNX's function bodies for them, and dim
/// 0 opened up for a batch to split.
ImportOptions getCompileImportOptions(mlir::MLIRContext *context,
                                      int64_t splitBatch);

/// Compiles the ONNX model at `modelPath` and returns the serialized
/// artifact (or the part `options.emit` names). `configure`, if given, sets
/// up the pass manager first (a driver's --mlir-print-ir-after-all, timing,
/// ...). Errors are emitted as diagnostics on `context` (naming the model
/// and node) and yield failure.
llvm::FailureOr<std::string> compileModel(
    mlir::MLIRContext &context, llvm::StringRef modelPath,
    const CompileOptions &options = {},
    llvm::function_ref<mlir::LogicalResult(mlir::PassManager &)> configure =
        nullptr);

/// Compiles the ONNX model at `modelPath` in a context of its own into
/// `artifact`; returns "" or the diagnostics, one per line.
std::string compileModelToBytes(const std::string &modelPath,
                                std::string &artifact,
                                const CompileOptions &options = {});

/// Registers every dialect, extension and interface the compiler uses with
/// `registry`.
void registerCompilerDialects(mlir::DialectRegistry &registry);

/// Registers the compiler's translations with mlir-translate style tools:
/// `--import-onnx` and `--verify-onnx` (with `--for-compile`: import as
/// weft-compile does, and `--split-batch=N`), `--export-onnx`, and the
/// artifact translations (`--weft-to-artifact`, ...).
void registerCompilerTranslations();

} // namespace weft

#endif // WEFT_COMPILER_COMPILE_H
