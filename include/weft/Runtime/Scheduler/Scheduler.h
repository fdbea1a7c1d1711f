//===- Scheduler.h - Running task graphs across devices ------- -*- C++ -*-===//
//
// A task graph (tasks, their dependencies, predicted times per device) runs
// on a set of devices, one worker thread each. Static mode follows the
// compiled placement and order. Dynamic mode, as StarPU's dmda, sends each
// ready task to the device where it is expected to finish first: the
// device's backlog + the task's predicted time there + moving inputs that are
// not in that device's memory. Predictions start from the graph's (the cost
// model's) and are replaced by measured times as they come (a history per
// task and device, with outliers rejected, that can be saved and loaded).
// A task that fails is run again elsewhere; a device that fails for good
// gets no more work.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_SCHEDULER_SCHEDULER_H
#define WEFT_RUNTIME_SCHEDULER_SCHEDULER_H

#include "weft/Runtime/Device/Device.h"

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

namespace weft::runtime {

/// One unit of work.
struct Task {
  std::string name;         ///< its key in the history and its label in traces
  std::vector<size_t> deps; ///< tasks that must finish first
  Kernel kernel;
  /// Predicted microseconds by device name, or by kind ("cpu"), or "" for
  /// any device.
  std::map<std::string, double> predictedUs;
  /// The devices that can run it; empty: all.
  std::vector<std::string> devices;
  /// Static mode: the device and the position in its order.
  std::string staticDevice;
  int64_t staticOrder = 0;
  /// Bytes of its results (what moving them to another memory costs).
  uint64_t outputBytes = 0;
};

struct TaskGraph {
  std::vector<Task> tasks;
};

enum class ScheduleMode { Static, Dynamic };

/// Measured times per task and device: a running mean per pair, where a
/// measurement far above the mean (after a few) is counted as an outlier and
/// left out.
class PerformanceHistory {
public:
  void record(const std::string &task, const std::string &device, double us);
  std::optional<double> predict(const std::string &task,
                                const std::string &device) const;
  uint64_t getOutlierCount() const;
  /// Text, one "task<TAB>device<TAB>mean<TAB>count" line per pair.
  Status save(const std::string &path) const;
  Status load(const std::string &path);

private:
  struct Entry {
    double meanUs = 0;
    uint64_t count = 0;
  };
  mutable std::mutex mutex;
  std::map<std::pair<std::string, std::string>, Entry> entries;
  uint64_t outliers = 0;
};

/// What a run did, per device and per task.
struct RunStats {
  struct DeviceStats {
    std::string name;
    double busyUs = 0, idleUs = 0;
    uint64_t tasks = 0, bytesMoved = 0;
    bool failed = false;
  };
  struct TaskStats {
    std::string name, device;
    double startUs = 0, endUs = 0, predictedUs = 0;
    int attempts = 0;
  };
  double wallUs = 0;
  std::vector<DeviceStats> devices;
  std::vector<TaskStats> tasks;
  /// A table: per device busy/idle/tasks/bytes, then predicted vs measured.
  std::string describe() const;
  /// Chrome trace JSON (Perfetto): one track per device.
  Status writeChromeTrace(const std::string &path) const;
};

class Scheduler {
public:
  /// Takes the devices; `bytesPerUs` is the transfer rate between memories.
  explicit Scheduler(std::vector<std::unique_ptr<Device>> devices,
                     double bytesPerUs = 10000);
  ~Scheduler();
  Scheduler(const Scheduler &) = delete;
  Scheduler &operator=(const Scheduler &) = delete;

  /// Runs every task of `graph` once, after its dependencies. Fails if the
  /// graph is malformed, if a task fails on every device that can run it, or
  /// if no device that can run a task is left.
  Status run(const TaskGraph &graph, ScheduleMode mode,
             RunStats *stats = nullptr);

  PerformanceHistory &getHistory() { return history; }
  std::vector<std::string> getDeviceNames() const;

private:
  struct Worker;
  struct RunState;
  void workerLoop(Worker &worker);
  /// Queues ready task `t` on a device (with `state.mutex` held).
  void dispatch(RunState &state, size_t t);
  double predict(const RunState &state, size_t t, const Worker &w) const;
  void finish(RunState &state, Worker &worker, size_t t, Status status,
              double startUs, double endUs);

  std::vector<std::unique_ptr<Worker>> workers;
  double bytesPerUs;
  PerformanceHistory history;
  std::mutex runMutex; ///< one run at a time
  RunState *current = nullptr;
  std::mutex mutex;
  bool shuttingDown = false;
};

} // namespace weft::runtime

#endif // WEFT_RUNTIME_SCHEDULER_SCHEDULER_H
