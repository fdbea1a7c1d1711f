//===- weft-compile.cpp - ONNX model to a .weft artifact
//-------------------===//
//
//   weft-compile model.onnx -o model.weft
//
// Imports the model, simplifies it, lowers it to native code for this CPU
// and writes one artifact: a manifest (inputs, outputs, entry point), the
// target, and the host code as a shared object with its weights inside.
// The artifact is written atomically; nothing is written on failure.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Support/Diagnostics.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
namespace cl = llvm::cl;

static cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx>"),
                                      cl::Required);
static cl::opt<std::string> outputPath("o", cl::desc("Artifact to write"),
                                       cl::value_desc("model.weft"),
                                       cl::Required);
static cl::opt<int> optLevel("O", cl::desc("LLVM optimization level (0-3)"),
                             cl::init(3));

/// The manifest's name of an element type, or "" if the runtime has none.
static std::string dtypeName(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  if (type.isF16())
    return "f16";
  if (type.isInteger(1))
    return "bool";
  if (auto i = dyn_cast<IntegerType>(type))
    return (i.isUnsigned() ? "u" : "i") + std::to_string(i.getWidth());
  return "";
}

/// One manifest line for a graph input or output; "" and an error if its
/// type cannot cross the runtime's interface.
static std::string ioLine(StringRef role, StringRef name, Type type,
                          std::string &error) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::string dtype = tensor ? dtypeName(tensor.getElementType()) : "";
  if (!tensor || !tensor.hasStaticShape() || dtype.empty()) {
    llvm::raw_string_ostream os(error);
    os << role << " '" << name << "' has type " << type
       << ", which compiled models cannot take yet (static-shaped tensors of "
          "numbers only)";
    return "";
  }
  std::string line = (role + " " + name + " " + dtype + " ").str();
  if (tensor.getRank() == 0)
    line += "scalar";
  for (int64_t i = 0; i < tensor.getRank(); ++i)
    line += (i ? "," : "") + std::to_string(tensor.getDimSize(i));
  return line + "\n";
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Weft compiler\n");
  DialectRegistry registry;
  registerAllDialects(registry);
  registerAllExtensions(registry);
  registry.insert<weft::ONNXDialect>();
  MLIRContext context(registry);
  context.printOpOnDiagnostic(false);
  weft::ModelDiagnosticHandler handler(&context, llvm::errs());

  auto module = weft::importONNXModel(&context, inputPath);
  if (!module)
    return 1;
  func::FuncOp entry = module->lookupSymbol<func::FuncOp>("main");

  // The manifest describes the graph's interface before lowering changes it.
  std::string manifest =
      "weft-manifest 1\nentry " + std::string(weft::kEntryPointName) + "\n";
  std::string error;
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    auto name = entry.getArgAttrOfType<StringAttr>(i, "onnx.name");
    manifest += ioLine("input", name ? name.getValue() : "input",
                       entry.getArgument(i).getType(), error);
  }
  PassManager simplify(&context);
  weft::buildSimplifyONNXPipeline(simplify, weft::SimplifyONNXOptions());
  if (failed(simplify.run(*module)))
    return 1;
  for (unsigned i = 0; i < entry.getNumResults(); ++i) {
    auto name = entry.getResultAttrOfType<StringAttr>(i, "onnx.name");
    manifest += ioLine("output", name ? name.getValue() : "output",
                       entry.getFunctionType().getResult(i), error);
  }
  if (!error.empty()) {
    llvm::errs() << inputPath << ": error: " << error << "\n";
    return 1;
  }

  // The names are in the manifest; LLVM has no use for them.
  for (unsigned i = 0; i < entry.getNumArguments(); ++i)
    entry.removeArgAttr(i, "onnx.name");
  for (unsigned i = 0; i < entry.getNumResults(); ++i)
    entry.removeResultAttr(i, StringAttr::get(&context, "onnx.name"));
  entry->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));
  PassManager lower(&context);
  weft::buildCPULoweringPipeline(lower);
  if (failed(lower.run(*module)))
    return 1;
  std::string target;
  auto object = weft::emitHostObject(*module, optLevel, target, error);
  if (failed(object)) {
    llvm::errs() << inputPath << ": error: " << error << "\n";
    return 1;
  }
  auto library = weft::linkSharedObject(*object, error);
  if (failed(library)) {
    llvm::errs() << inputPath << ": error: " << error << "\n";
    return 1;
  }

  using weft::runtime::format::SectionKind;
  weft::runtime::ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, manifest);
  writer.addSection(SectionKind::Target, target);
  writer.addSection(SectionKind::HostCode, *library,
                    weft::runtime::format::kRequired, 4096);
  weft::runtime::Status status = writer.writeFile(outputPath);
  if (!status) {
    llvm::errs() << "weft-compile: error: " << status.getMessage() << "\n";
    return 1;
  }
  return 0;
}
