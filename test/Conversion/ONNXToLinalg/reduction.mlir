// The reduction family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=reduction,data" %s | FileCheck %s

// ReduceSum over axis 1: a fill with zero and a reduction generic.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.fill
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "reduction"]
// CHECK: arith.addf
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2xf32> {onnx.name = "y"}) {
  %0 = onnx.Constant() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %1 = onnx.ReduceSum(%arg0, %0) {keepdims = 0 : i64} : (tensor<2x8xf32>, tensor<1xi64>) -> tensor<2xf32>
  return %1 : tensor<2xf32>
}
