//===- SpecializeBatch.cpp - A dynamic or split batch, one chunk per call -===//
//
// A model whose inputs have a dynamic dim 0 (ONNX's "batch_size" dim_param)
// is compiled for one sample: dim 0 becomes 1, and the runtime calls the code
// once per sample on each tensor's slice; a fixed batch split into N chunks
// is compiled for batch / N rows. The batch size itself (Shape of a batched
// value) may only shape a Reshape, Expand or ConstantOfShape. Whether every
// op keeps samples apart is checked once shapes are inferred
// (CheckPerSample.cpp).
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "llvm/ADT/DenseSet.h"

namespace weft {
#define GEN_PASS_DEF_SPECIALIZEBATCHPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Ops through which a value computed from shapes may flow to a shape
/// operand: integer arithmetic on dims.
bool isShapeArithmetic(Operation *op) {
  return isa<ONNXGatherOp, ONNXSliceOp, ONNXConcatOp, ONNXUnsqueezeOp,
             ONNXSqueezeOp, ONNXCastOp, ONNXIdentityOp, ONNXMulOp, ONNXAddOp,
             ONNXSubOp, ONNXDivOp>(op) &&
         llvm::all_of(op->getResultTypes(), [](Type type) {
           return getElementTypeOrSelf(type).isSignlessInteger(64);
         });
}

/// Sets dim 0 of `main`'s inputs to the rows of one call and returns them,
/// or 0 for a model run whole; failure (with an error) if it cannot be split.
FailureOr<int64_t> specializeBatch(func::FuncOp main, int64_t splitBatch) {
  bool dynamic = false;
  for (BlockArgument arg : main.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (!type || type.hasStaticShape())
      continue;
    for (int64_t d = 1; d < type.getRank(); ++d)
      if (type.isDynamicDim(d)) {
        auto name =
            main.getArgAttrOfType<StringAttr>(arg.getArgNumber(), "onnx.name");
        return emitError(arg.getLoc())
               << "input '" << (name ? name.getValue() : "?") << "' has a "
               << "dynamic dim " << d << " (" << type
               << "); compiled models take a dynamic batch (dim 0) only";
      }
    dynamic = true;
  }
  // A fixed batch split into chunks: the importer opened dim 0 up and
  // recorded the batch the model had.
  int64_t batch = 0;
  if (splitBatch > 0) {
    auto module = main->getParentOfType<ModuleOp>();
    auto fixed = module ? module->getAttrOfType<IntegerAttr>("onnx.fixed_batch")
                        : nullptr;
    if (!fixed)
      return main.emitError("--split-batch needs a fixed batch; this model's "
                            "batch is dynamic, and runs one sample per task "
                            "already");
    batch = fixed.getInt();
    if (batch <= 0 || batch % splitBatch != 0)
      return main.emitError("a batch of ") << batch << " does not split into "
                                           << splitBatch << " equal chunks";
  }
  if (!dynamic)
    return 0;
  int64_t chunk = splitBatch > 0 ? batch / splitBatch : 1;
  // The batch size may only shape reshapes and fills.
  WalkResult walk = main.walk([&](Operation *op) -> WalkResult {
    if (!isa<ONNXShapeOp, ONNXSizeOp>(op))
      return WalkResult::advance();
    auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (!type || type.getRank() == 0 || !type.isDynamicDim(0))
      return WalkResult::advance();
    SmallVector<Value> work(op->getResults());
    llvm::DenseSet<Operation *> seen;
    while (!work.empty()) {
      Value value = work.pop_back_val();
      for (OpOperand &use : value.getUses()) {
        Operation *user = use.getOwner();
        if (!seen.insert(user).second)
          continue;
        bool shapes = (isa<ONNXReshapeOp, ONNXExpandOp>(user) &&
                       use.getOperandNumber() == 1) ||
                      isa<ONNXConstantOfShapeOp>(user);
        if (shapes)
          continue;
        if (!isShapeArithmetic(user)) {
          user->emitError("the batch size flows into ")
              << user->getName().stripDialect()
              << ", which a model run in batch chunks cannot compute one "
                 "chunk at a time"
              << (splitBatch > 0 ? ""
                                 : "; export the model with a fixed batch");
          return WalkResult::interrupt();
        }
        work.append(user->result_begin(), user->result_end());
      }
    }
    return WalkResult::advance();
  });
  if (walk.wasInterrupted())
    return failure();
  // One chunk per call.
  SmallVector<Type> inputs;
  for (BlockArgument arg : main.getArguments()) {
    auto type = dyn_cast<RankedTensorType>(arg.getType());
    if (type && type.getRank() > 0) {
      SmallVector<int64_t> shape(type.getShape());
      shape[0] = chunk;
      arg.setType(type.clone(shape));
    }
    inputs.push_back(arg.getType());
  }
  main.setType(
      FunctionType::get(main.getContext(), inputs, main.getResultTypes()));
  return chunk;
}

struct SpecializeBatchPass
    : impl::SpecializeBatchPassBase<SpecializeBatchPass> {
  using SpecializeBatchPassBase::SpecializeBatchPassBase;
  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (splitBatch < 0) {
      module.emitError("split-batch takes a positive number of chunks, not ")
          << splitBatch;
      return signalPassFailure();
    }
    func::FuncOp main = getMainFunction(module, "weft-specialize-batch");
    if (!main)
      return signalPassFailure();
    FailureOr<int64_t> chunk = specializeBatch(main, splitBatch);
    if (failed(chunk))
      return signalPassFailure();
    Builder b(&getContext());
    if (*chunk > 0)
      module->setAttr(WeftDialect::getChunkAttrName(),
                      b.getI64IntegerAttr(*chunk));
    if (splitBatch > 0) // the batch the model was exported with
      module->setAttr(WeftDialect::getBatchAttrName(),
                      b.getI64IntegerAttr(*chunk * splitBatch));
  }
};

} // namespace
} // namespace weft
