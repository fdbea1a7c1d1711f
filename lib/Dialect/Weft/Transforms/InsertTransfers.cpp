//===- InsertTransfers.cpp - Explicit moves between devices
//----------------===//

#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"

namespace weft {
#define GEN_PASS_DEF_INSERTTRANSFERSPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct InsertTransfersPass
    : impl::InsertTransfersPassBase<InsertTransfersPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = getModuleDevices(module);
    if (!model)
      return signalPassFailure();
    func::FuncOp func =
        getMainFunction(getOperation(), "weft-insert-transfers");
    if (!func)
      return signalPassFailure();
    const DeviceDescription &first = model->getDevices().front();
    home = getDeviceAttr(&getContext(), first);

    func.walk([&](PartitionOp partition) {
      for (OpOperand &operand : partition->getOpOperands())
        moveIfNeeded(operand, partition.getDevice(), partition);
    });
    Operation *terminator = func.getBody().front().getTerminator();
    for (OpOperand &operand : terminator->getOpOperands())
      moveIfNeeded(operand, home, terminator);
  }

  /// Where a value lives: the device of the partition that makes it, else
  /// (graph inputs, values outside partitions) the first device.
  DeviceAttr residence(Value v) {
    if (auto partition = v.getDefiningOp<PartitionOp>())
      return partition.getDevice();
    if (auto transfer = v.getDefiningOp<TransferOp>())
      return transfer.getTo();
    return home;
  }

  void moveIfNeeded(OpOperand &operand, DeviceAttr to, Operation *user) {
    Value value = operand.get();
    DeviceAttr from = residence(value);
    if (from == to)
      return;
    auto key = std::make_pair(value, Attribute(to));
    auto it = transfers.find(key);
    if (it == transfers.end()) {
      // Right after the value is made (graph inputs: before the user), so
      // that the move can start as early as possible.
      OpBuilder builder(user);
      if (Operation *def = value.getDefiningOp())
        builder.setInsertionPointAfter(def);
      auto transfer = TransferOp::create(builder, user->getLoc(),
                                         value.getType(), value, from, to);
      it = transfers.insert({key, transfer.getOutput()}).first;
      ++numTransfers;
    }
    operand.set(it->second);
  }

  DeviceAttr home;
  llvm::DenseMap<std::pair<Value, Attribute>, Value> transfers;
};

} // namespace
} // namespace weft
