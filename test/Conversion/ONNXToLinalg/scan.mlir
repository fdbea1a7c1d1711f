// The scan family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=scan,data" %s | FileCheck %s

// CumSum sums along its axis, one loop per output element.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.addf
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<4x3xf32> {onnx.name = "x"}) -> (tensor<4x3xf32> {onnx.name = "y"}) {
  %0 = onnx.Constant() {value = dense<1> : tensor<i64>} : () -> tensor<i64>
  %1 = onnx.CumSum(%arg0, %0) : (tensor<4x3xf32>, tensor<i64>) -> tensor<4x3xf32>
  return %1 : tensor<4x3xf32>
}
