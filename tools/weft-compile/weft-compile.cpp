//===- weft-compile.cpp - ONNX model to a .weft artifact
//-------------------===//
//
//   weft-compile model.onnx -o model.weft [-O N]
//
// Imports the model, simplifies it, lowers it to native code for this CPU
// and writes one artifact (see docs/codegen.md). The artifact is written
// atomically; nothing is written on failure.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Support/Diagnostics.h"

#include "mlir/IR/MLIRContext.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

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
static cl::opt<std::string>
    emit("emit",
         cl::desc("What to write: artifact, manifest, ptx "
                  "(the GPU partitions' PTX for sm_90) "
                  "or cuda-program"),
         cl::init("artifact"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Weft compiler\n");
  mlir::DialectRegistry registry;
  weft::registerCompilerDialects(registry);
  mlir::MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  weft::ModelDiagnosticHandler handler(&context, llvm::errs());

  weft::CompileOptions options;
  options.optLevel = optLevel;
  if (splitBatch < 0) {
    llvm::errs() << "weft-compile: error: --split-batch takes a positive "
                    "number of chunks\n";
    return 1;
  }
  if (variants != "all" && variants != "placed") {
    llvm::errs() << "weft-compile: error: --variants takes placed or all\n";
    return 1;
  }
  if (emit != "artifact" && emit != "ptx" && emit != "manifest" &&
      emit != "cuda-program") {
    llvm::errs() << "weft-compile: error: --emit takes artifact, manifest, "
                    "ptx or cuda-program\n";
    return 1;
  }
  options.allVariants = variants == "all";
  options.weightsFile = weightsFile;
  options.emulatedKernels = gpuEmulation;
  options.strategy = strategy;
  options.emit = emit == "ptx"            ? weft::EmitKind::PTX
                 : emit == "manifest"     ? weft::EmitKind::Manifest
                 : emit == "cuda-program" ? weft::EmitKind::CUDAProgram
                                          : weft::EmitKind::Artifact;
  options.splitBatch = splitBatch;
  options.devices = devices;
  auto artifact = weft::compileModel(context, inputPath, options);
  if (failed(artifact))
    return 1;
  // Through a temporary file renamed into place.
  if (llvm::Error error =
          llvm::writeToOutput(outputPath, [&](llvm::raw_ostream &os) {
            os << *artifact;
            return llvm::Error::success();
          })) {
    llvm::errs() << "weft-compile: error: cannot write " << outputPath << ": "
                 << llvm::toString(std::move(error)) << "\n";
    return 1;
  }
  return 0;
}
