//===- Passes.td - Passes on the onnx dialect ----------------*- tablegen -*-===//

#ifndef WEFT_DIALECT_ONNX_TRANSFORMS_PASSES_TD
#define WEFT_DIALECT_ONNX_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def InferShapesPass : Pass<"weft-infer-shapes"> {
  let summary = "Infer result types and shapes with ONNX's own inference";
  let description = [{
    Runs each op's ONNX type-and-shape inference function (from ONNX's schema
    registry) on its operand types, attributes and constant operands, and
    refines result types: static dims are resolved, dims ONNX cannot know stay
    dynamic (`?`). Ops whose types are already as precise are untouched; an op
    whose inputs ONNX rejects is reported with its location.

    ```mlir
    %0 = onnx.Relu(%x) : (tensor<1x3xf32>) -> tensor<*xf32>
    // becomes
    %0 = onnx.Relu(%x) : (tensor<1x3xf32>) -> tensor<1x3xf32>
    ```
  }];
  let dependentDialects = ["::weft::ONNXDialect"];
  let statistics = [
    Statistic<"numRefined", "refined-values", "Number of results whose type was refined">
  ];
}

def FoldConstantsPass : Pass<"weft-fold-constants"> {
  let summary = "Evaluate onnx ops whose inputs are all constants";
  let description = [{
    Replaces ops whose operands are all `onnx.Constant` tensors with the
    constant they compute: the shape arithmetic torch exports (Shape, Gather,
    Concat, Unsqueeze, Slice, Cast, Range, elementwise arithmetic on shapes)
    and elementwise work on weights (Transpose, Add, Mul, Sqrt, ...).
    Results larger than `max-elements` are left alone.
  }];
  let dependentDialects = ["::weft::ONNXDialect"];
  let options = [
    Option<"maxElements", "max-elements", "int64_t", /*default=*/"1 << 24",
           "Largest result (in elements) that is folded">
  ];
  let statistics = [
    Statistic<"numFolded", "folded-ops", "Number of ops folded into constants">
  ];
}

def FoldBatchNormPass : Pass<"weft-fold-batchnorm"> {
  let summary = "Fold inference BatchNormalization into the Conv before it";
  let description = [{
    Conv(x, W, B) followed by BatchNormalization(scale, bias, mean, var) with
    constant parameters, where the Conv has no other user, becomes one Conv
    with W' = W * scale / sqrt(var + eps) per output channel and
    B' = (B - mean) * scale / sqrt(var + eps) + bias.
  }];
  let dependentDialects = ["::weft::ONNXDialect"];
  let statistics = [
    Statistic<"numFolded", "folded-batchnorms", "Number of BatchNormalization ops folded">
  ];
}

#endif // WEFT_DIALECT_ONNX_TRANSFORMS_PASSES_TD
