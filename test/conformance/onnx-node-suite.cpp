//===- onnx-node-suite.cpp - Compile and run ONNX's backend node tests ----===//
//
// For every test folder (model.onnx and test_data_set_*/{input,output}_*.pb)
// under the given roots: compile the model for this CPU, run it on every
// data set and compare each output with ONNX's tolerances (rtol 1e-3,
// atol 1e-7, same element type). Tests listed in the expectation file
// ("<suite>/<test> # reason") are expected to fail; one that passes is a
// failure. Prints one line per test that does not pass and
// `node-suite: N passed, N failed, N skipped, N expected failures`; exits
// non-zero if any failed.
//
//   weft-onnx-node-suite [-v] [--filter substring] [--expect file]
//       [--devices desc.json [--variants all]] [--ptxas path]
//       [--emulate-gpu] [--compile-only] [--keep dir] <dir>...
//
// With --devices, models are placed on that description (GPU tasks run on
// the GPU, on their CPU variants with --variants all, or as CUDA programs
// emulated on the CPU with --emulate-gpu); --ptxas assembles
// each artifact's sm_90 PTX; --compile-only stops after compiling; --keep
// copies each passing artifact with its test data to dir/<suite>/<test>
// (what scripts/gpu-check.sh runs on a machine with a GPU).
//
//===----------------------------------------------------------------------===//

#include "Expectations.h"
#include "weft/Compiler/Compile.h"
#include "weft/Runtime/Device/CUDAEmulator.h"
#include "weft/Runtime/Session/Session.h"
#include "weft/Runtime/Tooling/TensorFiles.h"

#include "mlir/IR/Diagnostics.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <array>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>

using namespace mlir;
namespace rt = weft::runtime;

namespace {

/// Compiles `modelPath` into an artifact at `artifactPath`; "" or the first
/// error.
/// How the suite compiles: for the host's CPU, or placed on a device
/// description (with CPU variants, so GPU tasks run here too).
weft::CompileOptions suiteOptions;

/// The PTX for `arch` of every kernel module in an artifact's GpuCode
/// section ("" if none), each as one file's text.
std::vector<std::string> extractPTX(const std::string &artifactPath,
                                    const std::string &arch) {
  std::vector<std::string> modules;
  auto artifact = rt::Artifact::open(artifactPath);
  if (!artifact)
    return modules;
  const auto *code = (*artifact)->findSection(rt::format::SectionKind::GpuCode);
  if (!code)
    return modules;
  std::string_view text = code->view();
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string_view::npos)
      break;
    std::istringstream line{std::string(text.substr(at, end - at))};
    at = end + 1;
    std::string kind, name, moduleArch;
    size_t bytes = 0;
    if (!(line >> kind) || kind != "module" ||
        !(line >> name >> moduleArch >> bytes) || at + bytes > text.size())
      continue;
    if (moduleArch == arch)
      modules.emplace_back(text.substr(at, bytes));
    at += bytes + 1;
  }
  return modules;
}

/// Runs `ptxas -arch=<arch>` on each PTX module; returns its complaint or "".
std::string assemblePTX(const std::string &ptxas,
                        const std::vector<std::string> &modules,
                        const std::string &scratch, const std::string &arch) {
  for (const std::string &ptx : modules) {
    std::string path = scratch + "/kernels.ptx", log = scratch + "/ptxas.log";
    {
      std::ofstream out(path);
      out << ptx;
    }
    std::string command = "'" + ptxas + "' -arch=" + arch + " '" + path +
                          "' -o /dev/null > '" + log + "' 2>&1";
    if (std::system(command.c_str()) != 0) {
      std::ifstream in(log);
      std::string first;
      std::getline(in, first);
      return "ptxas -arch=" + arch + " rejects the PTX: " + first;
    }
  }
  return "";
}

std::string compile(const std::string &modelPath,
                    const std::string &artifactPath) {
  DialectRegistry registry;
  weft::registerCompilerDialects(registry);
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  std::string first;
  ScopedDiagnosticHandler handler(&context, [&](Diagnostic &d) {
    if (first.empty() && d.getSeverity() == DiagnosticSeverity::Error)
      first = d.str();
    return success();
  });
  weft::CompileOptions options = suiteOptions;
  options.pipeline.codegen.optLevel = 2; // the suite compiles ~1000 models
  auto artifact = weft::compileModel(context, modelPath, options);
  if (failed(artifact))
    return first.empty() ? "compilation failed" : first;
  std::error_code ec;
  llvm::raw_fd_ostream out(artifactPath, ec);
  if (ec)
    return "cannot write " + artifactPath;
  out << *artifact;
  return "";
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> roots;
  std::string filter, expectPath, ptxas, keepPath;
  bool verbose = false, compileOnly = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-v")
      verbose = true;
    else if (arg == "--filter" && i + 1 < argc)
      filter = argv[++i];
    else if (arg == "--expect" && i + 1 < argc)
      expectPath = argv[++i];
    else if (arg == "--devices" && i + 1 < argc)
      suiteOptions.pipeline.devices = argv[++i];
    else if (arg == "--variants" && i + 1 < argc)
      suiteOptions.pipeline.variants = argv[++i];
    else if (arg == "--ptxas" && i + 1 < argc)
      ptxas = argv[++i];
    else if (arg == "--keep" && i + 1 < argc)
      keepPath = argv[++i];
    else if (arg == "--compile-only")
      compileOnly = true;
    else if (arg == "--emulate-gpu") {
      // GPU tasks run their CUDA programs on the CPU emulation.
      suiteOptions.pipeline.emulateGPU = true;
      setenv(rt::kGPUEmulationVariable, "1", 1);
    } else
      roots.push_back(arg);
  }
  auto expected = weft::conformance::readExpectations(expectPath);
  std::vector<std::string> tests;
  for (const std::string &root : roots) {
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(root, ec), end; it != end && !ec;
         it.increment(ec))
      if (llvm::sys::fs::exists(it->path() + "/model.onnx") &&
          (filter.empty() || it->path().find(filter) != std::string::npos))
        tests.push_back(it->path());
  }
  std::sort(tests.begin(), tests.end());
  llvm::SmallString<128> scratch;
  llvm::sys::fs::createUniqueDirectory("weft-node-suite", scratch);
  int passed = 0, failed = 0, skipped = 0, xfailed = 0;
  /// Per suite folder: passed, failed, skipped, expected failures.
  std::map<std::string, std::array<int, 4>> bySuite;
  for (const std::string &test : tests) {
    // "<suite>/<test>", as the expectation file names them.
    std::string name =
        (llvm::sys::path::filename(llvm::sys::path::parent_path(test)) + "/" +
         llvm::sys::path::filename(test))
            .str();
    std::string artifact =
        (scratch + "/" + llvm::sys::path::filename(test) + ".weft").str();
    std::string problem = compile(test + "/model.onnx", artifact);
    if (problem.empty() && !ptxas.empty())
      problem = assemblePTX(ptxas, extractPTX(artifact, "sm_90"),
                            scratch.str().str(), "sm_90");
    int dataSets = 0;
    if (problem.empty() && compileOnly) // count the data sets to keep
      while (llvm::sys::fs::exists(test + "/test_data_set_" +
                                   std::to_string(dataSets)))
        ++dataSets;
    if (problem.empty() && !compileOnly) {
      auto session = rt::Session::create(artifact);
      if (!session)
        problem = session.getStatus().getMessage();
      for (int set = 0; problem.empty(); ++set) {
        std::string dir = test + "/test_data_set_" + std::to_string(set);
        if (!llvm::sys::fs::exists(dir))
          break;
        ++dataSets;
        std::map<std::string, rt::Tensor> feeds;
        const auto &inputs = (*session)->getInputs();
        for (size_t i = 0; i < inputs.size() && problem.empty(); ++i) {
          auto input = rt::readTestDataTensor(
              dir + "/input_" + std::to_string(i) + ".pb", inputs[i].dtype);
          if (input)
            feeds[inputs[i].name] = *input;
          else
            problem = input.getStatus().getMessage();
        }
        std::vector<rt::Tensor> results;
        if (problem.empty()) {
          rt::Status status = (*session)->run(feeds, results);
          if (!status)
            problem = status.getMessage();
        }
        const auto &outputs = (*session)->getOutputs();
        for (size_t i = 0; i < outputs.size() && problem.empty(); ++i) {
          auto expected = rt::readTestDataTensor(
              dir + "/output_" + std::to_string(i) + ".pb", outputs[i].dtype);
          rt::Status same = expected ? rt::compareTensors(results[i], *expected)
                                     : expected.getStatus();
          if (!same)
            problem = "output '" + outputs[i].name + "': " + same.getMessage();
        }
      }
    }
    bool listed = expected.count(name) != 0;
    // Compiling is all a listed test may pass without running.
    if (compileOnly && listed && problem.empty())
      problem = "compiled only (listed: fails when run)";
    // Artifacts of passing tests are kept, with their test data, where asked
    // (for a machine with a GPU and no compiler).
    if (problem.empty() && dataSets > 0 && !keepPath.empty()) {
      std::string kept = keepPath + "/" + name;
      llvm::sys::fs::create_directories(kept);
      llvm::sys::fs::copy_file(artifact, kept + "/model.weft");
      for (int set = 0; set < dataSets; ++set) {
        std::string from = test + "/test_data_set_" + std::to_string(set);
        std::string to = kept + "/test_data_set_" + std::to_string(set);
        llvm::sys::fs::create_directories(to);
        std::error_code ec;
        for (llvm::sys::fs::directory_iterator it(from, ec), end;
             it != end && !ec; it.increment(ec))
          llvm::sys::fs::copy_file(
              it->path(),
              to + "/" + llvm::sys::path::filename(it->path()).str());
      }
    }
    llvm::sys::fs::remove(artifact);
    auto &counts =
        bySuite[llvm::sys::path::filename(llvm::sys::path::parent_path(test))
                    .str()];
    int before[4] = {passed, failed, skipped, xfailed};
    if (problem.empty() && dataSets == 0) {
      ++skipped;
      llvm::outs() << "SKIP " << name << ": no test data\n";
    } else if (problem.empty() && listed) {
      ++failed;
      llvm::outs() << "FAIL " << name
                   << ": passes but is listed as an expected failure\n";
    } else if (problem.empty()) {
      ++passed;
      if (verbose)
        llvm::outs() << "PASS " << name << "\n";
    } else if (listed) {
      ++xfailed;
      if (verbose)
        llvm::outs() << "XFAIL " << name << ": " << problem << "\n";
    } else {
      ++failed;
      llvm::outs() << "FAIL " << name << ": " << problem << "\n";
    }
    int after[4] = {passed, failed, skipped, xfailed};
    for (int i = 0; i < 4; ++i)
      counts[i] += after[i] - before[i];
    llvm::outs().flush();
  }
  llvm::sys::fs::remove(scratch + "/kernels.ptx");
  llvm::sys::fs::remove(scratch + "/ptxas.log");
  llvm::sys::fs::remove(scratch);
  for (const auto &[suite, counts] : bySuite)
    llvm::outs() << "node-suite " << suite << ": " << counts[0] << " passed, "
                 << counts[1] << " failed, " << counts[2] << " skipped, "
                 << counts[3] << " expected failures\n";
  llvm::outs() << "node-suite: " << passed << " passed, " << failed
               << " failed, " << skipped << " skipped, " << xfailed
               << " expected failures (listed with reasons)\n";
  return failed == 0 && !tests.empty() ? 0 : 1;
}
