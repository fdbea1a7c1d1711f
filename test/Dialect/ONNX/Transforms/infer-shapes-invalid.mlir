// RUN: weft-opt --split-input-file --weft-infer-shapes --verify-diagnostics %s

func.func @contradiction(%a: tensor<2x3xf32>) -> tensor<4x3xf32> {
  // expected-error @+1 {{inferred type 'tensor<2x3xf32>' of result #0 contradicts its type 'tensor<4x3xf32>'}}
  %0 = onnx.Relu(%a) : (tensor<2x3xf32>) -> tensor<4x3xf32>
  return %0 : tensor<4x3xf32>
}

// -----

func.func @incompatible_matmul(%a: tensor<2x3xf32>, %b: tensor<4x5xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{type inference failed}}
  %0 = onnx.MatMul(%a, %b) : (tensor<2x3xf32>, tensor<4x5xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}
