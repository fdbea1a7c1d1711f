//===- weft-compile.cpp - ONNX model to a .weft artifact ------------------===//
//
//   weft-compile model.onnx -o model.weft [-O N] [--devices D] ...
//
// Imports the model, runs the `weft-compile` pipeline on it (the same
// `weft-opt --pass-pipeline='builtin.module(weft-compile{...})'` runs) and
// writes the artifact with the `weft-to-artifact` translation (see
// docs/design/pipeline.md). MLIR's pass manager options work:
// --mlir-print-ir-after-all, --mlir-timing, --mlir-pass-statistics. The
// artifact is written atomically; nothing is written on failure.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Runtime/Base/File.h"
#include "weft/Support/Diagnostics.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllPasses.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/Timing.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

#include <set>

namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("Artifact to write"),
                                       cl::value_desc("model.weft"),
                                       cl::Required);
static cl::opt<int> optLevel("O", cl::desc("LLVM optimization level (0-3)"),
                             cl::init(3));
static cl::opt<int> splitBatch(
    "split-batch",
    cl::desc("Split the fixed batch into N chunks the runtime schedules as "
             "tasks across devices"),
    cl::value_desc("N"), cl::init(0));
static cl::opt<std::string> devices(
    "devices",
    cl::desc("Device description (built-in name or JSON file) whose devices "
             "the runtime schedules on"),
    cl::value_desc("host-2x.json"), cl::init(""));
static cl::opt<std::string>
    variants("variants",
             cl::desc("Which devices get code: placed (each partition for the "
                      "device it is placed on) or all (GPU partitions also "
                      "for the CPU, which runs them where no GPU is)"),
             cl::init("placed"));
static cl::opt<std::string>
    strategy("strategy",
             cl::desc("How ops are placed on a description with a GPU: heft, "
                      "exact, chain-dp, min-cut, greedy or single=<device>"),
             cl::init("heft"));
static cl::opt<bool> gpuEmulation(
    "gpu-emulation",
    cl::desc("Also compile each GPU kernel for the host, so that "
             "WEFT_GPU_EMULATION=1 runs the GPU code on the CPU (for testing "
             "where no GPU is)"),
    cl::init(false));
static cl::opt<std::string> weightsFile(
    "weights-file",
    cl::desc("Write the GPU partitions' constants to this file (next to the "
             "artifact) instead of into it"),
    cl::value_desc("model.weights"), cl::init(""));
static cl::opt<bool>
    oneDNN("onednn",
           cl::desc("Matrix products call oneDNN (libdnnl.so.2), and GEMMs on "
                    "constant weights pack them once (default on)"),
           cl::init(true));
static cl::opt<bool> openMP(
    "openmp",
    cl::desc("Large loop nests run on an OpenMP team (LLVM's libomp.so.5; "
             "default on)"),
    cl::init(true));
static cl::opt<std::string> depfile(
    "depfile",
    cl::desc("Write the files the artifact was compiled from besides the "
             "model (its external data), one path per line"),
    cl::value_desc("model.deps"), cl::init(""));
static cl::opt<std::string>
    emit("emit",
         cl::desc("What to write: artifact, manifest, ptx "
                  "(the GPU partitions' PTX for sm_90) "
                  "or cuda-program"),
         cl::init("artifact"));

/// An error about the command line; returns 1.
static int usageError(const llvm::Twine &message) {
  llvm::errs() << "weft-compile: error: " << message << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // Passes first: --mlir-print-ir-after=<pass> takes registered ones.
  mlir::registerAllPasses();
  weft::registerCompilePipelines();
  mlir::registerAsmPrinterCLOptions();
  mlir::registerMLIRContextCLOptions();
  mlir::registerPassManagerCLOptions();
  mlir::registerDefaultTimingManagerCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "Weft compiler\n");

  weft::CompileOptions options;
  weft::CompilePipelineConfig &config = options.pipeline;
  if (optLevel < 0 || optLevel > 3)
    return usageError("-O takes 0 to 3");
  if (splitBatch < 0)
    return usageError("--split-batch takes a positive number of chunks");
  if (variants != "all" && variants != "placed")
    return usageError("--variants takes placed or all");
  if (emit != "artifact" && emit != "ptx" && emit != "manifest" &&
      emit != "cuda-program")
    return usageError("--emit takes artifact, manifest, ptx or cuda-program");
  config.codegen.optLevel = optLevel;
  config.codegen.oneDNN = oneDNN;
  config.codegen.packedWeights = oneDNN;
  config.codegen.openMP = openMP;
  config.splitBatch = splitBatch;
  config.devices = devices;
  config.strategy = strategy;
  config.variants = variants;
  config.emulateGPU = gpuEmulation;
  config.weightsFile = weightsFile;
  options.emit = emit == "ptx"            ? weft::ArtifactPart::PTX
                 : emit == "manifest"     ? weft::ArtifactPart::Manifest
                 : emit == "cuda-program" ? weft::ArtifactPart::CUDAProgram
                                          : weft::ArtifactPart::Artifact;

  std::set<std::string> dependencies;
  options.onExternalFile = [&](llvm::StringRef path) {
    dependencies.insert(path.str());
  };

  mlir::DialectRegistry registry;
  weft::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  weft::ModelDiagnosticHandler handler(&context, llvm::errs());
  mlir::DefaultTimingManager timing;
  mlir::applyDefaultTimingManagerCLOptions(timing);
  mlir::TimingScope root = timing.getRootScope();
  auto artifact = weft::compileModel(
      context, inputPath, options, [&](mlir::PassManager &pm) {
        if (failed(mlir::applyPassManagerCLOptions(pm)))
          return mlir::failure();
        pm.enableTiming(root);
        return mlir::success();
      });
  root.stop();
  if (failed(artifact))
    return 1;
  // Through a temporary file renamed into place (docs/security.md).
  if (weft::runtime::Status written =
          weft::runtime::writeFile(outputPath, *artifact);
      !written) {
    llvm::errs() << "weft-compile: error: " << written.getMessage() << "\n";
    return 1;
  }
  if (!depfile.empty()) {
    std::string lines;
    for (const std::string &path : dependencies)
      lines += path + "\n";
    if (weft::runtime::Status written =
            weft::runtime::writeFile(depfile, lines);
        !written) {
      llvm::errs() << "weft-compile: error: " << written.getMessage() << "\n";
      return 1;
    }
  }
  return 0;
}
