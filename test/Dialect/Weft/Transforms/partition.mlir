// RUN: weft-opt --split-input-file --weft-partition --verify-diagnostics %s | FileCheck %s

// Independent work on the two devices is reordered so that each device's ops
// form one partition; constants are copied into the partitions that use them.
// CHECK-LABEL: func @main
// CHECK: %[[GPU:.*]]:2 = weft.partition on #weft.device<"cuda:0">(%{{.*}}, %{{.*}})
// CHECK: onnx.Constant
// CHECK: onnx.MatMul
// CHECK: onnx.Add
// CHECK: weft.yield
// CHECK: %[[CPU:.*]] = weft.partition on #weft.device<"cpu:0">(%{{.*}})
// CHECK: onnx.Relu
// CHECK: weft.yield
// CHECK: return %[[GPU]]#1, %[[CPU]], %[[GPU]]#0
module {
  func.func @main(%a: tensor<4x4xf32>, %b: tensor<4x4xf32>, %c: tensor<4xf32>) -> (tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>) {
    %w = onnx.Constant() {value = dense<1.0> : tensor<4x4xf32>} : () -> tensor<4x4xf32>
    %m = onnx.MatMul(%a, %b) {weft.device = #weft.device<"cuda:0">} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    %r = onnx.Relu(%c) {weft.device = #weft.device<"cpu:0">} : (tensor<4xf32>) -> tensor<4xf32>
    %s = onnx.Add(%m, %w) {weft.device = #weft.device<"cuda:0">} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
    return %s, %r, %m : tensor<4x4xf32>, tensor<4xf32>, tensor<4x4xf32>
  }
}

// -----

// A chain that goes GPU -> CPU -> GPU needs three partitions: merging the
// two GPU ones would make a cycle between partitions.
// CHECK-LABEL: func @main
// CHECK: weft.partition on #weft.device<"cuda:0">
// CHECK: weft.partition on #weft.device<"cpu:0">
// CHECK: weft.partition on #weft.device<"cuda:0">
// CHECK-NOT: weft.partition
module {
  func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
    %0 = onnx.Relu(%a) {weft.device = #weft.device<"cuda:0">} : (tensor<4xf32>) -> tensor<4xf32>
    %1 = onnx.Neg(%0) {weft.device = #weft.device<"cpu:0">} : (tensor<4xf32>) -> tensor<4xf32>
    %2 = onnx.Exp(%1) {weft.device = #weft.device<"cuda:0">} : (tensor<4xf32>) -> tensor<4xf32>
    return %2 : tensor<4xf32>
  }
}

// -----

module {
  func.func @main(%a: tensor<4xf32>) -> tensor<4xf32> {
    // expected-error @+1 {{has no device: run --weft-place first}}
    %0 = onnx.Relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
    return %0 : tensor<4xf32>
  }
}
