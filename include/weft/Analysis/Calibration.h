//===- Calibration.h - Fit a device description to measurements -*- C++ -*-===//
//
// Given measured kernel times on one device (op kind, FLOPs, bytes, seconds),
// fits what the roofline cost model leaves open: launch overhead and memory
// bandwidth (from memory-bound kernels), and the efficiency of each op kind
// (the value that minimizes the mean absolute percentage error on the
// training measurements). weft-profile measures; this fits and scores.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_ANALYSIS_CALIBRATION_H
#define WEFT_ANALYSIS_CALIBRATION_H

#include "weft/Analysis/CostModel.h"

#include <string>
#include <vector>

namespace weft {

/// One measured kernel.
struct Measurement {
  /// What it computes, e.g. "matmul 256x256x256" (for reports).
  std::string label;
  OpCost cost;
  /// Median measured seconds.
  double seconds = 0;
  /// Held out of the fit, used to score it.
  bool heldOut = false;
};

/// Mean absolute percentage error (in %) of the cost model's predictions on
/// `device` over the measurements selected by `heldOut`.
double getPredictionError(const DeviceModel &model, int device,
                          const std::vector<Measurement> &measurements,
                          bool heldOut);

/// Returns `model` with device `device`'s launch overhead, memory bandwidth
/// and per-kind efficiencies fitted to the training measurements.
DeviceModel calibrate(const DeviceModel &model, int device,
                      const std::vector<Measurement> &measurements);

} // namespace weft

#endif // WEFT_ANALYSIS_CALIBRATION_H
