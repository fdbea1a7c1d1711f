// The matmul family alone (with `data` for the weights).
// RUN: weft-opt --convert-onnx-to-linalg="families=matmul,data" %s | FileCheck %s

// MatMul on constant weights: a contraction marked so that the CPU packs
// the weights once.
// CHECK-LABEL: func.func @main(
// CHECK: arith.constant dense<5.000000e-01> : tensor<8x4xf32>
// CHECK: linalg.fill
// CHECK: linalg.{{matmul|generic}}{{.*}}weft.pack_weights
// CHECK-NOT: onnx.{{[A-Z]}}
func.func @main(%x: tensor<2x8xf32>) -> tensor<2x4xf32> {
  %w = onnx.Constant() {value = dense<0.5> : tensor<8x4xf32>} : () -> tensor<8x4xf32>
  %y = onnx.MatMul(%x, %w) : (tensor<2x8xf32>, tensor<8x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}
