// The scatter family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=scatter" %s | FileCheck %s

// ScatterElements: each output element looks for the last update that
// targets it.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic
// CHECK: scf.for
// CHECK: arith.select
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<4x3xf32> {onnx.name = "x"}, %arg1: tensor<1x3xi64> {onnx.name = "i"}, %arg2: tensor<1x3xf32> {onnx.name = "u"}) -> (tensor<4x3xf32> {onnx.name = "y"}) {
  %0 = onnx.ScatterElements(%arg0, %arg1, %arg2) : (tensor<4x3xf32>, tensor<1x3xi64>, tensor<1x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}
