// The arg-reduction family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=arg-reduction" %s | FileCheck %s

// ArgMax keeps the value and the index of the largest so far.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.cmpf
// CHECK: arith.select
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2xi64> {onnx.name = "y"}) {
  %0 = onnx.ArgMax(%arg0) {axis = 1 : i64, keepdims = 0 : i64} : (tensor<2x8xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}
