//===- MultiDevice.cpp - Models placed on CPUs and GPUs -------------------===//
//
// The placement passes turn @main into a static order of tasks (calls of
// partition functions, each on one device) and transfers. Each partition is
// then compiled by its device's code generator: CPU partitions into the host
// shared object (entry point `weft_<partition>`), GPU partitions into CUDA
// programs; @main becomes the manifest's value, task and transfer lines.
//
//===----------------------------------------------------------------------===//

#include "MultiDevice.h"
#include "Manifest.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/IR/WeftAttrs.h"
#include "weft/Dialect/Weft/IR/WeftDialect.h"
#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Target/CPU/CPUCodegen.h"
#include "weft/Target/CPU/Passes.h"
#include "weft/Target/CUDA/CUDACodegen.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/BitVector.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace weft {
namespace {

/// Whether a device name ("cuda:0") is a GPU's.
bool isGPU(StringRef device) { return device.starts_with("cuda:"); }

/// A copy of `module` with only the partition functions in `keep`, each
/// public (an entry point of the code generated from it).
OwningOpRef<ModuleOp> extractFunctions(ModuleOp module,
                                       const llvm::StringSet<> &keep) {
  OwningOpRef<ModuleOp> copy = module.clone();
  for (auto func : llvm::make_early_inc_range(copy->getOps<func::FuncOp>())) {
    if (!keep.contains(func.getSymName())) {
      func.erase();
      continue;
    }
    func.setPublic();
    func->removeAttr(WeftDialect::getDeviceAttrName());
  }
  return copy;
}

/// Outputs that are constants get an Identity op, which placement puts on a
/// device like any other: a task then computes them.
void computeConstantOutputs(func::FuncOp main) {
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  OpBuilder builder(ret);
  for (OpOperand &operand : ret->getOpOperands())
    if (operand.get().getDefiningOp<ONNXConstantOp>())
      operand.set(ONNXIdentityOp::create(builder, ret.getLoc(),
                                         operand.get().getType(), operand.get())
                      .getResult());
}

/// Moves the constants @main passes to tasks (and transfers) into the
/// partitions that read them: weights become part of each device's code.
void sinkConstants(ModuleOp module, func::FuncOp main) {
  auto isConstant = [](Value value) {
    return value.getDefiningOp<ONNXConstantOp>() ||
           value.getDefiningOp<ONNXNoValueOp>();
  };
  for (auto transfer : llvm::make_early_inc_range(main.getOps<TransferOp>()))
    if (isConstant(transfer.getInput())) {
      transfer.getOutput().replaceAllUsesWith(transfer.getInput());
      transfer.erase();
    }
  for (auto task : main.getOps<TaskOp>()) {
    auto callee = module.lookupSymbol<func::FuncOp>(task.getCallee());
    if (!callee || callee.isExternal())
      continue;
    llvm::BitVector sunk(task.getInputs().size());
    OpBuilder builder = OpBuilder::atBlockBegin(&callee.front());
    for (auto [index, input] : llvm::enumerate(task.getInputs())) {
      if (!isConstant(input))
        continue;
      Operation *copy = builder.clone(*input.getDefiningOp());
      callee.getArgument(index).replaceAllUsesWith(copy->getResult(0));
      sunk.set(index);
    }
    if (sunk.none())
      continue;
    if (failed(callee.eraseArguments(sunk)))
      continue;
    for (int index = int(sunk.size()) - 1; index >= 0; --index)
      if (sunk.test(index))
        task.getInputsMutable().erase(index);
  }
  for (Operation &op : llvm::make_early_inc_range(main.getOps()))
    if (isa<ONNXConstantOp, ONNXNoValueOp>(op) && op.use_empty())
      op.erase();
}

/// Moves the LLVM-dialect ops of `from` into `into`, but for declarations
/// `into` already has (the C library functions both call).
void mergeSymbols(ModuleOp from, ModuleOp into) {
  SymbolTable symbols(into);
  for (Operation &op : llvm::make_early_inc_range(*from.getBody())) {
    auto name = op.getAttrOfType<StringAttr>(SymbolTable::getSymbolAttrName());
    if (name && symbols.lookup(name))
      continue;
    op.moveBefore(into.getBody(), into.getBody()->end());
  }
}

/// A manifest line; a task's lacks the arena of its CPU code, known once
/// the code is compiled.
struct GraphLine {
  std::string text;
  std::string callee; ///< the task's partition, "" for other lines
};

/// The manifest lines of a scheduled @main: "value", "bind", "task" and
/// "transfer" (docs/artifact.md), in the static order; fills the partitions
/// per kind of device.
FailureOr<std::vector<GraphLine>>
describeGraph(func::FuncOp main, llvm::StringSet<> &cpuFunctions,
              llvm::StringSet<> &gpuFunctions) {
  std::vector<GraphLine> lines;
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
    lines.push_back({"value " + std::to_string(id) + " " + type, ""});
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
    lines.push_back(
        {"bind input " + std::to_string(index) + " " + std::to_string(ids[arg]),
         ""});
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
      std::string device = task.getDevice().getName();
      (isGPU(device) ? gpuFunctions : cpuFunctions).insert(task.getCallee());
      lines.push_back({"task " + task.getCallee().str() + " " + device +
                           " in " + *inputs + " out " + *outputs,
                       task.getCallee().str()});
      continue;
    }
    if (auto transfer = dyn_cast<TransferOp>(op)) {
      auto input = list(transfer.getInput());
      if (failed(input) || failed(number(transfer.getOutput())))
        return failure();
      lines.push_back({"transfer " + *input + " " +
                           std::to_string(ids[transfer.getOutput()]) + " " +
                           transfer.getFrom().getName() + " " +
                           transfer.getTo().getName(),
                       ""});
      continue;
    }
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (auto [index, value] : llvm::enumerate(ret.getOperands())) {
        auto id = list(value);
        if (failed(id))
          return failure();
        lines.push_back(
            {"bind output " + std::to_string(index) + " " + *id, ""});
      }
      continue;
    }
    return op.emitOpError("stays outside every partition, which the runtime "
                          "cannot run");
  }
  return lines;
}

} // namespace

FailureOr<std::string> compilePlacedModel(ModuleOp module,
                                          const CompileOptions &options,
                                          std::string manifest) {
  MLIRContext *context = module.getContext();
  context->loadDialect<WeftDialect>();
  computeConstantOutputs(module.lookupSymbol<func::FuncOp>("main"));
  PassManager place(context);
  AttachDevicesPassOptions attach;
  attach.description = options.devices;
  place.addPass(createAttachDevicesPass(attach));
  PlacePassOptions placeOptions;
  placeOptions.strategy = options.strategy;
  place.addPass(createPlacePass(placeOptions));
  place.addPass(createPartitionPass());
  place.addPass(createInsertTransfersPass());
  place.addPass(createSchedulePass());
  if (failed(place.run(module)))
    return failure();
  auto main = module.lookupSymbol<func::FuncOp>("main");
  sinkConstants(module, main);
  llvm::StringSet<> cpuFunctions, gpuFunctions;
  auto graph = describeGraph(main, cpuFunctions, gpuFunctions);
  if (failed(graph))
    return failure();

  // GPU partitions: kernels and CUDA programs.
  CUDAProgramText gpu;
  OwningOpRef<ModuleOp> emulated;
  if (!gpuFunctions.empty()) {
    OwningOpRef<ModuleOp> gpuModule = extractFunctions(module, gpuFunctions);
    PassManager kernels(context), ptx(context);
    buildCUDAKernelPipeline(kernels);
    buildCUDAToPTXPipeline(ptx, CUDAPipelineOptions());
    if (failed(kernels.run(*gpuModule)))
      return failure();
    if (options.emulatedKernels) {
      auto extracted = extractEmulatedKernels(*gpuModule);
      if (failed(extracted))
        return failure();
      emulated = std::move(*extracted);
      if (emulated->getBody()->empty()) // no kernel (zero-sized work)
        emulated = nullptr;
    }
    if (emulated) {
      PassManager lower(context);
      buildLoopsToLLVMPipeline(lower);
      if (failed(lower.run(*emulated)))
        return failure();
    }
    if (failed(ptx.run(*gpuModule)))
      return failure();
    if (options.emit == EmitKind::PTX)
      return getPTX(*gpuModule, "sm_90");
    if (failed(writeCUDAPrograms(*gpuModule, gpu)))
      return failure();
    if (options.emit == EmitKind::CUDAProgram)
      return gpu.code;
  } else if (options.emit == EmitKind::PTX ||
             options.emit == EmitKind::CUDAProgram) {
    return emitError(main.getLoc())
           << "no op was placed on a GPU, so there is no GPU code";
  }

  // CPU partitions, and the CPU variants of GPU partitions if asked for.
  llvm::StringSet<> hostFunctions = cpuFunctions;
  if (options.allVariants)
    for (const auto &name : gpuFunctions)
      hostFunctions.insert(name.getKey());
  std::string library, target;
  llvm::StringMap<int64_t> arenas;
  if (!hostFunctions.empty() || emulated) {
    OwningOpRef<ModuleOp> hostModule = extractFunctions(module, hostFunctions);
    for (auto func : hostModule->getOps<func::FuncOp>())
      func->setAttr("llvm.emit_c_interface", UnitAttr::get(context));
    PassManager lower(context);
    buildCPULoweringPipeline(lower);
    if (failed(lower.run(*hostModule)))
      return failure();
    for (const auto &name : hostFunctions)
      arenas[name.getKey()] = getArenaBytes(*hostModule, name.getKey());
    (*hostModule)->removeAttr(kArenaBytesAttrName);
    if (emulated)
      mergeSymbols(*emulated, *hostModule);
    std::string error;
    auto object = emitHostObject(*hostModule, options.optLevel, target, error);
    auto linked = succeeded(object) ? linkSharedObject(*object, error)
                                    : FailureOr<std::string>(failure());
    if (failed(linked))
      return emitError(module.getLoc()) << error;
    library = std::move(*linked);
  }

  // The graph's lines, each task with the arena of its CPU code if any.
  for (const GraphLine &line : *graph) {
    manifest += line.text;
    if (!line.callee.empty() && hostFunctions.contains(line.callee))
      manifest += " cpu " + std::to_string(arenas.lookup(line.callee));
    manifest += "\n";
  }

  bool externalWeights = !options.weightsFile.empty() && !gpu.weights.empty();
  if (externalWeights) {
    char checksum[16];
    snprintf(checksum, sizeof(checksum), "%08x",
             runtime::crc32c(gpu.weights.data(), gpu.weights.size()));
    manifest += "weights-file " +
                llvm::sys::path::filename(options.weightsFile).str() + " " +
                std::to_string(gpu.weights.size()) + " " + checksum + "\n";
    if (options.emit == EmitKind::Artifact)
      if (llvm::Error error = llvm::writeToOutput(
              options.weightsFile, [&](llvm::raw_ostream &os) {
                os << gpu.weights;
                return llvm::Error::success();
              }))
        return emitError(module.getLoc())
               << "cannot write " << options.weightsFile << ": "
               << llvm::toString(std::move(error));
  }
  if (options.emit == EmitKind::Manifest)
    return manifest;
  using runtime::format::SectionKind;
  runtime::ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, manifest);
  if (!library.empty()) {
    writer.addSection(SectionKind::Target, target);
    writer.addSection(SectionKind::HostCode, library,
                      runtime::format::kRequired, 4096);
  }
  if (!gpuFunctions.empty()) {
    writer.addSection(SectionKind::GpuCode, gpu.code);
    if (!externalWeights)
      writer.addSection(SectionKind::Weights, gpu.weights,
                        runtime::format::kRequired, 64);
  }
  return writer.serialize();
}

} // namespace weft
