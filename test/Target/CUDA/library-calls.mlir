// RUN: weft-opt --split-input-file --weft-cuda-library-calls %s | FileCheck %s

#a = affine_map<(m, k, n) -> (m, k)>
#b = affine_map<(m, k, n) -> (k, n)>
#c = affine_map<(m, k, n) -> (m, n)>
// A plain row-major matmul: no transposes, leading dims are the row lengths.
// CHECK: func.func private @weft_cuda_gemm(memref<*xf32>, memref<*xf32>, memref<*xf32>)
// CHECK-LABEL: func.func @matmul
// CHECK-SAME: (%[[A:.*]]: memref<8x4xf32>, %[[B:.*]]: memref<4x16xf32>, %[[C:.*]]: memref<8x16xf32>)
// CHECK: %[[CA:.*]] = memref.cast %[[A]] : memref<8x4xf32> to memref<*xf32>
// CHECK: %[[CB:.*]] = memref.cast %[[B]]
// CHECK: %[[CC:.*]] = memref.cast %[[C]]
// CHECK: call @weft_cuda_gemm(%[[CA]], %[[CB]], %[[CC]]) {weft.gemm = array<i64: 0, 0, 8, 16, 4, 4, 16, 16, 1, 0, 0, 0>}
// CHECK-NOT: linalg.generic
func.func @matmul(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [#a, #b, #c], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Gemm with transA and transB: A is stored [k][m], B [n][k].
// CHECK-LABEL: func.func @transposed
// CHECK: weft.gemm = array<i64: 1, 1, 3, 5, 4, 3, 4, 5, 1, 0, 0, 0>
func.func @transposed(%a: memref<4x3xf32>, %b: memref<5x4xf32>, %c: memref<3x5xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (k, m)>, affine_map<(m, k, n) -> (n, k)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<4x3xf32>, memref<5x4xf32>) outs(%c : memref<3x5xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Batched attention scores: two batch dims collapse into one (batch 8,
// strides of one [m][k] slice per operand).
// CHECK-LABEL: func.func @batched
// CHECK: weft.gemm = array<i64: 0, 0, 16, 16, 32, 32, 16, 16, 8, 512, 512, 256>
func.func @batched(%a: memref<2x4x16x32xf32>, %b: memref<2x4x32x16xf32>, %c: memref<2x4x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, h, m, k, n) -> (b, h, m, k)>, affine_map<(b, h, m, k, n) -> (b, h, k, n)>, affine_map<(b, h, m, k, n) -> (b, h, m, n)>], iterator_types = ["parallel", "parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x4x16x32xf32>, memref<2x4x32x16xf32>) outs(%c : memref<2x4x16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Activations [1,128,256] times weights [256,64]: the batch of A folds into
// its rows (m = 128).
// CHECK-LABEL: func.func @weights
// CHECK: weft.gemm = array<i64: 0, 0, 128, 64, 256, 256, 64, 64, 1, 0, 0, 0>
func.func @weights(%a: memref<1x128x256xf32>, %b: memref<256x64xf32>, %c: memref<1x128x64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, m, k, n) -> (b, m, k)>, affine_map<(b, m, k, n) -> (k, n)>, affine_map<(b, m, k, n) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<1x128x256xf32>, memref<256x64xf32>) outs(%c : memref<1x128x64xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Not GEMMs: a product without accumulation, and integer arithmetic, stay.
// CHECK-LABEL: func.func @not_gemm
// CHECK-NOT: weft_cuda_gemm
// CHECK: linalg.generic
// CHECK: arith.mulf
// CHECK: linalg.generic
// CHECK: arith.muli
func.func @not_gemm(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>,
                    %i: memref<8x4xi32>, %j: memref<4x16xi32>, %k: memref<8x16xi32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    linalg.yield %p : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%i, %j : memref<8x4xi32>, memref<4x16xi32>) outs(%k : memref<8x16xi32>) {
  ^bb0(%x: i32, %y: i32, %acc: i32):
    %p = arith.muli %x, %y : i32
    %s = arith.addi %acc, %p : i32
    linalg.yield %s : i32
  }
  return
}

// -----

// A convolution's batch of columns times one filter matrix: the images are
// the batch, the filters' stride 0.
// CHECK-LABEL: func.func @conv_columns
// CHECK: weft.gemm = array<i64: 0, 0, 4, 20, 18, 18, 20, 20, 2, 0, 360, 80>
func.func @conv_columns(%w: memref<4x18xf32>, %cols: memref<2x18x20xf32>, %y: memref<2x4x20xf32>) {
  linalg.generic {indexing_maps = [affine_map<(n, f, k, p) -> (f, k)>, affine_map<(n, f, k, p) -> (n, k, p)>, affine_map<(n, f, k, p) -> (n, f, p)>], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%w, %cols : memref<4x18xf32>, memref<2x18x20xf32>) outs(%y : memref<2x4x20xf32>) {
  ^bb0(%x: f32, %z: f32, %acc: f32):
    %p = arith.mulf %x, %z : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
