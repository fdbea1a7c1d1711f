//===- Place.cpp - Decide which device runs each op -----------------------===//
//
// Builds a task graph from `@main` (a task per op; constants travel with
// their users; graph inputs and outputs are pinned to the first device),
// costs it with the cost model, places it with the chosen strategy and
// records the result on the ops.
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/CostModel.h"
#include "weft/Analysis/Placement.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/Weft/IR/WeftOps.h"
#include "weft/Dialect/Weft/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/Transforms/RegionUtils.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <limits>

namespace weft {
#define GEN_PASS_DEF_PLACEPASS
#include "weft/Dialect/Weft/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

constexpr double kInfinity = std::numeric_limits<double>::infinity();

/// Ops that are not tasks: they travel with the ops that use them.
bool isFreeRider(Operation *op) {
  return isa<ONNXConstantOp, ONNXNoValueOp>(op) ||
         op->hasTrait<OpTrait::IsTerminator>();
}

/// The task graph of one function and the ops behind its tasks. Task 0 holds
/// the graph inputs, the last task takes the outputs; both are pinned to
/// device 0.
struct FunctionTasks {
  PlacementProblem problem;
  std::vector<Operation *> ops; // null for the two pinned tasks
  /// Predecessors (task, bytes) of each task, for the transfer report.
  std::vector<std::vector<std::pair<int, double>>> preds;
};

FunctionTasks buildTasks(func::FuncOp func, const CostModel &costs) {
  const DeviceModel &model = costs.getDevices();
  int devices = int(model.getDevices().size());
  FunctionTasks tasks;
  PlacementProblem &p = tasks.problem;
  p.numDevices = devices;
  llvm::DenseMap<Operation *, int> taskOf;
  auto addTask = [&](Operation *op) {
    tasks.ops.push_back(op);
    p.successors.emplace_back();
    std::vector<double> times(devices, kInfinity);
    int64_t footprint = 0;
    if (!op) {
      times[0] = 0;
    } else {
      for (int d = 0; d < devices; ++d)
        times[d] = costs.getRunTime(op, d);
      footprint = costs.getFootprint(op);
      for (Value operand : op->getOperands())
        if (auto constant = operand.getDefiningOp<ONNXConstantOp>())
          footprint += int64_t(getTypeBytes(constant.getType()));
      taskOf[op] = int(tasks.ops.size()) - 1;
    }
    p.runTime.push_back(times);
    p.footprint.push_back(footprint);
    return int(tasks.ops.size()) - 1;
  };
  int inputs = addTask(nullptr);
  Block &body = func.getBody().front();
  for (Operation &op : body)
    if (!isFreeRider(&op))
      addTask(&op);
  int outputs = addTask(nullptr);

  tasks.preds.resize(tasks.ops.size());
  auto addEdge = [&](Value v, int to) {
    int from = -1;
    if (isa<BlockArgument>(v) && v.getParentBlock() == &body)
      from = inputs;
    else if (Operation *def = v.getDefiningOp(); def && taskOf.count(def))
      from = taskOf[def];
    if (from < 0 || from == to)
      return;
    double bytes = getTypeBytes(v.getType());
    p.successors[from].push_back({to, bytes});
    tasks.preds[to].push_back({from, bytes});
  };
  for (Operation &op : body) {
    if (isFreeRider(&op))
      continue;
    int t = taskOf[&op];
    for (Value operand : op.getOperands())
      addEdge(operand, t);
    // Values a region uses from outside count as inputs too.
    llvm::SetVector<Value> captured;
    for (Region &region : op.getRegions())
      getUsedValuesDefinedAbove(region, captured);
    for (Value v : captured)
      addEdge(v, t);
  }
  for (Value v : body.getTerminator()->getOperands())
    addEdge(v, outputs);
  for (const DeviceDescription &d : model.getDevices())
    p.capacity.push_back(d.memoryCapacity);
  p.transferTime = [&model](int from, int to, double bytes) {
    return model.getTransferTime(from, to, bytes);
  };
  return tasks;
}

struct PlacePass : impl::PlacePassBase<PlacePass> {
  using PlacePassBase::PlacePassBase;

  /// The strategy that placed: the one asked for, or single=<first device>.
  std::string used;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto model = getModuleDevices(module);
    if (!model)
      return signalPassFailure();
    func::FuncOp func = getMainFunction(getOperation(), "weft-place");
    if (!func)
      return signalPassFailure();
    CostModel costs(*model);
    FunctionTasks tasks = buildTasks(func, costs);

    std::string argument;
    const PlacementStrategy *place =
        lookupPlacementStrategy(strategy, argument);
    if (!place) {
      module.emitError("unknown placement strategy '")
          << strategy << "' (expected " << describePlacementStrategies() << ")";
      return signalPassFailure();
    }
    Placement placement;
    used = strategy;
    if (singleOnCPUOnly && !model->hasDeviceOfKind(DeviceKind::CUDA)) {
      placement = placeSingle(tasks.problem, 0);
      used = "single=" + model->getDevices()[0].name;
    } else {
      std::vector<std::string> names;
      for (const DeviceDescription &device : model->getDevices())
        names.push_back(device.name);
      placement = (*place)(tasks.problem, argument, names);
    }
    if (!placement.error.empty()) {
      // Name the op behind the task the strategy could not place.
      int task = placement.failedTask;
      if (task > 0 && task < int(tasks.ops.size()) && tasks.ops[task])
        tasks.ops[task]->emitOpError("cannot be placed: it ")
            << placement.error << " (" << used << ")";
      else if (task >= 0)
        module.emitError("cannot place the graph: task ")
            << task << " " << placement.error;
      else
        module.emitError("cannot place the graph: ") << placement.error;
      return signalPassFailure();
    }
    annotate(func, tasks, placement, *model);
    if (report)
      printReport(tasks, placement, *model);
  }

  void annotate(func::FuncOp func, const FunctionTasks &tasks,
                const Placement &placement, const DeviceModel &model) {
    MLIRContext *context = &getContext();
    Builder b(context);
    const auto &devices = model.getDevices();
    for (size_t t = 0; t < tasks.ops.size(); ++t) {
      Operation *op = tasks.ops[t];
      if (!op)
        continue;
      int d = placement.device[t];
      SmallVector<NamedAttribute> estimates;
      for (int e = 0; e < int(devices.size()); ++e)
        if (std::isfinite(tasks.problem.runTime[t][e]))
          estimates.push_back(b.getNamedAttr(
              devices[e].name,
              b.getF64FloatAttr(tasks.problem.runTime[t][e] * 1e6)));
      double transfer = 0;
      for (auto [pred, bytes] : tasks.preds[t])
        transfer += model.getTransferTime(placement.device[pred], d, bytes);
      op->setAttr(WeftDialect::getDeviceAttrName(),
                  getDeviceAttr(context, devices[d]));
      op->setAttr(WeftDialect::getStartAttrName(),
                  b.getF64FloatAttr(placement.start[t] * 1e6));
      op->setAttr(WeftDialect::getFinishAttrName(),
                  b.getF64FloatAttr(placement.finish[t] * 1e6));
      op->setAttr(WeftDialect::getChoiceAttrName(),
                  ChoiceAttr::get(context, b.getDictionaryAttr(estimates),
                                  b.getF64FloatAttr(transfer * 1e6),
                                  b.getStringAttr(used)));
    }
    // Constants live where their first user runs.
    func.walk([&](Operation *op) {
      if (!isa<ONNXConstantOp, ONNXNoValueOp>(op))
        return;
      Attribute device = getDeviceAttr(context, devices[0]);
      for (Operation *user : op->getUsers())
        if (auto d = user->getAttr(WeftDialect::getDeviceAttrName())) {
          device = d;
          break;
        }
      op->setAttr(WeftDialect::getDeviceAttrName(), device);
    });
    getOperation()->setAttr(WeftDialect::getMakespanAttrName(),
                            b.getF64FloatAttr(placement.makespan * 1e6));
  }

  void printReport(const FunctionTasks &tasks, const Placement &placement,
                   const DeviceModel &model) {
    llvm::raw_ostream &os = llvm::outs();
    os << "placement (" << used << "): predicted makespan "
       << llvm::format("%.3f", placement.makespan * 1e6) << " us\n";
    const auto &devices = model.getDevices();
    for (int d = 0; d < int(devices.size()); ++d) {
      double busy = 0;
      int count = 0;
      for (size_t t = 0; t < tasks.ops.size(); ++t)
        if (tasks.ops[t] && placement.device[t] == d) {
          busy += placement.finish[t] - placement.start[t];
          ++count;
        }
      double utilization =
          placement.makespan > 0 ? busy / placement.makespan : 0.0;
      os << llvm::format(
          "  %-12s %5d ops  busy %12.3f us  utilization %5.1f%%\n",
          devices[d].name.c_str(), count, busy * 1e6, utilization * 100);
    }
    os.flush();
  }
};

} // namespace
} // namespace weft
