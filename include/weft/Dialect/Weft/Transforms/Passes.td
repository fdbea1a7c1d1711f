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
    bound; small graphs), `greedy` (fastest device per op, ignoring
    transfers), `single=<device>`. All respect what each device can run and
    how much memory it has. The predicted makespan is stored on the module as
    `weft.makespan_us`.
  }];
  let dependentDialects = ["::weft::WeftDialect"];
  let options = [
    Option<"strategy", "strategy", "std::string", /*default=*/"\"heft\"",
           "heft, exact, greedy or single=<device>">,
    Option<"report", "report", "bool", /*default=*/"false",
           "Print the placement, makespan and device utilization">
  ];
}

#endif // WEFT_DIALECT_WEFT_TRANSFORMS_PASSES_TD
