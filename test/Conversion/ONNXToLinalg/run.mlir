// Lowered onnx ops compute what ONNX says: lower to LLVM with upstream passes,
// run with mlir-runner, compare the printed numbers.
// RUN: weft-opt %s --convert-onnx-to-linalg \
// RUN:   --one-shot-bufferize="bufferize-function-boundaries" \
// RUN:   --convert-linalg-to-loops --convert-scf-to-cf --expand-strided-metadata \
// RUN:   --lower-affine --finalize-memref-to-llvm --convert-math-to-llvm \
// RUN:   --convert-to-llvm --reconcile-unrealized-casts \
// RUN: | mlir-runner -e entry -entry-point-result=void \
// RUN:     -shared-libs=%mlir_runner_utils,%mlir_c_runner_utils \
// RUN: | FileCheck %s

func.func private @printMemrefF32(tensor<*xf32>)

// relu(a + b) with b broadcast over rows, then a MatMul and a Gemm with
// transB, alpha, beta and a row bias.
func.func @model(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %w: tensor<3x2xf32>,
                 %g: tensor<2x2xf32>, %bias: tensor<2xf32>) -> tensor<2x2xf32> {
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  %1 = onnx.Relu(%0) : (tensor<2x3xf32>) -> tensor<2x3xf32>
  %2 = onnx.MatMul(%1, %w) : (tensor<2x3xf32>, tensor<3x2xf32>) -> tensor<2x2xf32>
  %3 = onnx.Gemm(%2, %g, %bias) {transB = 1 : i64, alpha = 2.0 : f32, beta = 0.5 : f32}
      : (tensor<2x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  return %3 : tensor<2x2xf32>
}

func.func @entry() {
  %a = onnx.Constant() {value = dense<[[1.0, -2.0, 3.0], [-4.0, 5.0, -6.0]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %b = onnx.Constant() {value = dense<[1.0, 1.0, 1.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %w = onnx.Constant() {value = dense<[[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %g = onnx.Constant() {value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %bias = onnx.Constant() {value = dense<[10.0, 20.0]> : tensor<2xf32>} : () -> tensor<2xf32>
  %r = call @model(%a, %b, %w, %g, %bias) : (tensor<2x3xf32>, tensor<3xf32>, tensor<3x2xf32>, tensor<2x2xf32>, tensor<2xf32>) -> tensor<2x2xf32>
  // relu(a + b) = [[2, 0, 4], [0, 6, 0]]; x w = [[6, 4], [0, 6]]
  // (x w) g^T = [[14, 34], [12, 24]]; * 2 + 0.5 * [10, 20] = [[33, 78], [29, 58]]
  // CHECK: [33,   78]
  // CHECK: [29,   58]
  %u = tensor.cast %r : tensor<2x2xf32> to tensor<*xf32>
  call @printMemrefF32(%u) : (tensor<*xf32>) -> ()
  return
}
