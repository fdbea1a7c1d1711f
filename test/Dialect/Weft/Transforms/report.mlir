// RUN: rm -rf %t && weft-opt --weft-devices=%S/Inputs/cpu-gpu.json --weft-place "--weft-report=dir=%t" %s -o /dev/null
// RUN: FileCheck %s --check-prefix=TEXT < %t/placement.txt
// RUN: FileCheck %s --check-prefix=DOT < %t/placement.dot
// RUN: FileCheck %s --check-prefix=TRACE < %t/schedule.json
// RUN: FileCheck %s --check-prefix=GANTT < %t/schedule.svg
// RUN: not weft-opt --weft-devices=%S/Inputs/cpu-gpu.json "--weft-report=dir=%t" %s 2>&1 | FileCheck %s --check-prefix=UNPLACED

// TEXT: predicted makespan: {{[0-9.]+}} us
// TEXT: cpu:0 {{ *}}1
// TEXT: cuda:0 {{ *}}2
// TEXT: mm (MatMul), cuda:0, {{.*}}, #weft.choice<estimates
// DOT: digraph placement
// DOT: label="mm (MatMul)
// DOT-SAME: fillcolor="#f28e2b"
// DOT: -> n
// TRACE: "traceEvents"
// TRACE: "name": "cuda:0"
// TRACE: "name": "mm (MatMul)"
// TRACE: "ph": "X"
// GANTT: <svg
// GANTT: predicted schedule, makespan
// GANTT: <rect {{.*}}<title>mm (MatMul)
// UNPLACED: error: nothing to report: run --weft-place first
func.func @main(%a: tensor<512x512xf32>, %b: tensor<512x512xf32>, %c: tensor<4xf32>) -> (tensor<512x512xf32>, tensor<4xf32>) {
  %m = onnx.MatMul(%a, %b) : (tensor<512x512xf32>, tensor<512x512xf32>) -> tensor<512x512xf32> loc("mm")
  %r = onnx.Relu(%c) : (tensor<4xf32>) -> tensor<4xf32> loc("relu")
  %s = onnx.Relu(%m) : (tensor<512x512xf32>) -> tensor<512x512xf32> loc("relu2")
  return %s, %r : tensor<512x512xf32>, tensor<4xf32>
}
