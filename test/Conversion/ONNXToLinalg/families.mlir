// RUN: not weft-opt --convert-onnx-to-linalg="families=elementwise" %s 2>&1 | FileCheck %s
// RUN: not weft-opt --convert-onnx-to-linalg="families=elementwize" %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN

// A family lowers its ops only: the Softmax, of another family, is an op
// the conversion names as unsupported; the Relu is lowered.
// CHECK: error: unsupported op Softmax (opset 17) on device cpu
// CHECK-NOT: unsupported op Relu
// UNKNOWN: error: convert-onnx-to-linalg: unknown op family 'elementwize' (known: elementwise, matmul, data, indexing, quantization, scan, scatter, rearrange, softmax, reduction, arg-reduction, cast-concat, conv-pool, normalization)
func.func @main(%x: tensor<2x8xf32>) -> tensor<2x8xf32> {
  %r = onnx.Relu(%x) : (tensor<2x8xf32>) -> tensor<2x8xf32>
  %s = onnx.Softmax(%r) {axis = -1 : i64} : (tensor<2x8xf32>) -> tensor<2x8xf32>
  return %s : tensor<2x8xf32>
}
