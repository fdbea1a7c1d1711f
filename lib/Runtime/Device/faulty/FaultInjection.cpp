//===- FaultInjection.cpp - A device wrapper that misbehaves on purpose ---===//

#include "weft/Runtime/Device/FaultInjection.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <set>
#include <thread>

namespace weft::runtime {
namespace {

class FaultyDevice : public Device {
public:
  FaultyDevice(std::unique_ptr<Device> inner, FaultPlan plan)
      : Device(inner->getName()), inner(std::move(inner)), plan(plan) {}

  int getMemorySpace() const override { return inner->getMemorySpace(); }
  Status bindWorkerThread() override { return inner->bindWorkerThread(); }
  // Memory and loaded code are the wrapped device's; faults hit kernels.
  bool usesHostMemory() const override { return inner->usesHostMemory(); }
  bool runsHostCode() const override { return inner->runsHostCode(); }
  StatusOr<void *> allocate(size_t bytes) override {
    return inner->allocate(bytes);
  }
  void deallocate(void *pointer) override { inner->deallocate(pointer); }
  Status copyFromHost(void *device, const void *host, size_t bytes) override {
    return inner->copyFromHost(device, host, bytes);
  }
  Status copyToHost(void *host, const void *device, size_t bytes) override {
    return inner->copyToHost(host, device, bytes);
  }
  StatusOr<std::unique_ptr<Executable>>
  loadProgram(std::string_view code, const std::string &name,
              std::string_view weights,
              const HostSymbolLookup &hostCode) override {
    return inner->loadProgram(code, name, weights, hostCode);
  }

  Status execute(const Kernel &kernel) override {
    int64_t number = count.fetch_add(1);
    if (plan.failAfter >= 0 && number >= plan.failAfter)
      return Status(StatusCode::Unavailable,
                    getName() + " failed (injected after " +
                        std::to_string(plan.failAfter) + " kernels)");
    if (number == plan.failOnce)
      return Status(StatusCode::Internal, getName() + ": kernel " +
                                              std::to_string(number) +
                                              " failed (injected)");
    auto start = std::chrono::steady_clock::now();
    Status status = inner->execute(kernel);
    if (plan.slowFactor > 1) {
      // Hold the device as long as a slower one would take.
      auto extra =
          (std::chrono::steady_clock::now() - start) * (plan.slowFactor - 1);
      auto until = std::chrono::steady_clock::now() + extra;
      while (std::chrono::steady_clock::now() < until)
        std::this_thread::yield();
    }
    return status;
  }

private:
  std::unique_ptr<Device> inner;
  FaultPlan plan;
  std::atomic<int64_t> count{0};
};

} // namespace

StatusOr<FaultPlan> parseFaultPlan(const std::string &text) {
  FaultPlan plan;
  auto bad = [](const std::string &item, const std::string &why) {
    return Status(StatusCode::InvalidArgument,
                  "bad fault '" + item + "': " + why +
                      " (slow=F with F from 1 to 1000, fail-once=N, "
                      "fail-after=N with N a whole number)");
  };
  size_t at = 0;
  while (at <= text.size()) {
    size_t comma = text.find(',', at);
    std::string item = text.substr(at, comma - at);
    size_t eq = item.find('=');
    std::string key = item.substr(0, eq);
    std::string value = eq == std::string::npos ? "" : item.substr(eq + 1);
    char *end = nullptr;
    errno = 0;
    if (key == "slow") {
      double factor = std::strtod(value.c_str(), &end);
      if (value.empty() || *end || errno || !(factor >= 1 && factor <= 1000))
        return bad(item, "the slowdown must be a number from 1 to 1000");
      plan.slowFactor = factor;
    } else if (key == "fail-once" || key == "fail-after") {
      long long count = std::strtoll(value.c_str(), &end, 10);
      if (value.empty() || *end || errno || count < 0)
        return bad(item, "the kernel number must be a whole number");
      (key == "fail-once" ? plan.failOnce : plan.failAfter) = count;
    } else {
      return bad(item, "unknown fault");
    }
    if (comma == std::string::npos)
      break;
    at = comma + 1;
  }
  return plan;
}

std::unique_ptr<Device> injectFaults(std::unique_ptr<Device> device,
                                     const FaultPlan &plan) {
  return std::make_unique<FaultyDevice>(std::move(device), plan);
}

StatusOr<std::vector<std::unique_ptr<Device>>>
createDevices(const std::vector<std::string> &specs,
              const std::map<std::string, std::string> &faults) {
  std::vector<std::unique_ptr<Device>> devices;
  std::map<std::string, std::string> unused = faults;
  std::set<std::string> named;
  for (const std::string &spec : specs) {
    auto device = createDevice(spec);
    if (!device)
      return device.getStatus();
    std::unique_ptr<Device> d = std::move(*device);
    if (!named.insert(d->getName()).second)
      return Status(StatusCode::InvalidArgument,
                    "device " + d->getName() + " is named twice");
    auto fault = faults.find(d->getName());
    if (fault != faults.end()) {
      auto plan = parseFaultPlan(fault->second);
      if (!plan)
        return plan.getStatus();
      unused.erase(d->getName());
      d = injectFaults(std::move(d), *plan);
    }
    devices.push_back(std::move(d));
  }
  if (!unused.empty())
    return Status(StatusCode::InvalidArgument,
                  "--inject names " + unused.begin()->first +
                      ", which is not among --devices");
  return devices;
}

} // namespace weft::runtime
