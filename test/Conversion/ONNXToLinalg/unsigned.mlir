// RUN: weft-opt --convert-onnx-to-linalg %s | FileCheck %s

// Unsigned integers become signless ones first, and their ops pick the
// unsigned operations: uint8 division is divui, not divsi.
// CHECK-LABEL: func.func @main(
// CHECK-SAME: tensor<4xi8>
// CHECK: arith.divui
// CHECK-NOT: arith.divsi
func.func @main(%x: tensor<4xui8>, %y: tensor<4xui8>) -> tensor<4xui8> {
  %z = onnx.Div(%x, %y) : (tensor<4xui8>, tensor<4xui8>) -> tensor<4xui8>
  return %z : tensor<4xui8>
}
