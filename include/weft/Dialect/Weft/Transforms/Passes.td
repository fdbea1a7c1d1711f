//===- Passes.td - Placement passes ---------------------------*- tablegen -*-===//

#ifndef WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_TD
#define WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def AttachDevicesPass : Pass<"weft-devices", "mlir::ModuleOp"> {
  let summary = "Attach a device description to the module";
  let description = [{
    Loads a device description (a built-in name: host, h100, a100,
    host-plus-h100; or a JSON file) and stores it on the module as the
    `weft.devices` attribute, where the cost and placement passes read it.
    `weft-opt --weft-devices=<file>` is short for
    `--weft-devices=description=<file>`.
  }];
  let options = [
    Option<"description", "description", "std::string", /*default=*/"\"host\"",
           "Built-in device description or JSON file">
  ];
}

def PrintCostPass : Pass<"weft-print-cost", "mlir::ModuleOp"> {
  let summary = "Print each op's work and predicted time on every device";
  let description = [{
    A table: for every op, its kind, GFLOP, MB moved, and the predicted
    microseconds on each device of the module's `weft.devices` description
    (`-` where the device cannot run it). The IR is unchanged.
  }];
}

def PlacePass : Pass<"weft-place", "mlir::ModuleOp"> {
  let summary = "Decide which device runs each op, with the cost model";
  let description = [{
    Places every op of `@main` on a device of the module's description and
    records the choice: `weft.device` with the device, `weft.why` with the
    predicted time on every device, the transfer time of its inputs and the
    strategy. Graph inputs and outputs live on the first device. Strategies:
    `heft` (list scheduling, upward rank, insertion), `exact` (branch and
    bound; small graphs), `chain-dp` (pipeline stages over a topological
    order), `min-cut` (two devices: least run plus transfer time), `greedy`
    (fastest device per op, ignoring transfers), `single=<device>`. All respect what each device can run and
    how much memory it has. The predicted makespan is stored on the module as
    `weft.makespan_us`.
  }];
  let dependentDialects = ["::weft::WeftDialect"];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"heft\"",
           "heft, exact, chain-dp, min-cut, greedy or single=<device>">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the placement, makespan and device utilization">
  ];
}

def PartitionPass : Pass<"weft-partition", "mlir::ModuleOp"> {
  let summary = "Group placed ops into single-device weft.partition regions";
  let description = [{
    After `--weft-place`, reorders `@main`'s ops (a topological order that
    keeps running on one device as long as it can) and wraps each maximal run
    of ops placed on one device into a `weft.partition` on that device. Runs
    of a topological order are convex, so partitions never depend on each
    other in a cycle. A partition's operands are the values it reads from
    outside; constants it uses are copied into it (weights are loaded onto
    each device once), and its results are the values used after it.
  }];
  let dependentDialects = ["::weft::WeftDialect"];
  let statistics = [
    Statistic<"numPartitions", "partitions", "Number of partitions made">
  ];
}

def InsertTransfersPass : Pass<"weft-insert-transfers", "mlir::ModuleOp"> {
  let summary = "Make moves between devices explicit with weft.transfer";
  let description = [{
    Where a partition reads a value that lives on another device (another
    partition's result, or a graph input, which lives on the first device of
    the description), inserts one `weft.transfer` per value and destination;
    graph outputs are moved back to the first device.
  }];
  let dependentDialects = ["::weft::WeftDialect"];
  let statistics = [
    Statistic<"numTransfers", "transfers", "Number of transfers inserted">
  ];
}

def SchedulePass : Pass<"weft-schedule", "mlir::ModuleOp"> {
  let summary = "Turn partitions into tasks: the graph the runtime executes";
  let description = [{
    After `--weft-partition` (and `--weft-insert-transfers`), outlines each
    partition of `@main` into a private function `@main_part<N>` and replaces
    it with a `weft.task` calling it on the partition's device. `@main` is
    then the task graph: tasks and transfers in the static order the runtime
    follows, with data dependencies as operands and predicted start and
    finish times (from the placement and the device description) on each.
  }];
  let dependentDialects = ["::weft::WeftDialect", "::mlir::func::FuncDialect"];
  let statistics = [
    Statistic<"numTasks", "tasks", "Number of tasks made">
  ];
}

def ReportPass : Pass<"weft-report", "mlir::ModuleOp"> {
  let summary = "Write the placement and its predicted schedule as pictures";
  let description = [{
    After `--weft-place`, writes into `dir`: `placement.txt` (each op's
    device, predicted times and the makespan), `placement.dot` and
    `placement.svg` (the graph coloured by device, through Graphviz),
    `schedule.json` (a Chrome trace for Perfetto or chrome://tracing) and
    `schedule.svg` (a Gantt chart of the predicted schedule).
  }];
  let options = [
    Option<"dir", "dir", "std::string", /*default=*/"\"report\"",
           "Folder the report is written to">
  ];
}

#endif // WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_TD
