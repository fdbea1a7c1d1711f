// RUN: weft-opt --split-input-file --verify-diagnostics --convert-onnx-to-linalg %s | FileCheck %s
// RUN: weft-opt --split-input-file --verify-diagnostics --convert-onnx-to-linalg="winograd=false transpose-small-convolutions=false" %s | FileCheck %s --check-prefix=IM2COL

// Broadcasting reads the smaller operand through a map that drops or pins
// its dims.
// CHECK-DAG: #[[ID:.*]] = affine_map<(d0, d1) -> (d0, d1)>
// CHECK-DAG: #[[ROW:.*]] = affine_map<(d0, d1) -> (d1)>
// CHECK-DAG: #[[COL:.*]] = affine_map<(d0, d1) -> (d0, 0)>
// CHECK-LABEL: func @broadcast
func.func @broadcast(%a: tensor<2x3xf32>, %b: tensor<3xf32>, %c: tensor<2x1xf32>) -> tensor<2x3xf32> {
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[ROW]], #[[ID]]]
  // CHECK: arith.addf
  %0 = onnx.Add(%a, %b) : (tensor<2x3xf32>, tensor<3xf32>) -> tensor<2x3xf32>
  // CHECK: linalg.generic {indexing_maps = [#[[ID]], #[[COL]], #[[ID]]]
  // CHECK: arith.mulf
  %1 = onnx.Mul(%0, %c) : (tensor<2x3xf32>, tensor<2x1xf32>) -> tensor<2x3xf32>
  return %1 : tensor<2x3xf32>
}

// -----

// Dynamic dims take their size from the operand that has them.
// CHECK-LABEL: func @dynamic
func.func @dynamic(%a: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // CHECK: %[[C0:.*]] = arith.constant 0 : index
  // CHECK: %[[N:.*]] = tensor.dim %{{.*}}, %[[C0]]
  // CHECK: tensor.empty(%[[N]]) : tensor<?x8xf32>
  // CHECK: math.tanh
  %0 = onnx.Tanh(%a) : (tensor<?x8xf32>) -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}

// -----

// A batched MatMul with a 2-D right operand broadcasts it over the batch.
// Loops (batch, m, k, n): the innermost walks rows of B and C.
// CHECK-DAG: #[[A:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[B:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[C:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-LABEL: func @batched_matmul
func.func @batched_matmul(%x: tensor<4x128x256xf32>, %w: tensor<256x64xf32>) -> tensor<4x128x64xf32> {
  // CHECK: linalg.fill
  // CHECK: linalg.generic {indexing_maps = [#[[A]], #[[B]], #[[C]]], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
  %0 = onnx.MatMul(%x, %w) : (tensor<4x128x256xf32>, tensor<256x64xf32>) -> tensor<4x128x64xf32>
  return %0 : tensor<4x128x64xf32>
}

// -----

// CHECK-LABEL: func @data
func.func @data(%x: tensor<2x3x4xf32>) -> tensor<4x6xf32> {
  // CHECK: arith.constant dense<[6, 4]> : tensor<2xindex>
  // CHECK: tensor.reshape
  // CHECK: linalg.transpose ins(%{{.*}} : tensor<6x4xf32>) outs(%{{.*}} : tensor<4x6xf32>) permutation = [1, 0]
  %s = onnx.Constant() {value = dense<[6, 4]> : tensor<2xi64>} : () -> tensor<2xi64>
  %r = onnx.Reshape(%x, %s) : (tensor<2x3x4xf32>, tensor<2xi64>) -> tensor<6x4xf32>
  %t = onnx.Transpose(%r) {perm = array<i64: 1, 0>} : (tensor<6x4xf32>) -> tensor<4x6xf32>
  return %t : tensor<4x6xf32>
}

// -----

func.func @unsupported(%x: tensor<3x3xf32>) -> tensor<f32> {
  // expected-error @+1 {{unsupported op Det (opset 17) on device cpu}}
  %0 = onnx.Det(%x) : (tensor<3x3xf32>) -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

// An ungrouped 3x3 convolution at stride 1 with a constant filter is
// Winograd's F(2x2, 3x3): the filter transformed at compile time (16 points
// x filters x channels), the input split by column parity, 16 point
// transforms, one batched contraction, and the output transform writing
// even and odd rows of the result. With winograd=false (GPU code), im2col.
// IM2COL-LABEL: func.func @winograd(
// IM2COL-NOT: winograd
// IM2COL: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x3x3x12x12xf32>)
// IM2COL-LABEL: func.func @not_winograd
// CHECK-LABEL: func.func @winograd
// CHECK: arith.constant dense_resource<winograd> : tensor<16x3x2xf32>
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x14x2x7xf32>)
// CHECK-COUNT-16: tensor.insert_slice {{.*}} into {{.*}} : tensor<2x1x6x6xf32> into tensor<16x2x1x6x6xf32>
// CHECK: linalg.generic {{.*}}iterator_types = ["parallel", "parallel", "reduction", "parallel"]{{.*}} outs({{.*}} : tensor<16x3x36xf32>)
// CHECK: tensor.insert_slice {{.*}}[0, 0, 0, 0] [1, 3, 6, 12] [1, 1, 2, 1]
// CHECK: tensor.insert_slice {{.*}}[0, 0, 1, 0] [1, 3, 6, 12] [1, 1, 2, 1]
func.func @winograd(%x: tensor<1x2x12x12xf32>) -> tensor<1x3x12x12xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2x3x3xf32>} : () -> tensor<3x2x3x3xf32>
  %b = onnx.Constant() {value = dense<[1.0, 2.0, 3.0]> : tensor<3xf32>} : () -> tensor<3xf32>
  %y = onnx.Conv(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x2x12x12xf32>, tensor<3x2x3x3xf32>, tensor<3xf32>) -> tensor<1x3x12x12xf32>
  return %y : tensor<1x3x12x12xf32>
}

// -----

// A filter that is not a constant, or fewer than 32 output tiles (here
// 16), keep the im2col product.
// CHECK-LABEL: func.func @not_winograd
// CHECK-NOT: winograd
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x3x3x8x8xf32>)
func.func @not_winograd(%x: tensor<1x2x8x8xf32>, %w: tensor<3x2x3x3xf32>) -> tensor<1x3x8x8xf32> {
  %n = "onnx.NoValue"() {value} : () -> none
  %y = onnx.Conv(%x, %w, %n) {pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x2x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<1x3x8x8xf32>
  return %y : tensor<1x3x8x8xf32>
}

// -----

// A depthwise convolution with rows narrower than 32 sums its taps over
// the padded plane taken as one row (tap (i, j) from offset 8i + j of the
// 8x8 plane, (6 - 1) * 8 + 6 positions), then copies the rows out.
// CHECK-DAG: #[[ROWS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2 * 8 + d3)>
// CHECK-LABEL: func.func @depthwise_planes
// CHECK: %[[P:.*]] = tensor.collapse_shape {{.*}} : tensor<1x2x8x8xf32> into tensor<1x2x64xf32>
// CHECK: tensor.extract_slice %[[P]][0, 0, 0] [1, 2, 46] [1, 1, 1]
// CHECK: tensor.extract_slice %[[P]][0, 0, 18] [1, 2, 46] [1, 1, 1]
// CHECK: %[[SUM:.*]] = linalg.generic {{.*}} outs({{.*}} : tensor<1x2x46xf32>)
// CHECK: linalg.generic {indexing_maps = [#[[ROWS]], {{.*}}} ins(%[[SUM]] : tensor<1x2x46xf32>) outs({{.*}} : tensor<1x2x6x6xf32>)
func.func @depthwise_planes(%x: tensor<1x2x6x6xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x6x6xf32> {
  %n = "onnx.NoValue"() {value} : () -> none
  %y = onnx.Conv(%x, %w, %n) {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x2x6x6xf32>, tensor<2x1x3x3xf32>, none) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// At stride 2 (or with rows of 32 or more) the taps are strided windows of
// the padded input, in one op over the output.
// CHECK-LABEL: func.func @depthwise_rows
// CHECK-NOT: tensor.collapse_shape
// CHECK: tensor.extract_slice {{.*}}[0, 0, 2, 2] [1, 2, 3, 3] [1, 1, 2, 2]
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x3x3xf32>)
// CHECK-NOT: linalg.generic
func.func @depthwise_rows(%x: tensor<1x2x6x6xf32>, %w: tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %n = "onnx.NoValue"() {value} : () -> none
  %y = onnx.Conv(%x, %w, %n) {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>, strides = array<i64: 2, 2>} : (tensor<1x2x6x6xf32>, tensor<2x1x3x3xf32>, none) -> tensor<1x2x3x3xf32>
  return %y : tensor<1x2x3x3xf32>
}

// -----

// A Clip with constant bounds that is a conv's only user is computed where
// the conv writes its result (here the depthwise op's body): no op of its
// own.
// CHECK-LABEL: func.func @fused_clip
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: %[[LO:.*]] = arith.maximumf %{{.*}}, %{{.*}} fastmath<nsz> : f32
// CHECK: %[[HI:.*]] = arith.minimumf %[[LO]], %{{.*}} fastmath<nsz> : f32
// CHECK: linalg.yield %[[HI]]
// CHECK-NOT: arith.maximumf
// CHECK: return
func.func @fused_clip(%x: tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x1x3x3xf32>} : () -> tensor<2x1x3x3xf32>
  %lo = onnx.Constant() {value = dense<0.0> : tensor<f32>} : () -> tensor<f32>
  %hi = onnx.Constant() {value = dense<6.0> : tensor<f32>} : () -> tensor<f32>
  %n = "onnx.NoValue"() {value} : () -> none
  %c = onnx.Conv(%x, %w, %n) {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x2x6x6xf32>, tensor<2x1x3x3xf32>, none) -> tensor<1x2x6x6xf32>
  %y = onnx.Clip(%c, %lo, %hi) : (tensor<1x2x6x6xf32>, tensor<f32>, tensor<f32>) -> tensor<1x2x6x6xf32>
  return %y : tensor<1x2x6x6xf32>
}

// -----

// A conv result read by more than the Relu keeps the Relu as an op.
// CHECK-LABEL: func.func @unfused_relu
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.maximumf
func.func @unfused_relu(%x: tensor<1x2x6x6xf32>) -> (tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>) {
  %w = onnx.Constant() {value = dense<1.0> : tensor<2x1x3x3xf32>} : () -> tensor<2x1x3x3xf32>
  %n = "onnx.NoValue"() {value} : () -> none
  %c = onnx.Conv(%x, %w, %n) {group = 2 : i64, pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x2x6x6xf32>, tensor<2x1x3x3xf32>, none) -> tensor<1x2x6x6xf32>
  %y = onnx.Relu(%c) : (tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  return %y, %c : tensor<1x2x6x6xf32>, tensor<1x2x6x6xf32>
}

// -----

// A convolution of one image with at most 64 output positions and a
// constant filter is the transposed product Y^T(o, f) = Col^T(o, k) W(f, k)
// (the constant filter on the right, read transposed, marked for packing
// once), its columns made in that order; one pass adds the bias, applies
// the Relu and transposes.
// With transpose-small-convolutions=false (GPU code), im2col as usual.
// CHECK-DAG: #[[COLS:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d3)>
// CHECK-DAG: #[[FILTER:.*]] = affine_map<(d0, d1, d2, d3) -> (d2, d3)>
// CHECK-DAG: #[[PRODUCT:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d1, d2)>
// CHECK-DAG: #[[BACK:.*]] = affine_map<(d0, d1, d2, d3) -> (d0, d2 * 7 + d3, d1)>
// CHECK-LABEL: func.func @small_transposed
// CHECK: %[[COL:.*]] = linalg.generic {{.*}} outs(%{{.*}} : tensor<1x7x7x2x3x3xf32>)
// CHECK: %[[COLT:.*]] = tensor.collapse_shape %[[COL]] {{.*}} into tensor<1x49x18xf32>
// CHECK: %[[P:.*]] = linalg.generic {indexing_maps = [#[[COLS]], #[[FILTER]], #[[PRODUCT]]], iterator_types = ["parallel", "parallel", "parallel", "reduction"]} ins(%[[COLT]], %{{.*}} : tensor<1x49x18xf32>, tensor<4x18xf32>) outs(%{{.*}} : tensor<1x49x4xf32>) attrs = {weft.pack_weights}
// CHECK: linalg.generic {indexing_maps = [#[[BACK]], {{.*}}]{{.*}} ins(%[[P]], %{{.*}} : tensor<1x49x4xf32>, tensor<4xf32>) outs(%{{.*}} : tensor<1x4x7x7xf32>)
// CHECK: arith.maximumf
// IM2COL-LABEL: func.func @small_transposed
// IM2COL: linalg.generic {{.*}} outs({{.*}} : tensor<1x2x3x3x7x7xf32>)
func.func @small_transposed(%x: tensor<1x2x7x7xf32>) -> tensor<1x4x7x7xf32> {
  %w = onnx.Constant() {value = dense<0.5> : tensor<4x2x3x3xf32>} : () -> tensor<4x2x3x3xf32>
  %b = onnx.Constant() {value = dense<0.25> : tensor<4xf32>} : () -> tensor<4xf32>
  %c = onnx.Conv(%x, %w, %b) {pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<1x2x7x7xf32>, tensor<4x2x3x3xf32>, tensor<4xf32>) -> tensor<1x4x7x7xf32>
  %y = onnx.Relu(%c) : (tensor<1x4x7x7xf32>) -> tensor<1x4x7x7xf32>
  return %y : tensor<1x4x7x7xf32>
}

// -----

// 16 tiles per image are too few for Winograd, whatever the batch (the
// constants of a model must not depend on its batch size).
// CHECK-LABEL: func.func @few_tiles
// CHECK-NOT: winograd
// CHECK: linalg.generic {{.*}} outs({{.*}} : tensor<4x2x3x3x8x8xf32>)
func.func @few_tiles(%x: tensor<4x2x8x8xf32>) -> tensor<4x3x8x8xf32> {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x2x3x3xf32>} : () -> tensor<3x2x3x3xf32>
  %n = "onnx.NoValue"() {value} : () -> none
  %y = onnx.Conv(%x, %w, %n) {pads = array<i64: 1, 1, 1, 1>, kernel_shape = array<i64: 3, 3>} : (tensor<4x2x8x8xf32>, tensor<3x2x3x3xf32>, none) -> tensor<4x3x8x8xf32>
  return %y : tensor<4x3x8x8xf32>
}

// -----

// A Gemm's bias and the Relu after it are one pass in place over the
// product.
// CHECK-LABEL: func.func @gemm_relu
// CHECK: %[[P:.*]] = linalg.generic {{.*}}"reduction"
// CHECK: linalg.generic {{.*}} ins(%{{.*}} : tensor<4xf32>) outs(%[[P]] : tensor<2x4xf32>)
// CHECK: arith.addf
// CHECK: arith.maximumf
// CHECK-NOT: linalg.generic
// CHECK: return
func.func @gemm_relu(%a: tensor<2x3xf32>, %b: tensor<3x4xf32>, %c: tensor<4xf32>) -> tensor<2x4xf32> {
  %g = onnx.Gemm(%a, %b, %c) : (tensor<2x3xf32>, tensor<3x4xf32>, tensor<4xf32>) -> tensor<2x4xf32>
  %y = onnx.Relu(%g) : (tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// A MatMul or Gemm whose right-hand operand is a constant (weights) marks
// its product for packing that operand once; one on two activations does
// not.
// CHECK-LABEL: func.func @constant_weights
// CHECK: linalg.generic {{.*}}"reduction"{{.*}} attrs = {weft.pack_weights}
// CHECK: linalg.generic {{.*}}"reduction"{{.*}} attrs = {weft.pack_weights}
// CHECK: linalg.generic {{.*}}"reduction"
// CHECK-NOT: weft.pack_weights
// CHECK: return
func.func @constant_weights(%a: tensor<2x3xf32>, %b: tensor<4x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<4x4xf32>) {
  %w = onnx.Constant() {value = dense<1.0> : tensor<3x4xf32>} : () -> tensor<3x4xf32>
  %n = "onnx.NoValue"() {value} : () -> none
  %m = onnx.MatMul(%a, %w) : (tensor<2x3xf32>, tensor<3x4xf32>) -> tensor<2x4xf32>
  %g = onnx.Gemm(%a, %w, %n) : (tensor<2x3xf32>, tensor<3x4xf32>, none) -> tensor<2x4xf32>
  %p = onnx.MatMul(%b, %b) : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  return %m, %g, %p : tensor<2x4xf32>, tensor<2x4xf32>, tensor<4x4xf32>
}
