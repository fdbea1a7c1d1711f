//===- Translations.cpp - --import-onnx, --verify-onnx, --export-onnx -----===//

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Support/Diagnostics.h"
#include "weft/Target/ONNX/Export.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace weft {

namespace {
/// Imports the model that is `sourceMgr`'s main buffer; its external data
/// is read from the folder the buffer was read from (none from stdin).
OwningOpRef<ModuleOp> importBuffer(llvm::SourceMgr &sourceMgr,
                                   MLIRContext *context,
                                   const ImportOptions &options) {
  const llvm::MemoryBuffer *buffer =
      sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
  StringRef path = buffer->getBufferIdentifier();
  StringRef dir = llvm::sys::path::parent_path(path);
  std::string baseDir = dir.empty() ? "." : dir.str();
  if (path == "<stdin>")
    baseDir.clear();
  // Errors name the model and the node, not a line of the binary input.
  context->printOpOnDiagnostic(false);
  ModelDiagnosticHandler handler(context, llvm::errs());
  return importONNXModelFromBytes(context, buffer->getBuffer(),
                                  llvm::sys::path::filename(path), baseDir,
                                  options);
}
} // namespace

void registerImportONNXTranslations(
    ImportOptionsHook hook,
    std::function<void(DialectRegistry &)> extraDialects) {
  static llvm::cl::opt<bool> noInferShapes(
      "no-infer-shapes",
      llvm::cl::desc("Do not run ONNX's type inference on import"),
      llvm::cl::init(false));
  static llvm::cl::opt<bool> noChecker(
      "no-checker", llvm::cl::desc("Do not run onnx::checker on import"),
      llvm::cl::init(false));
  auto optionsFor = [hook](MLIRContext *context) {
    ImportOptions options;
    if (hook)
      hook(context, options);
    options.inferShapes = !noInferShapes;
    options.runChecker = !noChecker;
    return options;
  };
  auto dialects = [extraDialects](DialectRegistry &registry) {
    registry.insert<ONNXDialect, func::FuncDialect>();
    if (extraDialects)
      extraDialects(registry);
  };
  TranslateToMLIRRegistration importRegistration(
      "import-onnx", "import an ONNX model (.onnx) into the onnx dialect",
      [optionsFor](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
                   MLIRContext *context) -> OwningOpRef<Operation *> {
        return OwningOpRef<Operation *>(
            importBuffer(*sourceMgr, context, optionsFor(context)).release());
      },
      dialects);
  TranslateRegistration verifyRegistration(
      "verify-onnx",
      "import an ONNX model and verify it, writing nothing (errors only)",
      [optionsFor, dialects](const std::shared_ptr<llvm::SourceMgr> &sourceMgr,
                             llvm::raw_ostream &, MLIRContext *context) {
        DialectRegistry registry;
        dialects(registry);
        context->appendDialectRegistry(registry);
        return success(
            bool(importBuffer(*sourceMgr, context, optionsFor(context))));
      });
}

void registerExportONNXTranslation() {
  TranslateFromMLIRRegistration registration(
      "export-onnx", "export the onnx dialect as an ONNX model (.onnx)",
      [](Operation *op, llvm::raw_ostream &os) -> LogicalResult {
        auto module = dyn_cast<ModuleOp>(op);
        if (!module)
          return op->emitError("expected a builtin.module to export");
        return exportONNXModel(module, os);
      },
      [](DialectRegistry &registry) {
        registry.insert<ONNXDialect, func::FuncDialect>();
      });
}

} // namespace weft
