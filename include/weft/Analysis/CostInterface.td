//===- CostInterface.td - What an op costs --------------------*- tablegen -*-===//

#ifndef WEFT_ANALYSIS_COSTINTERFACE_TD
#define WEFT_ANALYSIS_COSTINTERFACE_TD

include "mlir/IR/OpBase.td"

def CostOpInterface : OpInterface<"CostOpInterface"> {
  let cppNamespace = "::weft";
  let description = [{
    The work an op does, for the cost model: floating-point operations,
    bytes read and written, and its kind ("matmul", "conv", "elementwise",
    "reduction", "normalization", "movement", "view"), which selects the
    efficiency a device reaches on it. Ops that do not implement it are
    costed as elementwise work over their operands and results.
  }];
  let methods = [
    InterfaceMethod<"Estimates the op's work.", "::weft::OpCost", "estimateCost">
  ];
}

#endif // WEFT_ANALYSIS_COSTINTERFACE_TD
