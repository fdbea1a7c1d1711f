//===- Activation.cpp - Relu and Clip fused into their producer -----------===//

#include "Activation.h"
#include "Common.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace weft {

Value Activation::apply(OpBuilder &b, Location loc, Value x) const {
  auto constant = [&](double v) {
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(x.getType(), v));
  };
  // NaN still comes out as NaN; only -0 and +0 may come out either way,
  // which lets a bound be one max or min instruction (x86's max and min
  // return their second operand when either is NaN, and do not order zeros).
  auto nsz = arith::FastMathFlags::nsz;
  if (lo)
    x = arith::MaximumFOp::create(b, loc, x, constant(*lo), nsz);
  if (hi)
    x = arith::MinimumFOp::create(b, loc, x, constant(*hi), nsz);
  return x;
}

Value addBiasAndActivate(OpBuilder &b, Location loc, Value value, Value bias,
                         AffineMap biasMap, const Activation &activation) {
  int64_t rank = cast<RankedTensorType>(value.getType()).getRank();
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(biasMap);
  }
  maps.push_back(b.getMultiDimIdentityMap(rank));
  return linalg::GenericOp::create(
             b, loc, TypeRange{value.getType()}, inputs, ValueRange{value},
             maps,
             SmallVector<utils::IteratorType>(rank,
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location l, ValueRange args) {
               Value v = args.back();
               if (bias)
                 v = arith::AddFOp::create(b, l, v, args[0]);
               linalg::YieldOp::create(b, l, activation.apply(b, l, v));
             })
      .getResult(0);
}

Value biasAndActivateInto(OpBuilder &b, Location loc,
                          RankedTensorType resultType, Value value,
                          AffineMap valueMap, Value bias, AffineMap biasMap,
                          const Activation &activation) {
  SmallVector<Value> inputs = {value};
  SmallVector<AffineMap> maps = {valueMap};
  if (bias) {
    inputs.push_back(bias);
    maps.push_back(biasMap);
  }
  return buildParallelGeneric(b, loc, resultType, inputs, maps,
                              [&](OpBuilder &b, Location l, ValueRange args) {
                                Value v = args[0];
                                if (bias)
                                  v = arith::AddFOp::create(b, l, v, args[1]);
                                return activation.apply(b, l, v);
                              });
}

std::optional<std::pair<Operation *, Activation>>
getFusableActivation(Value value) {
  if (!value.hasOneUse() ||
      !isa<FloatType>(getElementTypeOrSelf(value.getType())))
    return std::nullopt;
  Operation *user = *value.getUsers().begin();
  Activation activation;
  if (isa<ONNXReluOp>(user)) {
    activation.lo = 0.0;
  } else if (auto clip = dyn_cast<ONNXClipOp>(user)) {
    if (clip.getInput() != value)
      return std::nullopt;
    // A bound: absent, or a constant scalar.
    auto bound = [](Value v, std::optional<double> &out) {
      if (isa<NoneType>(v.getType()))
        return true;
      ElementsAttr attr = getConstantElements(v);
      std::optional<std::vector<double>> values =
          attr ? getFloatValues(attr) : std::nullopt;
      if (!values || values->size() != 1)
        return false;
      out = values->front();
      return true;
    };
    if (!bound(clip.getMin(), activation.lo) ||
        !bound(clip.getMax(), activation.hi))
      return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (user->getResult(0).getType() != value.getType())
    return std::nullopt;
  return std::make_pair(user, activation);
}

bool isFusedIntoProducer(Operation *activation) {
  if (activation->getNumOperands() == 0)
    return false;
  Operation *producer = activation->getOperand(0).getDefiningOp();
  if (!producer || producer->getNumResults() != 1)
    return false;
  auto fused = getFusableActivation(producer->getResult(0));
  if (!fused || fused->first != activation)
    return false;
  if (isa<ONNXConvOp>(producer))
    return convTakesActivation(producer);
  if (isa<ONNXGemmOp>(producer))
    return gemmTakesActivation(producer);
  return false;
}

} // namespace weft
