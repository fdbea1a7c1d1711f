//===- Placement.h - Placing a task graph on devices ---------- -*- C++ -*-===//
//
// Placement strategies over a plain task graph (no MLIR): HEFT list
// scheduling, an exact branch and bound for small graphs, one device, and a
// greedy baseline, in a registry others can add strategies to. The `weft-place`
// pass builds the graph from IR; the placement benchmark builds it from random
// DAGs.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_ANALYSIS_PLACEMENT_H
#define WEFT_ANALYSIS_PLACEMENT_H

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace weft {

/// A DAG of tasks and what running them costs.
struct PlacementProblem {
  int numDevices = 0;
  /// Seconds of each task on each device; infinity where it cannot run.
  std::vector<std::vector<double>> runTime;
  /// Edges: for each task, its successors and the bytes each edge carries.
  std::vector<std::vector<std::pair<int, double>>> successors;
  /// Bytes each task keeps on its device, and what each device holds.
  std::vector<int64_t> footprint;
  std::vector<int64_t> capacity;
  /// Seconds to move `bytes` from device `from` to device `to`.
  std::function<double(int from, int to, double bytes)> transferTime;

  int getNumTasks() const { return int(runTime.size()); }
};

/// Where and when each task runs.
struct Placement {
  std::vector<int> device;
  std::vector<double> start, finish;
  double makespan = 0;
  /// Set when no placement exists: why ("can run on no device", "needs N
  /// bytes of device memory; ..."), to follow the task's name.
  std::string error;
  /// The task the error is about, or -1 when it is about the whole graph.
  int failedTask = -1;
};

/// HEFT: tasks by decreasing upward rank, each on the device where it
/// finishes first (insertion into idle gaps).
Placement placeHEFT(const PlacementProblem &problem);

/// The assignment of tasks to devices with the smallest makespan, each
/// assignment scheduled as HEFT schedules (rank order, insertion); branch and
/// bound. Refuses graphs of more than `maxTasks` tasks.
Placement placeExact(const PlacementProblem &problem, int maxTasks = 16);

/// Everything on one device, but for tasks it cannot run (those go to the
/// device that runs them fastest: e.g. graph inputs pinned elsewhere).
Placement placeSingle(const PlacementProblem &problem, int device);

/// Baseline: each task, in topological order, on the device that runs it
/// fastest, ignoring transfers and queues.
Placement placeGreedy(const PlacementProblem &problem);

/// Pipeline partitioning: the tasks in rank order (a topological order) are
/// cut into at most one contiguous stage per device, stages on distinct
/// devices, minimizing the slowest stage (run time plus the transfer into
/// it); dynamic programming over cut points for each order of devices by
/// speed. Suits chains; works on any DAG through the linearization.
Placement placeChainDP(const PlacementProblem &problem);

/// Two devices: the assignment minimizing total run time plus transfer time
/// (a minimum s-t cut, as Stone's), then scheduled. Refuses other counts.
Placement placeMinCut(const PlacementProblem &problem);

/// Tasks in rank order (decreasing upward rank; a topological order).
std::vector<int> getRankOrder(const PlacementProblem &problem);

/// Schedules a given assignment (rank order, insertion) and returns its
/// start and finish times.
Placement evaluatePlacement(const PlacementProblem &problem,
                            const std::vector<int> &device);

/// A placement strategy. `argument` is what follows '=' in the request that
/// named it ("single=cpu:0"), "" if nothing; `deviceNames` name the
/// problem's devices. A strategy that cannot place returns `error` set.
using PlacementStrategy = std::function<Placement(
    const PlacementProblem &problem, const std::string &argument,
    const std::vector<std::string> &deviceNames)>;

/// Registers `strategy` under `name`, replacing one of that name; `usage`
/// is how a user asks for it ("single=<device>"). heft, exact, chain-dp,
/// min-cut, greedy and single=<device> are registered from the start.
void registerPlacementStrategy(const std::string &name,
                               const std::string &usage,
                               PlacementStrategy strategy);

/// The strategy `request` names ("heft", "single=cpu:0"), its argument in
/// `argument`; nullptr if no strategy has that name.
const PlacementStrategy *lookupPlacementStrategy(const std::string &request,
                                                 std::string &argument);

/// The registered strategies as a user asks for them: "heft, exact,
/// chain-dp, min-cut, greedy or single=<device>".
std::string describePlacementStrategies();

} // namespace weft

#endif // WEFT_ANALYSIS_PLACEMENT_H
