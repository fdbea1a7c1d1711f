// RUN: weft-opt --split-input-file --canonicalize %s | FileCheck %s

// CHECK-LABEL: func @identity_and_dropout
// CHECK-SAME: (%[[X:.*]]: tensor<4xf32>)
func.func @identity_and_dropout(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK-NOT: onnx.Identity
  // CHECK-NOT: onnx.Dropout
  // CHECK: return %[[X]]
  %0 = onnx.Identity(%x) : (tensor<4xf32>) -> tensor<4xf32>
  %none = onnx.NoValue
  %1, %mask = onnx.Dropout(%0, %none, %none) : (tensor<4xf32>, none, none) -> (tensor<4xf32>, none)
  return %1 : tensor<4xf32>
}

// -----

// Shape of a static tensor is a constant; Reshape chains collapse.
// CHECK-LABEL: func @shape_and_reshape
func.func @shape_and_reshape(%x: tensor<2x3x4xf32>) -> (tensor<3xi64>, tensor<24xf32>) {
  // CHECK: onnx.Constant() {value = dense<[2, 3, 4]> : tensor<3xi64>}
  %s = onnx.Shape(%x) : (tensor<2x3x4xf32>) -> tensor<3xi64>
  %a = onnx.Constant() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %b = onnx.Constant() {value = dense<[24]> : tensor<1xi64>} : () -> tensor<1xi64>
  // CHECK: onnx.Reshape(%{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, tensor<1xi64>) -> tensor<24xf32>
  %r0 = onnx.Reshape(%x, %a) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %r1 = onnx.Reshape(%r0, %b) : (tensor<6x4xf32>, tensor<1xi64>) -> tensor<24xf32>
  return %s, %r1 : tensor<3xi64>, tensor<24xf32>
}

// -----

// Transposes that undo each other disappear.
// CHECK-LABEL: func @transposes
// CHECK-SAME: (%[[X:.*]]: tensor<2x3x4xf32>)
func.func @transposes(%x: tensor<2x3x4xf32>) -> tensor<2x3x4xf32> {
  // CHECK-NOT: onnx.Transpose
  // CHECK: return %[[X]]
  %0 = onnx.Transpose(%x) {perm = array<i64: 1, 2, 0>} : (tensor<2x3x4xf32>) -> tensor<3x4x2xf32>
  %1 = onnx.Transpose(%0) {perm = array<i64: 2, 0, 1>} : (tensor<3x4x2xf32>) -> tensor<2x3x4xf32>
  return %1 : tensor<2x3x4xf32>
}

// -----

// CHECK-LABEL: func @constant_forms
func.func @constant_forms() -> (tensor<f32>, tensor<2xi64>) {
  // CHECK-DAG: onnx.Constant() {value = dense<1.500000e+00> : tensor<f32>}
  // CHECK-DAG: onnx.Constant() {value = dense<[3, 4]> : tensor<2xi64>}
  %0 = onnx.Constant() {value_float = 1.5 : f32} : () -> tensor<f32>
  %1 = onnx.Constant() {value_ints = array<i64: 3, 4>} : () -> tensor<2xi64>
  return %0, %1 : tensor<f32>, tensor<2xi64>
}

// -----

// A Reshape chain whose outer shape is computed at run time stays.
// CHECK-LABEL: func @reshape_dynamic_shape
func.func @reshape_dynamic_shape(%x: tensor<2x3x4xf32>, %s: tensor<2xi64>) -> tensor<?x?xf32> {
  // CHECK: onnx.Reshape
  // CHECK: onnx.Reshape
  %a = onnx.Constant() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %r0 = onnx.Reshape(%x, %a) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %r1 = onnx.Reshape(%r0, %s) : (tensor<6x4xf32>, tensor<2xi64>) -> tensor<?x?xf32>
  return %r1 : tensor<?x?xf32>
}
