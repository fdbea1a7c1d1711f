//===- weft-profile.cpp - Calibrate a device description on this machine
//---===//
//
//   weft-profile --out host.json [--base host|<file>] [--quick]
//
// Measures real kernels on this CPU over training shapes, fits the cost
// model's launch overhead, memory bandwidth and per-kind efficiencies, and
// writes the calibrated description. Reports the prediction error on
// held-out shapes before and after calibration.
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"

#include "weft/Analysis/Calibration.h"
#include "weft/Runtime/Base/File.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

using namespace weft;
namespace cl = llvm::cl;

static cl::opt<std::string>
    outPath("out", cl::desc("Calibrated description (JSON)"), cl::Required);
static cl::opt<std::string>
    basePath("base", cl::desc("Description to start from"), cl::init("host"));
static cl::opt<bool> quick("quick", cl::desc("Fewer repetitions"),
                           cl::init(false));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv, "Weft device calibration\n");
  std::string error;
  auto base = DeviceModel::load(basePath, error);
  if (!base) {
    llvm::errs() << "weft-profile: error: " << error << "\n";
    return 1;
  }
  if (base->getDevices().front().kind != DeviceKind::CPU) {
    llvm::errs() << "weft-profile: error: the first device of '" << basePath
                 << "' is not a CPU; only CPUs can be measured here\n";
    return 1;
  }
  std::vector<Measurement> measurements = measureCpuKernels(quick);
  DeviceModel calibrated = calibrate(*base, 0, measurements);

  CostModel before(*base), after(calibrated);
  llvm::outs() << llvm::format("%-26s %-12s %9s %12s %12s %8s\n", "kernel",
                               "kind", "set", "measured us", "predicted us",
                               "error");
  for (const Measurement &m : measurements) {
    double predicted = after.getRunTime(m.cost, 0);
    llvm::outs() << llvm::format(
        "%-26s %-12s %9s %12.2f %12.2f %7.1f%%\n", m.label.c_str(),
        m.cost.kind.c_str(), m.heldOut ? "held-out" : "training",
        m.seconds * 1e6, predicted * 1e6,
        100 * std::fabs(predicted - m.seconds) / m.seconds);
  }
  const DeviceDescription &d = calibrated.getDevices().front();
  llvm::outs() << llvm::format(
      "fitted: launch %.2f us, bandwidth %.1f GB/s, efficiency matmul %.3f, "
      "conv %.3f, reduction %.3f (peak %.0f GFLOP/s)\n",
      d.launchOverhead * 1e6, d.memoryBandwidth / 1e9,
      d.getEfficiency("matmul"), d.getEfficiency("conv"),
      d.getEfficiency("reduction"), d.getPeakFlops("f32") / 1e9);
  llvm::outs() << llvm::format(
      "held-out mean absolute percentage error: before %.1f%%, after %.1f%%\n",
      getPredictionError(*base, 0, measurements, /*heldOut=*/true),
      getPredictionError(calibrated, 0, measurements, /*heldOut=*/true));
  if (weft::runtime::Status written =
          weft::runtime::writeFile(outPath, calibrated.toJSON() + "\n");
      !written) {
    llvm::errs() << "weft-profile: error: " << written.getMessage() << "\n";
    return 1;
  }
  llvm::outs() << "wrote " << outPath << "\n";
  return 0;
}
