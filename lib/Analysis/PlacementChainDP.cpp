//===- PlacementChainDP.cpp - Pipeline partitioning of a linearized DAG ---===//

#include "weft/Analysis/Placement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace weft {

Placement placeChainDP(const PlacementProblem &p) {
  constexpr double inf = std::numeric_limits<double>::infinity();
  int devices = p.numDevices;
  // Tasks only one device can run (e.g. graph inputs pinned to the host)
  // stay there; the others form the chain.
  std::vector<int> fixedDevice(p.getNumTasks(), -1);
  for (int t = 0; t < p.getNumTasks(); ++t) {
    int capable = 0, last = -1;
    for (int d = 0; d < devices; ++d)
      if (std::isfinite(p.runTime[t][d]))
        ++capable, last = d;
    if (capable == 1)
      fixedDevice[t] = last;
  }
  std::vector<int> order;
  for (int t : getRankOrder(p))
    if (fixedDevice[t] < 0)
      order.push_back(t);
  int n = int(order.size());
  std::vector<int> position(p.getNumTasks(), -1);
  for (int i = 0; i < n; ++i)
    position[order[i]] = i;

  // Bytes crossing the cut before position i (edges from [0, i) to [i, n)).
  std::vector<double> crossing(n + 1, 0);
  for (int t = 0; t < p.getNumTasks(); ++t)
    for (auto [s, bytes] : p.successors[t])
      if (position[t] >= 0 && position[s] >= 0)
        for (int cut = position[t] + 1; cut <= position[s]; ++cut)
          crossing[cut] += bytes;

  // Devices by speed (total run time of all the tasks they can run).
  std::vector<int> bySpeed(devices);
  std::iota(bySpeed.begin(), bySpeed.end(), 0);
  auto total = [&](int d) {
    double sum = 0;
    for (int t : order)
      sum += std::isfinite(p.runTime[t][d]) ? p.runTime[t][d] : 1e30;
    return sum;
  };
  // Ties keep the description's order (a stable sort, spelled out).
  std::sort(bySpeed.begin(), bySpeed.end(), [&](int a, int b) {
    double ta = total(a), tb = total(b);
    return ta != tb ? ta < tb : a < b;
  });

  Placement best;
  best.makespan = inf;
  // Stages follow device orders: fastest first, and fastest last.
  std::vector<std::vector<int>> deviceOrders = {bySpeed};
  deviceOrders.push_back(std::vector<int>(bySpeed.rbegin(), bySpeed.rend()));
  for (const std::vector<int> &devicesInOrder : deviceOrders) {
    // prefix[d][i]: run time of order[0, i) on device d.
    std::vector<std::vector<double>> prefix(devices,
                                            std::vector<double>(n + 1, 0));
    for (int d = 0; d < devices; ++d)
      for (int i = 0; i < n; ++i)
        prefix[d][i + 1] = prefix[d][i] + p.runTime[order[i]][d];
    // bottleneck[k][i]: best slowest stage covering order[0, i) with the
    // first k devices of the order; cut[k][i]: where stage k starts.
    int stages = std::max(1, std::min(devices, n));
    std::vector<std::vector<double>> bottleneck(
        stages + 1, std::vector<double>(n + 1, inf));
    std::vector<std::vector<int>> cut(stages + 1, std::vector<int>(n + 1, 0));
    bottleneck[0][0] = 0;
    for (int k = 1; k <= stages; ++k) {
      int d = devicesInOrder[k - 1],
          previous = k > 1 ? devicesInOrder[k - 2] : d;
      for (int i = 0; i <= n; ++i) {
        bottleneck[k][i] = bottleneck[k - 1][i]; // stage k left empty
        cut[k][i] = i;
        for (int j = 0; j < i; ++j) {
          if (!std::isfinite(bottleneck[k - 1][j]))
            continue;
          double stage = prefix[d][i] - prefix[d][j] +
                         (j > 0 ? p.transferTime(previous, d, crossing[j]) : 0);
          double value = std::max(bottleneck[k - 1][j], stage);
          if (value < bottleneck[k][i])
            bottleneck[k][i] = value, cut[k][i] = j;
        }
      }
    }
    if (!std::isfinite(bottleneck[stages][n]))
      continue;
    std::vector<int> device(p.getNumTasks(), devicesInOrder[0]);
    for (int t = 0; t < p.getNumTasks(); ++t)
      if (fixedDevice[t] >= 0)
        device[t] = fixedDevice[t];
    for (int k = stages, i = n; k >= 1; --k) {
      int j = cut[k][i];
      for (int pos = j; pos < i; ++pos)
        device[order[pos]] = devicesInOrder[k - 1];
      i = j;
    }
    Placement candidate = evaluatePlacement(p, device);
    if (candidate.error.empty() && candidate.makespan < best.makespan)
      best = std::move(candidate);
  }
  if (!std::isfinite(best.makespan))
    best.error = "chain-dp found no stage split that every device can run; "
                 "use heft";
  return best;
}

} // namespace weft
