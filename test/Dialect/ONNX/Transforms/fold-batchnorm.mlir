// RUN: weft-opt --weft-fold-batchnorm %s | FileCheck %s

// W' = W * scale / sqrt(var + eps); B' = (B - mean) * scale / sqrt(var + eps) + bias
// With scale 4, var 3 (eps 1), mean 1, bias 5, B 0: factor 2, W' = 6, B' = -2 + 5 = 3.
// CHECK-LABEL: func @conv_bn
func.func @conv_bn(%x: tensor<1x1x4x4xf32>) -> tensor<1x1x4x4xf32> {
  // CHECK-NOT: onnx.BatchNormalization
  // CHECK: %[[W:.*]] = onnx.Constant() {value = dense<6.000000e+00> : tensor<1x1x1x1xf32>}
  // CHECK-NEXT: %[[B:.*]] = onnx.Constant() {value = dense<3.000000e+00> : tensor<1xf32>}
  // CHECK: onnx.Conv(%{{.*}}, %[[W]], %[[B]])
  // CHECK-NOT: onnx.BatchNormalization
  %w = onnx.Constant() {value = dense<3.0> : tensor<1x1x1x1xf32>} : () -> tensor<1x1x1x1xf32>
  %none = onnx.NoValue
  %c = onnx.Conv(%x, %w, %none) : (tensor<1x1x4x4xf32>, tensor<1x1x1x1xf32>, none) -> tensor<1x1x4x4xf32>
  %scale = onnx.Constant() {value = dense<4.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %bias = onnx.Constant() {value = dense<5.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %mean = onnx.Constant() {value = dense<1.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %var = onnx.Constant() {value = dense<3.0> : tensor<1xf32>} : () -> tensor<1xf32>
  %y, %rm, %rv = onnx.BatchNormalization(%c, %scale, %bias, %mean, %var) {epsilon = 1.0 : f32} : (tensor<1x1x4x4xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>, tensor<1xf32>) -> (tensor<1x1x4x4xf32>, none, none)
  return %y : tensor<1x1x4x4xf32>
}
