// RUN: weft-opt --split-input-file --verify-diagnostics --weft-specialize-batch=split-batch=2 %s | FileCheck %s

// A fixed batch of 8 the importer opened up, split into 2 chunks of 4.
// CHECK-LABEL: module attributes {onnx.fixed_batch = 8 : i64, weft.batch = 8 : i64, weft.chunk = 4 : i64}
// CHECK: func.func @main(%{{.*}}: tensor<4x4xf32>)
module attributes {onnx.fixed_batch = 8 : i64} {
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %r = onnx.Relu(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
}

// -----

// A batch that is dynamic in the model has no fixed size to split.
module {
  // expected-error @below {{--split-batch needs a fixed batch; this model's batch is dynamic, and runs one sample per task already}}
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %r = onnx.Relu(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
}

// -----

// 7 rows do not split into 2 equal chunks.
module attributes {onnx.fixed_batch = 7 : i64} {
  // expected-error @below {{a batch of 7 does not split into 2 equal chunks}}
  func.func @main(%x: tensor<?x4xf32>) -> tensor<?x4xf32> {
    %r = onnx.Relu(%x) : (tensor<?x4xf32>) -> tensor<?x4xf32>
    return %r : tensor<?x4xf32>
  }
}
