//===- placement-bench.cpp - How good and how fast placement is
//------------===//
//
// Compares the placement strategies on seeded random DAGs in the style of the
// list-scheduling literature (Topcuoglu et al., HEFT): levels of tasks, a
// communication-to-computation ratio (CCR) and device heterogeneity (beta).
// Prints heft's makespan relative to exact on graphs small enough for exact,
// against the best single device and a greedy baseline, then the time heft
// takes on a 10,000-task graph on 8 devices. With model files
// (`--model x.mlir --devices d.json`), places the real models' graphs too.
//
// A benchmark, not a test: it prints numbers and asserts nothing.
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/Placement.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

using namespace weft;

namespace {

struct DagShape {
  int tasks;
  int devices;
  double ccr;  // mean transfer time / mean run time
  double beta; // run-time spread across devices
};

/// A random layered DAG: tasks spread over ~sqrt(n) levels, each task with
/// edges to 1-3 tasks of the next levels.
PlacementProblem randomDag(const DagShape &shape, std::mt19937 &rng) {
  PlacementProblem p;
  p.numDevices = shape.devices;
  int n = shape.tasks;
  int levels = std::max(2, int(std::lround(std::sqrt(double(n)))));
  std::vector<int> level(n);
  std::uniform_int_distribution<int> pickLevel(0, levels - 1);
  for (int t = 0; t < n; ++t)
    level[t] = t == 0 ? 0 : pickLevel(rng);
  std::sort(level.begin(), level.end());

  const double meanRun = 1e-3; // seconds
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  p.runTime.assign(n, std::vector<double>(shape.devices));
  for (int t = 0; t < n; ++t) {
    double base = 2 * meanRun * unit(rng) + 1e-6;
    for (int d = 0; d < shape.devices; ++d)
      p.runTime[t][d] = base * (1 - shape.beta / 2 + shape.beta * unit(rng));
  }
  p.successors.assign(n, {});
  std::uniform_int_distribution<int> fanout(1, 3);
  for (int t = 0; t < n; ++t) {
    std::vector<int> later;
    for (int s = t + 1; s < n; ++s)
      if (level[s] > level[t] && level[s] <= level[t] + 2)
        later.push_back(s);
    std::shuffle(later.begin(), later.end(), rng);
    int k = std::min<int>(fanout(rng), later.size());
    for (int i = 0; i < k; ++i)
      p.successors[t].push_back(
          {later[i], 2 * shape.ccr * meanRun * unit(rng)});
  }
  p.footprint.assign(n, 0);
  p.capacity.assign(shape.devices, std::numeric_limits<int64_t>::max());
  // Edge "bytes" are seconds on a 1 byte/s link between distinct devices.
  p.transferTime = [](int from, int to, double bytes) {
    return from == to ? 0.0 : bytes;
  };
  return p;
}

double bestSingle(const PlacementProblem &p) {
  double best = std::numeric_limits<double>::infinity();
  for (int d = 0; d < p.numDevices; ++d)
    best = std::min(best, placeSingle(p, d).makespan);
  return best;
}

void compareOnSmallGraphs() {
  std::printf("== random DAGs, %s\n",
              "10 tasks on 3 devices, 40 graphs per row (exact is optimal "
              "over device assignments)");
  std::printf("%6s %5s %13s %13s %15s %15s %15s\n", "CCR", "beta", "heft/exact",
              "worst", "single/exact", "greedy/exact", "chain-dp/exact");
  double sumAll = 0;
  int countAll = 0;
  std::mt19937 rng(42);
  for (double ccr : {0.1, 0.5, 1.0, 5.0, 10.0})
    for (double beta : {0.1, 1.0}) {
      double sumHeft = 0, worst = 0, sumSingle = 0, sumGreedy = 0, sumChain = 0;
      const int graphs = 40;
      for (int g = 0; g < graphs; ++g) {
        PlacementProblem p = randomDag({10, 3, ccr, beta}, rng);
        double exact = placeExact(p).makespan;
        double heft = placeHEFT(p).makespan / exact;
        sumHeft += heft;
        worst = std::max(worst, heft);
        sumSingle += bestSingle(p) / exact;
        sumGreedy += placeGreedy(p).makespan / exact;
        sumChain += placeChainDP(p).makespan / exact;
      }
      sumAll += sumHeft;
      countAll += graphs;
      std::printf("%6.1f %5.1f %13.3f %13.3f %15.3f %15.3f %15.3f\n", ccr, beta,
                  sumHeft / graphs, worst, sumSingle / graphs,
                  sumGreedy / graphs, sumChain / graphs);
    }
  std::printf("heft/exact over all graphs: mean %.3f\n", sumAll / countAll);
}

void timeLargeGraph() {
  std::mt19937 rng(7);
  PlacementProblem p = randomDag({10000, 8, 1.0, 0.5}, rng);
  auto start = std::chrono::steady_clock::now();
  Placement placement = placeHEFT(p);
  double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::printf("== heft on 10,000 tasks, 8 devices: %.3f s (makespan %.3f s, "
              "best single device %.3f s)\n",
              seconds, placement.makespan, bestSingle(p));
}

} // namespace

int main() {
  compareOnSmallGraphs();
  timeLargeGraph();
  return 0;
}
