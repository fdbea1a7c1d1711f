// Placement on thousands of alike devices stays cheap (heft does not
// schedule every device alone; the timeout only guards a hang), and the
// exact search gives up, saying so, instead of running for minutes.
// RUN: %python %S/Inputs/many_devices.py 1000 > %t.json
// RUN: timeout 120 weft-opt --weft-devices=%t.json --weft-place=strategy=heft %s | FileCheck %s
// RUN: not weft-opt --weft-devices=%t.json --weft-place=strategy=exact %s 2>&1 | FileCheck %s --check-prefix=EXACT

// CHECK: onnx.MatMul{{.*}}weft.device = #weft.device<"cpu:{{[0-9]+}}">
// EXACT: error: cannot place the graph: the exact strategy gave up after 50000 partial schedules (1000 devices, 5 tasks; use heft)
func.func @main(%a: tensor<64x64xf32>, %b: tensor<64x64xf32>) -> tensor<64x64xf32> {
  %0 = onnx.MatMul(%a, %b) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  %1 = onnx.Relu(%0) : (tensor<64x64xf32>) -> tensor<64x64xf32>
  %2 = onnx.Add(%1, %a) : (tensor<64x64xf32>, tensor<64x64xf32>) -> tensor<64x64xf32>
  return %2 : tensor<64x64xf32>
}
