//===- SchedulerTest.cpp - Devices, fault injection and the scheduler -----===//

#include "weft/Runtime/Scheduler/Scheduler.h"
#include "weft/Runtime/Device/Device.h"
#include "weft/Runtime/Device/FaultInjection.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <random>
#include <unistd.h>

using namespace weft::runtime;

namespace {

std::vector<std::unique_ptr<Device>>
makeDevices(const std::vector<std::string> &specs,
            const std::map<std::string, std::string> &faults = {}) {
  auto devices = createDevices(specs, faults);
  EXPECT_TRUE(devices) << devices.getStatus().getMessage();
  return devices ? std::move(*devices) : std::vector<std::unique_ptr<Device>>();
}

void spin(int us) {
  auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(us);
  while (std::chrono::steady_clock::now() < until) {
  }
}

/// A random layered DAG whose tasks check that their dependencies ran
/// before them and count how often they run themselves.
struct CheckedGraph {
  TaskGraph graph;
  std::vector<std::atomic<int>> runs;
  std::atomic<int> violations{0};

  CheckedGraph(std::mt19937 &rng, size_t n,
               const std::vector<std::string> &devices)
      : runs(n) {
    std::uniform_int_distribution<int> delay(0, 20), depCount(0, 3);
    for (size_t t = 0; t < n; ++t) {
      Task task;
      task.name = "t" + std::to_string(t);
      if (t > 0)
        for (int k = depCount(rng); k > 0; --k)
          task.deps.push_back(
              std::uniform_int_distribution<size_t>(0, t - 1)(rng));
      std::sort(task.deps.begin(), task.deps.end());
      task.deps.erase(std::unique(task.deps.begin(), task.deps.end()),
                      task.deps.end());
      int us = delay(rng);
      std::vector<size_t> deps = task.deps;
      task.kernel = [this, t, us, deps](Device &) {
        for (size_t d : deps)
          if (runs[d].load() != 1)
            ++violations;
        spin(us);
        ++runs[t];
        return Status::ok();
      };
      task.predictedUs[""] = us + 1;
      task.staticDevice = devices[rng() % devices.size()];
      task.staticOrder = int64_t(t);
      task.outputBytes = 1024;
      graph.tasks.push_back(std::move(task));
    }
  }
};

TEST(DeviceTest, DriversMakeDevicesFromSpecs) {
  auto kinds = getDeviceDriverKinds();
  EXPECT_NE(std::find(kinds.begin(), kinds.end(), "cpu"), kinds.end());
  auto cpu = createDevice("cpu:1:cores=any");
  ASSERT_TRUE(cpu) << cpu.getStatus().getMessage();
  EXPECT_EQ((*cpu)->getName(), "cpu:1");
  auto unknown = createDevice("tpu:0");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.getStatus().getMessage(),
            "no driver for device kind 'tpu' (drivers: cpu, cuda)");
  EXPECT_FALSE(createDevice("cpu"));
  EXPECT_FALSE(createDevice("cpu:x"));
  EXPECT_FALSE(createDevice("cpu:0:cores=100000"));
  EXPECT_FALSE(createDevice("cpu:0:speed=3"));
  EXPECT_FALSE(parseFaultPlan("slow=fast"));
  EXPECT_FALSE(parseFaultPlan("explode=1"));
  auto plan = parseFaultPlan("slow=3,fail-after=5");
  ASSERT_TRUE(plan);
  EXPECT_EQ(plan->slowFactor, 3);
  EXPECT_EQ(plan->failAfter, 5);
}

TEST(SchedulerTest, ThousandRandomRunsEachTaskOnceAfterItsDeps) {
  std::vector<std::string> names = {"cpu:0", "cpu:1"};
  Scheduler scheduler(makeDevices(names));
  std::mt19937 rng(7);
  for (int run = 0; run < 1000; ++run) {
    CheckedGraph checked(rng, 5 + rng() % 40, names);
    ScheduleMode mode = run % 2 ? ScheduleMode::Static : ScheduleMode::Dynamic;
    RunStats stats;
    Status status = scheduler.run(checked.graph, mode, &stats);
    ASSERT_TRUE(status) << status.getMessage();
    ASSERT_EQ(checked.violations.load(), 0) << "run " << run;
    uint64_t counted = 0;
    for (const auto &d : stats.devices)
      counted += d.tasks;
    ASSERT_EQ(counted, checked.graph.tasks.size());
    for (auto &r : checked.runs)
      ASSERT_EQ(r.load(), 1) << "run " << run;
  }
}

/// Tasks computing values from their dependencies' values: a run's results.
std::vector<double> runValueGraph(Scheduler &scheduler, ScheduleMode mode,
                                  RunStats *stats, Status *status) {
  const size_t n = 64;
  std::vector<double> values(n, 0);
  TaskGraph graph;
  for (size_t t = 0; t < n; ++t) {
    Task task;
    task.name = "v" + std::to_string(t);
    if (t >= 2)
      task.deps = {t - 1, t / 2};
    task.kernel = [&values, t, deps = task.deps](Device &) {
      double v = double(t) * 0.5;
      for (size_t d : deps)
        v += values[d] * 0.25;
      values[t] = v;
      return Status::ok();
    };
    task.staticDevice = t % 2 ? "cpu:1" : "cpu:0";
    task.staticOrder = int64_t(t);
    // Dynamic mode prefers cpu:1 (until it fails, where it does).
    task.predictedUs = {{"cpu:0", 10}, {"cpu:1", 1}};
    graph.tasks.push_back(std::move(task));
  }
  *status = scheduler.run(graph, mode, stats);
  return values;
}

TEST(SchedulerTest, DeviceFailureMidRunKeepsResultsBitIdentical) {
  Status status;
  Scheduler plain(makeDevices({"cpu:0", "cpu:1"}));
  std::vector<double> expected =
      runValueGraph(plain, ScheduleMode::Static, nullptr, &status);
  ASSERT_TRUE(status) << status.getMessage();
  for (ScheduleMode mode : {ScheduleMode::Static, ScheduleMode::Dynamic}) {
    Scheduler faulty(
        makeDevices({"cpu:0", "cpu:1"}, {{"cpu:1", "fail-after=5"}}));
    RunStats stats;
    std::vector<double> got = runValueGraph(faulty, mode, &stats, &status);
    ASSERT_TRUE(status) << status.getMessage();
    EXPECT_TRUE(stats.devices[1].failed);
    EXPECT_LE(stats.devices[1].tasks, 5u);
    ASSERT_EQ(got.size(), expected.size());
    for (size_t i = 0; i < got.size(); ++i)
      EXPECT_EQ(got[i], expected[i]) << "value " << i;
  }
}

TEST(SchedulerTest, AFailedTaskRunsAgainElsewhere) {
  Scheduler scheduler(
      makeDevices({"cpu:0", "cpu:1"}, {{"cpu:0", "fail-once=1"}}));
  RunStats stats;
  Status status;
  runValueGraph(scheduler, ScheduleMode::Static, &stats, &status);
  ASSERT_TRUE(status) << status.getMessage();
  int retried = 0;
  for (const auto &t : stats.tasks)
    retried += t.attempts == 2;
  EXPECT_EQ(retried, 1);
  EXPECT_FALSE(stats.devices[0].failed);
}

TEST(SchedulerTest, NoDeviceLeftIsAnErrorNotAHang) {
  Scheduler scheduler(
      makeDevices({"cpu:0", "cpu:1"},
                  {{"cpu:0", "fail-after=2"}, {"cpu:1", "fail-after=3"}}));
  Status status;
  runValueGraph(scheduler, ScheduleMode::Dynamic, nullptr, &status);
  ASSERT_FALSE(status);
  EXPECT_EQ(status.getCode(), StatusCode::Unavailable);
  EXPECT_NE(status.getMessage().find("no device that can run it is left"),
            std::string::npos)
      << status.getMessage();
}

TEST(SchedulerTest, RefusesMalformedGraphs) {
  Scheduler scheduler(makeDevices({"cpu:0"}));
  TaskGraph cycle;
  for (size_t t = 0; t < 3; ++t) {
    Task task;
    task.name = "c" + std::to_string(t);
    task.deps = {(t + 1) % 3};
    task.kernel = [](Device &) { return Status::ok(); };
    cycle.tasks.push_back(task);
  }
  Status status = scheduler.run(cycle, ScheduleMode::Dynamic);
  EXPECT_EQ(status.getMessage(), "the task graph has a cycle");
  TaskGraph dangling;
  Task task;
  task.name = "d";
  task.deps = {5};
  dangling.tasks.push_back(task);
  EXPECT_FALSE(scheduler.run(dangling, ScheduleMode::Dynamic));
}

TEST(SchedulerTest, DynamicModeFollowsPredictions) {
  // All tasks are ready at once and nothing is measured yet: each goes where
  // the predictions say it finishes first, which is always cpu:0 here.
  Scheduler scheduler(makeDevices({"cpu:0", "cpu:1"}));
  TaskGraph graph;
  for (int t = 0; t < 100; ++t) {
    Task task;
    task.name = "p" + std::to_string(t);
    task.kernel = [](Device &) { return Status::ok(); };
    task.predictedUs = {{"cpu:0", 1}, {"cpu:1", 1000}};
    graph.tasks.push_back(std::move(task));
  }
  RunStats stats;
  ASSERT_TRUE(scheduler.run(graph, ScheduleMode::Dynamic, &stats));
  EXPECT_EQ(stats.devices[0].tasks, 100u);
  EXPECT_EQ(stats.devices[1].tasks, 0u);
  // A task only cpu:1 may run goes there whatever the predictions say.
  graph.tasks[0].devices = {"cpu:1"};
  ASSERT_TRUE(scheduler.run(graph, ScheduleMode::Dynamic, &stats));
  EXPECT_EQ(stats.tasks[0].device, "cpu:1");
}

TEST(SchedulerTest, HistoryMeasuresRejectsOutliersAndPersists) {
  PerformanceHistory history;
  EXPECT_FALSE(history.predict("conv", "cpu:0"));
  for (int i = 0; i < 5; ++i)
    history.record("conv", "cpu:0", 100);
  history.record("conv", "cpu:0", 100000); // preempted: an outlier
  EXPECT_EQ(history.getOutlierCount(), 1u);
  EXPECT_NEAR(*history.predict("conv", "cpu:0"), 100, 1e-9);
  std::string path =
      ::testing::TempDir() + "history-" + std::to_string(getpid()) + ".txt";
  ASSERT_TRUE(history.save(path));
  PerformanceHistory loaded;
  ASSERT_TRUE(loaded.load(path));
  EXPECT_NEAR(*loaded.predict("conv", "cpu:0"), 100, 1e-9);
  std::ofstream(path) << "not a history\n";
  EXPECT_EQ(loaded.load(path).getCode(), StatusCode::DataLoss);
  unlink(path.c_str());
}

TEST(SchedulerTest, StatsAndTrace) {
  Scheduler scheduler(makeDevices({"cpu:0", "cpu:1"}));
  Status status;
  RunStats stats;
  runValueGraph(scheduler, ScheduleMode::Dynamic, &stats, &status);
  ASSERT_TRUE(status);
  std::string table = stats.describe();
  EXPECT_NE(table.find("busy_us"), std::string::npos);
  EXPECT_NE(table.find("predicted_us"), std::string::npos);
  std::string path =
      ::testing::TempDir() + "trace-" + std::to_string(getpid()) + ".json";
  ASSERT_TRUE(stats.writeChromeTrace(path));
  std::ifstream in(path);
  std::string json((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  EXPECT_NE(json.find("\"traceEvents\""), std::string::npos);
  EXPECT_NE(json.find("\"name\": \"v63\""), std::string::npos);
  unlink(path.c_str());
}

} // namespace
