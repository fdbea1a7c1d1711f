// RUN: weft-opt --split-input-file --pass-pipeline='builtin.module(func.func(weft-lower-linalg-to-loops{min-parallel-work=1024 threads=4}))' %s | FileCheck %s

// Enough work: the outermost dims that give 4 threads several iterations
// (64) become an scf.parallel; the innermost dim stays a loop inside.
// CHECK-LABEL: func.func @large
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT: scf.for
// CHECK: arith.addf
// CHECK-NOT: scf.parallel
func.func @large(%x: memref<64x256xf32>, %y: memref<64x256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<64x256xf32>) outs(%y : memref<64x256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// Too little work to split: sequential loops.
// CHECK-LABEL: func.func @small
// CHECK-NOT: scf.parallel
// CHECK: scf.for
func.func @small(%x: memref<4x8xf32>, %y: memref<4x8xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i, j)>], iterator_types = ["parallel", "parallel"]}
      ins(%x : memref<4x8xf32>) outs(%y : memref<4x8xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %a : f32
  }
  return
}

// -----

// Only the leading parallel dims split: a reduction dim between parallel ones
// keeps the loops after it in order (the output column stays innermost).
// CHECK-LABEL: func.func @row_reduction
// CHECK: scf.parallel (%{{.*}}) = (%{{.*}}) to (%{{.*}}) step (%{{.*}}) {
// CHECK-NEXT: scf.for
// CHECK-NEXT: scf.for
func.func @row_reduction(%x: memref<64x16x128xf32>, %y: memref<64x128xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, k, j) -> (i, k, j)>, affine_map<(i, k, j) -> (i, j)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%x : memref<64x16x128xf32>) outs(%y : memref<64x128xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %a, %b : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction over the innermost dim keeps each row's sum in a register:
// loaded before the loop, carried through it, stored after; its float
// updates may be reassociated (so that the sum vectorizes).
// CHECK-LABEL: func.func @row_sums
// CHECK: %[[INIT:.*]] = memref.load %{{.*}}[%{{.*}}] : memref<64xf32>
// CHECK: %[[SUM:.*]] = scf.for {{.*}} iter_args(%[[ACC:.*]] = %[[INIT]]) -> (f32) {
// CHECK-NOT: memref.store
// CHECK: %[[NEXT:.*]] = arith.addf %[[ACC]], %{{.*}} fastmath<reassoc> : f32
// CHECK: scf.yield %[[NEXT]] : f32
// CHECK: memref.store %[[SUM]], %{{.*}}[%{{.*}}] : memref<64xf32>
func.func @row_sums(%x: memref<64x256xf32>, %y: memref<64xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<64x256xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%a: f32, %b: f32):
    %m = arith.mulf %a, %a : f32
    %s = arith.addf %b, %m : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction over an outer dim (the output moves with the inner loop)
// stays as it is: each iteration updates another element.
// CHECK-LABEL: func.func @column_sums
// CHECK-NOT: iter_args
// CHECK: memref.store
func.func @column_sums(%x: memref<64x256xf32>, %y: memref<256xf32>) {
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>], iterator_types = ["reduction", "parallel"]}
      ins(%x : memref<64x256xf32>) outs(%y : memref<256xf32>) {
  ^bb0(%a: f32, %b: f32):
    %s = arith.addf %b, %a : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A reduction whose body yields a value from outside the loop (a constant)
// still carries it in a register.
// CHECK-LABEL: func.func @constant_update
// CHECK: %[[C:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: scf.for {{.*}} iter_args(%{{.*}} = %{{.*}}) -> (f32) {
// CHECK: scf.yield %[[C]] : f32
func.func @constant_update(%x: memref<64x256xf32>, %y: memref<64xf32>) {
  %one = arith.constant 1.0 : f32
  linalg.generic {indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (i)>], iterator_types = ["parallel", "reduction"]}
      ins(%x : memref<64x256xf32>) outs(%y : memref<64xf32>) {
  ^bb0(%a: f32, %b: f32):
    linalg.yield %one : f32
  }
  return
}

// -----

// The left and right borders of a padded buffer, filled just before the op
// that writes its rows, are stored by that op's loops after each row (no
// loop nest of their own); the top row stays a fill.
// CHECK-LABEL: func.func @side_borders
// CHECK: %[[TOP:.*]] = memref.subview {{.*}}[0, 0, 0, 0] [1, 2, 1, 6]
// CHECK: memref.store %{{.*}}, %[[TOP]]
// CHECK: %[[LEFT:.*]] = memref.subview {{.*}}[0, 0, 1, 0] [1, 2, 4, 1]
// CHECK: %[[RIGHT:.*]] = memref.subview {{.*}}[0, 0, 1, 5] [1, 2, 4, 1]
// CHECK-NOT: %[[LEFT]]
// CHECK: scf.for %[[H:.*]] = %{{.*}} to %c4 step
// CHECK: arith.addf
// CHECK-NEXT: memref.store
// CHECK-NEXT: }
// CHECK: memref.store %{{.*}}, %[[LEFT]][%{{.*}}, %{{.*}}, %[[H]], %{{.*}}]
// CHECK: memref.store %{{.*}}, %[[RIGHT]][%{{.*}}, %{{.*}}, %[[H]], %{{.*}}]
func.func @side_borders(%x: memref<1x2x4x4xf32>, %padded: memref<1x2x6x6xf32>) {
  %zero = arith.constant 0.0 : f32
  %top = memref.subview %padded[0, 0, 0, 0] [1, 2, 1, 6] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x1x6xf32, strided<[72, 36, 6, 1]>>
  linalg.fill ins(%zero : f32) outs(%top : memref<1x2x1x6xf32, strided<[72, 36, 6, 1]>>)
  %left = memref.subview %padded[0, 0, 1, 0] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x1xf32, strided<[72, 36, 6, 1], offset: 6>>
  linalg.fill ins(%zero : f32) outs(%left : memref<1x2x4x1xf32, strided<[72, 36, 6, 1], offset: 6>>)
  %right = memref.subview %padded[0, 0, 1, 5] [1, 2, 4, 1] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x1xf32, strided<[72, 36, 6, 1], offset: 11>>
  linalg.fill ins(%zero : f32) outs(%right : memref<1x2x4x1xf32, strided<[72, 36, 6, 1], offset: 11>>)
  %rows = memref.subview %padded[0, 0, 1, 1] [1, 2, 4, 4] [1, 1, 1, 1] : memref<1x2x6x6xf32> to memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>
  linalg.generic {indexing_maps = [affine_map<(n, c, h, w) -> (n, c, h, w)>, affine_map<(n, c, h, w) -> (n, c, h, w)>], iterator_types = ["parallel", "parallel", "parallel", "parallel"]} ins(%x : memref<1x2x4x4xf32>) outs(%rows : memref<1x2x4x4xf32, strided<[72, 36, 6, 1], offset: 7>>) {
  ^bb0(%in: f32, %out: f32):
    %y = arith.addf %in, %in : f32
    linalg.yield %y : f32
  }
  return
}
