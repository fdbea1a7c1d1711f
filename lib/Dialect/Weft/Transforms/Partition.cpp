//===- Partition.cpp - Group placed ops into weft.partition regions
//--------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/IRMapping.h"
#include "mlir/Transforms/RegionUtils.h"

#include <deque>

namespace weft {
#define GEN_PASS_DEF_PARTITIONPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Constants and absent-value markers are copied into every partition that
/// uses them instead of being passed in.
bool isCopied(Operation *op) {
  return op && isa<ONNXConstantOp, ONNXNoValueOp>(op);
}

/// Values `op` reads, including those its regions capture from outside.
SmallVector<Value> readValues(Operation *op) {
  SmallVector<Value> values(op->getOperands());
  llvm::SetVector<Value> captured;
  for (Region &region : op->getRegions())
    getUsedValuesDefinedAbove(region, captured);
  values.append(captured.begin(), captured.end());
  return values;
}

struct PartitionPass : impl::PartitionPassBase<PartitionPass> {
  void runOnOperation() override {
    func::FuncOp func = getMainFunction(getOperation(), "weft-partition");
    if (!func)
      return signalPassFailure();
    Block &body = func.getBody().front();
    SmallVector<Operation *> tasks;
    for (Operation &op : body) {
      if (isCopied(&op) || op.hasTrait<OpTrait::IsTerminator>())
        continue;
      if (!op.getAttrOfType<DeviceAttr>(WeftDialect::getDeviceAttrName())) {
        op.emitOpError("has no device: run --weft-place first");
        return signalPassFailure();
      }
      tasks.push_back(&op);
    }
    SmallVector<Operation *> order = clusterByDevice(tasks);
    Operation *terminator = body.getTerminator();
    for (Operation *op : order)
      op->moveBefore(terminator);

    // Maximal runs of one device in that order.
    size_t begin = 0;
    while (begin < order.size()) {
      DeviceAttr device = deviceOf(order[begin]);
      size_t end = begin + 1;
      while (end < order.size() && deviceOf(order[end]) == device)
        ++end;
      wrap(ArrayRef<Operation *>(order).slice(begin, end - begin), device);
      ++numPartitions;
      begin = end;
    }
  }

  static DeviceAttr deviceOf(Operation *op) {
    return op->getAttrOfType<DeviceAttr>(WeftDialect::getDeviceAttrName());
  }

  /// A topological order of `tasks` that stays on the current device while
  /// it has ready work (Kahn's algorithm, one queue per device).
  SmallVector<Operation *> clusterByDevice(ArrayRef<Operation *> tasks) {
    llvm::DenseMap<Operation *, int> index, pending;
    for (auto [i, op] : llvm::enumerate(tasks))
      index[op] = int(i);
    SmallVector<SmallVector<int>> users(tasks.size());
    for (auto [i, op] : llvm::enumerate(tasks)) {
      llvm::SmallDenseSet<int> producers;
      for (Value v : readValues(op))
        if (Operation *def = v.getDefiningOp(); def && index.count(def))
          producers.insert(index[def]);
      pending[op] = int(producers.size());
      for (int p : producers)
        users[p].push_back(int(i));
    }
    // Ready tasks per device, in program order.
    llvm::MapVector<Attribute, std::deque<int>> ready;
    for (auto [i, op] : llvm::enumerate(tasks))
      ready[deviceOf(op)];
    for (auto [i, op] : llvm::enumerate(tasks))
      if (pending[op] == 0)
        ready[deviceOf(op)].push_back(int(i));
    SmallVector<Operation *> order;
    if (tasks.empty()) // nothing placed: a graph of constants and inputs
      return {};
    Attribute current = deviceOf(tasks.front());
    while (order.size() < tasks.size()) {
      if (ready[current].empty())
        for (auto &[device, queue] : ready)
          if (!queue.empty()) {
            current = device;
            break;
          }
      auto &queue = ready[current];
      // Program order among the ready tasks of this device.
      auto first = std::min_element(queue.begin(), queue.end());
      int t = *first;
      queue.erase(first);
      order.push_back(tasks[t]);
      for (int u : users[t])
        if (--pending[tasks[u]] == 0)
          ready[deviceOf(tasks[u])].push_back(u);
    }
    return order;
  }

  /// Wraps `ops` (contiguous, in order) into a partition on `device`.
  void wrap(ArrayRef<Operation *> ops, DeviceAttr device) {
    llvm::SmallPtrSet<Operation *, 16> inside(ops.begin(), ops.end());
    llvm::SetVector<Value> inputs, outputs;
    llvm::SetVector<Operation *> copied;
    for (Operation *op : ops) {
      for (Value v : readValues(op)) {
        Operation *def = v.getDefiningOp();
        if (isCopied(def))
          copied.insert(def);
        else if (!def || !inside.contains(def))
          inputs.insert(v);
      }
      for (Value result : op->getResults())
        for (Operation *user : result.getUsers()) {
          Operation *top =
              ops.front()->getBlock()->findAncestorOpInBlock(*user);
          if (!top || !inside.contains(top)) {
            outputs.insert(result);
            break;
          }
        }
    }

    OpBuilder builder(ops.front());
    SmallVector<Type> outputTypes;
    for (Value v : outputs)
      outputTypes.push_back(v.getType());
    auto partition = PartitionOp::create(builder, ops.front()->getLoc(), device,
                                         inputs.getArrayRef(), outputTypes);
    Block &block = partition.getBody().front();
    IRMapping mapping;
    for (auto [input, arg] : llvm::zip(inputs, block.getArguments()))
      mapping.map(input, arg);
    builder.setInsertionPointToStart(&block);
    for (Operation *constant : copied)
      mapping.map(constant->getResults(),
                  builder.clone(*constant)->getResults());
    for (Operation *op : ops)
      op->moveBefore(&block, block.end());
    // Inside, reads go through the block arguments and the copies.
    for (Operation *op : ops)
      op->walk([&](Operation *nested) {
        for (OpOperand &operand : nested->getOpOperands())
          if (Value mapped = mapping.lookupOrNull(operand.get()))
            operand.set(mapped);
      });
    builder.setInsertionPointToEnd(&block);
    YieldOp::create(builder, partition.getLoc(), outputs.getArrayRef());
    for (auto [output, result] : llvm::zip(outputs, partition.getResults())) {
      Value value = output;
      value.replaceUsesWithIf(result, [&](OpOperand &use) {
        return !partition->isAncestor(use.getOwner());
      });
    }
  }
};

} // namespace
} // namespace weft
