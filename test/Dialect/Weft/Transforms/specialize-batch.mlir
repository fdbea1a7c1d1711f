// RUN: weft-opt --split-input-file --verify-diagnostics --weft-specialize-batch %s | FileCheck %s

// A dynamic batch: one sample per call, recorded on the module.
// CHECK-LABEL: module attributes {weft.chunk = 1 : i64}
// CHECK: func.func @main(%{{.*}}: tensor<1x4xf32>) -> tensor<?x4xf32>
module {
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %r = onnx.Relu(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
}

// -----

// A fixed batch the importer opened up (onnx.fixed_batch), without
// split-batch: dim 0 is dynamic and runs one sample per call
// (specialize-batch-split.mlir splits it).
// CHECK-LABEL: module attributes {onnx.fixed_batch = 8 : i64, weft.chunk = 1 : i64}
// CHECK: func.func @main(%{{.*}}: tensor<1x4xf32>)
module attributes {onnx.fixed_batch = 8 : i64} {
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %r = onnx.Relu(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
}

// -----

// Only the batch may be dynamic.
module {
  // expected-error @below {{input 'x' has a dynamic dim 1 ('tensor<1x?xf32>'); compiled models take a dynamic batch (dim 0) only}}
  func.func @main(%x: tensor<1x?xf32> {onnx.name = "x"}) -> tensor<1x?xf32> {
    %r = onnx.Relu(%x) : (tensor<1x?xf32>) -> tensor<1x?xf32>
    return %r : tensor<1x?xf32>
  }
}
