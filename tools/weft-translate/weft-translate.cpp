//===- weft-translate.cpp - Weft's registered translations ----------------===//
//
//   weft-translate --import-onnx model.onnx -o model.mlir
//   weft-translate --verify-onnx model.onnx
//   weft-translate --export-onnx model.mlir -o model.onnx
//   weft-translate --weft-to-artifact compiled.mlir -o model.weft
//
// The translations are registered ones (lib/Target/ONNX, lib/Target/Artifact,
// registerCompilerTranslations), chosen as mlir-translate chooses them. The
// driver is Weft's own, not mlirTranslateMain, for the file rules of
// docs/security.md: the input is read with a limit when it is not a regular
// file, and the output goes through a temporary file, so a failed run
// leaves no half-written file, a symbolic link or a device stays what it is,
// and a full disk is an error.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Runtime/Base/File.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Tools/mlir-translate/Translation.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/SourceMgr.h"

using namespace mlir;
namespace cl = llvm::cl;
namespace rt = weft::runtime;

/// The most read from a pipe or a device: larger than any ONNX model (2 GiB
/// protobuf limit), and a bound on /dev/zero.
static constexpr uint64_t kMaxStreamBytes = uint64_t(2) << 30;

/// The input as a null-terminated buffer named after its file.
static std::unique_ptr<llvm::MemoryBuffer> readInput(const std::string &path) {
  std::string source = path == "-" ? "/dev/stdin" : path;
  rt::StatusOr<rt::InputFile> file = rt::InputFile::open(source, "the input");
  if (!file) {
    llvm::errs() << "weft-translate: error: " << file.getStatus().getMessage()
                 << "\n";
    return nullptr;
  }
  std::string name = path == "-" ? "<stdin>" : path;
  if (file->getSize()) {
    // A regular file is mapped, not copied.
    auto mapped = llvm::MemoryBuffer::getFile(path, /*IsText=*/false);
    if (!mapped) {
      llvm::errs() << "weft-translate: error: " << path
                   << ": cannot read the input: " << mapped.getError().message()
                   << "\n";
      return nullptr;
    }
    return std::move(*mapped);
  }
  rt::StatusOr<std::string> text = file->readRest(kMaxStreamBytes, "the input");
  if (!text) {
    llvm::errs() << "weft-translate: error: " << text.getStatus().getMessage()
                 << "\n";
    return nullptr;
  }
  return llvm::MemoryBuffer::getMemBufferCopy(*text, name);
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  weft::registerCompilerTranslations();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  cl::opt<const Translation *, false, TranslationParser> translation(
      "", cl::desc("Translation to perform"), cl::Required);
  cl::opt<std::string> inputPath(cl::Positional, cl::desc("<input>"),
                                 cl::init("-"));
  cl::opt<std::string> outputPath("o", cl::desc("Output file"),
                                  cl::value_desc("path"), cl::init("-"));
  cl::ParseCommandLineOptions(argc, argv, "Weft translator\n");

  std::unique_ptr<llvm::MemoryBuffer> input = readInput(inputPath);
  if (!input)
    return 1;
  auto sourceMgr = std::make_shared<llvm::SourceMgr>();
  sourceMgr->AddNewSourceBuffer(std::move(input), llvm::SMLoc());
  MLIRContext context;
  SourceMgrDiagnosticHandler handler(*sourceMgr, &context);
  std::string text;
  llvm::raw_string_ostream os(text);
  if (failed((*translation)(sourceMgr, os, &context)))
    return 1;
  if (rt::Status written = rt::writeFile(outputPath, text); !written) {
    llvm::errs() << "weft-translate: error: " << written.getMessage() << "\n";
    return 1;
  }
  return 0;
}
