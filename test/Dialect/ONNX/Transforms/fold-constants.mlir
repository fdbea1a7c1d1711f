// RUN: weft-opt --split-input-file --weft-fold-constants %s | FileCheck %s

// The shape arithmetic torch exports folds to one constant.
// CHECK-LABEL: func @torch_shape_chain
func.func @torch_shape_chain(%x: tensor<1x128x256xf32>) -> tensor<1x128x4x64xf32> {
  // CHECK: %[[SHAPE:.*]] = onnx.Constant() {value = dense<[1, 128, 4, 64]> : tensor<4xi64>}
  // CHECK: onnx.Reshape(%{{.*}}, %[[SHAPE]])
  %s = onnx.Constant() {value = dense<[1, 128, 256]> : tensor<3xi64>} : () -> tensor<3xi64>
  %i0 = onnx.Constant() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %i1 = onnx.Constant() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %d0 = onnx.Gather(%s, %i0) {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %d1 = onnx.Gather(%s, %i1) {axis = 0 : i64} : (tensor<3xi64>, tensor<1xi64>) -> tensor<1xi64>
  %h = onnx.Constant() {value = dense<4> : tensor<1xi64>} : () -> tensor<1xi64>
  %c64 = onnx.Constant() {value = dense<64> : tensor<1xi64>} : () -> tensor<1xi64>
  %shape = onnx.Concat(%d0, %d1, %h, %c64) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<4xi64>
  %r = onnx.Reshape(%x, %shape) : (tensor<1x128x256xf32>, tensor<4xi64>) -> tensor<1x128x4x64xf32>
  return %r : tensor<1x128x4x64xf32>
}

// -----

// CHECK-LABEL: func @arithmetic_and_slice
func.func @arithmetic_and_slice() -> (tensor<2xi64>, tensor<3xf32>) {
  // CHECK-DAG: dense<[20, 30]> : tensor<2xi64>
  // CHECK-DAG: dense<[2.000000e+00, 3.000000e+00, 4.000000e+00]> : tensor<3xf32>
  %a = onnx.Constant() {value = dense<[1, 2, 3, 4]> : tensor<4xi64>} : () -> tensor<4xi64>
  %ten = onnx.Constant() {value = dense<10> : tensor<i64>} : () -> tensor<i64>
  %m = onnx.Mul(%a, %ten) : (tensor<4xi64>, tensor<i64>) -> tensor<4xi64>
  %st = onnx.Constant() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %en = onnx.Constant() {value = dense<3> : tensor<1xi64>} : () -> tensor<1xi64>
  %none = onnx.NoValue
  %sl = onnx.Slice(%m, %st, %en, %none, %none) : (tensor<4xi64>, tensor<1xi64>, tensor<1xi64>, none, none) -> tensor<2xi64>
  %f = onnx.Constant() {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %one = onnx.Constant() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %g = onnx.Add(%f, %one) : (tensor<3xf32>, tensor<f32>) -> tensor<3xf32>
  return %sl, %g : tensor<2xi64>, tensor<3xf32>
}

// -----

// Non-constant inputs are left alone.
// CHECK-LABEL: func @not_constant
func.func @not_constant(%a: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: onnx.Add
  %one = onnx.Constant() {value = dense<1.0> : tensor<f32>} : () -> tensor<f32>
  %0 = onnx.Add(%a, %one) : (tensor<2xf32>, tensor<f32>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

// Slices going backwards clamp as ONNX says.
// CHECK-LABEL: func @slice_backwards
func.func @slice_backwards() -> tensor<3xi64> {
  // CHECK: dense<[4, 3, 2]> : tensor<3xi64>
  %a = onnx.Constant() {value = dense<[0, 1, 2, 3, 4]> : tensor<5xi64>} : () -> tensor<5xi64>
  %st = onnx.Constant() {value = dense<100> : tensor<1xi64>} : () -> tensor<1xi64>
  %en = onnx.Constant() {value = dense<1> : tensor<1xi64>} : () -> tensor<1xi64>
  %ax = onnx.Constant() {value = dense<0> : tensor<1xi64>} : () -> tensor<1xi64>
  %sp = onnx.Constant() {value = dense<-1> : tensor<1xi64>} : () -> tensor<1xi64>
  %0 = onnx.Slice(%a, %st, %en, %ax, %sp) : (tensor<5xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %0 : tensor<3xi64>
}

// -----

// What cannot be folded exactly stays: integer overflow, mixed operand
// kinds, a result type that contradicts the operands.
// CHECK-LABEL: func @left_alone
func.func @left_alone() -> (tensor<1xi64>, tensor<2xf32>, tensor<3xi64>) {
  // CHECK: onnx.Mul
  // CHECK: onnx.Pow
  // CHECK: onnx.Concat
  %big = onnx.Constant() {value = dense<9223372036854775807> : tensor<1xi64>} : () -> tensor<1xi64>
  %two = onnx.Constant() {value = dense<2> : tensor<1xi64>} : () -> tensor<1xi64>
  %m = onnx.Mul(%big, %two) : (tensor<1xi64>, tensor<1xi64>) -> tensor<1xi64>
  %f = onnx.Constant() {value = dense<[1.5, 2.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %p = onnx.Pow(%f, %two) : (tensor<2xf32>, tensor<1xi64>) -> tensor<2xf32>
  %c = onnx.Concat(%two, %two) {axis = 0 : i64} : (tensor<1xi64>, tensor<1xi64>) -> tensor<3xi64>
  return %m, %p, %c : tensor<1xi64>, tensor<2xf32>, tensor<3xi64>
}
