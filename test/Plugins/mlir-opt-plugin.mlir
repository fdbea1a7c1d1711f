// Debian's stock mlir-opt loads Weft as a dialect and pass plugin.
// RUN: mlir-opt --load-dialect-plugin=%weft_lib/WeftPlugin.so %s \
// RUN:   | mlir-opt --load-dialect-plugin=%weft_lib/WeftPlugin.so | FileCheck %s --check-prefix=ROUND
// RUN: mlir-opt --load-dialect-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --load-pass-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --pass-pipeline="builtin.module(weft-infer-shapes,canonicalize)" %s | FileCheck %s --check-prefix=PASS
// RUN: mlir-opt --load-dialect-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --load-pass-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --pass-pipeline="builtin.module(weft-devices{description=h100},weft-place)" %s | FileCheck %s --check-prefix=PLACE

// ROUND-LABEL: func @main
// ROUND: onnx.Reshape(%{{.*}}, %{{.*}}) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
// ROUND: onnx.Relu
// PASS-LABEL: func @main
// PASS-SAME: -> tensor<6x4xf32>
// PASS: onnx.Relu(%{{.*}}) : (tensor<6x4xf32>) -> tensor<6x4xf32>
// PLACE: onnx.Relu{{.*}}weft.device = #weft.device<"cuda:0">
func.func @main(%x: tensor<2x3x4xf32>) -> tensor<*xf32> {
  %shape = onnx.Constant() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %0 = onnx.Reshape(%x, %shape) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<*xf32>
  %1 = onnx.Relu(%0) : (tensor<*xf32>) -> tensor<*xf32>
  return %1 : tensor<*xf32>
}
