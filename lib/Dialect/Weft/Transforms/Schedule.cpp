//===- Schedule.cpp - Partitions become tasks of a static schedule --------===//

#include "weft/Analysis/CostModel.h"
#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"

namespace weft {
#define GEN_PASS_DEF_SCHEDULEPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct SchedulePass : impl::SchedulePassBase<SchedulePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = getModuleDevices(module);
    if (!model)
      return signalPassFailure();
    func::FuncOp main = getMainFunction(getOperation(), "weft-schedule");
    if (!main)
      return signalPassFailure();
    SymbolTable symbols(module);
    Builder b(&getContext());
    // Predicted finish of each value, for the transfers' start times.
    llvm::DenseMap<Value, double> ready;
    int index = 0;
    for (Operation &op : llvm::make_early_inc_range(main.getBody().front())) {
      if (auto transfer = dyn_cast<TransferOp>(op)) {
        double start = ready.lookup(transfer.getInput());
        double seconds = model->getTransferTime(
            model->findDevice(transfer.getFrom().getName()),
            model->findDevice(transfer.getTo().getName()),
            getTypeBytes(transfer.getType()));
        transfer->setAttr("start_us", b.getF64FloatAttr(start));
        transfer->setAttr("finish_us",
                          b.getF64FloatAttr(start + seconds * 1e6));
        ready[transfer.getOutput()] = start + seconds * 1e6;
        continue;
      }
      auto partition = dyn_cast<PartitionOp>(op);
      if (!partition)
        continue;
      // Predicted times: those the placement gave the partition's ops.
      double start = 1e300, finish = 0;
      partition.getBody().walk([&](Operation *inner) {
        if (auto s = inner->getAttrOfType<FloatAttr>(
                WeftDialect::getStartAttrName()))
          start = std::min(start, s.getValueAsDouble());
        if (auto f = inner->getAttrOfType<FloatAttr>(
                WeftDialect::getFinishAttrName()))
          finish = std::max(finish, f.getValueAsDouble());
      });
      if (start > finish) // no placed op inside: an empty partition
        start = finish;

      // Outline the body into a function.
      OpBuilder builder(main);
      auto type = builder.getFunctionType(partition.getInputs().getTypes(),
                                          partition.getResultTypes());
      std::string name = "main_part" + std::to_string(index++);
      auto callee =
          func::FuncOp::create(builder, partition.getLoc(), name, type);
      callee.setPrivate();
      callee->setAttr(WeftDialect::getDeviceAttrName(), partition.getDevice());
      callee.getBody().takeBody(partition.getBody());
      Block &block = callee.getBody().front();
      auto yield = cast<YieldOp>(block.getTerminator());
      OpBuilder returnBuilder(yield);
      func::ReturnOp::create(returnBuilder, yield.getLoc(), yield.getValues());
      yield.erase();
      symbols.insert(callee);

      OpBuilder taskBuilder(partition);
      auto task = TaskOp::create(
          taskBuilder, partition.getLoc(), partition.getResultTypes(),
          FlatSymbolRefAttr::get(callee.getSymNameAttr()),
          partition.getDevice(), partition.getInputs(),
          b.getF64FloatAttr(start), b.getF64FloatAttr(finish));
      for (auto [old, replacement] :
           llvm::zip(partition.getResults(), task.getResults())) {
        old.replaceAllUsesWith(replacement);
        ready[replacement] = finish;
      }
      partition.erase();
      ++numTasks;
    }
  }
};

} // namespace
} // namespace weft
