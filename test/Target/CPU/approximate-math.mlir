// RUN: weft-opt --pass-pipeline='builtin.module(func.func(weft-approximate-math))' %s | FileCheck %s

// float32 erf and exp become arithmetic (no libm call left to block
// vectorization); float64 keeps its exact library function.
// CHECK-LABEL: func.func @transcendentals
// CHECK-NOT: math.erf %{{.*}} : f32
// CHECK-NOT: math.exp %{{.*}} : f32
// CHECK: arith.mulf
// CHECK: math.erf %{{.*}} : f64
func.func @transcendentals(%x: f32, %y: f64) -> (f32, f32, f64) {
  %e = math.erf %x : f32
  %x2 = math.exp %x : f32
  %d = math.erf %y : f64
  return %e, %x2, %d : f32, f32, f64
}
