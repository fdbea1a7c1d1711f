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
           "Built-in device description or JSON file">,
    Option<"list", "list", "bool", /*default=*/"true",
           "The artifact lists the devices, which the runtime then schedules "
           "on by default (false: one CPU device per core)">
  ];
  let dependentDialects = ["::weft::WeftDialect"];
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
    (fastest device per op, ignoring transfers), `single=<device>`; strategies
    come from a registry (weft/Analysis/Placement.h) that other compilers can
    add to. All respect what each device can run and how much memory it has. The predicted makespan is stored on the module as
    `weft.makespan_us`.
  }];
  let dependentDialects = ["::weft::WeftDialect"];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"heft\"",
           "heft, exact, chain-dp, min-cut, greedy or single=<device>">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the placement, makespan and device utilization">,
    Option<"singleOnCPUOnly", "single-on-cpu-only", "bool",
           /*default=*/"false",
           "On a description of CPUs only, place every op on its first "
           "device whatever the strategy (weft-compile's CPU devices share "
           "a batch's chunks at run time instead)">
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

def SpecializeBatchPass : Pass<"weft-specialize-batch", "mlir::ModuleOp"> {
  let summary = "Compile a dynamic or split batch for one chunk per call";
  let description = [{
    If `@main`'s inputs have a dynamic dim 0 (and no other dynamic dim), or
    if `split-batch` > 0 splits their fixed batch (recorded by the importer
    as `onnx.fixed_batch`) into that many chunks: checks that the batch size
    only shapes reshapes and fills, and sets dim 0 of every input to the rows
    of one call (1, or batch / split-batch). The module records those rows as
    `weft.chunk` and, for a split batch, the whole batch as `weft.batch`; the
    runtime then calls the code once per chunk. A model run whole is left
    unchanged.

    ```mlir
    func.func @main(%x: tensor<?x4xf32>) -> tensor<?x2xf32>
    // becomes, with weft.chunk = 1 on the module:
    func.func @main(%x: tensor<1x4xf32>) -> tensor<?x2xf32>
    ```
  }];
  let options = [
    Option<"splitBatch", "split-batch", "int64_t", /*default=*/"0",
           "Split the fixed batch into this many chunks (0: run whole)">
  ];
  let dependentDialects = ["::weft::WeftDialect"];
}

def CheckPerSamplePass : Pass<"weft-check-per-sample", "mlir::ModuleOp"> {
  let summary = "Check that a model run in chunks keeps its samples apart";
  let description = [{
    After `--weft-specialize-batch` and shape inference: for a module with
    `weft.chunk`, checks op by op that the batch rides along dim 0 of every
    value computed from the inputs, never reduced over, moved, split or
    mixed, and that every output is batched. An op that does not keep
    samples apart is an error naming it and why. Modules run whole are left
    alone; the IR is never changed.
  }];
}

def MaterializeOutputsPass : Pass<"weft-materialize-outputs", "mlir::ModuleOp"> {
  let summary = "Give outputs that are constants or inputs an op of their own";
  let description = [{
    An output of `@main` that is a constant or one of its arguments gets an
    `onnx.Identity`, which placement puts on a device like any other op: a
    task then computes every output.

    ```mlir
    return %arg0 : tensor<4xf32>
    // becomes
    %0 = onnx.Identity(%arg0) : (tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
    ```
  }];
}

def SinkConstantsPass : Pass<"weft-sink-constants", "mlir::ModuleOp"> {
  let summary = "Move constants a task graph passes to tasks into the tasks";
  let description = [{
    After `--weft-schedule`: a constant (or `onnx.NoValue`) that `@main`
    passes to a task, or moves with a transfer, is copied into the task's
    function and its argument removed: weights become part of each device's
    code, and the graph moves only computed values.
  }];
  let statistics = [
    Statistic<"numSunk", "sunk-constants", "Task operands that were constants">
  ];
}

def OutlineDeviceCodePass
    : Pass<"weft-outline-device-code", "mlir::ModuleOp"> {
  let summary = "Move each device kind's task functions into a module of its own";
  let description = [{
    After `--weft-schedule` and `--weft-sink-constants`: the functions that
    tasks on CPUs call move into a nested `builtin.module @weft_host` and
    those on GPUs into `builtin.module @weft_cuda` (each with `weft.target`),
    where the device's lowering pipeline compiles them; `@main` keeps
    external declarations. With `variants=all`, GPU functions are also
    copied into the host module, so the runtime can run them where the GPU
    is absent. A graph of one CPU task that computes the outputs from the
    inputs becomes one entry point taking every input and output in order
    (the runtime calls it once per chunk of a batch, marked `weft.entry`).

    ```mlir
    module {
      func.func @main(%x: tensor<1x8xf32>) -> tensor<1x8xf32> {
        %0 = weft.task @main_part0 on #weft.device<"cpu:0">(%x) : ...
      }
      func.func private @main_part0(tensor<1x8xf32>) -> tensor<1x8xf32>
      module @weft_host attributes {weft.target = "cpu"} {
        func.func @main_part0(%a: tensor<1x8xf32>) -> tensor<1x8xf32> { ... }
      }
    }
    ```
  }];
  let options = [
    Option<"variants", "variants", "std::string", /*default=*/"\"placed\"",
           "placed (each function for the device it is placed on) or all "
           "(GPU functions for the CPU too)">
  ];
  let dependentDialects = ["::weft::WeftDialect"];
}

#endif // WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_TD
