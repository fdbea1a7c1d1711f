//===- Compile.cpp - An ONNX model to a .weft artifact --------------------===//
//
// Imports the model, runs the registered `weft-compile` pipeline on it and
// writes the result with the artifact translation: nothing of the compile
// happens here that weft-opt and weft-translate could not reproduce.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Analysis/CostModel.h"
#include "weft/Compiler/Pipeline.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Support/Diagnostics.h"
#include "weft/Target/Artifact/ArtifactTranslation.h"
#include "weft/Target/ONNX/Export.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

namespace weft {

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // Host code and GPU kernels are translated to LLVM IR.
  registerAllToLLVMIRTranslations(registry);
  registry.insert<ONNXDialect, WeftDialect>();
  registerONNXCostModels(registry);
}

ImportOptions getCompileImportOptions(MLIRContext *context,
                                      int64_t splitBatch) {
  // Operators with no lowering of their own are compiled from the function
  // bodies ONNX defines for them, where it defines one.
  auto lowered =
      std::make_shared<llvm::StringSet<>>(getONNXOpsLoweredToLinalg(context));
  ImportOptions options;
  options.expandFunction = [lowered](StringRef opType) {
    return !lowered->contains(opType);
  };
  // A fixed batch to split is opened up, so types are inferred per chunk.
  options.freeBatchDim = splitBatch > 0;
  return options;
}

void registerCompilerTranslations() {
  static llvm::cl::opt<bool> forCompile(
      "for-compile",
      llvm::cl::desc("With --import-onnx: import as weft-compile does, ops "
                     "Weft does not lower replaced by the function bodies "
                     "ONNX defines for them"),
      llvm::cl::init(false));
  static llvm::cl::opt<int64_t> splitBatch(
      "split-batch",
      llvm::cl::desc("With --for-compile: open dim 0 up for the weft-compile "
                     "pipeline's split-batch=N"),
      llvm::cl::init(0));
  registerImportONNXTranslations(
      [](MLIRContext *context, ImportOptions &options) {
        if (forCompile)
          options = getCompileImportOptions(context, splitBatch);
      },
      registerCompilerDialects);
  registerExportONNXTranslation();
  registerArtifactTranslations();
}

FailureOr<std::string>
compileModel(MLIRContext &context, StringRef modelPath,
             const CompileOptions &options,
             llvm::function_ref<LogicalResult(PassManager &)> configure) {
  ImportOptions importOptions =
      getCompileImportOptions(&context, options.pipeline.splitBatch);
  importOptions.onExternalFile = options.onExternalFile;
  auto module = importONNXModel(&context, modelPath, importOptions);
  if (!module)
    return failure();
  PassManager pm(&context);
  if (configure && failed(configure(pm)))
    return failure();
  buildCompilePipeline(pm, options.pipeline);
  if (failed(pm.run(*module)))
    return failure();
  std::string bytes;
  llvm::raw_string_ostream os(bytes);
  if (failed(writeArtifact(*module, options.emit, os)))
    return failure();
  return bytes;
}

std::string compileModelToBytes(const std::string &modelPath,
                                std::string &artifact,
                                const CompileOptions &options) {
  DialectRegistry registry;
  registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string errors;
  llvm::raw_string_ostream os(errors);
  ModelDiagnosticHandler handler(&context, os);
  auto compiled = compileModel(context, modelPath, options);
  if (failed(compiled))
    return errors.empty() ? "compilation failed"
                          : StringRef(errors).rtrim().str();
  artifact = std::move(*compiled);
  return "";
}

} // namespace weft
