// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=heft %s | FileCheck %s
// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=exact %s | FileCheck %s --check-prefix=EXACT
// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json "--weft-place=strategy=single=cpu:0 report=true" %s | FileCheck %s --check-prefix=SINGLE
// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=min-cut %s | FileCheck %s --check-prefix=MINCUT
// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=chain-dp %s | FileCheck %s --check-prefix=CHAIN
// RUN: not weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place=strategy=random %s 2>&1 | FileCheck %s --check-prefix=UNKNOWN
// RUN: not weft-opt --weft-devices=%S/Inputs/tiny-memory.json --weft-place %s 2>&1 | FileCheck %s --check-prefix=MEMORY
// RUN: not weft-opt --weft-place %s 2>&1 | FileCheck %s --check-prefix=NODEVICES
// RUN: weft-opt --weft-devices=%S/../../../../examples/devices/host-2x.json "--weft-place=single-on-cpu-only=true" %s | FileCheck %s --check-prefix=CPUONLY
// RUN: weft-opt --weft-devices=%S/Inputs/cpu-gpu.json "--weft-place=single-on-cpu-only=true" %s | FileCheck %s

// A large MatMul is worth moving to the GPU; the small Relu next to the
// inputs and outputs is not worth the transfers.
// CHECK: module attributes {weft.devices = {{.*}}, weft.makespan_us = [[MAKESPAN:.*]] : f64}
// CHECK: onnx.MatMul{{.*}}weft.device = #weft.device<"cuda:0">
// CHECK-SAME: weft.why = #weft.choice<estimates = {"cpu:0" ={{.*}}: f64, "cuda:0" ={{.*}}: f64}, transfer_us ={{.*}}: f64, strategy = "heft">
// CHECK: onnx.Relu{{.*}}weft.device = #weft.device<"cpu:0">

// EXACT: onnx.MatMul{{.*}}weft.device = #weft.device<"cuda:0">
// EXACT-SAME: strategy = "exact"

// MINCUT: onnx.MatMul{{.*}}weft.device = #weft.device<"cuda:0">
// MINCUT-SAME: strategy = "min-cut"
// MINCUT: onnx.Relu{{.*}}weft.device = #weft.device<"cpu:0">
// Chain-dp cuts the rank order (MatMul, Relu) into one stage per device:
// the MatMul's on the GPU, the Relu's back where the outputs live.
// CHAIN: onnx.MatMul{{.*}}weft.device = #weft.device<"cuda:0">
// CHAIN-SAME: strategy = "chain-dp"
// CHAIN: onnx.Relu{{.*}}weft.device = #weft.device<"cpu:0">

// A description of CPUs only with single-on-cpu-only: everything on the
// first (weft-compile's CPU devices share batch chunks instead); with a GPU
// the strategy places as usual.
// CPUONLY: onnx.MatMul{{.*}}weft.device = #weft.device<"cpu:0">
// CPUONLY-SAME: strategy = "single=cpu:0"
// CPUONLY: onnx.Relu{{.*}}weft.device = #weft.device<"cpu:0">

// SINGLE: placement (single=cpu:0): predicted makespan
// SINGLE: cpu:0{{.*}}2 ops
// SINGLE: cuda:0{{.*}}0 ops

// UNKNOWN: error: unknown placement strategy 'random' (expected heft, exact, chain-dp, min-cut, greedy or single=<device>)
// MEMORY: error: 'onnx.MatMul' op cannot be placed: it needs {{[0-9]+}} bytes of device memory; no capable device has that much left (the largest holds 2000)
// NODEVICES: error: no device description: run --weft-devices=<file or built-in name> first
func.func @main(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>, %c: tensor<4xf32>) -> (tensor<512x512xf32>, tensor<4xf32>) {
  %m = onnx.MatMul(%a, %b) : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32>
  %r = onnx.Relu(%c) : (tensor<4xf32>) -> tensor<4xf32>
  return %m, %r : tensor<512x512xf32>, tensor<4xf32>
}
