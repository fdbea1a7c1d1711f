// The softmax family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=softmax" %s | FileCheck %s

// Softmax: the max, the exponentials shifted by it, their sum, the quotient.
// CHECK-LABEL: func.func @main(
// CHECK: arith.maximumf
// CHECK: math.exp
// CHECK: arith.addf
// CHECK: arith.divf
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x8xf32> {onnx.name = "x"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Softmax(%arg0) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %0 : tensor<2x8xf32>
}
