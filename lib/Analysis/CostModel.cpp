//===- CostModel.cpp - Predicted run and transfer times
//--------------------===//

#include "weft/Analysis/CostModel.h"
#include "weft/Dialect/ONNX/IR/ONNXTypes.h"

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Operation.h"

#include <limits>

using namespace mlir;

#include "weft/Analysis/CostInterface.cpp.inc"

namespace weft {

double getTypeElements(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 0;
  if (!shaped.hasRank())
    return 1;
  double count = 1;
  for (int64_t d : shaped.getShape())
    count *= ShapedType::isDynamic(d) ? 1.0 : double(d);
  return count;
}

double getTypeBytes(Type type) {
  auto shaped = dyn_cast<ShapedType>(type);
  if (!shaped)
    return 0;
  Type elt = shaped.getElementType();
  double size = 8; // strings and others: a pointer's worth
  if (auto complex = dyn_cast<ComplexType>(elt))
    elt = complex.getElementType(), size = 2;
  if (elt.isIntOrFloat())
    size = (size == 2 ? 2 : 1) * std::max(1u, elt.getIntOrFloatBitWidth() / 8);
  return getTypeElements(type) * size;
}

/// Elementwise work over the op's operands and results.
static OpCost estimateElementwise(Operation *op) {
  OpCost cost;
  for (Type t : op->getOperandTypes())
    cost.bytes += getTypeBytes(t);
  for (Type t : op->getResultTypes()) {
    cost.bytes += getTypeBytes(t);
    cost.flops += getTypeElements(t);
  }
  return cost;
}

OpCost CostModel::getCost(Operation *op) const {
  if (auto costed = dyn_cast<CostOpInterface>(op))
    return costed.estimateCost();
  return estimateElementwise(op);
}

bool CostModel::canRun(Operation *op, int device) const {
  const DeviceDescription &d = devices.getDevices()[device];
  if (d.kind == DeviceKind::CPU)
    return true;
  // GPUs run tensor arithmetic: no strings, sequences, optionals or
  // control flow with regions.
  if (op->getNumRegions() != 0)
    return false;
  auto unsupported = [](Type t) {
    if (isa<SeqType, OptType>(t))
      return true;
    auto shaped = dyn_cast<ShapedType>(t);
    return shaped && isa<StringType>(shaped.getElementType());
  };
  return llvm::none_of(op->getOperandTypes(), unsupported) &&
         llvm::none_of(op->getResultTypes(), unsupported);
}

double CostModel::getRunTime(const OpCost &cost, int device) const {
  if (cost.kind == "view" || cost.kind == "constant")
    return 0.0;
  const DeviceDescription &d = devices.getDevices()[device];
  double compute = 0;
  if (cost.flops > 0)
    compute = cost.flops / (d.getPeakFlops(cost.elementType) *
                            d.getEfficiency(cost.kind, cost.flops));
  double memory = cost.bytes / d.getBandwidth(cost.bytes);
  return d.launchOverhead + std::max(compute, memory);
}

double CostModel::getRunTime(Operation *op, int device) const {
  if (!canRun(op, device))
    return std::numeric_limits<double>::infinity();
  return getRunTime(getCost(op), device);
}

int64_t CostModel::getFootprint(Operation *op) const {
  double bytes = 0;
  for (Type t : op->getResultTypes())
    bytes += getTypeBytes(t);
  return int64_t(bytes);
}

} // namespace weft
