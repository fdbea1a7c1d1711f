// The cast-concat family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=cast-concat" %s | FileCheck %s

// Cast is an elementwise conversion; Concat inserts each part into its slice.
// CHECK-LABEL: func.func @main(
// CHECK: arith.fptosi
// CHECK: tensor.insert_slice
// CHECK: tensor.insert_slice
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x3xf32> {onnx.name = "x"}) -> (tensor<4x3xi64> {onnx.name = "y"}) {
  %0 = onnx.Cast(%arg0) {to = 7 : i64} : (tensor<2x3xf32>) -> tensor<2x3xi64>
  %1 = onnx.Concat(%0, %0) {axis = 0 : i64} : (tensor<2x3xi64>, tensor<2x3xi64>) -> tensor<4x3xi64>
  return %1 : tensor<4x3xi64>
}
