// The indexing family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=indexing" %s | FileCheck %s

// Gather reads the data at clamped, wrapped indices.
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic
// CHECK: arith.cmpi slt
// CHECK: tensor.extract
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<4x3xf32> {onnx.name = "x"}, %arg1: tensor<2xi64> {onnx.name = "i"}) -> (tensor<2x3xf32> {onnx.name = "y"}) {
  %0 = onnx.Gather(%arg0, %arg1) : (tensor<4x3xf32>, tensor<2xi64>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}
