// RUN: weft-opt --weft-materialize-outputs %s | FileCheck %s

// Outputs that are an input or a constant get an Identity each; computed
// outputs are left alone.
// CHECK-LABEL: func.func @main(
// CHECK-DAG: %[[C:.*]] = onnx.Constant
// CHECK-DAG: %[[R:.*]] = onnx.Relu(%arg0)
// CHECK: %[[IN:.*]] = onnx.Identity(%arg0)
// CHECK: %[[K:.*]] = onnx.Identity(%[[C]])
// CHECK: return %[[IN]], %[[K]], %[[R]]
func.func @main(%x: tensor<4xf32>) -> (tensor<4xf32>, tensor<2xf32>, tensor<4xf32>) {
  %c = onnx.Constant() {value = dense<[1.0, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %r = onnx.Relu(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %x, %c, %r : tensor<4xf32>, tensor<2xf32>, tensor<4xf32>
}
