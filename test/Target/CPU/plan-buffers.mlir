// RUN: weft-opt --split-input-file --weft-plan-buffers %s | FileCheck %s

// %a dies (last read) before %c is allocated: they share offset 0; %b lives
// across both and gets its own bytes. The arena is the function's new last
// argument, its size recorded on the module.
// CHECK: module attributes {weft.arena_bytes = {chain = 8192 : i64}}
// CHECK-LABEL: func.func @chain
// CHECK-SAME: %[[ARENA:[a-z0-9]+]]: memref<8192xi8>
// CHECK: %[[C0:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[C0]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: %[[C4096:.*]] = arith.constant 4096 : index
// CHECK: memref.view %[[ARENA]][%[[C4096]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK: %[[C0_1:.*]] = arith.constant 0 : index
// CHECK: memref.view %[[ARENA]][%[[C0_1]]][] : memref<8192xi8> to memref<1024xf32>
// CHECK-NOT: memref.alloc
// CHECK-NOT: memref.dealloc
func.func @chain(%in: memref<1024xf32>, %out: memref<1024xf32>) {
  %a = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %in, %a : memref<1024xf32> to memref<1024xf32>
  %b = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %a, %b : memref<1024xf32> to memref<1024xf32>
  %c = memref.alloc() {alignment = 64 : i64} : memref<1024xf32>
  memref.copy %b, %c : memref<1024xf32> to memref<1024xf32>
  memref.copy %c, %out : memref<1024xf32> to memref<1024xf32>
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<1024xf32>
  memref.dealloc %c : memref<1024xf32>
  return
}

// -----

// A view keeps its buffer alive: %a is read through %v after %b is
// allocated, so they must not share bytes.
// CHECK-LABEL: func.func @through_view
// CHECK-SAME: %{{.*}}: memref<8192xi8>
func.func @through_view(%in: memref<1024xf32>, %out: memref<4x256xf32>) {
  %a = memref.alloc() : memref<1024xf32>
  memref.copy %in, %a : memref<1024xf32> to memref<1024xf32>
  %v = memref.expand_shape %a [[0, 1]] output_shape [4, 256] : memref<1024xf32> into memref<4x256xf32>
  %b = memref.alloc() : memref<4x256xf32>
  memref.copy %v, %b : memref<4x256xf32> to memref<4x256xf32>
  memref.copy %b, %out : memref<4x256xf32> to memref<4x256xf32>
  memref.dealloc %a : memref<1024xf32>
  memref.dealloc %b : memref<4x256xf32>
  return
}

// -----

// Dynamic shapes and buffers without a dealloc in the body stay allocs.
// CHECK-LABEL: func.func @unplanned
// CHECK-SAME: (%{{[^,]*}}: index, %{{[^,]*}}: memref<?xf32>)
// CHECK: memref.alloc(%{{.*}}) : memref<?xf32>
func.func @unplanned(%n: index, %out: memref<?xf32>) {
  %a = memref.alloc(%n) : memref<?xf32>
  memref.copy %a, %out : memref<?xf32> to memref<?xf32>
  memref.dealloc %a : memref<?xf32>
  return
}
