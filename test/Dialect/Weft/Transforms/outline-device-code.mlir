// RUN: weft-opt --split-input-file --verify-diagnostics --weft-outline-device-code %s | FileCheck %s
// RUN: weft-opt --split-input-file --verify-diagnostics --weft-outline-device-code=variants=all %s | FileCheck %s --check-prefix=ALL

// One CPU task: its function becomes the entry point, with the model's
// signature (every input, in order, even one it does not read).
// CHECK-LABEL: func.func @main(
// CHECK: %[[T:.*]] = weft.task @main_part0 on #weft.device<"cpu:0">(%arg0, %arg1)
// CHECK: return %[[T]]
// CHECK: func.func private @main_part0(tensor<4xf32>, tensor<2xf32>) -> tensor<4xf32> attributes {weft.device = #weft.device<"cpu:0">, weft.entry}
// CHECK: module @weft_host attributes {weft.target = "cpu"}
// CHECK: func.func @main_part0(%[[A:[a-z0-9]+]]: tensor<4xf32>, %{{[a-z0-9]+}}: tensor<2xf32>) -> tensor<4xf32> attributes {llvm.emit_c_interface, weft.entry}
// CHECK: onnx.Relu(%[[A]])
module {
  func.func @main(%x: tensor<4xf32>, %unused: tensor<2xf32>) -> tensor<4xf32> {
    %t = weft.task @main_part0 on #weft.device<"cpu:0">(%x) : (tensor<4xf32>) -> tensor<4xf32>
    return %t : tensor<4xf32>
  }
  func.func private @main_part0(%a: tensor<4xf32>) -> tensor<4xf32> attributes {weft.device = #weft.device<"cpu:0">} {
    %r = onnx.Relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
    return %r : tensor<4xf32>
  }
}

// -----

// A GPU task and a CPU task: each function in its device's module; with
// variants=all the GPU function is compiled for the host too.
// CHECK-LABEL: func.func @main(
// CHECK: module @weft_host
// CHECK-NOT: @main_part0
// CHECK: func.func @main_part1
// CHECK: module @weft_cuda attributes {weft.target = "cuda"}
// CHECK: func.func @main_part0
// ALL-LABEL: func.func @main(
// ALL: module @weft_host
// ALL-DAG: func.func @main_part0
// ALL-DAG: func.func @main_part1
// ALL: module @weft_cuda
module {
  func.func @main(%x: tensor<4xf32>) -> tensor<4xf32> {
    %g = weft.task @main_part0 on #weft.device<"cuda:0">(%x) : (tensor<4xf32>) -> tensor<4xf32>
    %c = weft.task @main_part1 on #weft.device<"cpu:0">(%g) : (tensor<4xf32>) -> tensor<4xf32>
    return %c : tensor<4xf32>
  }
  func.func private @main_part0(%a: tensor<4xf32>) -> tensor<4xf32> {
    %r = onnx.Relu(%a) : (tensor<4xf32>) -> tensor<4xf32>
    return %r : tensor<4xf32>
  }
  func.func private @main_part1(%a: tensor<4xf32>) -> tensor<4xf32> {
    %r = onnx.Neg(%a) : (tensor<4xf32>) -> tensor<4xf32>
    return %r : tensor<4xf32>
  }
}

// -----

// A batch in chunks needs the model whole on one CPU device.
module attributes {weft.chunk = 1 : i64} {
  // expected-error @below {{a batch split into chunks or bound at run time needs the whole model placed on one CPU device}}
  func.func @main(%x: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %g = weft.task @main_part0 on #weft.device<"cuda:0">(%x) : (tensor<1x4xf32>) -> tensor<1x4xf32>
    return %g : tensor<1x4xf32>
  }
  func.func private @main_part0(%a: tensor<1x4xf32>) -> tensor<1x4xf32> {
    %r = onnx.Relu(%a) : (tensor<1x4xf32>) -> tensor<1x4xf32>
    return %r : tensor<1x4xf32>
  }
}
