//===- Scheduler.cpp - Running task graphs across devices -----------------===//

#include "weft/Runtime/Scheduler/Scheduler.h"
#include "weft/Runtime/Base/File.h"

#include <cerrno>
#include <cmath>

#include <algorithm>
#include <chrono>
#include <set>

namespace weft::runtime {

/// A device and the thread that feeds it.
struct Scheduler::Worker {
  std::unique_ptr<Device> device;
  std::thread thread;
  std::condition_variable wake;
  /// Tasks of the current run not started yet, by (key, task): the static
  /// order in static mode, the dispatch sequence in dynamic mode.
  std::set<std::pair<int64_t, size_t>> queue;
  double queuedUs = 0; ///< predicted time of what is queued
  double freeAtUs = 0; ///< when its backlog is predicted to be done
  bool failed = false; ///< failed for good: no more work
  Status bindStatus;
};

/// Everything about one run, guarded by Scheduler::mutex.
struct Scheduler::RunState {
  const TaskGraph *graph = nullptr;
  ScheduleMode mode = ScheduleMode::Dynamic;
  std::chrono::steady_clock::time_point start;
  std::vector<std::vector<size_t>> successors;
  std::vector<size_t> remainingDeps;
  std::vector<int> resident; ///< memory space of each finished task's results
  std::vector<int> attempts;
  std::vector<std::set<size_t>> excluded; ///< workers a task failed on
  size_t completed = 0, running = 0;
  int64_t sequence = 0; ///< dispatch order, the dynamic queues' key
  std::vector<double> queuedPrediction; ///< what dispatch added to queuedUs
  Status error;
  std::condition_variable changed;
  RunStats stats;

  double nowUs() const {
    return std::chrono::duration<double, std::micro>(
               std::chrono::steady_clock::now() - start)
        .count();
  }
};

//===----------------------------------------------------------------------===//
// PerformanceHistory
//===----------------------------------------------------------------------===//

/// A history holds a line per task and device: 64 MiB is far more than any
/// real one, and keeps a wrong path (/dev/zero) from filling memory.
static constexpr uint64_t kMaxHistoryBytes = uint64_t(64) << 20;

void PerformanceHistory::record(const std::string &task,
                                const std::string &device, double us) {
  if (!std::isfinite(us) || us < 0)
    return;
  std::lock_guard<std::mutex> lock(mutex);
  Entry &e = entries[{task, device}];
  // After a few measurements, one far above the mean is noise (a preempted
  // thread, a page fault storm), not the task's cost.
  if (e.count >= 3 && us > 4 * e.meanUs + 50) {
    ++outliers;
    return;
  }
  ++e.count;
  e.meanUs += (us - e.meanUs) / double(std::min<uint64_t>(e.count, 16));
}

std::optional<double>
PerformanceHistory::predict(const std::string &task,
                            const std::string &device) const {
  std::lock_guard<std::mutex> lock(mutex);
  auto it = entries.find({task, device});
  if (it == entries.end() || it->second.count == 0)
    return std::nullopt;
  return it->second.meanUs;
}

uint64_t PerformanceHistory::getOutlierCount() const {
  std::lock_guard<std::mutex> lock(mutex);
  return outliers;
}

Status PerformanceHistory::save(const std::string &path) const {
  std::string text;
  {
    std::lock_guard<std::mutex> lock(mutex);
    char number[64];
    for (const auto &[key, e] : entries) {
      std::snprintf(number, sizeof(number), "\t%.17g\t%llu\n", e.meanUs,
                    (unsigned long long)e.count);
      text += key.first + "\t" + key.second + number;
    }
  }
  return writeFile(path, text);
}

Status PerformanceHistory::load(const std::string &path) {
  StatusOr<std::string> text =
      readFile(path, kMaxHistoryBytes, "the performance history");
  if (!text)
    return text.getStatus();
  std::map<std::pair<std::string, std::string>, Entry> loaded;
  size_t at = 0;
  for (int number = 1; at < text->size(); ++number) {
    size_t end = text->find('\n', at);
    if (end == std::string::npos)
      end = text->size();
    std::string line = text->substr(at, end - at);
    at = end + 1;
    size_t a = line.find('\t'), b = line.find('\t', a + 1),
           c = line.find('\t', b + 1);
    double mean = -1;
    unsigned long long count = 0;
    if (c != std::string::npos) {
      std::string meanText = line.substr(b + 1, c - b - 1),
                  countText = line.substr(c + 1);
      char *meanEnd = nullptr, *countEnd = nullptr;
      errno = 0;
      mean = std::strtod(meanText.c_str(), &meanEnd);
      count = std::strtoull(countText.c_str(), &countEnd, 10);
      if (errno || *meanEnd || *countEnd || countText.empty() ||
          countText[0] == '-')
        count = 0;
    }
    if (c == std::string::npos || a == 0 || b == a + 1 ||
        !std::isfinite(mean) || mean < 0 || count == 0)
      return Status(StatusCode::DataLoss,
                    path + ":" + std::to_string(number) +
                        ": not a history line (task, device, finite mean "
                        "microseconds, count, separated by tabs)");
    loaded[{line.substr(0, a), line.substr(a + 1, b - a - 1)}] = {mean, count};
  }
  std::lock_guard<std::mutex> lock(mutex);
  for (auto &[key, entry] : loaded)
    entries[key] = entry;
  return Status::ok();
}

//===----------------------------------------------------------------------===//
// Scheduler
//===----------------------------------------------------------------------===//

Scheduler::Scheduler(std::vector<std::unique_ptr<Device>> devices,
                     double bytesPerUs)
    : bytesPerUs(bytesPerUs) {
  for (auto &device : devices) {
    auto worker = std::make_unique<Worker>();
    worker->device = std::move(device);
    workers.push_back(std::move(worker));
  }
  for (auto &worker : workers)
    worker->thread = std::thread([this, w = worker.get()] { workerLoop(*w); });
}

Scheduler::~Scheduler() {
  {
    std::lock_guard<std::mutex> lock(mutex);
    shuttingDown = true;
  }
  for (auto &worker : workers)
    worker->wake.notify_all();
  for (auto &worker : workers)
    worker->thread.join();
}

std::vector<std::string> Scheduler::getDeviceNames() const {
  std::vector<std::string> names;
  for (const auto &w : workers)
    names.push_back(w->device->getName());
  return names;
}

double Scheduler::predict(const RunState &state, size_t t,
                          const Worker &w) const {
  const Task &task = state.graph->tasks[t];
  const std::string &name = w.device->getName();
  if (auto measured = history.predict(task.name, name))
    return *measured;
  std::string kind = name.substr(0, name.find(':'));
  for (const std::string &key : {name, kind, std::string()})
    if (auto it = task.predictedUs.find(key); it != task.predictedUs.end())
      return it->second;
  return 1;
}

void Scheduler::dispatch(RunState &state, size_t t) {
  if (!state.error.isOk())
    return;
  const Task &task = state.graph->tasks[t];
  auto capable = [&](size_t i, bool allowExcluded) {
    const Worker &w = *workers[i];
    if (w.failed || (!allowExcluded && state.excluded[t].count(i)))
      return false;
    return task.devices.empty() ||
           std::find(task.devices.begin(), task.devices.end(),
                     w.device->getName()) != task.devices.end();
  };
  std::vector<size_t> candidates;
  for (bool allowExcluded : {false, true}) {
    for (size_t i = 0; i < workers.size(); ++i)
      if (capable(i, allowExcluded))
        candidates.push_back(i);
    if (!candidates.empty())
      break;
  }
  if (candidates.empty()) {
    state.error =
        Status(StatusCode::Unavailable,
               "task '" + task.name + "': no device that can run it is left");
    state.changed.notify_all();
    return;
  }
  double now = state.nowUs();
  auto transferBytes = [&](size_t i) {
    uint64_t bytes = 0;
    for (size_t d : task.deps)
      if (state.resident[d] != workers[i]->device->getMemorySpace())
        bytes += state.graph->tasks[d].outputBytes;
    return bytes;
  };
  // What running the task on worker i costs: inputs moved in, then the task.
  auto costOn = [&](size_t i, uint64_t &bytes) {
    bytes = transferBytes(i);
    return double(bytes) / bytesPerUs + predict(state, t, *workers[i]);
  };
  size_t chosen = candidates.front();
  bool placed = false;
  if (state.mode == ScheduleMode::Static)
    for (size_t i : candidates)
      if (workers[i]->device->getName() == task.staticDevice) {
        chosen = i;
        placed = true;
      }
  uint64_t bytes = 0;
  double cost = 0;
  if (placed) {
    cost = costOn(chosen, bytes);
  } else {
    // Earliest expected finish: backlog, inputs moved in, the task itself.
    double best = 0;
    for (size_t i : candidates) {
      uint64_t moved;
      double c = costOn(i, moved);
      double finish = std::max(now, workers[i]->freeAtUs) + c;
      if (i == candidates.front() || finish < best) {
        best = finish;
        chosen = i;
        bytes = moved;
        cost = c;
      }
    }
  }
  Worker &w = *workers[chosen];
  w.freeAtUs = std::max(now, w.freeAtUs) + cost;
  w.queuedUs += cost;
  state.queuedPrediction[t] = cost;
  state.stats.devices[chosen].bytesMoved += bytes;
  int64_t key =
      state.mode == ScheduleMode::Static ? task.staticOrder : state.sequence++;
  w.queue.insert({key, t});
  w.wake.notify_one();
}

void Scheduler::finish(RunState &state, Worker &w, size_t t, Status status,
                       double startUs, double endUs) {
  --state.running;
  size_t index = 0;
  while (workers[index].get() != &w)
    ++index;
  const Task &task = state.graph->tasks[t];
  ++state.attempts[t];
  if (status.isOk()) {
    auto &record = state.stats.tasks[t];
    record = {task.name, w.device->getName(),  startUs,
              endUs,     predict(state, t, w), state.attempts[t]};
    history.record(task.name, w.device->getName(), endUs - startUs);
    state.stats.devices[index].busyUs += endUs - startUs;
    ++state.stats.devices[index].tasks;
    state.resident[t] = w.device->getMemorySpace();
    ++state.completed;
    // The backlog estimate restarts from what is really queued.
    w.freeAtUs = state.nowUs() + w.queuedUs;
    for (size_t s : state.successors[t])
      if (--state.remainingDeps[s] == 0)
        dispatch(state, s);
  } else {
    if (status.getCode() == StatusCode::Unavailable) {
      // The device is gone: its queue goes elsewhere.
      w.failed = true;
      state.stats.devices[index].failed = true;
      std::set<std::pair<int64_t, size_t>> orphans;
      orphans.swap(w.queue);
      w.queuedUs = 0;
      for (const auto &[key, orphan] : orphans)
        dispatch(state, orphan);
    }
    state.excluded[t].insert(index);
    if (state.attempts[t] >= 3)
      state.error =
          Status(status.getCode(), "task '" + task.name + "' failed " +
                                       std::to_string(state.attempts[t]) +
                                       " times; last: " + status.getMessage());
    else
      dispatch(state, t);
  }
  state.changed.notify_all();
}

void Scheduler::workerLoop(Worker &w) {
  std::unique_lock<std::mutex> lock(mutex);
  w.bindStatus = w.device->bindWorkerThread();
  while (true) {
    w.wake.wait(lock,
                [&] { return shuttingDown || (current && !w.queue.empty()); });
    if (shuttingDown)
      return;
    RunState &state = *current;
    if (!state.error.isOk()) {
      w.queue.clear(); // the run is over
      w.queuedUs = 0;
      state.changed.notify_all();
      continue;
    }
    // Static mode keeps the compiled order among what is ready; dynamic
    // mode runs in dispatch order.
    size_t t = w.queue.begin()->second;
    w.queue.erase(w.queue.begin());
    w.queuedUs = std::max(0.0, w.queuedUs - state.queuedPrediction[t]);
    ++state.running;
    lock.unlock();
    double startUs = state.nowUs();
    Status status = w.device->execute(state.graph->tasks[t].kernel);
    double endUs = state.nowUs();
    lock.lock();
    finish(state, w, t, std::move(status), startUs, endUs);
  }
}

Status Scheduler::run(const TaskGraph &graph, ScheduleMode mode,
                      RunStats *stats) {
  std::lock_guard<std::mutex> runLock(runMutex);
  size_t n = graph.tasks.size();
  RunState state;
  state.graph = &graph;
  state.mode = mode;
  state.successors.resize(n);
  state.remainingDeps.resize(n);
  state.resident.assign(n, -1);
  state.attempts.assign(n, 0);
  state.excluded.resize(n);
  state.queuedPrediction.assign(n, 0);
  state.stats.tasks.resize(n);
  for (auto &w : workers)
    state.stats.devices.push_back({w->device->getName()});
  for (size_t t = 0; t < n; ++t)
    for (size_t d : graph.tasks[t].deps) {
      if (d >= n || d == t)
        return Status(StatusCode::InvalidArgument,
                      "task '" + graph.tasks[t].name +
                          "' depends on a task that is not before it in the "
                          "graph (#" +
                          std::to_string(d) + ")");
      state.successors[d].push_back(t);
      ++state.remainingDeps[t];
    }
  // Kahn's order: every task must be reachable, or there is a cycle.
  {
    std::vector<size_t> remaining = state.remainingDeps, ready;
    for (size_t t = 0; t < n; ++t)
      if (remaining[t] == 0)
        ready.push_back(t);
    size_t seen = 0;
    while (!ready.empty()) {
      size_t t = ready.back();
      ready.pop_back();
      ++seen;
      for (size_t s : state.successors[t])
        if (--remaining[s] == 0)
          ready.push_back(s);
    }
    if (seen != n)
      return Status(StatusCode::InvalidArgument, "the task graph has a cycle");
  }
  if (workers.empty())
    return Status(StatusCode::Unavailable, "no devices to run on");

  std::unique_lock<std::mutex> lock(mutex);
  for (auto &w : workers) {
    if (!w->bindStatus.isOk())
      return w->bindStatus;
    w->queue.clear();
    w->queuedUs = 0;
    w->freeAtUs = 0;
  }
  state.start = std::chrono::steady_clock::now();
  current = &state;
  for (size_t t = 0; t < n; ++t)
    if (state.remainingDeps[t] == 0)
      dispatch(state, t);
  // Done when every task finished, or on an error once nothing runs any more
  // (workers start nothing new after an error).
  state.changed.wait(lock, [&] {
    return (state.completed == n || !state.error.isOk()) && state.running == 0;
  });
  current = nullptr;
  for (auto &w : workers) {
    w->queue.clear();
    w->queuedUs = 0;
  }
  // A device that failed stays failed for this scheduler's later runs too.
  state.stats.wallUs = state.nowUs();
  for (auto &d : state.stats.devices)
    d.idleUs = std::max(0.0, state.stats.wallUs - d.busyUs);
  if (stats)
    *stats = std::move(state.stats);
  return state.error;
}

//===----------------------------------------------------------------------===//
// RunStats
//===----------------------------------------------------------------------===//

std::string RunStats::describe() const {
  std::string text;
  char line[512];
  std::snprintf(line, sizeof(line), "wall %.1f us\n%-10s %12s %12s %7s %12s\n",
                wallUs, "device", "busy_us", "idle_us", "tasks", "bytes_moved");
  text += line;
  for (const DeviceStats &d : devices) {
    std::snprintf(line, sizeof(line), "%-10s %12.1f %12.1f %7llu %12llu%s\n",
                  d.name.c_str(), d.busyUs, d.idleUs,
                  (unsigned long long)d.tasks, (unsigned long long)d.bytesMoved,
                  d.failed ? " failed" : "");
    text += line;
  }
  std::snprintf(line, sizeof(line), "%-24s %-8s %12s %12s %8s\n", "task",
                "device", "predicted_us", "measured_us", "attempts");
  text += line;
  for (const TaskStats &t : tasks) {
    std::snprintf(line, sizeof(line), "%-24s %-8s %12.1f %12.1f %8d\n",
                  t.name.c_str(), t.device.c_str(), t.predictedUs,
                  t.endUs - t.startUs, t.attempts);
    text += line;
  }
  return text;
}

Status RunStats::writeChromeTrace(const std::string &path) const {
  std::string text = "{\"traceEvents\": [\n";
  char line[1024];
  bool first = true;
  auto quoted = [](const std::string &name) {
    std::string out;
    for (char c : name)
      if (c != '"' && c != '\\' && (unsigned char)c >= 0x20)
        out.push_back(c);
    return out;
  };
  for (size_t i = 0; i < devices.size(); ++i) {
    text += std::string(first ? "" : ",\n") +
            "  {\"name\": \"thread_name\", \"ph\": \"M\", \"pid\": 1, "
            "\"tid\": " +
            std::to_string(i) + ", \"args\": {\"name\": \"" +
            quoted(devices[i].name) + "\"}}";
    first = false;
  }
  for (const TaskStats &t : tasks) {
    size_t tid = 0;
    while (tid < devices.size() && devices[tid].name != t.device)
      ++tid;
    std::snprintf(line, sizeof(line),
                  "\", \"ph\": \"X\", \"pid\": 1, \"tid\": %zu, \"ts\": "
                  "%.3f, \"dur\": %.3f, \"args\": {\"predicted_us\": %.3f}}",
                  tid, t.startUs, t.endUs - t.startUs, t.predictedUs);
    text += ",\n  {\"name\": \"" + quoted(t.name) + line;
  }
  text += "\n]}\n";
  return writeFile(path, text);
}

} // namespace weft::runtime
