//===- SchedulerBench.cpp - Dynamic vs static scheduling, and overhead ----===//
//
//   weft-bench-scheduler [graphs]
//
// On two CPU devices of one core each (cpu:0, cpu:1):
// 1. seeded random layered task graphs of spinning tasks whose predicted
//    times are exact; the static plan is list scheduling on the predictions
//    (what the compiler's placement gives). Static and dynamic, unperturbed
//    and with cpu:1 slowed 3x: the median ratio dynamic/static per case.
// 2. the scheduling overhead per task: 10,000 empty tasks, independent and
//    in a chain, dynamic and static.
// Timings on a shared machine: compare the ratios, not the absolute values.
//
//===----------------------------------------------------------------------===//

#include "weft/Runtime/Device/FaultInjection.h"
#include "weft/Runtime/Scheduler/Scheduler.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

using namespace weft::runtime;

namespace {

void spin(double us) {
  auto until = std::chrono::steady_clock::now() +
               std::chrono::nanoseconds(int64_t(us * 1000));
  while (std::chrono::steady_clock::now() < until) {
  }
}

std::vector<std::unique_ptr<Device>> twoCPUs(bool slowSecond) {
  std::map<std::string, std::string> faults;
  if (slowSecond)
    faults["cpu:1"] = "slow=3";
  auto devices = createDevices({"cpu:0", "cpu:1"}, faults);
  if (!devices) {
    std::fprintf(stderr, "%s\n", devices.getStatus().getMessage().c_str());
    std::exit(1);
  }
  return std::move(*devices);
}

/// A layered DAG: `layers` layers of 2-6 tasks, each depending on 1-2 tasks
/// of the layer before; costs 100-1000 us in five kinds (tasks of a kind
/// share their measured history, as chunks of one partition do). The static
/// plan: list scheduling by earliest finish on the predictions.
TaskGraph makeGraph(std::mt19937 &rng, int layers) {
  TaskGraph graph;
  std::vector<size_t> previous;
  double kindCost[5];
  for (double &c : kindCost)
    c = std::uniform_real_distribution<double>(100, 1000)(rng);
  for (int layer = 0; layer < layers; ++layer) {
    std::vector<size_t> current;
    int width = 2 + int(rng() % 5);
    for (int i = 0; i < width; ++i) {
      Task task;
      int kind = int(rng() % 5);
      task.name = "kind" + std::to_string(kind);
      double us = kindCost[kind];
      if (!previous.empty())
        for (int k = 1 + int(rng() % 2); k > 0; --k)
          task.deps.push_back(previous[rng() % previous.size()]);
      std::sort(task.deps.begin(), task.deps.end());
      task.deps.erase(std::unique(task.deps.begin(), task.deps.end()),
                      task.deps.end());
      task.kernel = [us](Device &) {
        spin(us);
        return Status::ok();
      };
      task.predictedUs[""] = us;
      current.push_back(graph.tasks.size());
      graph.tasks.push_back(std::move(task));
    }
    previous = current;
  }
  // The static plan, from the predictions.
  double ready[2] = {0, 0};
  std::vector<double> finish(graph.tasks.size());
  for (size_t t = 0; t < graph.tasks.size(); ++t) {
    Task &task = graph.tasks[t];
    double depsDone = 0;
    for (size_t d : task.deps)
      depsDone = std::max(depsDone, finish[d]);
    double us = task.predictedUs[""];
    int device =
        std::max(ready[0], depsDone) <= std::max(ready[1], depsDone) ? 0 : 1;
    finish[t] = std::max(ready[device], depsDone) + us;
    ready[device] = finish[t];
    task.staticDevice = device == 0 ? "cpu:0" : "cpu:1";
    task.staticOrder = int64_t(t);
  }
  return graph;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

double timeRun(Scheduler &scheduler, const TaskGraph &graph,
               ScheduleMode mode) {
  RunStats stats;
  Status status = scheduler.run(graph, mode, &stats);
  if (!status) {
    std::fprintf(stderr, "%s\n", status.getMessage().c_str());
    std::exit(1);
  }
  return stats.wallUs;
}

} // namespace

int main(int argc, char **argv) {
  int graphs = argc > 1 ? std::max(1, std::atoi(argv[1])) : 15;
  std::printf("random task graphs (%d, 12 layers, 100-1000 us tasks) on "
              "cpu:0 + cpu:1, one core each\n",
              graphs);
  std::printf("%-22s %12s %12s %14s\n", "case", "static_ms", "dynamic_ms",
              "dynamic/static");
  for (bool slow : {false, true}) {
    Scheduler scheduler(twoCPUs(slow));
    std::mt19937 rng(42);
    std::vector<double> ratios, staticMs, dynamicMs;
    for (int g = 0; g < graphs; ++g) {
      TaskGraph graph = makeGraph(rng, 12);
      // Warm the history once, then interleave the timed runs.
      timeRun(scheduler, graph, ScheduleMode::Dynamic);
      double s = 0, d = 0;
      for (int r = 0; r < 3; ++r) {
        s += timeRun(scheduler, graph, ScheduleMode::Static);
        d += timeRun(scheduler, graph, ScheduleMode::Dynamic);
      }
      staticMs.push_back(s / 3e3);
      dynamicMs.push_back(d / 3e3);
      ratios.push_back(d / s);
    }
    std::printf("%-22s %12.2f %12.2f %14.3f\n",
                slow ? "cpu:1 slowed 3x" : "unperturbed", median(staticMs),
                median(dynamicMs), median(ratios));
  }

  std::printf("\nscheduling overhead, 10000 empty tasks\n");
  Scheduler scheduler(twoCPUs(false));
  for (bool chain : {false, true})
    for (ScheduleMode mode : {ScheduleMode::Static, ScheduleMode::Dynamic}) {
      TaskGraph graph;
      for (size_t t = 0; t < 10000; ++t) {
        Task task;
        task.name = "empty";
        if (chain && t > 0)
          task.deps = {t - 1};
        task.kernel = [](Device &) { return Status::ok(); };
        task.staticDevice = t % 2 ? "cpu:1" : "cpu:0";
        task.staticOrder = int64_t(t);
        graph.tasks.push_back(std::move(task));
      }
      std::vector<double> perTask;
      for (int r = 0; r < 5; ++r)
        perTask.push_back(timeRun(scheduler, graph, mode) / 10000);
      std::printf(
          "%-12s %-8s %8.2f us per task\n", chain ? "chain" : "independent",
          mode == ScheduleMode::Static ? "static" : "dynamic", median(perTask));
    }
  return 0;
}
