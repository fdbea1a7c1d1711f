//===- weft-translate.cpp - ONNX models to and from the onnx dialect ------===//
//
//   weft-translate --import-onnx model.onnx -o model.mlir
//   weft-translate --export-onnx model.mlir -o model.onnx
//   weft-translate --weft-to-artifact compiled.mlir -o model.weft
//
// The last (and --weft-to-manifest, --weft-to-ptx, --weft-to-cuda-program)
// write what the `weft-compile` pipeline left, as weft-compile does.
//
// Import errors name the model file and the node; outputs are written to a
// temporary file and renamed, so a failed run leaves no half-written file.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Support/Diagnostics.h"
#include "weft/Target/ONNX/Export.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"

using namespace mlir;
namespace cl = llvm::cl;

namespace {
enum class Direction {
  None,
  Import,
  Export,
  Artifact,
  Manifest,
  PTX,
  CUDAProgram
};
cl::opt<Direction> direction(
    cl::desc("Translation:"), cl::init(Direction::None),
    cl::values(
        clEnumValN(Direction::Import, "import-onnx",
                   "ONNX model (.onnx) -> onnx dialect (.mlir)"),
        clEnumValN(Direction::Export, "export-onnx",
                   "onnx dialect (.mlir) -> ONNX model (.onnx)"),
        clEnumValN(Direction::Artifact, "weft-to-artifact",
                   "module compiled by the weft-compile pipeline -> .weft"),
        clEnumValN(Direction::Manifest, "weft-to-manifest",
                   "module compiled by the weft-compile pipeline -> the "
                   "artifact's manifest"),
        clEnumValN(Direction::PTX, "weft-to-ptx",
                   "module compiled by the weft-compile pipeline -> its PTX"),
        clEnumValN(Direction::CUDAProgram, "weft-to-cuda-program",
                   "module compiled by the weft-compile pipeline -> its CUDA "
                   "programs")));
cl::opt<std::string> inputPath(cl::Positional, cl::desc("<input>"),
                               cl::Required);
cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                cl::value_desc("path"), cl::init("-"));
cl::opt<bool>
    noInferShapes("no-infer-shapes",
                  cl::desc("Do not run ONNX's type inference on import"),
                  cl::init(false));
enum class Emit { MLIR, None };
cl::opt<Emit>
    emit("emit", cl::desc("What to write after import"), cl::init(Emit::MLIR),
         cl::values(clEnumValN(Emit::MLIR, "mlir", "the module as text"),
                    clEnumValN(Emit::None, "none",
                               "nothing (import and verify only)")));
cl::opt<bool> noChecker("no-checker",
                        cl::desc("Do not run onnx::checker on import"),
                        cl::init(false));
cl::opt<bool> forCompile(
    "for-compile",
    cl::desc("Import as weft-compile does: ops Weft does not lower replaced "
             "by the function bodies ONNX defines for them"),
    cl::init(false));
cl::opt<int64_t> splitBatch(
    "split-batch",
    cl::desc("With --for-compile: open dim 0 up for the weft-compile "
             "pipeline's split-batch=N"),
    cl::init(0));
} // namespace

/// Writes `text` to `path` ("-" is stdout) through a temporary file.
static bool writeOutput(StringRef path, StringRef text) {
  llvm::Error error = llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << text;
    return llvm::Error::success();
  });
  if (error) {
    llvm::errs() << path << ": error: cannot write: "
                 << llvm::toString(std::move(error)) << "\n";
    return false;
  }
  return true;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "Weft ONNX translator\n");
  if (direction == Direction::None) {
    llvm::errs() << "weft-translate: choose a translation (--import-onnx, "
                    "--export-onnx, --weft-to-artifact, ...)\n";
    return 2;
  }

  DialectRegistry registry;
  weft::registerCompilerDialects(registry);
  // Dialects load as the importer or the parser needs them: loading all of
  // them up front costs every run ~0.1 s.
  MLIRContext context(registry);
  // Import diagnostics name the node; the generic op form adds nothing.
  context.printOpOnDiagnostic(false);

  std::string text;
  llvm::raw_string_ostream os(text);
  if (direction == Direction::Import) {
    weft::ModelDiagnosticHandler handler(&context, llvm::errs());
    weft::ImportOptions options;
    if (forCompile)
      options = weft::getCompileImportOptions(&context, splitBatch);
    options.inferShapes = !noInferShapes;
    options.runChecker = !noChecker;
    auto module = weft::importONNXModel(&context, inputPath, options);
    if (!module)
      return 1;
    if (emit == Emit::None)
      return 0;
    module->print(os, OpPrintingFlags());
  } else {
    llvm::SourceMgr sourceMgr;
    SourceMgrDiagnosticHandler handler(sourceMgr, &context);
    auto module =
        parseSourceFile<ModuleOp>(inputPath, sourceMgr, ParserConfig(&context));
    if (!module)
      return 1;
    if (direction == Direction::Export) {
      if (failed(weft::exportONNXModel(*module, os)))
        return 1;
    } else {
      weft::ArtifactPart part =
          direction == Direction::Manifest ? weft::ArtifactPart::Manifest
          : direction == Direction::PTX    ? weft::ArtifactPart::PTX
          : direction == Direction::CUDAProgram
              ? weft::ArtifactPart::CUDAProgram
              : weft::ArtifactPart::Artifact;
      if (failed(weft::writeArtifact(*module, part, os)))
        return 1;
    }
  }
  return writeOutput(outputPath, text) ? 0 : 1;
}
