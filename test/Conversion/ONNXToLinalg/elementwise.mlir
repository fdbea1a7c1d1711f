// The elementwise family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=elementwise" %s | FileCheck %s

// Elementwise ops become one linalg.generic each, with numpy broadcasting
// (the bias row is read through a map that drops the batch dim).
// CHECK-LABEL: func.func @main(
// CHECK: linalg.generic {indexing_maps = [#{{.*}}, #{{.*}}, #{{.*}}], iterator_types = ["parallel", "parallel"]}
// CHECK: arith.addf
// CHECK: linalg.generic
// CHECK: math.tanh
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<2x8xf32> {onnx.name = "x"}, %arg1: tensor<8xf32> {onnx.name = "b"}) -> (tensor<2x8xf32> {onnx.name = "y"}) {
  %0 = onnx.Add(%arg0, %arg1) : (tensor<2x8xf32>, tensor<8xf32>) -> tensor<2x8xf32>
  %1 = onnx.Tanh(%0) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %1 : tensor<2x8xf32>
}
