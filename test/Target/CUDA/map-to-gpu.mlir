// RUN: weft-opt --split-input-file -verify-diagnostics --pass-pipeline='builtin.module(func.func(weft-map-to-gpu{block-size=256}))' %s | FileCheck %s

// A 2-D parallel nest of 4x100 iterations: 400 threads in 2 blocks of 256;
// each thread recovers (i, j) from its linear id, innermost fastest.
// CHECK-LABEL: func.func @parallel
// CHECK-DAG: %[[GRID:.*]] = arith.constant 2 : index
// CHECK-DAG: %[[BLOCK:.*]] = arith.constant 256 : index
// CHECK: gpu.launch blocks(%[[BX:.*]], %{{.*}}, %{{.*}}) in (%{{.*}} = %[[GRID]], %{{.*}}, %{{.*}}) threads(%[[TX:.*]], %{{.*}}, %{{.*}}) in (%[[BS:.*]] = %[[BLOCK]],
// CHECK: %[[BASE:.*]] = arith.muli %[[BX]], %[[BS]]
// CHECK: %[[ID:.*]] = arith.addi %[[BASE]], %[[TX]]
// CHECK: %[[END:.*]] = arith.constant 400 : index
// CHECK: %[[IN:.*]] = arith.cmpi ult, %[[ID]], %[[END]]
// CHECK: scf.if %[[IN]]
// CHECK: arith.remui %{{.*}}, %{{.*}}
// CHECK: memref.store
// CHECK: gpu.terminator
// CHECK-NOT: scf.parallel
func.func @parallel(%m: memref<4x100xf32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c4 = arith.constant 4 : index
  %c100 = arith.constant 100 : index
  %f = arith.constant 1.0 : f32
  scf.parallel (%i, %j) = (%c0, %c0) to (%c4, %c100) step (%c1, %c1) {
    memref.store %f, %m[%i, %j] : memref<4x100xf32>
    scf.reduce
  }
  return
}

// -----

// A loop nest with no parallel dimension runs on one thread.
// CHECK-LABEL: func.func @sequential
// (Constants named %c1_N hold 1.)
// CHECK: gpu.launch blocks({{.*}}) in ({{.*}} = %c1_{{[0-9]+}}, {{.*}} = %c1_{{[0-9]+}}, {{.*}} = %c1_{{[0-9]+}}) threads({{.*}}) in ({{.*}} = %c1_{{[0-9]+}}, {{.*}} = %c1_{{[0-9]+}}, {{.*}} = %c1_{{[0-9]+}})
// CHECK: scf.for
// CHECK: gpu.terminator
func.func @sequential(%in: memref<16xf32>, %out: memref<f32>) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %c16 = arith.constant 16 : index
  scf.for %i = %c0 to %c16 step %c1 {
    %x = memref.load %in[%i] : memref<16xf32>
    %acc = memref.load %out[] : memref<f32>
    %s = arith.addf %acc, %x : f32
    memref.store %s, %out[] : memref<f32>
  }
  return
}

// -----

// Bounds unknown at compile time are refused.
func.func @dynamic(%m: memref<?xf32>, %n: index) {
  %c0 = arith.constant 0 : index
  %c1 = arith.constant 1 : index
  %f = arith.constant 1.0 : f32
  // expected-error@+1 {{has bounds unknown at compile time}}
  scf.parallel (%i) = (%c0) to (%n) step (%c1) {
    memref.store %f, %m[%i] : memref<?xf32>
    scf.reduce
  }
  return
}
