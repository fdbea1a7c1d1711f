// The rearrange family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=rearrange,data" %s | FileCheck %s

// Tile reads its input at the output index modulo the input size.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic
// CHECK: arith.remui
// CHECK: tensor.extract
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x3xf32> {onnx.name = "x"}) -> (tensor<4x3xf32> {onnx.name = "y"}) {
  %0 = onnx.Constant() {value = dense<[2, 1]> : tensor<2xi64>} : () -> tensor<2xi64>
  %1 = onnx.Tile(%arg0, %0) : (tensor<2x3xf32>, tensor<2xi64>) -> tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}
