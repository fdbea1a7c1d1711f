//===- Device.h - The device interface and its driver registry -*- C++ -*-===//
//
// A device runs kernels. Each kind of device comes from a driver (one folder
// under lib/Runtime/Device/) that registers a factory for its kind at start-up;
// `createDevice("cpu:1")` asks the driver of "cpu" for device 1. The
// scheduler owns one worker thread per device and calls `execute` from it.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_DEVICE_DEVICE_H
#define WEFT_RUNTIME_DEVICE_DEVICE_H

#include "weft/Runtime/Base/Status.h"

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace weft::runtime {

class Device;

/// Work for a device: runs on the device's worker thread, is told the device.
using Kernel = std::function<Status(Device &)>;

/// Finds a function of the artifact's host code by symbol (null if absent).
using HostSymbolLookup = std::function<void *(const std::string &)>;

/// Code a device loaded (a CUDA program of the artifact): runs on the device
/// with its arguments in the device's memory.
class Executable {
public:
  virtual ~Executable() = default;
  /// Runs once with `args` (the program's inputs, then its outputs, each a
  /// pointer into the device's memory); returns when the results are there.
  /// Safe to call from several threads at once.
  virtual Status run(const std::vector<void *> &args) = 0;
};

/// A device of some kind ("cpu", "cuda", ...), named "<kind>:<index>".
class Device {
public:
  virtual ~Device() = default;
  const std::string &getName() const { return name; }
  /// The device's memory space: devices that share one need no transfers.
  virtual int getMemorySpace() const = 0;
  /// Called once on the device's worker thread before any kernel (pinning
  /// it to the device's cores, making a context current, ...).
  virtual Status bindWorkerThread() { return Status::ok(); }
  /// Runs `kernel` on this device; returns when it is done. A device that
  /// failed for good returns a status with code Unavailable.
  virtual Status execute(const Kernel &kernel) = 0;

  /// Whether the device computes on host memory (then the memory functions
  /// below are plain host allocations and copies).
  virtual bool usesHostMemory() const { return true; }
  /// Whether tasks placed on the device run as the artifact's host code
  /// (their `weft_<task>` entry points) rather than as programs it loads.
  virtual bool runsHostCode() const { return false; }
  /// Allocates `bytes` of the device's memory (64-byte aligned); a device
  /// out of memory returns ResourceExhausted and stays usable.
  virtual StatusOr<void *> allocate(size_t bytes);
  /// Frees what `allocate` returned (null is ignored).
  virtual void deallocate(void *pointer);
  /// Copies host memory into the device's memory, and back.
  virtual Status copyFromHost(void *device, const void *host, size_t bytes);
  virtual Status copyToHost(void *host, const void *device, size_t bytes);
  /// Loads `code` (for a CUDA device: the artifact's GpuCode section),
  /// program `name` of it, with the constants it reads from `weights` (the
  /// Weights section); `hostCode` finds functions of the artifact's host
  /// code, for devices that run kernels compiled for the host. Devices that
  /// run no loaded code return Unsupported.
  virtual StatusOr<std::unique_ptr<Executable>>
  loadProgram(std::string_view code, const std::string &name,
              std::string_view weights,
              const HostSymbolLookup &hostCode = nullptr);

protected:
  explicit Device(std::string name) : name(std::move(name)) {}

private:
  std::string name;
};

/// Makes device `index` of a driver's kind; `options` is the text after the
/// index in a device spec ("cpu:1:cores=2" gives "cores=2").
using DeviceFactory = std::function<StatusOr<std::unique_ptr<Device>>(
    int index, const std::string &options)>;

/// Registers the factory of a device kind (a driver calls this at start-up).
void registerDeviceDriver(const std::string &kind, DeviceFactory factory);

/// The kinds registered so far.
std::vector<std::string> getDeviceDriverKinds();

/// Creates the device a spec names: "<kind>:<index>[:<options>]".
StatusOr<std::unique_ptr<Device>> createDevice(const std::string &spec);

} // namespace weft::runtime

#endif // WEFT_RUNTIME_DEVICE_DEVICE_H
