//===- FaultInjection.h - A device wrapper that misbehaves on purpose -*- C++
//-*-===//
//
// For tests and benchmarks: wraps a device so that it runs slower by a
// factor, fails one kernel, or fails for good after some kernels. Specs as
// weft-run's --inject takes them: "slow=3", "fail-once=4", "fail-after=5".
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_DEVICE_FAULTINJECTION_H
#define WEFT_RUNTIME_DEVICE_FAULTINJECTION_H

#include "weft/Runtime/Device/Device.h"

#include <map>

namespace weft::runtime {

/// What to do wrong.
struct FaultPlan {
  /// Each kernel takes this many times as long (1: as is).
  double slowFactor = 1;
  /// The kernel with this 0-based number fails (once); -1: none.
  int64_t failOnce = -1;
  /// After this many kernels, the device fails for good (Unavailable); -1:
  /// never.
  int64_t failAfter = -1;
};

/// Parses "slow=3", "fail-once=4", "fail-after=5" (comma-separated).
StatusOr<FaultPlan> parseFaultPlan(const std::string &text);

/// `device`, misbehaving as `plan` says; keeps its name.
std::unique_ptr<Device> injectFaults(std::unique_ptr<Device> device,
                                     const FaultPlan &plan);

/// Creates the devices `specs` name ("cpu:0", "cpu:1:cores=any", ...), those
/// named in `faults` ("cpu:1" -> "slow=3") misbehaving as said. A fault for
/// a device not among them is an error.
StatusOr<std::vector<std::unique_ptr<Device>>>
createDevices(const std::vector<std::string> &specs,
              const std::map<std::string, std::string> &faults = {});

} // namespace weft::runtime

#endif // WEFT_RUNTIME_DEVICE_FAULTINJECTION_H
