//===- Manifest.cpp - The manifest of a compiled module -------------------===//
//
// The manifest says what the runtime runs: the model's inputs and outputs,
// and either one entry point (a model compiled whole for the host) or the
// task graph @main became ("value", "bind", "task" and "transfer" lines in
// the static order), plus where each task's code and arena are.
//
//===----------------------------------------------------------------------===//

#include "Manifest.h"
#include "weft/Analysis/DeviceModel.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Target/Artifact/ArtifactTranslation.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/Support/Path.h"

#include <cstdio>

using namespace mlir;

namespace weft {

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

FailureOr<CompiledCode> findCompiledCode(ModuleOp module) {
  CompiledCode code;
  for (auto binary : module.getOps<BinaryOp>()) {
    BinaryOp &slot = binary.getKind() == "host-code"  ? code.host
                     : binary.getKind() == "gpu-code" ? code.gpu
                                                      : code.weights;
    if (slot)
      return binary.emitOpError("is the second ") << binary.getKind();
    slot = binary;
  }
  return code;
}

namespace {

/// One manifest line for a graph input or output, or an error on `loc`;
/// with `batched`, dim 0 is written as "?" (bound at run time).
FailureOr<std::string> ioLine(StringRef role, StringAttr name, Type type,
                              Location loc, bool batched) {
  std::string label = name ? name.getValue().str() : role.str();
  std::string tensor = getManifestTensorType(type, batched);
  if (tensor.empty())
    return emitError(loc) << role << " '" << label << "' has type " << type
                          << ", which compiled models cannot take yet "
                             "(static-shaped tensors of numbers only)";
  return (role + " " + label + " " + tensor + "\n").str();
}

/// The arena bytes of host entry point `name`, if the host code has it.
std::optional<int64_t> getHostArena(CompiledCode code, StringRef name) {
  BinaryOp host = code.host;
  DictionaryAttr entries = host ? host.getEntriesAttr() : nullptr;
  if (!entries)
    return std::nullopt;
  auto bytes = entries.getAs<IntegerAttr>(name);
  return bytes ? std::optional<int64_t>(bytes.getInt()) : std::nullopt;
}

/// The "value", "bind", "task" and "transfer" lines of the task graph
/// `main`, in its static order.
FailureOr<std::string> describeGraph(func::FuncOp main, CompiledCode code) {
  std::string lines;
  llvm::DenseMap<Value, int> ids;
  auto number = [&](Value value) -> LogicalResult {
    std::string type = getManifestTensorType(value.getType());
    if (type.empty())
      return emitError(value.getLoc())
             << "a value of type " << value.getType()
             << " passes between devices, which runs only for static-shaped "
                "tensors of numbers";
    int id = int(ids.size());
    ids[value] = id;
    lines += "value " + std::to_string(id) + " " + type + "\n";
    return success();
  };
  auto list = [&](ValueRange values) -> FailureOr<std::string> {
    std::string text;
    for (Value value : values) {
      auto it = ids.find(value);
      if (it == ids.end())
        return emitError(value.getLoc())
               << "a partition reads a value computed outside every "
                  "partition";
      text += (text.empty() ? "" : ",") + std::to_string(it->second);
    }
    return text.empty() ? std::string("-") : text;
  };
  for (auto [index, arg] : llvm::enumerate(main.getArguments())) {
    if (failed(number(arg)))
      return failure();
    lines += "bind input " + std::to_string(index) + " " +
             std::to_string(ids[arg]) + "\n";
  }
  for (Operation &op : main.getBody().front()) {
    if (auto task = dyn_cast<TaskOp>(op)) {
      auto inputs = list(task.getInputs());
      if (failed(inputs))
        return failure();
      for (Value result : task.getOutputs())
        if (failed(number(result)))
          return failure();
      auto outputs = list(task.getOutputs());
      lines += "task " + task.getCallee().str() + " " +
               task.getDevice().getName() + " in " + *inputs + " out " +
               *outputs;
      if (auto arena = getHostArena(code, task.getCallee()))
        lines += " cpu " + std::to_string(*arena);
      lines += "\n";
      continue;
    }
    if (auto transfer = dyn_cast<TransferOp>(op)) {
      auto input = list(transfer.getInput());
      if (failed(input) || failed(number(transfer.getOutput())))
        return failure();
      lines += "transfer " + *input + " " +
               std::to_string(ids[transfer.getOutput()]) + " " +
               transfer.getFrom().getName() + " " + transfer.getTo().getName() +
               "\n";
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
        auto id = list(value);
        if (failed(id))
          return failure();
        lines += "bind output " + std::to_string(index) + " " + *id + "\n";
      }
      continue;
    }
    return op.emitOpError("stays outside every partition, which the runtime "
                          "cannot run");
  }
  return lines;
}

/// The one task of a model compiled whole for the host, if it is that.
TaskOp getEntryTask(ModuleOp module, func::FuncOp main) {
  auto tasks = main.getOps<TaskOp>();
  if (!llvm::hasSingleElement(tasks))
    return nullptr;
  TaskOp task = *tasks.begin();
  auto callee = module.lookupSymbol<func::FuncOp>(task.getCallee());
  return callee && callee->hasAttr(WeftDialect::getEntryAttrName()) ? task
                                                                    : nullptr;
}

} // namespace

FailureOr<std::string> buildManifest(ModuleOp module, CompiledCode code) {
  auto main = module.lookupSymbol<func::FuncOp>("main");
  if (!main || (!code.host && !code.gpu))
    return module.emitError("the module is not compiled: run the "
                            "weft-compile pipeline on it first");
  std::string manifest = "weft-manifest 1\n";
  if (module->hasAttr(WeftDialect::getListedDevicesAttrName())) {
    auto devices =
        module->getAttrOfType<DevicesAttr>(WeftDialect::getDevicesAttrName());
    if (!devices)
      return module.emitError("the module lists devices it does not "
                              "describe (no weft.devices)");
    const DeviceModel *model = &devices.getModel();
    std::string names;
    for (const DeviceDescription &device : model->getDevices())
      names += (names.empty() ? "" : ",") + device.name;
    manifest += "devices " + names + "\n";
  }
  auto chunk =
      module->getAttrOfType<IntegerAttr>(WeftDialect::getChunkAttrName());
  bool batched = bool(chunk);
  if (chunk && chunk.getInt() > 1)
    manifest += "chunk " + std::to_string(chunk.getInt()) + "\n";
  if (auto batch =
          module->getAttrOfType<IntegerAttr>(WeftDialect::getBatchAttrName()))
    manifest += "batch " + std::to_string(batch.getInt()) + "\n";
  for (unsigned i = 0; i < main.getNumArguments(); ++i) {
    auto line =
        ioLine("input", main.getArgAttrOfType<StringAttr>(i, "onnx.name"),
               main.getArgument(i).getType(), main.getLoc(), batched);
    if (failed(line))
      return failure();
    manifest += *line;
  }
  for (unsigned i = 0; i < main.getNumResults(); ++i) {
    auto line =
        ioLine("output", main.getResultAttrOfType<StringAttr>(i, "onnx.name"),
               main.getFunctionType().getResult(i), main.getLoc(), batched);
    if (failed(line))
      return failure();
    manifest += *line;
  }
  if (TaskOp entry = getEntryTask(module, main)) {
    auto arena = getHostArena(code, entry.getCallee());
    if (!arena)
      return entry.emitOpError("calls ")
             << entry.getCallee() << ", which the host code does not have";
    manifest += "entry weft_" + entry.getCallee().str() + "\n";
    if (*arena)
      manifest += "arena " + std::to_string(*arena) + "\n";
  } else {
    if (batched)
      return main.emitError("a batch run in chunks needs the model compiled "
                            "whole for the host");
    auto graph = describeGraph(main, code);
    if (failed(graph))
      return failure();
    manifest += *graph;
  }
  if (code.weights && code.weights.getFile()) {
    StringRef weights = code.weights.getData();
    char checksum[16];
    snprintf(checksum, sizeof(checksum), "%08x",
             runtime::crc32c(weights.data(), weights.size()));
    manifest += "weights-file " +
                llvm::sys::path::filename(*code.weights.getFile()).str() + " " +
                std::to_string(weights.size()) + " " + checksum + "\n";
  }
  if (code.host && code.host.getCodegen())
    manifest += "codegen " + code.host.getCodegen()->str() + "\n";
  return manifest;
}

} // namespace weft
