//===- Compile.cpp - An ONNX model to a .weft artifact
//---------------------===//

#include "weft/Compiler/Compile.h"
#include "DynamicBatch.h"
#include "Manifest.h"
#include "MultiDevice.h"
#include "weft/Analysis/DeviceModel.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Support/Diagnostics.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"
#include "weft/Target/ONNX/Import.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/InitAllDialects.h"
#include "mlir/InitAllExtensions.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/All.h"

using namespace mlir;

namespace weft {

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

void registerCompilerDialects(DialectRegistry &registry) {
  registerAllDialects(registry);
  registerAllExtensions(registry);
  // GPU kernels are translated to LLVM IR for NVPTX.
  registerAllToLLVMIRTranslations(registry);
  registry.insert<ONNXDialect>();
}

std::string getManifestDType(Type type) {
  if (type.isF32())
    return "f32";
  if (type.isF64())
    return "f64";
  if (type.isF16())
    return "f16";
  if (type.isBF16())
    return "bf16";
  if (type.isInteger(1))
    return "bool";
  if (type.isUnsignedInteger(64) || type.isUnsignedInteger(32) ||
      type.isUnsignedInteger(16) || type.isUnsignedInteger(8))
    return "u" + std::to_string(type.getIntOrFloatBitWidth());
  if (type.isSignlessInteger(64) || type.isSignlessInteger(32) ||
      type.isSignlessInteger(16) || type.isSignlessInteger(8))
    return "i" + std::to_string(type.getIntOrFloatBitWidth());
  return "";
}

std::string getManifestTensorType(Type type, bool batched) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  std::string dtype = tensor ? getManifestDType(tensor.getElementType()) : "";
  if (!tensor || !tensor.hasStaticShape() || dtype.empty())
    return "";
  std::string line = dtype + " ";
  if (tensor.getRank() == 0)
    line += "scalar";
  for (int64_t i = 0; i < tensor.getRank(); ++i)
    line += (i ? "," : "") + (i == 0 && batched
                                  ? std::string("?")
                                  : std::to_string(tensor.getDimSize(i)));
  return line;
}

/// One manifest line for a graph input or output, or an error on `loc`;
/// with `batched`, dim 0 is written as "?" (bound at run time).
static FailureOr<std::string> ioLine(StringRef role, StringAttr name, Type type,
                                     Location loc, bool batched) {
  std::string label = name ? name.getValue().str() : role.str();
  std::string tensor = getManifestTensorType(type, batched);
  if (tensor.empty())
    return emitError(loc) << role << " '" << label << "' has type " << type
                          << ", which compiled models cannot take yet "
                             "(static-shaped tensors of numbers only)";
  return (role + " " + label + " " + tensor + "\n").str();
}

FailureOr<std::string> compileModel(MLIRContext &context, StringRef modelPath,
                                    const CompileOptions &options) {
  // Operators with no lowering of their own are compiled from the function
  // bodies ONNX defines for them, where it defines one.
  llvm::StringSet<> lowered = getONNXOpsLoweredToLinalg(&context);
  ImportOptions importOptions;
  importOptions.expandFunction = [&](StringRef opType) {
    return !lowered.contains(opType);
  };
  // A fixed batch to split is opened up, so types are inferred per chunk.
  importOptions.freeBatchDim = options.splitBatch > 0;
  auto module = importONNXModel(&context, modelPath, importOptions);
  if (!module)
    return failure();
  func::FuncOp entry = module->lookupSymbol<func::FuncOp>("main");
  std::string manifest = "weft-manifest 1\n";
  // The devices the model is compiled for. CPU code runs on every CPU
  // device of a CPU-only description, and the runtime schedules on them; a
  // description with a GPU gets its ops placed and partitioned.
  bool placed = false;
  if (!options.devices.empty()) {
    std::string error;
    auto model = DeviceModel::load(options.devices, error);
    if (!model)
      return emitError(entry.getLoc()) << error;
    std::string names;
    for (const DeviceDescription &device : model->getDevices()) {
      if (device.kind != DeviceKind::CPU && device.kind != DeviceKind::CUDA)
        return emitError(entry.getLoc())
               << "device " << device.name << " of " << options.devices
               << " needs code generation Weft does not have (CPU and CUDA "
                  "only)";
      placed |= device.kind == DeviceKind::CUDA;
      names += (names.empty() ? "" : ",") + device.name;
    }
    manifest += "devices " + names + "\n";
  }
  if ((options.emit == EmitKind::PTX ||
       options.emit == EmitKind::CUDAProgram) &&
      !placed)
    return emitError(entry.getLoc())
           << "GPU code needs a device description with a GPU (--devices)";

  // A dynamic batch, or a fixed one split into chunks: the code is compiled
  // for one chunk and the runtime calls it once per chunk.
  FailureOr<int64_t> chunk = specializeBatch(entry, options.splitBatch);
  if (failed(chunk))
    return failure();
  bool batched = *chunk > 0;
  if (placed && batched)
    return emitError(entry.getLoc())
           << "a batch split into chunks or bound at run time is not "
              "supported with a GPU in the device description yet";
  if (*chunk > 1)
    manifest += "chunk " + std::to_string(*chunk) + "\n";
  if (options.splitBatch > 0) // the batch the model was exported with
    manifest += "batch " + std::to_string(*chunk * options.splitBatch) + "\n";
  for (unsigned i = 0; i < entry.getNumArguments(); ++i) {
    auto line =
        ioLine("input", entry.getArgAttrOfType<StringAttr>(i, "onnx.name"),
               entry.getArgument(i).getType(), entry.getLoc(), batched);
    if (failed(line))
      return failure();
    manifest += *line;
  }
  // Output types are known once shapes are inferred and folded.
  PassManager simplify(&context);
  buildSimplifyONNXPipeline(simplify, SimplifyONNXOptions());
  if (failed(simplify.run(*module))) {
    if (batched)
      emitError(entry.getLoc())
          << "the model does not compute one chunk of " << *chunk
          << " sample(s) at a time (a shape fixed to the whole batch?), so "
             "it cannot run with its batch split or dynamic";
    return failure();
  }
  if (batched && failed(checkPerSampleExecution(entry, *chunk)))
    return failure();
  for (unsigned i = 0; i < entry.getNumResults(); ++i) {
    auto line =
        ioLine("output", entry.getResultAttrOfType<StringAttr>(i, "onnx.name"),
               entry.getFunctionType().getResult(i), entry.getLoc(), batched);
    if (failed(line))
      return failure();
    manifest += *line;
  }
  // The names are in the manifest; LLVM has no use for them.
  for (unsigned i = 0; i < entry.getNumArguments(); ++i)
    entry.removeArgAttr(i, "onnx.name");
  for (unsigned i = 0; i < entry.getNumResults(); ++i)
    entry.removeResultAttr(i, StringAttr::get(&context, "onnx.name"));
  if (placed)
    return compilePlacedModel(*module, options, manifest);
  manifest += "entry " + std::string(kEntryPointName) + "\n";
  entry->setAttr("llvm.emit_c_interface", UnitAttr::get(&context));

  PassManager lower(&context);
  buildCPULoweringPipeline(lower);
  if (failed(lower.run(*module)))
    return failure();
  // The arena the runtime passes after the outputs, if buffers were planned.
  if (auto arena = getArenaBytes(*module, "main"))
    manifest += "arena " + std::to_string(arena) + "\n";
  (*module)->removeAttr(kArenaBytesAttrName);
  std::string target, error;
  auto object = emitHostObject(*module, options.optLevel, target, error);
  auto library = succeeded(object) ? linkSharedObject(*object, error)
                                   : FailureOr<std::string>(failure());
  if (failed(library))
    return emitError(module->getLoc()) << error;

  if (options.emit == EmitKind::Manifest)
    return manifest;
  using runtime::format::SectionKind;
  runtime::ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, manifest);
  writer.addSection(SectionKind::Target, target);
  writer.addSection(SectionKind::HostCode, *library, runtime::format::kRequired,
                    4096);
  return writer.serialize();
}

} // namespace weft
