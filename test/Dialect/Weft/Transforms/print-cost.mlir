// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-print-cost %s -o /dev/null | FileCheck %s

// 64x64x64 MatMul: 2*64^3 = 524288 FLOP, 3 x 16 KiB moved.
// cpu:0: 1 us + max(524288 / (100e9 * 0.5), 49152 / 10e9) = 11.486 us
// cuda:0: 10 us + max(524288 / (10e12 * 0.7), 49152 / 1e12) = 10.075 us
// CHECK: op{{.*}}kind{{.*}}GFLOP{{.*}}MB{{.*}}cpu:0 us{{.*}}cuda:0 us
// CHECK: mm{{.*}}MatMul/matmul{{.*}}0.0005{{.*}}0.049{{.*}}11.486{{.*}}10.075
// Reshapes cost nothing: they re-view a buffer.
// CHECK: view{{.*}}Reshape/view{{.*}}0.0000{{.*}}0.000{{.*}}0.000{{.*}}0.000
// Sequences do not run on a GPU.
// CHECK: len{{.*}}SequenceLength/elementwise{{.*}}-
func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>, %s: !onnx.seq<tensor<2xf32>>) -> (tensor<4096xf32>, tensor<i64>) {
  %m = onnx.MatMul(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32> loc("mm")
  %shape = onnx.Constant() {value = dense<4096> : tensor<1xi64>} : () -> tensor<1xi64>
  %r = onnx.Reshape(%m, %shape) : (tensor<64x64xf32>, tensor<1xi64>) -> tensor<4096xf32> loc("view")
  %n = onnx.SequenceLength(%s) : (!onnx.seq<tensor<2xf32>>) -> tensor<i64> loc("len")
  return %r, %n : tensor<4096xf32>, tensor<i64>
}
