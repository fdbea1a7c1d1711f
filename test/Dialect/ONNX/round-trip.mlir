// RUN: weft-opt %s | weft-opt | FileCheck %s
// RUN: weft-opt --mlir-print-op-generic %s | weft-opt | FileCheck %s

// CHECK-LABEL: func @conv
func.func @conv(%x: tensor<1x3x8x8xf32>, %w: tensor<4x3x3x3xf32>) -> tensor<1x4x8x8xf32> {
  // CHECK: %[[NONE:.*]] = onnx.NoValue
  // CHECK: onnx.Conv(%{{.*}}, %{{.*}}, %[[NONE]]) {pads = array<i64: 1, 1, 1, 1>}
  %none = onnx.NoValue
  %y = onnx.Conv(%x, %w, %none) {pads = array<i64: 1, 1, 1, 1>} : (tensor<1x3x8x8xf32>, tensor<4x3x3x3xf32>, none) -> tensor<1x4x8x8xf32>
  return %y : tensor<1x4x8x8xf32>
}

// CHECK-LABEL: func @types
func.func @types(%s: !onnx.seq<tensor<?xf32>>, %o: !onnx.opt<tensor<2xi64>>, %t: tensor<3x!onnx.string>) -> tensor<i64> {
  // CHECK: onnx.SequenceLength(%{{.*}}) : (!onnx.seq<tensor<?xf32>>) -> tensor<i64>
  %n = onnx.SequenceLength(%s) : (!onnx.seq<tensor<?xf32>>) -> tensor<i64>
  // CHECK: onnx.OptionalHasElement(%{{.*}}) : (!onnx.opt<tensor<2xi64>>) -> tensor<i1>
  %h = onnx.OptionalHasElement(%o) : (!onnx.opt<tensor<2xi64>>) -> tensor<i1>
  return %n : tensor<i64>
}

// CHECK-LABEL: func @regions
func.func @regions(%c: tensor<i1>, %a: tensor<2xf32>, %b: tensor<2xf32>) -> tensor<2xf32> {
  // CHECK: onnx.If
  // CHECK: onnx.Yield %{{.*}} : tensor<2xf32>
  %r = onnx.If(%c) : (tensor<i1>) -> tensor<2xf32> {
    onnx.Yield %b : tensor<2xf32>
  } {
    onnx.Yield %a : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// CHECK-LABEL: func @constants
func.func @constants() -> tensor<4xf32> {
  // CHECK: onnx.Constant() {value = dense_resource<w> : tensor<4xf32>}
  %0 = onnx.Constant() {value = dense_resource<w> : tensor<4xf32>} : () -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w: "0x040000000000803F000000400000404000008040"
    }
  }
#-}
