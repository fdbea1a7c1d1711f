// RUN: weft-opt --split-input-file --weft-infer-shapes %s | FileCheck %s

// CHECK-LABEL: func @elementwise
// CHECK-SAME: -> tensor<2x3xf32>
func.func @elementwise(%a: tensor<2x3xf32>, %b: tensor<3xf32>) -> tensor<*xf32> {
  // CHECK: onnx.Add{{.*}} -> tensor<2x3xf32>
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<*xf32>
  // CHECK: onnx.Relu{{.*}} -> tensor<2x3xf32>
  %1 = onnx.Relu(%0) : (tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}

// -----

// Reshape's target shape is read from its constant operand.
// CHECK-LABEL: func @reshape_from_constant
func.func @reshape_from_constant(%a: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant() {value = dense<[6, -1]> : tensor<2xi64>} : () -> tensor<2xi64>
  // CHECK: onnx.Reshape{{.*}} -> tensor<6x4xf32>
  %0 = onnx.Reshape(%a, %shape) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// Dims ONNX cannot know stay dynamic.
// CHECK-LABEL: func @dynamic_batch
func.func @dynamic_batch(%a: tensor<?x8xf32>, %w: tensor<8x4xf32>) -> tensor<*xf32> {
  // CHECK: onnx.MatMul{{.*}} -> tensor<?x4xf32>
  %0 = onnx.MatMul(%a, %w) : (tensor<?x8xf32>, tensor<8x4xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<1x3x32x32xf32>, %w: tensor<16x3x3x3xf32>) -> tensor<*xf32> {
  %none = onnx.NoValue
  // CHECK: onnx.Conv{{.*}} -> tensor<1x16x16x16xf32>
  %0 = onnx.Conv(%x, %w, %none) {pads = array<i64: 1, 1, 1, 1>, strides = array<i64: 2, 2>} : (tensor<1x3x32x32xf32>, tensor<16x3x3x3xf32>, none) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
