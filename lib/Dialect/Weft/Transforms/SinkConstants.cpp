//===- SinkConstants.cpp - Constants into the tasks that read them --------===//
//
// After scheduling, @main passes constants (weights) to tasks, and transfers
// move some between devices. Each such constant is copied into the task's
// function instead and the argument removed: weights become part of each
// device's code, and the graph the runtime runs moves computed values only.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "llvm/ADT/BitVector.h"

namespace weft {
#define GEN_PASS_DEF_SINKCONSTANTSPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

bool isConstant(Value value) {
  return value.getDefiningOp<ONNXConstantOp>() ||
         value.getDefiningOp<ONNXNoValueOp>();
}

struct SinkConstantsPass : impl::SinkConstantsPassBase<SinkConstantsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    func::FuncOp main = getMainFunction(module, "weft-sink-constants");
    if (!main)
      return signalPassFailure();
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
      if (failed(callee.eraseArguments(sunk))) {
        callee.emitOpError("cannot take its constant operands inside");
        return signalPassFailure();
      }
      for (int index = int(sunk.size()) - 1; index >= 0; --index)
        if (sunk.test(index))
          task.getInputsMutable().erase(index);
      numSunk += sunk.count();
    }
    for (Operation &op : llvm::make_early_inc_range(main.getOps()))
      if (isa<ONNXConstantOp, ONNXNoValueOp>(op) && op.use_empty())
        op.erase();
  }
};

} // namespace
} // namespace weft
