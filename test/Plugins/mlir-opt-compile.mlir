// Debian's stock mlir-opt, with the plugin, runs Weft's CPU code generator
// down to the LLVM dialect, and the whole compile to host code.
// RUN: mlir-opt --load-dialect-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --load-pass-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --pass-pipeline="builtin.module(weft-simplify-onnx,weft-lower-cpu)" %s | FileCheck %s
// RUN: mlir-opt --load-dialect-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --load-pass-plugin=%weft_lib/WeftPlugin.so \
// RUN:   --pass-pipeline="builtin.module(%weft_compile)" %s | FileCheck %s --check-prefix=COMPILE

// Only the LLVM dialect is left: the function and the C interface the
// runtime calls, the MatMul's multiply-adds and the Relu's maximum.
// CHECK-NOT: onnx.{{[A-Z]}}
// CHECK-NOT: linalg.{{[a-z]}}
// CHECK-DAG: llvm.fmul
// CHECK-DAG: llvm.intr.maximum
// CHECK-DAG: llvm.func @main(
// CHECK-DAG: llvm.func @_mlir_ciface_main(
// COMPILE: weft.task @main_part0 on #weft.device<"cpu:0">
// COMPILE: weft.binary "host-code" {{.*}}entries = {main_part0 = {{[0-9]+}} : i64}
func.func @main(%x: tensor<8x64xf32> {onnx.name = "x"}) -> (tensor<8x32xf32> {onnx.name = "y"}) attributes {llvm.emit_c_interface} {
  %w = onnx.Constant() {value = dense<0.5> : tensor<64x32xf32>} : () -> tensor<64x32xf32>
  %b = onnx.Constant() {value = dense<0.25> : tensor<32xf32>} : () -> tensor<32xf32>
  %m = onnx.MatMul(%x, %w) : (tensor<8x64xf32>, tensor<64x32xf32>) -> tensor<8x32xf32>
  %a = onnx.Add(%m, %b) : (tensor<8x32xf32>, tensor<32xf32>) -> tensor<8x32xf32>
  %r = onnx.Relu(%a) : (tensor<8x32xf32>) -> tensor<8x32xf32>
  return %r : tensor<8x32xf32>
}
