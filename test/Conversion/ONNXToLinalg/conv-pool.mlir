// The conv-pool family alone: a max pool is a reduction over the window,
// from -inf, keeping the larger (a NaN input stays out of the maximum).
// RUN: weft-opt --convert-onnx-to-linalg="families=conv-pool" %s | FileCheck %s

// CHECK-LABEL: func.func @main(
// CHECK: linalg.fill ins(%{{.*}} : f32)
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "parallel", "parallel", "reduction", "reduction"]
// CHECK: arith.cmpf ogt
// CHECK: arith.select
// CHECK-NOT: onnx.{{[A-Z]}}
func.func @main(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x2x2xf32> {
  %y, %i = onnx.MaxPool(%x) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 2, 2>} : (tensor<1x2x4x4xf32>) -> (tensor<1x2x2x2xf32>, none)
  return %y : tensor<1x2x2x2xf32>
}
