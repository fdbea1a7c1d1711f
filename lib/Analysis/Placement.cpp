//===- Placement.cpp - Placing a task graph on devices --------------------===//

#include "weft/Analysis/Placement.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

namespace weft {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Predecessors of every task, with edge bytes.
std::vector<std::vector<std::pair<int, double>>>
predecessorsOf(const PlacementProblem &p) {
  std::vector<std::vector<std::pair<int, double>>> preds(p.getNumTasks());
  for (int t = 0; t < p.getNumTasks(); ++t)
    for (auto [s, bytes] : p.successors[t])
      preds[s].push_back({t, bytes});
  return preds;
}

/// Tasks by decreasing upward rank (a topological order): the mean run time
/// over capable devices plus the longest path of mean transfer + rank below.
std::vector<int> rankOrder(const PlacementProblem &p) {
  int n = p.getNumTasks(), devices = p.numDevices;
  // Mean seconds per byte over device pairs, and mean latency: over all
  // pairs, or past a million of them over an even spread of partners for
  // each device (the means only rank tasks).
  constexpr int64_t kMaxPairs = 1'000'000;
  int partners =
      devices > 1 ? int(std::min<int64_t>(
                        devices - 1, std::max<int64_t>(1, kMaxPairs / devices)))
                  : 0;
  double perByte = 0, latency = 0;
  int64_t pairs = 0;
  for (int a = 0; a < devices; ++a)
    for (int j = 0; j < partners; ++j) {
      int b = int((a + 1 + int64_t(j) * (devices - 1) / partners) % devices);
      double zero = p.transferTime(a, b, 0);
      latency += zero;
      perByte += (p.transferTime(a, b, 1e6) - zero) / 1e6;
      ++pairs;
    }
  if (pairs) {
    perByte /= pairs;
    latency /= pairs;
  }
  std::vector<double> meanRun(n, 0);
  for (int t = 0; t < n; ++t) {
    int capable = 0;
    for (int d = 0; d < devices; ++d)
      if (std::isfinite(p.runTime[t][d]))
        meanRun[t] += p.runTime[t][d], ++capable;
    meanRun[t] = capable ? meanRun[t] / capable : 0;
  }
  // Reverse topological order (Kahn on successors) for the ranks.
  std::vector<int> indegree(n, 0), topo;
  for (int t = 0; t < n; ++t)
    for (auto [s, bytes] : p.successors[t])
      ++indegree[s];
  for (int t = 0; t < n; ++t)
    if (!indegree[t])
      topo.push_back(t);
  for (size_t i = 0; i < topo.size(); ++i)
    for (auto [s, bytes] : p.successors[topo[i]])
      if (--indegree[s] == 0)
        topo.push_back(s);
  std::vector<double> rank(n, 0);
  for (auto it = topo.rbegin(); it != topo.rend(); ++it) {
    double below = 0;
    for (auto [s, bytes] : p.successors[*it])
      below =
          std::max(below, (pairs ? latency + bytes * perByte : 0) + rank[s]);
    rank[*it] = meanRun[*it] + below;
  }
  // Decreasing rank is topological when run times are positive; ties keep
  // the topological position.
  std::vector<int> position(n);
  for (size_t i = 0; i < topo.size(); ++i)
    position[topo[i]] = int(i);
  std::vector<int> order = topo;
  // Positions are unique: the order is total, so std::sort is stable here.
  std::sort(order.begin(), order.end(), [&](int a, int b) {
    if (rank[a] != rank[b])
      return rank[a] > rank[b];
    return position[a] < position[b];
  });
  // Zero-cost tasks can tie with their successors: restore topological order
  // wherever the sort broke it.
  std::vector<int> placedAt(n, -1), fixed;
  std::vector<bool> done(n, false);
  auto preds = predecessorsOf(p);
  std::vector<int> pending = order;
  while (!pending.empty()) {
    std::vector<int> next;
    for (int t : pending) {
      bool ready = std::all_of(preds[t].begin(), preds[t].end(),
                               [&](auto e) { return done[e.first]; });
      if (ready) {
        done[t] = true;
        fixed.push_back(t);
      } else {
        next.push_back(t);
      }
    }
    if (next.size() == pending.size())
      break; // a cycle: callers only pass DAGs
    pending = std::move(next);
  }
  return fixed;
}

/// Builds a schedule task by task, with idle-gap insertion per device.
class ScheduleBuilder {
public:
  explicit ScheduleBuilder(const PlacementProblem &p)
      : p(p), preds(predecessorsOf(p)), busy(p.numDevices),
        used(p.numDevices, 0) {
    result.device.assign(p.getNumTasks(), -1);
    result.start.assign(p.getNumTasks(), 0);
    result.finish.assign(p.getNumTasks(), 0);
  }

  /// Earliest start and finish of `task` on `device` (infinite if it cannot
  /// run or fit there).
  std::pair<double, double> tryPlace(int task, int device) const {
    double run = p.runTime[task][device];
    if (!std::isfinite(run) ||
        used[device] + p.footprint[task] > p.capacity[device])
      return {kInfinity, kInfinity};
    double ready = 0;
    for (auto [pred, bytes] : preds[task])
      ready = std::max(ready,
                       result.finish[pred] +
                           p.transferTime(result.device[pred], device, bytes));
    // The first gap on the device, at or after `ready`, that fits `run`.
    double start = ready;
    for (auto [s, f] : busy[device]) {
      if (start + run <= s)
        break;
      start = std::max(start, f);
    }
    return {start, start + run};
  }

  void place(int task, int device, double start, double finish) {
    result.device[task] = device;
    result.start[task] = start;
    result.finish[task] = finish;
    used[device] += p.footprint[task];
    auto &intervals = busy[device];
    intervals.insert(std::upper_bound(intervals.begin(), intervals.end(),
                                      std::make_pair(start, finish)),
                     {start, finish});
    result.makespan = std::max(result.makespan, finish);
  }

  Placement &get() { return result; }

private:
  const PlacementProblem &p;
  std::vector<std::vector<std::pair<int, double>>> preds;
  std::vector<std::vector<std::pair<double, double>>> busy;
  std::vector<int64_t> used;
  Placement result;
};

std::string noDeviceFor(const PlacementProblem &p, int task) {
  bool canRun = false;
  for (int d = 0; d < p.numDevices; ++d)
    canRun |= std::isfinite(p.runTime[task][d]);
  if (!canRun)
    return "can run on no device";
  int64_t largest = 0;
  for (int64_t c : p.capacity)
    largest = std::max(largest, c);
  return "needs " + std::to_string(p.footprint[task]) +
         " bytes of device memory; no capable device has that much left "
         "(the largest holds " +
         std::to_string(largest) + ")";
}

} // namespace

/// HEFT's list scheduling alone.
static Placement listScheduleHEFT(const PlacementProblem &p) {
  ScheduleBuilder builder(p);
  for (int task : rankOrder(p)) {
    int best = -1;
    double bestStart = 0, bestFinish = kInfinity;
    for (int d = 0; d < p.numDevices; ++d) {
      auto [start, finish] = builder.tryPlace(task, d);
      if (finish < bestFinish)
        best = d, bestStart = start, bestFinish = finish;
    }
    if (best < 0) {
      Placement failed;
      failed.error = noDeviceFor(p, task);
      failed.failedTask = task;
      return failed;
    }
    builder.place(task, best, bestStart, bestFinish);
  }
  return builder.get();
}

static Placement scheduleInOrder(const PlacementProblem &p,
                                 const std::vector<int> &order,
                                 const std::vector<int> &device);
static Placement placeSingleInOrder(const PlacementProblem &p,
                                    const std::vector<int> &order, int device);

/// Moves single tasks to other devices while that shortens the makespan
/// (first improvement), within a budget of task schedulings.
static Placement improveByMoves(const PlacementProblem &p,
                                const std::vector<int> &order, Placement best,
                                int64_t budget) {
  int n = p.getNumTasks();
  bool improved = true;
  while (improved && budget > 0) {
    improved = false;
    for (int t = 0; t < n && budget > 0; ++t)
      for (int d = 0; d < p.numDevices && budget > 0; ++d) {
        if (d == best.device[t] || !std::isfinite(p.runTime[t][d]))
          continue;
        std::vector<int> device = best.device;
        device[t] = d;
        Placement candidate = scheduleInOrder(p, order, device);
        budget -= n + p.numDevices; // a schedule also sets up every device
        if (candidate.error.empty() && candidate.makespan < best.makespan) {
          best = std::move(candidate);
          improved = true;
        }
      }
  }
  return best;
}

Placement placeHEFT(const PlacementProblem &p) {
  Placement heft = listScheduleHEFT(p);
  if (!heft.error.empty())
    return heft;
  // HEFT spreads work greedily and can lose to one device when transfers
  // dominate (high CCR). Its schedule and each single-device schedule are
  // refined by moving single tasks between devices (on graphs small enough
  // for that to be cheap); the shortest wins.
  // Only the best few single-device schedules are refined: with many
  // devices, most are alike.
  // devices, most are alike. They are chosen by the sum of their tasks' run
  // times there (a device that cannot run a task counts its fastest run
  // elsewhere), which needs no schedule.
  constexpr size_t kSingleStarts = 4;
  std::vector<int> order = rankOrder(p);
  std::vector<double> work(p.numDevices, 0);
  for (int t = 0; t < p.getNumTasks(); ++t) {
    double fastest =
        *std::min_element(p.runTime[t].begin(), p.runTime[t].end());
    for (int d = 0; d < p.numDevices; ++d)
      work[d] += std::isfinite(p.runTime[t][d]) ? p.runTime[t][d] : fastest;
  }
  std::vector<int> byWork(p.numDevices);
  std::iota(byWork.begin(), byWork.end(), 0);
  size_t candidates = std::min<size_t>(kSingleStarts, byWork.size());
  std::partial_sort(byWork.begin(), byWork.begin() + candidates, byWork.end(),
                    [&](int a, int b) {
                      return work[a] < work[b] || (work[a] == work[b] && a < b);
                    });
  std::vector<Placement> starts = {std::move(heft)};
  for (size_t i = 0; i < candidates; ++i) {
    Placement single = placeSingleInOrder(p, order, byWork[i]);
    if (single.error.empty())
      starts.push_back(std::move(single));
  }
  constexpr int kMaxTasksForMoves = 1000;
  constexpr int64_t kMoveBudget = 2'000'000; // task schedulings per start
  Placement best;
  best.makespan = kInfinity;
  for (Placement &start : starts) {
    Placement refined =
        p.getNumTasks() <= kMaxTasksForMoves
            ? improveByMoves(p, order, std::move(start), kMoveBudget)
            : std::move(start);
    if (refined.makespan < best.makespan)
      best = std::move(refined);
  }
  return best;
}

std::vector<int> getRankOrder(const PlacementProblem &p) {
  return rankOrder(p);
}

Placement evaluatePlacement(const PlacementProblem &p,
                            const std::vector<int> &device) {
  return scheduleInOrder(p, rankOrder(p), device);
}

static Placement scheduleInOrder(const PlacementProblem &p,
                                 const std::vector<int> &order,
                                 const std::vector<int> &device) {
  ScheduleBuilder builder(p);
  for (int task : order) {
    auto [start, finish] = builder.tryPlace(task, device[task]);
    if (!std::isfinite(finish)) {
      Placement failed;
      failed.error = (std::isfinite(p.runTime[task][device[task]])
                          ? "does not fit in the memory of device "
                          : "cannot run on device ") +
                     std::to_string(device[task]);
      failed.failedTask = task;
      return failed;
    }
    builder.place(task, device[task], start, finish);
  }
  return builder.get();
}

static Placement placeSingleInOrder(const PlacementProblem &p,
                                    const std::vector<int> &order, int device) {
  std::vector<int> assignment(p.getNumTasks(), device);
  for (int t = 0; t < p.getNumTasks(); ++t)
    if (!std::isfinite(p.runTime[t][device]))
      assignment[t] =
          int(std::min_element(p.runTime[t].begin(), p.runTime[t].end()) -
              p.runTime[t].begin());
  return scheduleInOrder(p, order, assignment);
}

Placement placeSingle(const PlacementProblem &p, int device) {
  return placeSingleInOrder(p, rankOrder(p), device);
}

Placement placeGreedy(const PlacementProblem &p) {
  std::vector<int> device(p.getNumTasks(), 0);
  for (int t = 0; t < p.getNumTasks(); ++t)
    device[t] = int(std::min_element(p.runTime[t].begin(), p.runTime[t].end()) -
                    p.runTime[t].begin());
  return evaluatePlacement(p, device);
}

Placement placeExact(const PlacementProblem &p, int maxTasks) {
  if (p.getNumTasks() > maxTasks) {
    Placement refused;
    refused.error = "the exact strategy handles at most " +
                    std::to_string(maxTasks) + " tasks; this graph has " +
                    std::to_string(p.getNumTasks()) + " (use heft)";
    return refused;
  }
  std::vector<int> order = rankOrder(p);
  // Start from HEFT's schedule: a good first bound.
  Placement best = placeHEFT(p);
  if (!best.error.empty())
    return best;
  // Depth-first over assignments in rank order; a partial schedule's
  // makespan only grows, so it bounds every completion. Many alike devices
  // make the search explode: past a budget of partial schedules it stops
  // and says so rather than answer with what is not the optimum.
  // Each partial schedule costs a copy of every device's timeline.
  const int64_t kMaxSchedules =
      std::min<int64_t>(20'000'000, 50'000'000 / std::max(1, p.numDevices));
  int64_t schedules = 0;
  std::function<void(size_t, ScheduleBuilder &)> search =
      [&](size_t i, ScheduleBuilder &builder) {
        if (++schedules > kMaxSchedules)
          return;
        if (i == order.size()) {
          if (builder.get().makespan < best.makespan)
            best = builder.get();
          return;
        }
        int task = order[i];
        for (int d = 0; d < p.numDevices; ++d) {
          auto [start, finish] = builder.tryPlace(task, d);
          if (!std::isfinite(finish) || finish >= best.makespan)
            continue;
          ScheduleBuilder next = builder;
          next.place(task, d, start, finish);
          search(i + 1, next);
        }
      };
  ScheduleBuilder root(p);
  search(0, root);
  if (schedules > kMaxSchedules) {
    Placement refused;
    refused.error = "the exact strategy gave up after " +
                    std::to_string(kMaxSchedules) + " partial schedules (" +
                    std::to_string(p.numDevices) + " devices, " +
                    std::to_string(p.getNumTasks()) + " tasks; use heft)";
    return refused;
  }
  return best;
}

} // namespace weft
