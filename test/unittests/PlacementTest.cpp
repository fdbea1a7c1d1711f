//===- PlacementTest.cpp - Placement strategies and device models ---------===//

#include "weft/Analysis/Placement.h"
#include "weft/Analysis/Calibration.h"
#include "weft/Analysis/DeviceModel.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace weft;

namespace {

/// A problem over `runTimes` with edges (from, to, seconds on any link).
PlacementProblem makeProblem(std::vector<std::vector<double>> runTimes,
                             std::vector<std::tuple<int, int, double>> edges) {
  PlacementProblem p;
  p.numDevices = int(runTimes.front().size());
  p.runTime = std::move(runTimes);
  p.successors.assign(p.runTime.size(), {});
  for (auto [from, to, seconds] : edges)
    p.successors[from].push_back({to, seconds});
  p.footprint.assign(p.runTime.size(), 0);
  p.capacity.assign(p.numDevices, 1 << 30);
  p.transferTime = [](int from, int to, double bytes) {
    return from == to ? 0.0 : bytes;
  };
  return p;
}

/// Every task starts after its inputs arrive; no device runs two at once.
void expectValid(const PlacementProblem &p, const Placement &s) {
  ASSERT_TRUE(s.error.empty()) << s.error;
  for (int t = 0; t < p.getNumTasks(); ++t) {
    EXPECT_NEAR(s.finish[t] - s.start[t], p.runTime[t][s.device[t]], 1e-12);
    for (auto [succ, bytes] : p.successors[t])
      EXPECT_GE(s.start[succ] + 1e-12,
                s.finish[t] +
                    p.transferTime(s.device[t], s.device[succ], bytes));
    for (int u = t + 1; u < p.getNumTasks(); ++u)
      if (s.device[u] == s.device[t])
        EXPECT_TRUE(s.finish[t] <= s.start[u] + 1e-12 ||
                    s.finish[u] <= s.start[t] + 1e-12);
  }
}

TEST(PlacementTest, IndependentTasksSpreadOverDevices) {
  auto p = makeProblem({{1, 1}, {1, 1}, {1, 1}, {1, 1}}, {});
  Placement s = placeHEFT(p);
  expectValid(p, s);
  EXPECT_DOUBLE_EQ(s.makespan, 2.0);
}

TEST(PlacementTest, ExpensiveTransfersKeepAChainOnOneDevice) {
  // Device 1 is a little faster, but every hop costs 10 s.
  auto p =
      makeProblem({{1, 0.9}, {1, 0.9}, {1, 0.9}}, {{0, 1, 10}, {1, 2, 10}});
  Placement s = placeHEFT(p);
  expectValid(p, s);
  EXPECT_EQ(s.device[0], s.device[1]);
  EXPECT_EQ(s.device[1], s.device[2]);
  EXPECT_NEAR(s.makespan, 2.7, 1e-12);
}

TEST(PlacementTest, TasksAvoidDevicesThatCannotRunThem) {
  double inf = std::numeric_limits<double>::infinity();
  auto p = makeProblem({{1, inf}, {inf, 1}}, {{0, 1, 0.5}});
  Placement s = placeHEFT(p);
  expectValid(p, s);
  EXPECT_EQ(s.device[0], 0);
  EXPECT_EQ(s.device[1], 1);
  EXPECT_DOUBLE_EQ(s.makespan, 2.5);
}

TEST(PlacementTest, MemoryCapacityIsRespected) {
  auto p = makeProblem({{1, 0.1}, {1, 0.1}}, {});
  p.footprint = {600, 600};
  p.capacity = {1000, 1000};
  Placement s = placeHEFT(p);
  expectValid(p, s);
  EXPECT_NE(s.device[0], s.device[1]);
  p.capacity = {500, 500};
  EXPECT_NE(placeHEFT(p).error.find("needs 600 bytes"), std::string::npos);
}

TEST(PlacementTest, ExactIsNeverWorseThanHeftAndRefusesLargeGraphs) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<double> unit(0.1, 1.0);
  for (int graph = 0; graph < 20; ++graph) {
    std::vector<std::vector<double>> times(8, std::vector<double>(3));
    for (auto &row : times)
      for (double &t : row)
        t = unit(rng);
    std::vector<std::tuple<int, int, double>> edges;
    for (int a = 0; a < 8; ++a)
      for (int b = a + 1; b < 8; ++b)
        if (unit(rng) < 0.35)
          edges.push_back({a, b, unit(rng)});
    auto p = makeProblem(times, edges);
    Placement heft = placeHEFT(p), exact = placeExact(p);
    expectValid(p, heft);
    expectValid(p, exact);
    EXPECT_LE(exact.makespan, heft.makespan + 1e-12);
  }
  auto big = makeProblem(std::vector<std::vector<double>>(40, {1.0, 1.0}), {});
  EXPECT_NE(placeExact(big).error.find("at most 16 tasks"), std::string::npos);
}

TEST(DeviceModelTest, TransfersUseLinksNetworkOrBus) {
  std::string error;
  auto model = DeviceModel::parse(R"({"devices": [
      {"kind": "cpu", "index": 0, "peak_gflops": {"f32": 100},
       "memory_bandwidth_gbps": 10, "memory_gb": 8},
      {"kind": "cuda", "index": 0, "peak_gflops": {"f32": 1000},
       "memory_bandwidth_gbps": 100, "memory_gb": 8},
      {"kind": "cpu", "index": 0, "node": 1, "peak_gflops": {"f32": 100},
       "memory_bandwidth_gbps": 10, "memory_gb": 8}],
    "links": [{"between": ["cpu:0", "cuda:0"], "latency_us": 10, "bandwidth_gbps": 10}],
    "network": {"latency_us": 100, "bandwidth_gbps": 1}})",
                                  "test", error);
  ASSERT_TRUE(model) << error;
  EXPECT_EQ(model->findDevice("n1/cpu:0"), 2);
  EXPECT_DOUBLE_EQ(model->getTransferTime(0, 0, 1e9), 0.0);
  EXPECT_NEAR(model->getTransferTime(0, 1, 1e9), 10e-6 + 0.1, 1e-12);
  EXPECT_NEAR(model->getTransferTime(1, 2, 1e9), 100e-6 + 1.0, 1e-12);
  // What toJSON writes, parse reads back the same.
  auto again = DeviceModel::parse(model->toJSON(), "again", error);
  ASSERT_TRUE(again) << error;
  EXPECT_EQ(again->toJSON(), model->toJSON());
}

TEST(DeviceModelTest, BuiltinsLoad) {
  for (const std::string &name : DeviceModel::getBuiltinNames()) {
    std::string error;
    auto model = DeviceModel::load(name, error);
    ASSERT_TRUE(model) << name << ": " << error;
    EXPECT_GT(model->getDevices().front().getPeakFlops("f32"), 0);
  }
}

} // namespace

namespace {

TEST(CalibrationTest, RecoversTheRatesThatProducedTheMeasurements) {
  std::string error;
  const char *truth = R"({"devices": [{"kind": "cpu", "index": 0,
      "peak_gflops": {"f32": 200}, "memory_bandwidth_gbps": 40,
      "memory_gb": 8, "launch_overhead_us": 1.5,
      "efficiency": {"matmul": 0.8, "conv": 0.6},
      "bandwidth_curve": [{"kb": 256, "bandwidth_gbps": 150},
                          {"kb": 65536, "bandwidth_gbps": 40}]}]})";
  auto real = DeviceModel::parse(truth, "truth", error);
  auto nominal = DeviceModel::load("host", error);
  ASSERT_TRUE(real && nominal) << error;
  CostModel costs(*real);
  std::vector<Measurement> measurements;
  auto add = [&](std::string kind, double flops, double bytes, bool heldOut) {
    Measurement m;
    m.cost.kind = kind;
    m.cost.flops = flops;
    m.cost.bytes = bytes;
    m.heldOut = heldOut;
    m.seconds = costs.getRunTime(m.cost, 0);
    measurements.push_back(m);
  };
  for (double n : {1e5, 1e6, 1e7, 1e8, 1e9})
    add("matmul", n, n / 20, false);
  for (double n : {3e5, 3e7, 3e8})
    add("matmul", n, n / 20, true);
  for (double n : {1e6, 1e8, 1e9})
    add("conv", n, n / 30, false);
  add("conv", 5e7, 5e7 / 30, true);
  for (double bytes : {256e3, 4e6, 64e6 * 1.024})
    add("elementwise", bytes / 12, bytes, false);
  add("elementwise", 1e6 / 12, 1e6, true);

  EXPECT_GT(getPredictionError(*nominal, 0, measurements, true), 20.0);
  DeviceModel fitted = calibrate(*nominal, 0, measurements);
  CostModel fittedCosts(fitted);
  for (const Measurement &m : measurements)
    EXPECT_NEAR(fittedCosts.getRunTime(m.cost, 0) / m.seconds, 1.0, 0.05)
        << m.cost.kind << " " << m.cost.flops << " " << m.cost.bytes;
  EXPECT_LT(getPredictionError(fitted, 0, measurements, true), 5.0);
  EXPECT_LT(getPredictionError(fitted, 0, measurements, false), 5.0);
}

} // namespace

namespace {

TEST(PlacementTest, ChainDPBalancesStages) {
  // Four equal tasks in a chain, two equal devices, free transfers: two
  // stages of two tasks.
  auto p = makeProblem({{1, 1}, {1, 1}, {1, 1}, {1, 1}},
                       {{0, 1, 0}, {1, 2, 0}, {2, 3, 0}});
  p.transferTime = [](int, int, double) { return 0.0; };
  Placement s = placeChainDP(p);
  expectValid(p, s);
  EXPECT_EQ(s.device[0], s.device[1]);
  EXPECT_EQ(s.device[2], s.device[3]);
  EXPECT_NE(s.device[1], s.device[2]);
}

TEST(PlacementTest, MinCutMinimizesRunPlusTransferTime) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<double> unit(0.1, 1.0);
  for (int graph = 0; graph < 10; ++graph) {
    std::vector<std::vector<double>> times(7, std::vector<double>(2));
    for (auto &row : times)
      row = {unit(rng), unit(rng)};
    std::vector<std::tuple<int, int, double>> edges;
    for (int a = 0; a < 7; ++a)
      for (int b = a + 1; b < 7; ++b)
        if (unit(rng) < 0.4)
          edges.push_back({a, b, unit(rng)});
    auto p = makeProblem(times, edges);
    auto totalCost = [&](const std::vector<int> &device) {
      double cost = 0;
      for (int t = 0; t < 7; ++t)
        cost += p.runTime[t][device[t]];
      for (auto [a, b, bytes] : edges)
        cost += p.transferTime(device[a], device[b], bytes);
      return cost;
    };
    double best = 1e30;
    for (int mask = 0; mask < (1 << 7); ++mask) {
      std::vector<int> device(7);
      for (int t = 0; t < 7; ++t)
        device[t] = (mask >> t) & 1;
      best = std::min(best, totalCost(device));
    }
    Placement s = placeMinCut(p);
    expectValid(p, s);
    EXPECT_NEAR(totalCost(s.device), best, 1e-9);
  }
  auto three = makeProblem({{1, 1, 1}}, {});
  EXPECT_NE(placeMinCut(three).error.find("exactly two devices"),
            std::string::npos);
}

} // namespace
