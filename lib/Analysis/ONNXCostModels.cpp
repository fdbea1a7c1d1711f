//===- ONNXCostModels.cpp - The work of onnx ops
//---------------------------===//
//
// CostOpInterface for every onnx op, attached when the dialect loads: FLOPs
// from the shapes (MatMul, Gemm, Conv, pooling, reductions, normalizations),
// no work for ops that only re-view a buffer, data movement for the rest of
// the shape-changing ops, and elementwise work otherwise.
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/CostModel.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "llvm/ADT/StringSwitch.h"

using namespace mlir;

namespace weft {
namespace {

double elements(Value v) { return getTypeElements(v.getType()); }

/// Sum of the bytes of the op's operands and results.
double bytesMoved(Operation *op) {
  double bytes = 0;
  for (Type t : op->getOperandTypes())
    bytes += getTypeBytes(t);
  for (Type t : op->getResultTypes())
    bytes += getTypeBytes(t);
  return bytes;
}

std::string elementTypeName(Operation *op) {
  for (Value v : op->getResults())
    if (auto shaped = dyn_cast<ShapedType>(v.getType())) {
      Type elt = shaped.getElementType();
      if (elt.isF16())
        return "f16";
      if (elt.isBF16())
        return "bf16";
      if (elt.isF64())
        return "f64";
      return "f32";
    }
  return "f32";
}

/// Size of dim `d` of a ranked value (negative counts from the back), or 1.
double dim(Value v, int64_t d) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (!type || type.getRank() == 0)
    return 1;
  if (d < 0)
    d += type.getRank();
  if (d < 0 || d >= type.getRank() || type.isDynamicDim(d))
    return 1;
  return double(type.getDimSize(d));
}

double product(std::optional<ArrayRef<int64_t>> values) {
  double p = 1;
  if (values)
    for (int64_t v : *values)
      p *= double(std::max<int64_t>(v, 1));
  return p;
}

enum class Family {
  MatMul,
  Gemm,
  Conv,
  ConvTranspose,
  Pool,
  GlobalPool,
  Reduction,
  Softmax,
  Normalization,
  View,
  Movement,
  Constant,
  Elementwise
};

Family familyOf(StringRef name) {
  return llvm::StringSwitch<Family>(name)
      .Cases({"MatMul", "MatMulInteger", "QLinearMatMul"}, Family::MatMul)
      .Case("Gemm", Family::Gemm)
      .Cases({"Conv", "ConvInteger", "QLinearConv"}, Family::Conv)
      .Case("ConvTranspose", Family::ConvTranspose)
      .Cases({"MaxPool", "AveragePool", "LpPool"}, Family::Pool)
      .Cases({"GlobalAveragePool", "GlobalMaxPool", "GlobalLpPool"},
             Family::GlobalPool)
      .Cases({"ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd",
              "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp",
              "ReduceSumSquare", "ArgMax", "ArgMin"},
             Family::Reduction)
      .Cases({"Softmax", "LogSoftmax", "Hardmax"}, Family::Softmax)
      .Cases({"LayerNormalization", "BatchNormalization",
              "InstanceNormalization", "GroupNormalization", "LpNormalization",
              "MeanVarianceNormalization"},
             Family::Normalization)
      .Cases({"Reshape", "Flatten", "Squeeze", "Unsqueeze", "Identity", "Shape",
              "Size", "Dropout"},
             Family::View)
      .Cases({"Transpose", "Concat", "Slice", "Gather", "GatherElements",
              "GatherND", "Split", "Expand", "Pad", "Tile", "Cast",
              "ScatterElements", "ScatterND", "DepthToSpace", "SpaceToDepth"},
             Family::Movement)
      .Cases({"Constant", "NoValue", "ConstantOfShape"}, Family::Constant)
      .Default(Family::Elementwise);
}

OpCost estimateONNXCost(Operation *op) {
  OpCost cost;
  cost.bytes = bytesMoved(op);
  cost.elementType = elementTypeName(op);
  Value out = op->getNumResults() ? op->getResult(0) : Value();
  double outElements = out ? elements(out) : 0;
  switch (familyOf(op->getName().stripDialect())) {
  case Family::MatMul:
    cost.kind = "matmul";
    cost.flops = 2 * outElements * dim(op->getOperand(0), -1);
    break;
  case Family::Gemm: {
    auto gemm = cast<ONNXGemmOp>(op);
    cost.kind = "matmul";
    double k = dim(gemm.getA(), gemm.getTransA() ? 0 : 1);
    cost.flops = 2 * outElements * k + outElements;
    break;
  }
  case Family::Conv: {
    // Each output element: Cin/group x kernel multiply-adds.
    Value w =
        op->getOperand(op->getName().stripDialect() == "QLinearConv" ? 3 : 1);
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    double perOutput = 1;
    if (wType)
      for (int64_t d = 1; d < wType.getRank(); ++d)
        perOutput *= dim(w, d);
    cost.kind = "conv";
    cost.flops = 2 * outElements * perOutput;
    break;
  }
  case Family::ConvTranspose: {
    Value w = op->getOperand(1);
    auto wType = dyn_cast<RankedTensorType>(w.getType());
    double perInput = 1;
    if (wType)
      for (int64_t d = 1; d < wType.getRank(); ++d)
        perInput *= dim(w, d);
    cost.kind = "conv";
    cost.flops = 2 * elements(op->getOperand(0)) * perInput;
    break;
  }
  case Family::Pool: {
    auto kernel = dyn_cast_or_null<DenseI64ArrayAttr>(
        cast<DictionaryAttr>(op->getPropertiesAsAttribute())
            .get("kernel_shape"));
    cost.kind = "reduction";
    cost.flops =
        outElements *
        product(kernel ? std::optional(kernel.asArrayRef()) : std::nullopt);
    break;
  }
  case Family::GlobalPool:
  case Family::Reduction:
    cost.kind = "reduction";
    cost.flops = elements(op->getOperand(0));
    break;
  case Family::Softmax:
    cost.kind = "reduction";
    cost.flops = 5 * elements(op->getOperand(0));
    break;
  case Family::Normalization:
    cost.kind = "normalization";
    cost.flops = 8 * elements(op->getOperand(0));
    break;
  case Family::View:
    cost.kind = "view";
    cost.flops = 0;
    cost.bytes = 0;
    break;
  case Family::Movement:
    cost.kind = "movement";
    cost.flops = 0;
    break;
  case Family::Constant:
    cost.kind = "constant";
    cost.flops = 0;
    cost.bytes = 0;
    break;
  case Family::Elementwise:
    cost.kind = "elementwise";
    for (Value v : op->getResults())
      cost.flops += elements(v);
    break;
  }
  return cost;
}

/// The model attached to every onnx op.
struct ONNXCostModel : CostOpInterface::FallbackModel<ONNXCostModel> {
  OpCost estimateCost(Operation *op) const { return estimateONNXCost(op); }
};

} // namespace

void registerONNXCostModels(DialectRegistry &registry) {
  registry.addExtension(+[](MLIRContext *context, ONNXDialect *) {
    for (RegisteredOperationName name : context->getRegisteredOperations())
      if (name.getDialectNamespace() == ONNXDialect::getDialectNamespace() &&
          !name.hasInterface<CostOpInterface>())
        name.attachInterface<ONNXCostModel>();
  });
}

} // namespace weft
