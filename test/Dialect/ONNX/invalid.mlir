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

// -----

func.func @constant_two_values() -> tensor<f32> {
  // expected-error @+1 {{requires exactly one of value, sparse_value, value_float(s), value_int(s), value_string(s)}}
  %0 = onnx.Constant() {value = dense<1.0> : tensor<f32>, value_float = 2.0 : f32} : () -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

func.func @constant_wrong_type() -> tensor<2xf32> {
  // expected-error @+1 {{result type 'tensor<2xf32>' does not match its value's type 'tensor<f32>'}}
  %0 = onnx.Constant() {value_float = 2.0 : f32} : () -> tensor<2xf32>
  return %0 : tensor<2xf32>
}

// -----

func.func @transpose_not_a_permutation(%a: tensor<*xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{perm is not a permutation of [0, 2)}}
  %0 = onnx.Transpose(%a) {perm = array<i64: 0, 1099511627776>} : (tensor<*xf32>) -> tensor<*xf32>
  return %0 : tensor<*xf32>
}

// -----

func.func @gather_index_out_of_range(%a: tensor<3x4xf32>) -> tensor<1x4xf32> {
  %i = onnx.Constant() {value = dense<-4> : tensor<1xi64>} : () -> tensor<1xi64>
  // expected-error @+1 {{index -4 is out of range [-3, 2] for axis 0 of its data}}
  %0 = onnx.Gather(%a, %i) : (tensor<3x4xf32>, tensor<1xi64>) -> tensor<1x4xf32>
  return %0 : tensor<1x4xf32>
}

// -----

func.func @softmax_axis(%a: tensor<2x3xf32>) -> tensor<2x3xf32> {
  // expected-error @+1 {{axis 2 is out of range [-2, 1] for its rank-2 input}}
  %0 = onnx.Softmax(%a) {axis = 2 : i64} : (tensor<2x3xf32>) -> tensor<2x3xf32>
  return %0 : tensor<2x3xf32>
}

// -----

func.func @pool_zero_stride(%a: tensor<1x1x4x4xf32>) -> tensor<*xf32> {
  // expected-error @+1 {{MaxPool attribute 'strides' must be positive, got [0, 1]}}
  %0, %1 = onnx.MaxPool(%a) {kernel_shape = array<i64: 2, 2>, strides = array<i64: 0, 1>} : (tensor<1x1x4x4xf32>) -> (tensor<*xf32>, none)
  return %0 : tensor<*xf32>
}
