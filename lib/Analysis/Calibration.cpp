//===- Calibration.cpp - Fit a device description to measurements ---------===//

#include "weft/Analysis/Calibration.h"

#include "llvm/ADT/STLExtras.h"
#include <cmath>

#include <algorithm>
#include <functional>
#include <map>

namespace weft {

double getPredictionError(const DeviceModel &model, int device,
                          const std::vector<Measurement> &measurements,
                          bool heldOut) {
  CostModel costs(model);
  double sum = 0;
  int count = 0;
  for (const Measurement &m : measurements) {
    if (m.heldOut != heldOut || m.seconds <= 0)
      continue;
    double predicted = costs.getRunTime(m.cost, device);
    sum += std::fabs(predicted - m.seconds) / m.seconds;
    ++count;
  }
  return count ? 100.0 * sum / count : 0.0;
}

namespace {

/// Mean absolute relative error of the training measurements in `group`.
double groupError(const DeviceModel &model, int device,
                  const std::vector<const Measurement *> &group) {
  CostModel costs(model);
  double sum = 0;
  for (const Measurement *m : group)
    sum +=
        std::fabs(costs.getRunTime(m->cost, device) - m->seconds) / m->seconds;
  return group.empty() ? 0 : sum / group.size();
}

/// The peak is at least the best rate any compute-bound kernel reached.
void fitPeak(DeviceDescription &d, const std::vector<Measurement> &training) {
  double best = 0;
  for (const Measurement &m : training)
    if (m.cost.kind == "matmul" || m.cost.kind == "conv")
      best = std::max(best, m.cost.flops / m.seconds);
  if (best > d.getPeakFlops("f32"))
    d.peakFlops["f32"] = best;
}

/// The streaming bandwidth curve from the memory-bound kernels (their time
/// less the launch overhead): one point per working-set size measured; the
/// largest one sets the memory bandwidth.
void fitBandwidths(DeviceDescription &d,
                   const std::vector<Measurement> &training) {
  std::vector<std::pair<int64_t, double>> curve;
  for (const Measurement &m : training)
    if (m.cost.kind == "elementwise")
      curve.push_back({int64_t(m.cost.bytes),
                       m.cost.bytes / std::max(m.seconds - d.launchOverhead,
                                               0.05 * m.seconds)});
  if (curve.empty())
    return;
  llvm::sort(curve);
  d.memoryBandwidth = curve.back().second;
  d.bandwidthCurve = std::move(curve);
}

/// Scans `set(value)` over `candidates` and keeps the best for `group`.
void scan(DeviceModel &model, int device,
          const std::vector<const Measurement *> &group,
          const std::vector<double> &candidates,
          const std::function<void(double)> &set) {
  double bestValue = candidates.front(), bestError = INFINITY;
  for (double value : candidates) {
    set(value);
    double error = groupError(model, device, group);
    if (error < bestError)
      bestValue = value, bestError = error;
  }
  set(bestValue);
}

} // namespace

DeviceModel calibrate(const DeviceModel &base, int device,
                      const std::vector<Measurement> &measurements) {
  DeviceModel model = base;
  DeviceDescription &d = model.getDevice(device);
  std::vector<Measurement> training;
  for (const Measurement &m : measurements)
    if (!m.heldOut && m.seconds > 0)
      training.push_back(m);
  std::vector<const Measurement *> all;
  std::map<std::string, std::vector<const Measurement *>> byKind;
  for (const Measurement &m : training) {
    all.push_back(&m);
    if (m.cost.flops > 0 && m.cost.kind != "elementwise")
      byKind[m.cost.kind].push_back(&m);
  }

  fitPeak(d, training);
  fitBandwidths(d, training);

  std::vector<double> efficiencies, knees = {0}, launches;
  for (int i = 1; i <= 100; ++i)
    efficiencies.push_back(i / 100.0);
  for (double knee = 1e4; knee <= 1e10; knee *= 1.5)
    knees.push_back(knee);
  for (double us = 0; us <= 20; us += 0.1)
    launches.push_back(us * 1e-6);

  // Coordinate descent: launch overhead over all kernels, then efficiency
  // and knee per kind, until the rounds settle (four suffice in practice).
  for (int round = 0; round < 4; ++round) {
    scan(model, device, all, launches, [&](double v) {
      d.launchOverhead = v;
      fitBandwidths(d, training);
    });
    for (auto &[kind, group] : byKind) {
      const std::string &k = kind;
      for (int pass = 0; pass < 2; ++pass) {
        scan(model, device, group, efficiencies,
             [&](double v) { d.efficiency[k] = v; });
        scan(model, device, group, knees,
             [&](double v) { d.efficiencyKnee[k] = v; });
      }
    }
  }
  return model;
}

} // namespace weft
