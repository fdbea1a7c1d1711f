//===- MaterializeOutputs.cpp - Every output computed by an op ------------===//
//
// Outputs of @main that are constants or its arguments get an onnx.Identity:
// placement puts it on a device like any other op, so that a task computes
// every output and the graph needs no special case for them.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

namespace weft {
#define GEN_PASS_DEF_MATERIALIZEOUTPUTSPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

struct MaterializeOutputsPass
    : impl::MaterializeOutputsPassBase<MaterializeOutputsPass> {
  void runOnOperation() override {
    func::FuncOp main =
        getMainFunction(getOperation(), "weft-materialize-outputs");
    if (!main)
      return signalPassFailure();
    auto ret = cast<func::ReturnOp>(main.getBody().front().getTerminator());
    OpBuilder builder(ret);
    for (OpOperand &operand : ret->getOpOperands()) {
      Value value = operand.get();
      if (isa<BlockArgument>(value) || value.getDefiningOp<ONNXConstantOp>())
        operand.set(ONNXIdentityOp::create(builder, ret.getLoc(),
                                           value.getType(), value)
                        .getResult());
    }
  }
};

} // namespace
} // namespace weft
