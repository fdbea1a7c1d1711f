//===- InferShapes.cpp - Refine types with ONNX's inference functions -----===//
//
// Hands each op to the type-and-shape inference function ONNX's schema
// registry holds for it, through an onnx::InferenceContext that reads the
// op's operand types, attributes and constant operands, then refines the
// op's result types with what ONNX inferred.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"
#include "weft/Target/ONNX/ProtoConversion.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"

#include "onnx/defs/schema.h"
#include "onnx/defs/shape_inference.h"

#include <map>
#include <memory>

namespace weft {
#define GEN_PASS_DEF_INFERSHAPESPASS
#include "weft/Dialect/ONNX/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Constant operands larger than this are not handed to ONNX (no inference
/// function reads more than a shape or a few scalars).
constexpr int64_t kMaxInferenceDataElements = 4096;

/// An onnx::InferenceContext over one MLIR op.
class OpInferenceContext : public onnx::InferenceContext {
public:
  OpInferenceContext(Operation *op, const onnx::OpSchema &schema) {
    numInputs = op->getNumOperands();
    while (numInputs > 0 &&
           isa<NoneType>(op->getOperand(numInputs - 1).getType()))
      --numInputs;
    inputTypes.resize(numInputs);
    inputData.resize(numInputs);
    for (size_t i = 0; i < numInputs; ++i) {
      Value v = op->getOperand(i);
      if (isa<NoneType>(v.getType()))
        continue;
      auto type = std::make_unique<onnx::TypeProto>();
      if (convertToTypeProto(v.getType(), *type))
        inputTypes[i] = std::move(type);
      ElementsAttr constant = getConstantTensor(v);
      if (constant && cast<ShapedType>(constant.getType()).getNumElements() <=
                          kMaxInferenceDataElements) {
        auto tensor = std::make_unique<onnx::TensorProto>();
        if (convertToTensorProto(constant, *tensor))
          inputData[i] = std::move(tensor);
      }
    }
    // Absent trailing outputs are not outputs to ONNX (BatchNormalization
    // checks their count).
    size_t numOutputs = op->getNumResults();
    while (numOutputs > 0 &&
           isa<NoneType>(op->getResult(numOutputs - 1).getType()))
      --numOutputs;
    outputTypes.resize(numOutputs);
    SmallVector<NamedAttribute> attrs;
    if (auto props =
            dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute()))
      attrs.append(props.begin(), props.end());
    const auto &schemaAttrs = schema.attributes();
    for (NamedAttribute attr : attrs) {
      auto it = schemaAttrs.find(attr.getName().str());
      if (it == schemaAttrs.end())
        continue;
      onnx::AttributeProto proto;
      if (convertToAttributeProto(attr.getName(), attr.getValue(),
                                  it->second.type, proto))
        attributes[attr.getName().str()] = std::move(proto);
    }
  }

  const onnx::AttributeProto *
  getAttribute(const std::string &name) const override {
    auto it = attributes.find(name);
    return it == attributes.end() ? nullptr : &it->second;
  }
  size_t getNumInputs() const override { return numInputs; }
  const onnx::TypeProto *getInputType(size_t index) const override {
    return index < numInputs ? inputTypes[index].get() : nullptr;
  }
  const onnx::TensorProto *getInputData(size_t index) const override {
    return index < numInputs ? inputData[index].get() : nullptr;
  }
  size_t getNumOutputs() const override { return outputTypes.size(); }
  onnx::TypeProto *getOutputType(size_t index) override {
    return index < outputTypes.size() ? &outputTypes[index] : nullptr;
  }
  onnx::GraphInferencer *
  getGraphAttributeInferencer(const std::string &) override {
    return nullptr;
  }
  const onnx::SparseTensorProto *getInputSparseData(size_t) const override {
    return nullptr;
  }
  const onnx::TensorShapeProto *getSymbolicInput(size_t) const override {
    return nullptr;
  }

  const onnx::TypeProto &getInferredType(size_t index) const {
    return outputTypes[index];
  }

private:
  size_t numInputs = 0;
  std::vector<std::unique_ptr<onnx::TypeProto>> inputTypes;
  std::vector<std::unique_ptr<onnx::TensorProto>> inputData;
  std::vector<onnx::TypeProto> outputTypes;
  std::map<std::string, onnx::AttributeProto> attributes;
};

/// Combines what is known (`current`) with what ONNX inferred: static dims
/// win over dynamic ones. Returns null if the two contradict each other.
Type refineType(Type current, Type inferred) {
  if (current == inferred)
    return current;
  auto cur = dyn_cast<TensorType>(current);
  auto inf = dyn_cast<TensorType>(inferred);
  if (!cur || !inf)
    return current; // sequences and optionals keep their imported type
  if (cur.getElementType() != inf.getElementType())
    return nullptr;
  if (!inf.hasRank())
    return current;
  if (!cur.hasRank())
    return inferred;
  if (cur.getRank() != inf.getRank())
    return nullptr;
  SmallVector<int64_t> dims;
  for (int64_t i = 0; i < cur.getRank(); ++i) {
    int64_t a = cur.getDimSize(i), b = inf.getDimSize(i);
    if (!ShapedType::isDynamic(a) && !ShapedType::isDynamic(b) && a != b)
      return nullptr;
    dims.push_back(ShapedType::isDynamic(a) ? b : a);
  }
  return RankedTensorType::get(dims, cur.getElementType());
}

struct InferShapesPass : impl::InferShapesPassBase<InferShapesPass> {
  void runOnOperation() override {
    bool failedAny = false;
    getOperation()->walk<WalkOrder::PreOrder>([&](Operation *op) {
      if (op->getNumRegions() != 0 || !isa<ONNXDialect>(op->getDialect()) ||
          op->getNumResults() == 0)
        return;
      if (failed(inferOp(op)))
        failedAny = true;
    });
    // Function results follow the refined values they return.
    getOperation()->walk([&](func::FuncOp func) {
      if (func.isExternal())
        return;
      Operation *terminator = func.getBody().back().getTerminator();
      func.setType(FunctionType::get(func.getContext(), func.getArgumentTypes(),
                                     terminator->getOperandTypes()));
    });
    if (failedAny)
      signalPassFailure();
  }

  LogicalResult inferOp(Operation *op) {
    const onnx::OpSchema *schema = onnx::OpSchemaRegistry::Schema(
        op->getName().stripDialect().str(), ONNXDialect::getOpsetVersion(), "");
    if (!schema || !schema->has_type_and_shape_inference_function())
      return success();
    OpInferenceContext context(op, *schema);
    try {
      schema->GetTypeAndShapeInferenceFunction()(context);
    } catch (const std::exception &e) {
      return op->emitError("type inference failed: ") << e.what();
    }
    for (OpResult result : op->getResults()) {
      if (isa<NoneType>(result.getType()) ||
          result.getResultNumber() >= context.getNumOutputs())
        continue;
      const onnx::TypeProto &proto =
          context.getInferredType(result.getResultNumber());
      if (proto.value_case() == onnx::TypeProto::VALUE_NOT_SET)
        continue;
      std::string error;
      Type inferred = convertTypeProto(op->getContext(), proto, error);
      if (!inferred)
        continue; // ONNX knew less than the IR does
      Type refined = refineType(result.getType(), inferred);
      if (!refined)
        return op->emitError("inferred type ")
               << inferred << " of result #" << result.getResultNumber()
               << " contradicts its type " << result.getType();
      if (refined != result.getType()) {
        result.setType(refined);
        ++numRefined;
      }
    }
    return success();
  }
};

} // namespace
} // namespace weft
