// The data family alone: constants, reshapes, transposes, identities.
// RUN: weft-opt --convert-onnx-to-linalg="families=data" %s | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK: linalg.transpose ins(%{{.*}} : tensor<2x3xf32>) outs(%{{.*}} : tensor<3x2xf32>) permutation = [1, 0]
// CHECK: tensor.reshape %{{.*}} : (tensor<3x2xf32>, tensor<1xindex>) -> tensor<6xf32>
// CHECK-NOT: onnx.{{[A-Z]}}
func.func @main(%x: tensor<2x3xf32>) -> tensor<6xf32> {
  %t = onnx.Transpose(%x) {perm = array<i64: 1, 0>} : (tensor<2x3xf32>) -> tensor<3x2xf32>
  %s = onnx.Constant() {value = dense<6> : tensor<1xi64>} : () -> tensor<1xi64>
  %r = onnx.Reshape(%t, %s) : (tensor<3x2xf32>, tensor<1xi64>) -> tensor<6xf32>
  %i = onnx.Identity(%r) : (tensor<6xf32>) -> tensor<6xf32>
  return %i : tensor<6xf32>
}
