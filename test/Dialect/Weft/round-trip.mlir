// RUN: weft-opt %s | weft-opt | FileCheck %s
// RUN: weft-opt --mlir-print-op-generic %s | weft-opt | FileCheck %s

// CHECK-LABEL: func @placed
func.func @placed(%x: tensor<1x8xf32>, %w: tensor<8x4xf32>) -> tensor<1x4xf32> {
  // CHECK: weft.partition on #weft.device<"cuda:0">(%{{.*}}, %{{.*}}) : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
  // CHECK: onnx.MatMul
  // CHECK-SAME: weft.device = #weft.device<"cuda:0">
  // CHECK-SAME: weft.why = #weft.choice<estimates = {"cpu:0" = 2.100000e+03 : f64, "cuda:0" = 4.000000e+01 : f64}, transfer_us = 3.000000e+02 : f64, strategy = "heft">
  // CHECK: weft.yield %{{.*}} : tensor<1x4xf32>
  %r = weft.partition on #weft.device<"cuda:0"> (%x, %w) : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32> {
  ^bb0(%a: tensor<1x8xf32>, %b: tensor<8x4xf32>):
    %m = onnx.MatMul(%a, %b) {weft.device = #weft.device<"cuda:0">,
        weft.why = #weft.choice<estimates = {"cpu:0" = 2.1e3 : f64, "cuda:0" = 40.0 : f64}, transfer_us = 300.0 : f64, strategy = "heft">}
        : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
    weft.yield %m : tensor<1x4xf32>
  }
  // CHECK: weft.transfer %{{.*}} : tensor<1x4xf32> from #weft.device<"cuda:0"> to #weft.device<"cpu:1", node = 2>
  %h = weft.transfer %r : tensor<1x4xf32> from #weft.device<"cuda:0"> to #weft.device<"cpu:1", node = 2>
  return %h : tensor<1x4xf32>
}

// CHECK-LABEL: func private @part
func.func private @part(%a: tensor<4xf32>) -> tensor<4xf32> {
  return %a : tensor<4xf32>
}

// CHECK-LABEL: func @tasks
func.func @tasks(%x: tensor<4xf32>) -> tensor<4xf32> {
  // CHECK: weft.task @part on #weft.device<"cpu:0">(%{{.*}}) {finish_us = 2.500000e+00 : f64, start_us = 1.000000e+00 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  %r = weft.task @part on #weft.device<"cpu:0">(%x) {start_us = 1.0 : f64, finish_us = 2.5 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// A compiled module's artifact sections.
// CHECK-LABEL: func @binaries
// CHECK: weft.binary "host-code" {codegen = "openmp", data = "\7FELF", entries = {main_part0 = 64 : i64}, target = "cpu znver5"}
// CHECK: weft.binary "weights" {data = "\00\01", file = "m.weights"}
func.func @binaries() {
  weft.binary "host-code" {codegen = "openmp", data = "\7FELF", entries = {main_part0 = 64 : i64}, target = "cpu znver5"}
  weft.binary "weights" {data = "\00\01", file = "m.weights"}
  return
}

// A device description, verified and kept as its JSON.
// CHECK-LABEL: func @described
// CHECK-SAME: d = #weft.devices<"{\22devices\22: [{\22kind\22: \22cpu\22
func.func @described() attributes {d = #weft.devices<"{\22devices\22: [{\22kind\22: \22cpu\22, \22index\22: 0, \22peak_gflops\22: {\22f32\22: 10}, \22memory_bandwidth_gbps\22: 10, \22memory_gb\22: 8}]}">} {
  return
}
