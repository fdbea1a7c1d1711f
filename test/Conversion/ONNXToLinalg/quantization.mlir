// The quantization family alone (with `data` where constants are read): its
// populate function lowers its ops by itself.
// RUN: weft-opt --convert-onnx-to-linalg="families=quantization,data" %s | FileCheck %s

// QuantizeLinear rounds half to even and saturates to the unsigned range
// (uint8 becomes i8 with unsigned operations); DequantizeLinear reads it back.
// CHECK-LABEL: func.func @main(
// CHECK: math.roundeven
// CHECK: arith.fptoui
// CHECK: arith.uitofp
// CHECK-NOT: onnx.
func.func @main(%arg0: tensor<4xf32> {onnx.name = "x"}) -> (tensor<4xf32> {onnx.name = "y"}) {
  %0 = onnx.Constant() {value = dense<1.000000e-01> : tensor<f32>} : () -> tensor<f32>
  %1 = onnx.Constant() {value = dense<3> : tensor<ui8>} : () -> tensor<ui8>
  %2 = onnx.QuantizeLinear(%arg0, %0, %1) : (tensor<4xf32>, tensor<f32>, tensor<ui8>) -> tensor<4xui8>
  %3 = onnx.DequantizeLinear(%2, %0, %1) : (tensor<4xui8>, tensor<f32>, tensor<ui8>) -> tensor<4xf32>
  return %3 : tensor<4xf32>
}
