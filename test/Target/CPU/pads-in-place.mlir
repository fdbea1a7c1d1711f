// RUN: weft-opt --pass-pipeline='builtin.module(func.func(convert-onnx-to-linalg),canonicalize,func.func(weft-decompose-pads),eliminate-empty-tensors,one-shot-bufferize{bufferize-function-boundaries function-boundary-type-conversion=identity-layout-map},cse,canonicalize)' %s | FileCheck %s

// The front of the CPU pipeline: a 1x1 convolution with a Clip, computed
// as a matrix product, writes its biased and clipped result straight into
// the interior of the padded buffer the depthwise convolution after it
// reads -- no copy of the result into that buffer.
// CHECK-LABEL: func.func @pointwise_then_depthwise
// CHECK: %[[PADDED:.*]] = memref.alloc() {{.*}} : memref<1x4x10x10xf32>
// CHECK: %[[INTERIOR:.*]] = memref.subview %[[PADDED]][0, 0, 1, 1] [1, 4, 8, 8] [1, 1, 1, 1]
// CHECK: linalg.generic {{.*}} outs(%[[INTERIOR]] :
// CHECK-NOT: memref.copy
// CHECK: return
func.func @pointwise_then_depthwise(%x: tensor<1x2x8x8xf32>) -> tensor<1x4x8x8xf32> {
  %w = onnx.Constant() {value = dense<0.5> : tensor<4x2x1x1xf32>} : () -> tensor<4x2x1x1xf32>
  %b = onnx.Constant() {value = dense<0.25> : tensor<4xf32>} : () -> tensor<4xf32>
  %dw = onnx.Constant() {value = dense<1.0> : tensor<4x1x3x3xf32>} : () -> tensor<4x1x3x3xf32>
  %lo = onnx.Constant() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %hi = onnx.Constant() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
  %n = "onnx.NoValue"() {value} : () -> none
  %c = onnx.Conv(%x, %w, %b) {kernel_shape = array<i64: 1, 1>} : (tensor<1x2x8x8xf32>, tensor<4x2x1x1xf32>, tensor<4xf32>) -> tensor<1x4x8x8xf32>
  %r = onnx.Clip(%c, %lo, %hi) : (tensor<1x4x8x8xf32>, tensor<f32>, tensor<f32>) -> tensor<1x4x8x8xf32>
  %y = onnx.Conv(%r, %dw, %n) {group = 4 : i64, pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x4x8x8xf32>, tensor<4x1x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}
