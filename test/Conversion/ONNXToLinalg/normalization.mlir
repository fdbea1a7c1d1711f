// The normalization family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=normalization,data" %s | FileCheck %s

// LayerNormalization: mean, variance, then the normalized, scaled and
// shifted values.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic
// CHECK: math.sqrt
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Constant() {value = dense<1.000000e+00> : tensor<8xf32>} : () -> tensor<8xf32>
  %1 = onnx.Constant() {value = dense<0.000000e+00> : tensor<8xf32>} : () -> tensor<8xf32>
  %Y, %Mean, %InvStdDev = onnx.LayerNormalization(%arg0, %0, %1) : (tensor<2x8xf32>, tensor<8xf32>, tensor<8xf32>) -> (tensor<2x8xf32>, none, none)
  return %Y : tensor<2x8xf32>
}
