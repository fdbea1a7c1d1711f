//===- PlacementStrategies.cpp - The registry of placement strategies -----===//
//
// `weft-place{strategy=...}` looks strategies up by name here; the built-in
// ones are registered on first use, and a compiler that links Weft can add
// its own with registerPlacementStrategy.
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/Placement.h"

#include <algorithm>
#include <deque>
#include <mutex>

namespace weft {
namespace {

struct RegisteredStrategy {
  std::string name, usage;
  PlacementStrategy place;
};

/// A strategy that takes no argument and ignores device names.
PlacementStrategy plain(Placement (*place)(const PlacementProblem &)) {
  return [place](const PlacementProblem &problem, const std::string &,
                 const std::vector<std::string> &) { return place(problem); };
}

Placement placeOnNamedDevice(const PlacementProblem &problem,
                             const std::string &device,
                             const std::vector<std::string> &deviceNames) {
  auto it = std::find(deviceNames.begin(), deviceNames.end(), device);
  if (it == deviceNames.end()) {
    Placement refused;
    refused.error = "strategy single: unknown device '" + device + "'";
    return refused;
  }
  return placeSingle(problem, int(it - deviceNames.begin()));
}

struct Registry {
  std::mutex mutex;
  /// A deque: a strategy returned by lookup stays where it is when more
  /// are registered.
  std::deque<RegisteredStrategy> strategies = {
      {"heft", "heft", plain(placeHEFT)},
      {"exact", "exact",
       plain([](const PlacementProblem &p) { return placeExact(p); })},
      {"chain-dp", "chain-dp", plain(placeChainDP)},
      {"min-cut", "min-cut", plain(placeMinCut)},
      {"greedy", "greedy", plain(placeGreedy)},
      {"single", "single=<device>", placeOnNamedDevice},
  };
};

Registry &getRegistry() {
  static Registry registry;
  return registry;
}

} // namespace

void registerPlacementStrategy(const std::string &name,
                               const std::string &usage,
                               PlacementStrategy strategy) {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (RegisteredStrategy &entry : registry.strategies)
    if (entry.name == name) {
      entry = {name, usage, std::move(strategy)};
      return;
    }
  registry.strategies.push_back({name, usage, std::move(strategy)});
}

const PlacementStrategy *lookupPlacementStrategy(const std::string &request,
                                                 std::string &argument) {
  size_t equals = request.find('=');
  std::string name = request.substr(0, equals);
  argument = equals == std::string::npos ? "" : request.substr(equals + 1);
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  for (const RegisteredStrategy &entry : registry.strategies)
    if (entry.name == name)
      return &entry.place;
  return nullptr;
}

std::string describePlacementStrategies() {
  Registry &registry = getRegistry();
  std::lock_guard<std::mutex> lock(registry.mutex);
  std::string text;
  for (size_t i = 0; i < registry.strategies.size(); ++i) {
    if (i)
      text += i + 1 == registry.strategies.size() ? " or " : ", ";
    text += registry.strategies[i].usage;
  }
  return text;
}

} // namespace weft
