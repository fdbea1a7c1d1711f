// RUN: weft-opt --split-input-file --weft-cpu-library-calls --canonicalize %s | FileCheck %s

// A row-major matmul becomes one oneDNN sgemm on the buffers' addresses:
// 'N', 'N', m, n, k, alpha 1, A, lda, B, ldb, beta 1 (C accumulates), C, ldc.
// CHECK: func.func private @dnnl_sgemm(i32, i32, i64, i64, i64, f32, !llvm.ptr, i64, !llvm.ptr, i64, f32, !llvm.ptr, i64) -> i32
// CHECK-LABEL: func.func @matmul
// CHECK-DAG: %[[N:.*]] = arith.constant 78 : i32
// CHECK-DAG: %[[M8:.*]] = arith.constant 8 : i64
// CHECK-DAG: %[[N16:.*]] = arith.constant 16 : i64
// CHECK-DAG: %[[K4:.*]] = arith.constant 4 : i64
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK: memref.extract_aligned_pointer_as_index %arg0
// CHECK: %[[A:.*]] = llvm.inttoptr
// CHECK: memref.extract_aligned_pointer_as_index %arg1
// CHECK: %[[B:.*]] = llvm.inttoptr
// CHECK: memref.extract_aligned_pointer_as_index %arg2
// CHECK: %[[C:.*]] = llvm.inttoptr
// CHECK: call @dnnl_sgemm(%[[N]], %[[N]], %[[M8]], %[[N16]], %[[K4]], %[[ONE]], %[[A]], %[[K4]], %[[B]], %[[N16]], %[[ONE]], %[[C]], %[[N16]])
// CHECK-NOT: linalg.generic
func.func @matmul(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A batch of GEMMs is a parallel loop of sgemm calls (each on one thread),
// each at its batch's offsets.
// CHECK-LABEL: func.func @batched
// CHECK: scf.parallel (%[[I:.*]]) = (%{{.*}}) to (%{{.*}}) step
// CHECK: arith.muli %[[I]]
// CHECK: call @dnnl_sgemm
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

// An output zeroed just before is overwritten instead: beta 0, no fill.
// CHECK-LABEL: func.func @zeroed
// CHECK-DAG: %[[ONE:.*]] = arith.constant 1.000000e+00 : f32
// CHECK-DAG: %[[ZERO:.*]] = arith.constant 0.000000e+00 : f32
// CHECK-NOT: linalg.fill
// CHECK: call @dnnl_sgemm(%{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ONE]], %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}}, %[[ZERO]], %{{.*}}, %{{.*}})
func.func @zeroed(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  linalg.fill ins(%zero : f32) outs(%c : memref<8x16xf32>)
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A fill with another value, or a write in between, keeps beta 1.
// CHECK-LABEL: func.func @not_zeroed
// CHECK: linalg.fill
// CHECK: memref.store
// CHECK: call @dnnl_sgemm
func.func @not_zeroed(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>) {
  %zero = arith.constant 0.0 : f32
  %i = arith.constant 0 : index
  linalg.fill ins(%zero : f32) outs(%c : memref<8x16xf32>)
  memref.store %zero, %c[%i, %i] : memref<8x16xf32>
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// A batch of fewer than 4 GEMMs runs them one after the other, each on all
// threads.
// CHECK-LABEL: func.func @small_batch
// CHECK: scf.for %[[I:.*]] = %{{.*}} to %{{.*}} step
// CHECK: arith.muli %[[I]]
// CHECK: call @dnnl_sgemm
func.func @small_batch(%a: memref<2x16x32xf32>, %b: memref<2x32x16xf32>, %c: memref<2x16x16xf32>) {
  linalg.generic {indexing_maps = [affine_map<(b, m, k, n) -> (b, m, k)>, affine_map<(b, m, k, n) -> (b, k, n)>, affine_map<(b, m, k, n) -> (b, m, n)>], iterator_types = ["parallel", "parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<2x16x32xf32>, memref<2x32x16xf32>) outs(%c : memref<2x16x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}

// -----

// RUN: weft-opt --split-input-file --weft-cpu-library-calls=packed-weights=true --canonicalize %s | FileCheck %s --check-prefix=PACKED

// With packed weights, a GEMM the lowering marked (weft.pack_weights)
// whose B is a constant global calls weft_sgemm_packed with a zeroed cache
// word of its own; an unmarked one, or one on a B that is not constant,
// keeps dnnl_sgemm.
// PACKED: memref.global "private" @__weft_gemm_cache_0 : memref<1xi64> = dense<0>
// PACKED-LABEL: func.func @weights
// PACKED: %[[WORD:.*]] = memref.get_global @__weft_gemm_cache_0
// PACKED: memref.extract_aligned_pointer_as_index %[[WORD]]
// PACKED: call @weft_sgemm_packed(
// PACKED-NOT: call @weft_sgemm_packed(
// PACKED: call @dnnl_sgemm(
// PACKED-NOT: call @weft_sgemm_packed(
// PACKED: call @dnnl_sgemm(
// PACKED-NOT: call @weft_sgemm_packed(
memref.global "private" constant @w : memref<4x16xf32> = dense<1.0>
func.func @weights(%a: memref<8x4xf32>, %b: memref<4x16xf32>, %c: memref<8x16xf32>, %d: memref<8x16xf32>, %e: memref<8x16xf32>) {
  %w = memref.get_global @w : memref<4x16xf32>
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %w : memref<8x4xf32>, memref<4x16xf32>) outs(%c : memref<8x16xf32>) attrs = {weft.pack_weights} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %w : memref<8x4xf32>, memref<4x16xf32>) outs(%e : memref<8x16xf32>) {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  linalg.generic {indexing_maps = [affine_map<(m, k, n) -> (m, k)>, affine_map<(m, k, n) -> (k, n)>, affine_map<(m, k, n) -> (m, n)>], iterator_types = ["parallel", "reduction", "parallel"]}
      ins(%a, %b : memref<8x4xf32>, memref<4x16xf32>) outs(%d : memref<8x16xf32>) attrs = {weft.pack_weights} {
  ^bb0(%x: f32, %y: f32, %acc: f32):
    %p = arith.mulf %x, %y : f32
    %s = arith.addf %acc, %p : f32
    linalg.yield %s : f32
  }
  return
}
