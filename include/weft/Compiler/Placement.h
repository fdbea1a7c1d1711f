//===- Placement.h - Where a model's ops would run, and why -----*- C++ -*-===//
//
// The placement flow as one call, for APIs that report it (the Python
// package): import and simplify a model, attach a device description, place
// every op with a strategy, and read back each op's device and reason.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_COMPILER_PLACEMENT_H
#define WEFT_COMPILER_PLACEMENT_H

#include <string>
#include <vector>

namespace weft {

/// One placed op.
struct PlacedOp {
  std::string node;   ///< the ONNX node's name (or op type)
  std::string op;     ///< the op type, e.g. "Conv"
  std::string device; ///< e.g. "cpu:0", "cuda:0"
  /// The cost model's estimates per device, the input transfer time and the
  /// strategy, e.g. "cpu:0 2.1 us, cuda:0 5.0 us; inputs moved in 0.0 us
  /// (heft)".
  std::string reason;
};

/// A placement of every op of a model.
struct PlacementReport {
  std::vector<PlacedOp> ops;
  double makespanMicroseconds = 0;
};

/// Places the model at `modelPath` on `devices` (a built-in description name
/// or a JSON file) with `strategy` (heft, exact, chain-dp, min-cut, greedy,
/// single=<device>). Returns "" or the diagnostics.
std::string placeModel(const std::string &modelPath, const std::string &devices,
                       const std::string &strategy, PlacementReport &report);

} // namespace weft

#endif // WEFT_COMPILER_PLACEMENT_H
