//===- Translations.cpp - --import-onnx and --export-onnx
//------------------===//

#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Target/ONNX/Export.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;

namespace weft {

void registerImportONNXTranslation() {
  TranslateToMLIRRegistration registration(
      "import-onnx", "import an ONNX model (.onnx) into the onnx dialect",
      [](llvm::SourceMgr &sourceMgr,
         MLIRContext *context) -> OwningOpRef<Operation *> {
        const llvm::MemoryBuffer *buffer =
            sourceMgr.getMemoryBuffer(sourceMgr.getMainFileID());
        StringRef path = buffer->getBufferIdentifier();
        StringRef dir = llvm::sys::path::parent_path(path);
        std::string baseDir = dir.empty() ? "." : dir.str();
        if (path == "<stdin>")
          baseDir.clear();
        auto module =
            importONNXModelFromBytes(context, buffer->getBuffer(),
                                     llvm::sys::path::filename(path), baseDir);
        return OwningOpRef<Operation *>(module.release());
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
