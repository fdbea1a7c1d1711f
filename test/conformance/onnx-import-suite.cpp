//===- onnx-import-suite.cpp - Import/export every model of a test suite
//---===//
//
// For every model.onnx under the given folders: import it, verify it, export
// it, import the export again and compare the two printed modules. Failures
// listed in the expectation file (with their reasons) are expected; a listed
// model that passes is an error too, so the list stays true.
//
//   weft-onnx-import-suite --expect expected-failures.txt <dir>...
//
//===----------------------------------------------------------------------===//

#include "Expectations.h"
#include "weft/Dialect/ONNX/IR/ONNXDialect.h"
#include "weft/Target/ONNX/Export.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <map>
#include <string>
#include <vector>

using namespace mlir;

namespace {

/// Imports `bytes` in a fresh context and prints the module; returns "" and
/// sets `error` on failure.
std::string importAndPrint(llvm::StringRef bytes, llvm::StringRef name,
                           llvm::StringRef dir, std::string &error,
                           std::string *exported) {
  DialectRegistry registry;
  registry.insert<weft::ONNXDialect, func::FuncDialect>();
  MLIRContext context(registry);
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &diag) {
    if (error.empty())
      error = diag.str();
    return success();
  });
  auto module = weft::importONNXModelFromBytes(&context, bytes, name, dir);
  if (!module) {
    if (error.empty())
      error = "import failed";
    return "";
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  module->print(os);
  if (exported) {
    llvm::raw_string_ostream out(*exported);
    if (failed(weft::exportONNXModel(*module, out))) {
      error = "export: " + error;
      return "";
    }
  }
  return text;
}

} // namespace

int main(int argc, char **argv) {
  std::string expectPath;
  std::vector<std::string> roots;
  bool verbose = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--expect" && i + 1 < argc)
      expectPath = argv[++i];
    else if (arg == "-v")
      verbose = true;
    else
      roots.push_back(arg);
  }
  auto expected = weft::conformance::readExpectations(expectPath);

  std::vector<std::string> models; // "<suite>/<test>"
  std::map<std::string, std::string> pathOf;
  for (const std::string &root : roots) {
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec)) {
      std::string model = it->path() + "/model.onnx";
      if (!llvm::sys::fs::exists(model))
        continue;
      std::string key = llvm::sys::path::filename(root).str() + "/" +
                        llvm::sys::path::filename(it->path()).str();
      models.push_back(key);
      pathOf[key] = it->path();
    }
  }
  std::sort(models.begin(), models.end());

  int passed = 0, failed = 0, xfailed = 0;
  for (const std::string &key : models) {
    std::string dir = pathOf[key];
    auto buffer = llvm::MemoryBuffer::getFile(dir + "/model.onnx");
    std::string error, exported;
    std::string first, second;
    if (!buffer) {
      error = "cannot read";
    } else {
      first = importAndPrint((*buffer)->getBuffer(), "model.onnx", dir, error,
                             &exported);
      if (!first.empty()) {
        second = importAndPrint(exported, "exported.onnx", dir, error, nullptr);
        if (!second.empty() && first != second)
          error = "re-imported IR differs from the first import";
        else if (second.empty())
          error = "re-import: " + error;
      }
    }
    bool ok = error.empty();
    auto listed = expected.find(key);
    if (ok && listed == expected.end()) {
      ++passed;
      if (verbose)
        llvm::outs() << "PASS " << key << "\n";
    } else if (!ok && listed != expected.end()) {
      ++xfailed;
      llvm::outs() << "XFAIL " << key << ": " << error << "\n";
    } else if (ok) {
      ++failed;
      llvm::outs() << "FAIL " << key
                   << ": passes but is listed as an expected failure\n";
    } else {
      ++failed;
      llvm::outs() << "FAIL " << key << ": " << error << "\n";
    }
  }
  llvm::outs() << "import-roundtrip: " << models.size() << " models, "
               << xfailed << " expected failures (listed with reasons)\n";
  llvm::outs() << "import-roundtrip: " << passed << " passed, " << failed
               << " failed\n";
  return failed == 0 && !models.empty() ? 0 : 1;
}
