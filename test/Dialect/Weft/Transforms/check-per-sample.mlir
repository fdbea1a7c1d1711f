// RUN: weft-opt --split-input-file --verify-diagnostics --weft-check-per-sample %s | FileCheck %s

// Elementwise work and a Gemm on batched rows keep samples apart.
// CHECK-LABEL: func.func @main(
// CHECK: onnx.Gemm
module attributes {weft.chunk = 1 : i64} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x2xf32> {
    %w = onnx.Constant() {value = dense<0.5> : tensor<4x2xf32>} : () -> tensor<4x2xf32>
    %r = onnx.Relu(%x) : (tensor<1x4xf32>) -> tensor<1x4xf32>
    %n = onnx.NoValue
    %g = onnx.Gemm(%r, %w, %n) : (tensor<1x4xf32>, tensor<4x2xf32>, none) -> tensor<1x2xf32>
    return %g : tensor<1x2xf32>
  }
}

// -----

// A softmax over the batch dim mixes samples.
module attributes {weft.chunk = 1 : i64} {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    // expected-error @below {{a batch run in chunks (dynamic or split) needs every op to keep samples apart; this Softmax does not: it works along the batch dim (axis 0)}}
    %s = onnx.Softmax(%x) {axis = 0 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32>
    return %s : tensor<1x4xf32>
  }
}

// -----

// Without weft.chunk the model runs whole: nothing to check.
// CHECK-LABEL: func.func @main(
// CHECK: onnx.Softmax
module {
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %s = onnx.Softmax(%x) {axis = 0 : i64} : (tensor<1x4xf32>) -> tensor<1x4xf32>
    return %s : tensor<1x4xf32>
  }
}
