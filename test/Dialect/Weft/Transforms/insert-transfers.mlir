// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-insert-transfers %s | FileCheck %s

// Graph inputs live on the first device (cpu:0); each value moves once per
// destination; outputs come back to cpu:0.
// CHECK-LABEL: func @main
// CHECK: %[[IN:.*]] = weft.transfer %arg0 : tensor<4xf32> from #weft.device<"cpu:0"> to #weft.device<"cuda:0">
// CHECK: %[[P:.*]] = weft.partition on #weft.device<"cuda:0">(%[[IN]])
// CHECK: %[[BACK:.*]] = weft.transfer %[[P]] : tensor<4xf32> from #weft.device<"cuda:0"> to #weft.device<"cpu:0">
// CHECK: %[[Q:.*]] = weft.partition on #weft.device<"cuda:0">(%[[IN]], %[[P]])
// CHECK: %[[OUT:.*]] = weft.transfer %[[Q]] : tensor<4xf32> from #weft.device<"cuda:0"> to #weft.device<"cpu:0">
// CHECK: %[[C:.*]] = weft.partition on #weft.device<"cpu:0">(%[[BACK]])
// CHECK-NOT: weft.transfer
// CHECK: return %[[C]], %[[OUT]]
func.func @main(%a: tensor<4xf32>) -> (tensor<4xf32>, tensor<4xf32>) {
  %p = weft.partition on #weft.device<"cuda:0">(%a) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %r = onnx.Relu(%x) : (tensor<4xf32>) -> tensor<4xf32>
    weft.yield %r : tensor<4xf32>
  }
  %q = weft.partition on #weft.device<"cuda:0">(%a, %p) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>, %y: tensor<4xf32>):
    %s = onnx.Add(%x, %y) : (tensor<4xf32>, tensor<4xf32>) -> tensor<4xf32>
    weft.yield %s : tensor<4xf32>
  }
  %c = weft.partition on #weft.device<"cpu:0">(%p) : (tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    %n = onnx.Neg(%x) : (tensor<4xf32>) -> tensor<4xf32>
    weft.yield %n : tensor<4xf32>
  }
  return %c, %q : tensor<4xf32>, tensor<4xf32>
}
