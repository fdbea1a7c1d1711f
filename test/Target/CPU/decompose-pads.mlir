// RUN: weft-opt --split-input-file --pass-pipeline='builtin.module(func.func(weft-decompose-pads))' %s | FileCheck %s

// A zero pad becomes fills of the border only -- the low and high rows over
// the whole width, then the low and high columns over the interior rows --
// and the source inserted at the low padding's offset (its producer writes
// there once bufferized).
// CHECK-LABEL: func.func @pad
// CHECK-SAME: (%[[X:.*]]: tensor<1x2x4x4xf32>)
// CHECK: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK: %[[EMPTY:.*]] = tensor.empty() : tensor<1x2x6x6xf32>
// CHECK: %[[TOP:.*]] = tensor.extract_slice %[[EMPTY]][0, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1]
// CHECK: %[[F1:.*]] = linalg.fill ins(%[[ZERO]] : f32) outs(%[[TOP]] : tensor<1x2x1x6xf32>)
// CHECK: %[[I1:.*]] = tensor.insert_slice %[[F1]] into %[[EMPTY]][0, 0, 0, 0] [1, 2, 1, 6]
// CHECK: tensor.extract_slice %[[I1]][0, 0, 5, 0] [1, 2, 1, 6]
// CHECK: %[[I2:.*]] = tensor.insert_slice %{{.*}} into %[[I1]][0, 0, 5, 0] [1, 2, 1, 6]
// CHECK: tensor.extract_slice %[[I2]][0, 0, 1, 0] [1, 2, 4, 1]
// CHECK: %[[I3:.*]] = tensor.insert_slice %{{.*}} into %[[I2]][0, 0, 1, 0] [1, 2, 4, 1]
// CHECK: tensor.extract_slice %[[I3]][0, 0, 1, 5] [1, 2, 4, 1]
// CHECK: %[[I4:.*]] = tensor.insert_slice %{{.*}} into %[[I3]][0, 0, 1, 5] [1, 2, 4, 1]
// CHECK: tensor.insert_slice %[[X]] into %[[I4]][0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1]
// CHECK-NOT: tensor.pad
func.func @pad(%x: tensor<1x2x4x4xf32>) -> tensor<1x2x6x6xf32> {
  %zero = arith.constant 0.0 : f32
  %p = tensor.pad %x low[0, 0, 1, 1] high[0, 0, 1, 1] {
  ^bb0(%a: index, %b: index, %c: index, %d: index):
    tensor.yield %zero : f32
  } : tensor<1x2x4x4xf32> to tensor<1x2x6x6xf32>
  return %p : tensor<1x2x6x6xf32>
}

// -----

// Padding on one side only fills that side.
// CHECK-LABEL: func.func @one_side
// CHECK: tensor.extract_slice %{{.*}}[0, 3] [2, 2] [1, 1]
// CHECK: linalg.fill
// CHECK-NOT: linalg.fill
// CHECK: tensor.insert_slice %{{.*}}[0, 0] [2, 3] [1, 1]
func.func @one_side(%x: tensor<2x3xf32>) -> tensor<2x5xf32> {
  %one = arith.constant 1.0 : f32
  %p = tensor.pad %x low[0, 0] high[0, 2] {
  ^bb0(%a: index, %b: index):
    tensor.yield %one : f32
  } : tensor<2x3xf32> to tensor<2x5xf32>
  return %p : tensor<2x5xf32>
}
