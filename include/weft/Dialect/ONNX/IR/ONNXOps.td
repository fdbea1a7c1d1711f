//===- ONNXOps.td - The onnx dialect's operations ------------*- tablegen -*-===//
//
// Two structural ops written by hand (onnx.NoValue, onnx.Yield), then every
// ONNX operator, generated at build time into ONNXOperators.td.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_DIALECT_ONNX_IR_ONNXOPS_TD
#define WEFT_DIALECT_ONNX_IR_ONNXOPS_TD

include "weft/Dialect/ONNX/IR/ONNXBase.td"
include "mlir/IR/BuiltinAttributes.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"

def ONNXNoValueOp : ONNX_Op<"NoValue", [Pure, ConstantLike]> {
  let summary = "an absent optional input";
  let description = [{
    Stands for an optional ONNX input that a node leaves empty.

    ```mlir
    %none = onnx.NoValue
    %y = onnx.Clip(%x, %none, %max) : (tensor<4xf32>, none, tensor<f32>) -> tensor<4xf32>
    ```
  }];
  let results = (outs NoneType:$none);
  let builders = [
    OpBuilder<(ins), [{ build($_builder, $_state, $_builder.getNoneType()); }]>
  ];
  let assemblyFormat = "attr-dict";
  let hasFolder = 1;
}

def ONNXYieldOp : ONNX_Op<"Yield", [Pure, Terminator, ReturnLike]> {
  let summary = "the outputs of a subgraph (If, Loop, Scan bodies)";
  let description = [{
    Ends the region of a graph attribute and yields the subgraph's outputs.

    ```mlir
    %r = onnx.If(%cond) : (tensor<i1>) -> tensor<2xf32> {
      onnx.Yield %a : tensor<2xf32>
    }, {
      onnx.Yield %b : tensor<2xf32>
    }
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$outputs);
  let assemblyFormat = "attr-dict ($outputs^ `:` type($outputs))?";
}

include "weft/Dialect/ONNX/IR/ONNXOperators.td"

#endif // WEFT_DIALECT_ONNX_IR_ONNXOPS_TD
