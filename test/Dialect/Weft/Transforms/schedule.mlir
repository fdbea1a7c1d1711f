// The whole placement flow, as a user runs it.
// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=heft \
// RUN:   --weft-partition --weft-insert-transfers --weft-schedule %s | FileCheck %s

// Each partition is outlined into a function that keeps its device...
// CHECK: func.func private @main_part0(%{{.*}}: tensor<512x512xf32>, %{{.*}}: tensor<512x512xf32>) -> tensor<512x512xf32> attributes {weft.device = #weft.device<"cuda:0">}
// CHECK: onnx.MatMul
// CHECK: return
// CHECK: func.func private @main_part1(%{{.*}}: tensor<4xf32>) -> tensor<4xf32> attributes {weft.device = #weft.device<"cpu:0">}
// ...and @main is the task graph in static order, with predicted times.
// CHECK-LABEL: func.func @main
// CHECK: %[[A:.*]] = weft.transfer %arg0 {{.*}} to #weft.device<"cuda:0"> {finish_us = {{.*}}, start_us = 0.000000e+00 : f64}
// CHECK: %[[B:.*]] = weft.transfer %arg1
// CHECK: %[[MM:.*]] = weft.task @main_part0 on #weft.device<"cuda:0">(%[[A]], %[[B]]) {finish_us = {{.*}}, start_us = {{.*}}}
// CHECK: %[[BACK:.*]] = weft.transfer %[[MM]] {{.*}} to #weft.device<"cpu:0">
// CHECK: %[[RELU:.*]] = weft.task @main_part1 on #weft.device<"cpu:0">(%arg2)
// CHECK: return %[[BACK]], %[[RELU]]
func.func @main(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>, %c: tensor<4xf32>) -> (tensor<512x512xf32>, tensor<4xf32>) {
  %m = onnx.MatMul(%a, %b) : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
  %r = onnx.Relu(%c) : (tensor<4xf32>) -> tensor<4xf32>
  return %m, %r : tensor<512x512xf32>, tensor<4xf32>
}
