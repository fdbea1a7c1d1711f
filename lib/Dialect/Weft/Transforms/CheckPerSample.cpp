//===- CheckPerSample.cpp - Does a model keep its samples apart? ----------===//
//
// A model run in chunks of its batch (dynamic, or a fixed batch split) is
// exact only when every op keeps samples apart, so the graph is checked op
// by op once shapes are inferred: the batch may only ride along dim 0 of the
// values computed from the inputs, never be reduced over, moved, split or
// mixed. A model that fails the check is refused with the node and the
// reason; it can still be compiled for a fixed batch by exporting it with
// one.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/TypeSwitch.h"

namespace weft {
#define GEN_PASS_DEF_CHECKPERSAMPLEPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// A normalized axis of `op`'s attribute `name` (default `fallback`) for an
/// operand of `rank`.
int64_t getAxisAttr(Operation *op, StringRef name, int64_t fallback,
                    int64_t rank) {
  int64_t axis = fallback;
  auto props = dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
  if (auto attr = props ? props.getAs<IntegerAttr>(name) : nullptr)
    axis = attr.getInt();
  return axis < 0 ? axis + rank : axis;
}

int64_t getRank(Value value) {
  auto type = dyn_cast<RankedTensorType>(value.getType());
  return type ? type.getRank() : -1;
}

/// Why `op`, which reads batched values (`batched`), does not keep samples
/// apart; "" if it does. Its batched results carry the batch in dim 0.
std::string whyNotPerSample(Operation *op, const llvm::DenseSet<Value> &batched,
                            int64_t chunk) {
  auto carries = [&](unsigned i) {
    return i < op->getNumOperands() && batched.contains(op->getOperand(i));
  };
  int64_t rank = getRank(op->getOperand(0));
  int64_t resultRank = op->getNumResults() ? getRank(op->getResult(0)) : -1;
  auto axisNotBatch = [&](StringRef name, int64_t fallback) -> std::string {
    return getAxisAttr(op, name, fallback, rank) == 0
               ? "it works along the batch dim (axis 0)"
               : "";
  };
  auto axesNotBatch = [&](Value axes, bool emptyMeansAll) -> std::string {
    auto values = getConstantIntValues(axes, std::vector<int64_t>());
    if (!values)
      return "its axes are not constant";
    if (values->empty() && emptyMeansAll)
      return "it reduces over every dim, the batch too";
    for (int64_t a : *values)
      if ((a < 0 ? a + rank : a) == 0)
        return "it works along the batch dim (axis 0)";
    return "";
  };
  std::string name = op->getName().stripDialect().str();
  return llvm::TypeSwitch<Operation *, std::string>(op)
      // Samples stay in dim 0 when every batched operand has the result's
      // rank (numpy broadcasting aligns dims to the right).
      .Case<ONNXAddOp, ONNXSubOp, ONNXMulOp, ONNXDivOp, ONNXPowOp, ONNXMaxOp,
            ONNXMinOp, ONNXSumOp, ONNXMeanOp, ONNXEqualOp, ONNXLessOp,
            ONNXGreaterOp, ONNXLessOrEqualOp, ONNXGreaterOrEqualOp, ONNXAndOp,
            ONNXOrOp, ONNXXorOp, ONNXNotOp, ONNXWhereOp, ONNXReluOp,
            ONNXLeakyReluOp, ONNXSigmoidOp, ONNXTanhOp, ONNXExpOp, ONNXLogOp,
            ONNXSqrtOp, ONNXErfOp, ONNXAbsOp, ONNXNegOp, ONNXReciprocalOp,
            ONNXClipOp, ONNXCastOp, ONNXCastLikeOp, ONNXIdentityOp,
            ONNXDropoutOp, ONNXPReluOp, ONNXEluOp, ONNXSeluOp, ONNXCeluOp,
            ONNXHardSigmoidOp, ONNXHardSwishOp, ONNXSoftplusOp, ONNXSoftsignOp,
            ONNXFloorOp, ONNXCeilOp, ONNXRoundOp, ONNXSinOp, ONNXCosOp,
            ONNXSignOp, ONNXModOp, ONNXBatchNormalizationOp,
            ONNXInstanceNormalizationOp, ONNXQuantizeLinearOp,
            ONNXDequantizeLinearOp>([&](Operation *) -> std::string {
        for (unsigned i = 0; i < op->getNumOperands(); ++i)
          if (carries(i) && getRank(op->getOperand(i)) != resultRank)
            return "a batched operand is broadcast against a higher rank";
        return "";
      })
      // Windows over the spatial dims of NCHW data.
      .Case<ONNXConvOp, ONNXConvTransposeOp, ONNXMaxPoolOp, ONNXAveragePoolOp,
            ONNXGlobalAveragePoolOp, ONNXGlobalMaxPoolOp, ONNXDepthToSpaceOp,
            ONNXSpaceToDepthOp>([&](Operation *) -> std::string {
        for (unsigned i = 1; i < op->getNumOperands(); ++i)
          if (carries(i))
            return "its weights depend on the batch";
        return "";
      })
      .Case<ONNXMatMulOp>([&](Operation *) -> std::string {
        if (carries(1) &&
            !(carries(0) && rank >= 3 && getRank(op->getOperand(1)) == rank))
          return "its right operand is batched";
        return "";
      })
      .Case<ONNXGemmOp>([&](ONNXGemmOp gemm) -> std::string {
        if (carries(1) || carries(2))
          return "its B or C operand is batched";
        return gemm.getTransA() ? "it transposes the batched A" : "";
      })
      .Case<ONNXSoftmaxOp, ONNXLogSoftmaxOp, ONNXHardmaxOp>(
          [&](Operation *) { return axisNotBatch("axis", -1); })
      .Case<ONNXArgMaxOp, ONNXArgMinOp, ONNXConcatOp, ONNXGatherElementsOp>(
          [&](Operation *) { return axisNotBatch("axis", 0); })
      .Case<ONNXSplitOp>([&](ONNXSplitOp) { return axisNotBatch("axis", 0); })
      .Case<ONNXLayerNormalizationOp>(
          [&](Operation *) { return axisNotBatch("axis", -1); })
      .Case<ONNXFlattenOp>([&](Operation *) -> std::string {
        return getAxisAttr(op, "axis", 1, rank) == 0
                   ? "it flattens the batch into the features"
                   : "";
      })
      .Case<ONNXReduceSumOp, ONNXReduceMeanOp, ONNXReduceMaxOp, ONNXReduceMinOp,
            ONNXReduceProdOp, ONNXReduceSumSquareOp, ONNXReduceL1Op,
            ONNXReduceL2Op, ONNXReduceLogSumOp, ONNXReduceLogSumExpOp>(
          [&](Operation *) -> std::string {
            if (op->getNumOperands() > 1) // axes as an operand (opset 13+)
              return axesNotBatch(op->getOperand(1), true);
            auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
            auto axes = props.getAs<DenseI64ArrayAttr>("axes");
            if (!axes)
              return "it reduces over every dim, the batch too";
            for (int64_t a : axes.asArrayRef())
              if ((a < 0 ? a + rank : a) == 0)
                return "it works along the batch dim (axis 0)";
            return "";
          })
      .Case<ONNXSqueezeOp, ONNXUnsqueezeOp>([&](Operation *) -> std::string {
        if (carries(1))
          return "its axes depend on the batch";
        if (isa<ONNXUnsqueezeOp>(op)) {
          auto axes =
              getConstantIntValues(op->getOperand(1), std::vector<int64_t>());
          if (!axes)
            return "its axes are not constant";
          for (int64_t a : *axes)
            if ((a < 0 ? a + resultRank : a) == 0)
              return "it inserts a dim before the batch";
          return "";
        }
        return axesNotBatch(op->getOperand(1), true);
      })
      .Case<ONNXSliceOp>([&](ONNXSliceOp slice) -> std::string {
        auto axes =
            getConstantIntValues(slice.getAxes(), std::vector<int64_t>());
        auto starts =
            getConstantIntValues(slice.getStarts(), std::vector<int64_t>());
        if (!axes || !starts)
          return "its axes are not constant";
        if (axes->empty())
          return "it slices the batch dim (axis 0)";
        return axesNotBatch(slice.getAxes(), false);
      })
      .Case<ONNXTransposeOp>([&](ONNXTransposeOp t) -> std::string {
        auto perm = t.getPerm();
        return perm && !perm->empty() && (*perm)[0] == 0
                   ? ""
                   : "it moves the batch dim";
      })
      .Case<ONNXReshapeOp>([&](Operation *) -> std::string {
        auto in = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
        auto out = dyn_cast<RankedTensorType>(op->getResult(0).getType());
        if (!in || !out || in.getRank() == 0 || out.getRank() == 0 ||
            in.getDimSize(0) != chunk || out.getDimSize(0) != chunk)
          return "it reshapes across samples (dim 0 must stay the batch)";
        return "";
      })
      .Case<ONNXGatherOp>([&](ONNXGatherOp gather) -> std::string {
        if (carries(0) && carries(1))
          return "both its data and indices are batched";
        if (carries(0))
          return axisNotBatch("axis", 0);
        // Batched indices pick rows of an unbatched table (embeddings).
        return getAxisAttr(op, "axis", 0, rank) == 0
                   ? ""
                   : "batched indices on an axis other than 0";
      })
      .Default([&](Operation *) -> std::string {
        return "op " + name + " is not known to keep samples apart";
      });
}

/// Checks that every op keeps the chunks of `chunk` samples apart and that
/// every output is batched.
LogicalResult checkPerSampleExecution(func::FuncOp main, int64_t chunk) {
  llvm::DenseSet<Value> batched(main.getArguments().begin(),
                                main.getArguments().end());
  for (Operation &op : main.front()) {
    if (isa<func::ReturnOp>(op)) {
      for (auto [i, value] : llvm::enumerate(op.getOperands()))
        if (!batched.contains(value))
          return main.emitError("output #")
                 << i << " does not depend on the batch, so it cannot be "
                 << "computed one sample at a time";
      continue;
    }
    if (llvm::none_of(op.getOperands(),
                      [&](Value v) { return batched.contains(v); }))
      continue;
    std::string why = whyNotPerSample(&op, batched, chunk);
    if (!why.empty())
      return op.emitError("a batch run in chunks (dynamic or split) needs "
                          "every op to keep samples apart; this ")
             << op.getName().stripDialect() << " does not: " << why;
    for (Value result : op.getResults())
      if (isa<RankedTensorType>(result.getType()))
        batched.insert(result);
  }
  return success();
}

struct CheckPerSamplePass : impl::CheckPerSamplePassBase<CheckPerSamplePass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto chunk =
        module->getAttrOfType<IntegerAttr>(WeftDialect::getChunkAttrName());
    if (!chunk)
      return; // run whole
    func::FuncOp main = getMainFunction(module, "weft-check-per-sample");
    if (!main || failed(checkPerSampleExecution(main, chunk.getInt())))
      return signalPassFailure();
  }
};

} // namespace
} // namespace weft
