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
