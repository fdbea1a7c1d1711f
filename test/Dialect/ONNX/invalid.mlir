// RUN: weft-opt --split-input-file --verify-diagnostics %s

func.func @element_types_disagree(%a: tensor<2xf32>, %b: tensor<2xi64>) -> tensor<2xf32> {
  // expected-error @+1 {{requires operand #1 to have the same element type as operand #0}}
  %0 = onnx.Add(%a, %b) : (tensor<2xf32>, tensor<2xi64>) -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @type_not_allowed(%a: tensor<2xi1>) -> tensor<2xi1> {
  // expected-error @+1 {{operand #0 must be tensor of}}
  %0 = onnx.Relu(%a) : (tensor<2xi1>) -> tensor<2xi1>
  return %0 : tensor<2xi1>
}

// -----

func.func @missing_required_attribute(%a: tensor<2xf32>) -> tensor<2xi64> {
  // expected-error @+1 {{requires attribute 'to'}}
  %0 = onnx.Cast(%a) : (tensor<2xf32>) -> tensor<2xi64>
  return %0 : tensor<2xi64>
}

// -----

func.func @wrong_attribute_kind(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{attribute 'axis' failed to satisfy constraint}}
  %0 = onnx.Softmax(%a) {axis = "one"} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @not_a_sequence(%s: tensor<2xf32>) -> tensor<i64> {
  // expected-error @+1 {{operand #0 must be sequence of}}
  %0 = onnx.SequenceLength(%s) : (tensor<2xf32>) -> tensor<i64>
  return %0 : tensor<i64>
}
