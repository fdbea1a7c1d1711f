// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=heft \
// RUN:   --weft-partition --weft-insert-transfers --weft-schedule \
// RUN:   --weft-sink-constants %s | FileCheck %s

// The weights move into the task that reads them: the task takes only the
// computed input, and @main keeps no constant.
// CHECK: func.func private @main_part0(%[[X:.*]]: tensor<512x512xf32>) -> tensor<512x512xf32>
// CHECK: %[[W:.*]] = onnx.Constant
// CHECK: onnx.MatMul(%[[X]], %[[W]])
// CHECK-LABEL: func.func @main(
// CHECK-NOT: onnx.Constant
// CHECK: weft.task @main_part0 on #weft.device<"cuda:0">(%{{[^,]*}})
func.func @main(%a: tensor<512x512xf32>) -> tensor<512x512xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<512x512xf32>} : () -> tensor<512x512xf32>
  %m = onnx.MatMul(%a, %w) : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
  return %m : tensor<512x512xf32>
}
