//===- CostModel.h - Predicted run and transfer times ----------*- C++ -*-===//
//
// The cost model other passes query: per op, its work (CostOpInterface) and
// its roofline time on each device of a DeviceModel,
//   launch overhead + max(flops / (peak * efficiency[kind]), bytes /
//   bandwidth),
// whether a device can run it at all, and what moving a value costs.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_ANALYSIS_COSTMODEL_H
#define WEFT_ANALYSIS_COSTMODEL_H

#include "weft/Analysis/DeviceModel.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/OpDefinition.h"

#include <string>

namespace weft {

/// The work of one op.
struct OpCost {
  double flops = 0;
  /// Bytes read and written.
  double bytes = 0;
  /// "matmul", "conv", "elementwise", "reduction", "normalization",
  /// "movement", "view" (no kernel: a reshape of a buffer), "constant".
  std::string kind = "elementwise";
  /// Element type the arithmetic runs in ("f32", "f16", ...).
  std::string elementType = "f32";
};

/// Bytes a value of `type` occupies (dynamic dims count as 1).
double getTypeBytes(mlir::Type type);
/// Elements of a shaped type (dynamic dims count as 1).
double getTypeElements(mlir::Type type);

/// Attaches CostOpInterface to the onnx dialect's ops.
void registerONNXCostModels(mlir::DialectRegistry &registry);

/// Queries on top of a DeviceModel.
class CostModel {
public:
  explicit CostModel(const DeviceModel &devices) : devices(devices) {}

  const DeviceModel &getDevices() const { return devices; }
  /// The op's work (through CostOpInterface, else as elementwise work).
  OpCost getCost(mlir::Operation *op) const;
  /// Whether device `device` (an index) can run `op`.
  bool canRun(mlir::Operation *op, int device) const;
  /// Predicted seconds of `op` on `device`; infinity if it cannot run it.
  double getRunTime(mlir::Operation *op, int device) const;
  /// Roofline seconds of `cost` on `device`.
  double getRunTime(const OpCost &cost, int device) const;
  /// Bytes the op's results occupy on its device.
  int64_t getFootprint(mlir::Operation *op) const;

private:
  const DeviceModel &devices;
};

} // namespace weft

#include "weft/Analysis/CostInterface.h.inc"

#endif // WEFT_ANALYSIS_COSTMODEL_H
