//===- CPUDevice.cpp - The cpu driver: devices made of host cores ---------===//
//
// "cpu:N" is a device whose worker thread runs on a set of the host's cores:
// by default core N (so "cpu:0" and "cpu:1" split a two-core machine in
// two), or the cores an option lists ("cpu:0:cores=0-3"), or any core
// ("cpu:0:cores=any"). All CPU devices share the host's memory.
//
//===----------------------------------------------------------------------===//

#include "weft/Runtime/Device/Device.h"

#include <pthread.h>
#include <sched.h>
#include <thread>

namespace weft::runtime {
namespace {

class CPUDevice : public Device {
public:
  CPUDevice(std::string name, std::vector<int> cores)
      : Device(std::move(name)), cores(std::move(cores)) {}

  int getMemorySpace() const override { return 0; }
  bool runsHostCode() const override { return true; }

  Status bindWorkerThread() override {
    if (cores.empty())
      return Status::ok();
    cpu_set_t set;
    CPU_ZERO(&set);
    for (int core : cores)
      CPU_SET(core, &set);
    // Pinning is a performance hint: a container may forbid it.
    pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
    return Status::ok();
  }

  Status execute(const Kernel &kernel) override { return kernel(*this); }

private:
  std::vector<int> cores;
};

/// Parses "cores=a-b,c" (or "any"); empty means unpinned.
StatusOr<std::vector<int>> parseCores(const std::string &options, int index) {
  int available = int(std::max(1u, std::thread::hardware_concurrency()));
  if (options.empty())
    return std::vector<int>{index % available};
  if (options.rfind("cores=", 0) != 0)
    return Status(StatusCode::InvalidArgument,
                  "unknown cpu device option '" + options + "' (cores=...)");
  std::string list = options.substr(6);
  if (list == "any")
    return std::vector<int>();
  std::vector<int> cores;
  size_t at = 0;
  while (at <= list.size()) {
    size_t comma = list.find(',', at);
    std::string range = list.substr(at, comma - at);
    size_t dash = range.find('-');
    int first = std::atoi(range.substr(0, dash).c_str());
    int last = dash == std::string::npos
                   ? first
                   : std::atoi(range.substr(dash + 1).c_str());
    if (range.empty() || first < 0 || last < first || last >= available)
      return Status(StatusCode::InvalidArgument,
                    "bad core range '" + range + "' (this machine has " +
                        std::to_string(available) + " cores)");
    for (int core = first; core <= last; ++core)
      cores.push_back(core);
    if (comma == std::string::npos)
      break;
    at = comma + 1;
  }
  return cores;
}

} // namespace

void registerCPUDeviceDriver() {
  registerDeviceDriver(
      "cpu",
      [](int index,
         const std::string &options) -> StatusOr<std::unique_ptr<Device>> {
        auto cores = parseCores(options, index);
        if (!cores)
          return cores.getStatus();
        return std::unique_ptr<Device>(
            new CPUDevice("cpu:" + std::to_string(index), *cores));
      });
}

} // namespace weft::runtime
