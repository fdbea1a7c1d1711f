//===- FoldBatchNorm.cpp - Fold inference BatchNormalization into Conv
//-----===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <cmath>

namespace weft {
#define GEN_PASS_DEF_FOLDBATCHNORMPASS
#include "weft/Dialect/ONNX/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// Reads a constant float vector of `size` elements.
std::optional<std::vector<double>> readVector(Value v, int64_t size) {
  ElementsAttr attr = getConstantTensor(v);
  if (!attr)
    return std::nullopt;
  auto values = getFloatValues(attr);
  if (!values || static_cast<int64_t>(values->size()) != size)
    return std::nullopt;
  return values;
}

/// Makes an onnx.Constant holding `values` with `type` before `op`.
Value makeConstant(OpBuilder &builder, Location loc, RankedTensorType type,
                   ArrayRef<double> values) {
  ElementsAttr attr = makeTensorFromFloats(type, values);
  return ONNXConstantOp::create(
             builder, loc, TypeRange{type}, ValueRange{},
             ArrayRef<NamedAttribute>{builder.getNamedAttr("value", attr)})
      .getResult();
}

/// Folds one BatchNormalization into its Conv producer; false if the pattern
/// does not apply.
bool foldOne(ONNXBatchNormalizationOp bn) {
  auto conv = bn.getX().getDefiningOp<ONNXConvOp>();
  if (!conv || !conv.getY().hasOneUse() || bn.getTrainingMode() != 0)
    return false;
  for (unsigned i = 1; i < bn->getNumResults(); ++i)
    if (!isa<NoneType>(bn->getResult(i).getType()) &&
        !bn->getResult(i).use_empty())
      return false;
  auto wType = dyn_cast<RankedTensorType>(conv.getW().getType());
  if (!wType || !wType.hasStaticShape() || wType.getRank() < 3 ||
      !isa<FloatType>(wType.getElementType()))
    return false;
  int64_t channels = wType.getDimSize(0);
  ElementsAttr wAttr = getConstantTensor(conv.getW());
  if (!wAttr)
    return false;
  auto w = getFloatValues(wAttr);
  auto scale = readVector(bn.getScale(), channels);
  auto bias = readVector(bn.getB(), channels);
  auto mean = readVector(bn.getInputMean(), channels);
  auto var = readVector(bn.getInputVar(), channels);
  if (!w || !scale || !bias || !mean || !var ||
      static_cast<int64_t>(w->size()) != wType.getNumElements() ||
      channels == 0)
    return false;
  std::vector<double> convBias(channels, 0.0);
  if (!isa<NoneType>(conv.getB().getType())) {
    auto b = readVector(conv.getB(), channels);
    if (!b)
      return false;
    convBias = *b;
  }

  double epsilon = bn.getEpsilon().convertToDouble();
  int64_t perChannel = wType.getNumElements() / channels;
  std::vector<double> newW(*w), newB(channels);
  for (int64_t c = 0; c < channels; ++c) {
    double factor = (*scale)[c] / std::sqrt((*var)[c] + epsilon);
    for (int64_t k = 0; k < perChannel; ++k)
      newW[c * perChannel + k] *= factor;
    newB[c] = (convBias[c] - (*mean)[c]) * factor + (*bias)[c];
  }

  OpBuilder builder(bn);
  Value wValue = makeConstant(builder, conv.getLoc(), wType, newW);
  Value bValue = makeConstant(
      builder, conv.getLoc(),
      RankedTensorType::get({channels}, wType.getElementType()), newB);
  SmallVector<Value> operands = {conv.getX(), wValue, bValue};
  Operation *folded =
      builder.create(conv.getLoc(), conv->getName().getIdentifier(), operands,
                     TypeRange{bn.getY().getType()}, conv->getAttrs());
  if (auto props = conv->getPropertiesAsAttribute())
    if (failed(folded->setPropertiesFromAttribute(props, nullptr))) {
      folded->erase();
      return false;
    }
  bn.getY().replaceAllUsesWith(folded->getResult(0));
  bn.erase();
  conv.erase();
  return true;
}

struct FoldBatchNormPass : impl::FoldBatchNormPassBase<FoldBatchNormPass> {
  void runOnOperation() override {
    SmallVector<ONNXBatchNormalizationOp> bns;
    getOperation()->walk(
        [&](ONNXBatchNormalizationOp bn) { bns.push_back(bn); });
    for (ONNXBatchNormalizationOp bn : bns)
      if (foldOne(bn))
        ++numFolded;
  }
};

} // namespace
} // namespace weft
