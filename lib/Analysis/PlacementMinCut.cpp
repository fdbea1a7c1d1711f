//===- PlacementMinCut.cpp - Two-device placement as a minimum cut --------===//
//
// Stone's construction: a source for device 0, a sink for device 1; each
// task is joined to the source by its run time on device 1 (paid if the cut
// puts it on device 1) and to the sink by its run time on device 0; each
// edge between tasks costs its transfer time in both directions. The minimum
// cut is the assignment with the least total run plus transfer time.
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/Placement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <queue>

namespace weft {
namespace {

/// Dinic's maximum flow on a small adjacency-list graph.
class FlowNetwork {
public:
  explicit FlowNetwork(int nodes)
      : adjacency(nodes), level(nodes), next(nodes) {}

  void addEdge(int from, int to, double capacity, double reverse = 0) {
    adjacency[from].push_back(int(edges.size()));
    edges.push_back({to, capacity});
    adjacency[to].push_back(int(edges.size()));
    edges.push_back({from, reverse});
  }

  void maxFlow(int source, int sink) {
    while (buildLevels(source, sink)) {
      std::fill(next.begin(), next.end(), 0);
      while (push(source, sink, std::numeric_limits<double>::infinity()) > 0) {
      }
    }
  }

  /// Nodes reachable from the source in the residual graph: its side of a
  /// minimum cut (valid after maxFlow).
  std::vector<bool> sourceSide(int source) {
    buildLevels(source, -1);
    std::vector<bool> side(level.size());
    for (size_t v = 0; v < level.size(); ++v)
      side[v] = level[v] >= 0;
    return side;
  }

private:
  struct Edge {
    int to;
    double capacity;
  };
  static constexpr double kEpsilon = 1e-15;

  bool buildLevels(int source, int sink) {
    std::fill(level.begin(), level.end(), -1);
    std::queue<int> queue;
    level[source] = 0;
    queue.push(source);
    while (!queue.empty()) {
      int v = queue.front();
      queue.pop();
      for (int e : adjacency[v])
        if (edges[e].capacity > kEpsilon && level[edges[e].to] < 0) {
          level[edges[e].to] = level[v] + 1;
          queue.push(edges[e].to);
        }
    }
    return sink >= 0 && level[sink] >= 0;
  }

  // Iterative would avoid deep recursion; path lengths here are bounded by
  // the level graph's depth, at most three hops per task chain.
  double push(int v, int sink, double limit) {
    if (v == sink)
      return limit;
    for (int &i = next[v]; i < int(adjacency[v].size()); ++i) {
      Edge &edge = edges[adjacency[v][i]];
      if (edge.capacity <= kEpsilon || level[edge.to] != level[v] + 1)
        continue;
      double pushed = push(edge.to, sink, std::min(limit, edge.capacity));
      if (pushed > kEpsilon) {
        edge.capacity -= pushed;
        edges[adjacency[v][i] ^ 1].capacity += pushed;
        return pushed;
      }
    }
    return 0;
  }

  std::vector<std::vector<int>> adjacency;
  std::vector<Edge> edges;
  std::vector<int> level, next;
};

} // namespace

Placement placeMinCut(const PlacementProblem &p) {
  if (p.numDevices != 2) {
    Placement refused;
    refused.error = "min-cut places on exactly two devices; the description "
                    "has " +
                    std::to_string(p.numDevices) + " (use heft)";
    return refused;
  }
  int n = p.getNumTasks(), source = n, sink = n + 1;
  // Infinite run times become a capacity larger than any finite cut.
  double big = 1;
  for (const auto &row : p.runTime)
    for (double t : row)
      if (std::isfinite(t))
        big += t;
  for (int t = 0; t < n; ++t)
    for (auto [s, bytes] : p.successors[t])
      big += p.transferTime(0, 1, bytes);
  auto capacity = [&](double t) { return std::isfinite(t) ? t : big; };
  FlowNetwork network(n + 2);
  for (int t = 0; t < n; ++t) {
    network.addEdge(source, t, capacity(p.runTime[t][1]));
    network.addEdge(t, sink, capacity(p.runTime[t][0]));
    for (auto [s, bytes] : p.successors[t]) {
      double cost = p.transferTime(0, 1, bytes);
      network.addEdge(t, s, cost, cost);
    }
  }
  network.maxFlow(source, sink);
  std::vector<bool> side = network.sourceSide(source);
  std::vector<int> device(n);
  for (int t = 0; t < n; ++t)
    device[t] = side[t] ? 0 : 1;
  return evaluatePlacement(p, device);
}

} // namespace weft
