//===- DeviceModel.h - Descriptions of devices and links -------*- C++ -*-===//
//
// What a cluster offers: its devices (kind, node, peak FLOP/s, memory
// bandwidth and capacity, launch overhead, per-op-kind efficiency) and the
// links between them. Read from JSON files (docs/devices.md has the format)
// or built in: `host` (this machine, detected), `h100`, `a100`.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_ANALYSIS_DEVICEMODEL_H
#define WEFT_ANALYSIS_DEVICEMODEL_H

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace weft {

/// The kinds of device Weft generates code for.
enum class DeviceKind { CPU, CUDA };

/// "cpu" or "cuda", as descriptions and device names spell a kind.
llvm::StringRef getDeviceKindName(DeviceKind kind);

/// The kind spelled `name`, or nullopt.
std::optional<DeviceKind> parseDeviceKind(llvm::StringRef name);

/// "cpu:0", or "n2/cuda:1" on a node other than 0.
std::string getDeviceName(DeviceKind kind, int64_t index, int64_t node);

/// One device.
struct DeviceDescription {
  /// "cpu:0", or "n2/cuda:1" on a node other than 0.
  std::string name;
  DeviceKind kind = DeviceKind::CPU;
  int64_t index = 0;
  int64_t node = 0;
  /// Peak arithmetic rate in FLOP/s, per element type ("f32", "f16", ...).
  llvm::StringMap<double> peakFlops;
  /// Memory bandwidth in bytes/s and capacity in bytes.
  double memoryBandwidth = 0;
  int64_t memoryCapacity = 0;
  /// Fixed cost of starting one kernel, in seconds.
  double launchOverhead = 0;
  /// Cores (CPU) or streaming multiprocessors (CUDA).
  int64_t cores = 1;
  /// Fraction of the peak reached per op kind ("matmul", "conv", ...).
  llvm::StringMap<double> efficiency;
  /// Per op kind, the FLOPs at which a kernel reaches half its efficiency:
  /// small kernels run below the peak rate (0: no such effect).
  llvm::StringMap<double> efficiencyKnee;
  /// Streaming bandwidth by working-set size, smallest first: (bytes,
  /// bytes/s) points, interpolated log-linearly (caches make small working
  /// sets faster); past the last point, the memory bandwidth.
  std::vector<std::pair<int64_t, double>> bandwidthCurve;

  /// Peak FLOP/s for `elementType` (falls back to f32).
  double getPeakFlops(llvm::StringRef elementType) const;
  /// Efficiency for `opKind` (falls back to "default", then 1).
  double getEfficiency(llvm::StringRef opKind) const;
  /// Efficiency for `opKind` on a kernel of `flops` (with the knee).
  double getEfficiency(llvm::StringRef opKind, double flops) const;
  /// Bandwidth in bytes/s for work that touches `bytes`.
  double getBandwidth(double bytes) const;
};

/// A link between two devices; latency in seconds, bandwidth in bytes/s.
struct LinkDescription {
  std::string from, to, type;
  double latency = 0;
  double bandwidth = 0;
};

/// A described cluster.
class DeviceModel {
public:
  /// Parses a JSON description; `source` names it in errors. Returns nullopt
  /// and sets `error` for anything missing, malformed or inconsistent.
  static std::optional<DeviceModel>
  parse(llvm::StringRef json, llvm::StringRef source, std::string &error);
  /// Loads a built-in description ("host", "h100", "a100", "host-plus-h100")
  /// or a JSON file.
  static std::optional<DeviceModel> load(llvm::StringRef nameOrPath,
                                         std::string &error);
  /// The names of the built-in descriptions.
  static std::vector<std::string> getBuiltinNames();

  const std::string &getName() const { return name; }
  const std::vector<DeviceDescription> &getDevices() const { return devices; }
  /// For calibration, which refines a description's rates.
  DeviceDescription &getDevice(int index) { return devices[index]; }
  const std::vector<LinkDescription> &getLinks() const { return links; }
  /// Index of the device called `name`, or -1.
  int findDevice(llvm::StringRef name) const;
  /// Whether a device of `kind` is described.
  bool hasDeviceOfKind(DeviceKind kind) const;

  /// Seconds to move `bytes` from device `from` to device `to` (indices):
  /// 0 on the same device, else the link's latency + bytes / bandwidth.
  double getTransferTime(int from, int to, double bytes) const;

  /// The description as JSON (what parse reads).
  std::string toJSON() const;

private:
  /// The link used between two devices: an explicit one, else the network
  /// between their nodes, else the bus within a node.
  const LinkDescription *findLink(int from, int to) const;

  std::string name;
  std::vector<DeviceDescription> devices;
  std::vector<LinkDescription> links;
  std::optional<LinkDescription> network; // between nodes
  std::optional<LinkDescription> bus;     // within a node
};

} // namespace weft

#endif // WEFT_ANALYSIS_DEVICEMODEL_H
