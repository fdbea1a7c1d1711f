//===- OutlineDeviceCode.cpp - Task functions into per-device modules -----===//
//
// After scheduling, the functions tasks call sit next to @main. Each moves
// into a nested module for its kind of device (`@weft_host` for CPUs,
// `@weft_cuda` for GPUs), which that device's lowering pipeline compiles on
// its own; @main keeps declarations of them. A graph that is one CPU task
// computing the outputs from the inputs (every CPU-only compile) becomes one
// entry point with the model's signature, which the runtime can call once
// per chunk of a batch.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/IR/IRMapping.h"
#include "llvm/ADT/SetVector.h"

namespace weft {
#define GEN_PASS_DEF_OUTLINEDEVICECODEPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// The one task of `main` if the graph is a single CPU task that reads only
/// inputs and whose results are the outputs; null otherwise.
TaskOp getSingleHostTask(func::FuncOp main) {
  auto tasks = main.getOps<TaskOp>();
  if (!llvm::hasSingleElement(tasks) || !main.getOps<TransferOp>().empty())
    return nullptr;
  TaskOp task = *tasks.begin();
  if (task.getDevice().getKind() != DeviceKind::CPU)
    return nullptr;
  if (!llvm::all_of(task.getInputs(),
                    [](Value v) { return isa<BlockArgument>(v); }))
    return nullptr;
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  if (!llvm::all_of(ret.getOperands(),
                    [&](Value v) { return v.getDefiningOp() == task; }))
    return nullptr;
  return task;
}

/// Gives the function of `main`'s single task `task` the signature of
/// `main` (every input, then every output, in order) and marks it the entry.
void makeEntryPoint(func::FuncOp main, TaskOp task, func::FuncOp callee) {
  Block &body = callee.front();
  // Arguments: one per input of @main, in order.
  unsigned numOld = body.getNumArguments();
  for (BlockArgument input : main.getArguments())
    body.addArgument(input.getType(), input.getLoc());
  for (auto [index, operand] : llvm::enumerate(task.getInputs()))
    body.getArgument(index).replaceAllUsesWith(
        body.getArgument(numOld + cast<BlockArgument>(operand).getArgNumber()));
  body.eraseArguments(0, numOld);
  // Results: one per output of @main, in order.
  auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
  auto calleeReturn = cast<func::ReturnOp>(body.getTerminator());
  SmallVector<Value> results;
  for (Value output : ret.getOperands())
    results.push_back(
        calleeReturn.getOperand(cast<OpResult>(output).getResultNumber()));
  calleeReturn->setOperands(results);
  callee.setType(FunctionType::get(main.getContext(), main.getArgumentTypes(),
                                   main.getResultTypes()));
  callee->setAttr(WeftDialect::getEntryAttrName(),
                  UnitAttr::get(main.getContext()));
  // The task now passes every input and returns every output.
  OpBuilder builder(task);
  auto entry = TaskOp::create(builder, task.getLoc(), main.getResultTypes(),
                              task.getCalleeAttr(), task.getDeviceAttr(),
                              main.getArguments(), task.getStartUsAttr(),
                              task.getFinishUsAttr());
  ret->setOperands(entry.getResults());
  task.erase();
}

/// A model run in chunks of its batch needs one entry point on the CPU,
/// and (for now) a description without GPUs: the runtime spreads the chunks
/// over the described devices.
LogicalResult checkChunkedRun(ModuleOp module, func::FuncOp main) {
  auto attr =
      module->getAttrOfType<DevicesAttr>(WeftDialect::getDevicesAttrName());
  if (attr && attr.getModel().hasDeviceOfKind(DeviceKind::CUDA))
    return main.emitError("a batch split into chunks or bound at run time is "
                          "not supported with a GPU in the device "
                          "description yet");
  bool entry = llvm::any_of(module.getOps<func::FuncOp>(), [](func::FuncOp f) {
    return f->hasAttr(WeftDialect::getEntryAttrName());
  });
  if (!entry)
    return main.emitError("a batch split into chunks or bound at run time "
                          "needs the whole model placed on one CPU device");
  return success();
}

/// A nested module for device code of `kind` at the end of `module`.
ModuleOp createDeviceModule(ModuleOp module, StringRef name, StringRef kind) {
  OpBuilder builder = OpBuilder::atBlockEnd(module.getBody());
  auto nested = ModuleOp::create(builder, module.getLoc(), name);
  nested->setAttr(WeftDialect::getTargetAttrName(),
                  builder.getStringAttr(kind));
  return nested;
}

struct OutlineDeviceCodePass
    : impl::OutlineDeviceCodePassBase<OutlineDeviceCodePass> {
  using OutlineDeviceCodePassBase::OutlineDeviceCodePassBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (variants != "placed" && variants != "all") {
      module.emitError("variants takes placed or all, not '")
          << variants << "'";
      return signalPassFailure();
    }
    func::FuncOp main = getMainFunction(module, "weft-outline-device-code");
    if (!main)
      return signalPassFailure();
    if (TaskOp task = getSingleHostTask(main))
      if (auto callee = module.lookupSymbol<func::FuncOp>(task.getCallee()))
        makeEntryPoint(main, task, callee);
    if (module->hasAttr(WeftDialect::getChunkAttrName()) &&
        failed(checkChunkedRun(module, main)))
      return signalPassFailure();

    // Which functions each kind of device compiles, in the order of tasks.
    llvm::SetVector<func::FuncOp> host, cuda;
    for (auto task : main.getOps<TaskOp>()) {
      auto callee = module.lookupSymbol<func::FuncOp>(task.getCallee());
      if (!callee || callee.isExternal()) {
        task.emitOpError("calls ")
            << task.getCallee() << ", which has no body to compile";
        return signalPassFailure();
      }
      switch (task.getDevice().getKind()) {
      case DeviceKind::CPU:
        host.insert(callee);
        break;
      case DeviceKind::CUDA:
        cuda.insert(callee);
        if (variants == "all")
          host.insert(callee);
        break;
      }
    }
    auto outline = [&](const llvm::SetVector<func::FuncOp> &functions,
                       StringRef name, StringRef kind) {
      if (functions.empty())
        return;
      ModuleOp nested = createDeviceModule(module, name, kind);
      OpBuilder builder = OpBuilder::atBlockEnd(nested.getBody());
      for (func::FuncOp function : functions) {
        auto copy = cast<func::FuncOp>(builder.clone(*function));
        copy.setPublic();
        copy->removeAttr(WeftDialect::getDeviceAttrName());
        if (kind == "cpu") // the packed entry points call the C interface
          copy->setAttr("llvm.emit_c_interface", builder.getUnitAttr());
        else
          copy->removeAttr(WeftDialect::getEntryAttrName());
      }
    };
    outline(host, WeftDialect::getHostModuleName(), "cpu");
    outline(cuda, WeftDialect::getCUDAModuleName(), "cuda");
    // @main's tasks call declarations of what now lives in device modules.
    for (const auto *functions : {&host, &cuda})
      for (func::FuncOp function : *functions)
        if (!function.isExternal()) {
          function.eraseBody();
          function.setPrivate();
        }
  }
};

} // namespace
} // namespace weft
