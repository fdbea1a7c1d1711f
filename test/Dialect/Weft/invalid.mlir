// RUN: weft-opt --split-input-file --verify-diagnostics %s

func.func @unknown_kind() attributes {d = #weft.device<"tpu:0">} {
  // expected-error @-1 {{unknown device kind 'tpu' (expected cpu or cuda)}}
  return
}

// -----

// expected-error @+1 {{expected a device name like "cuda:0", got "cuda"}}
func.func @bad_name() attributes {d = #weft.device<"cuda">} {
  return
}

// -----

func.func @negative_index() attributes {d = #weft.device<"cpu:0", node = -1>} {
  // expected-error @-1 {{device index and node must not be negative}}
  return
}

// -----

func.func @negative_estimate() attributes {c = #weft.choice<estimates = {"cpu:0" = -1.0 : f64}, transfer_us = 0.0 : f64, strategy = "heft">} {
  // expected-error @-1 {{estimate for 'cpu:0' must be a non-negative float (microseconds)}}
  return
}

// -----

func.func @negative_transfer() attributes {c = #weft.choice<estimates = {}, transfer_us = -2.0 : f64, strategy = "heft">} {
  // expected-error @-1 {{transfer_us must not be negative}}
  return
}

// -----

func.func @partition_yield_mismatch(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{yields 'tensor<2xi64>' but its results are 'tensor<2xf32>'}}
  %r = weft.partition on #weft.device<"cpu:0"> (%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<2xf32>):
    %c = onnx.Constant() {value = dense<1> : tensor<2xi64>} : () -> tensor<2xi64>
    weft.yield %c : tensor<2xi64>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @partition_argument_mismatch(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{input of type 'tensor<2xf32>' is bound to an argument of type 'tensor<3xf32>'}}
  %r = weft.partition on #weft.device<"cpu:0"> (%x) : (tensor<2xf32>) -> tensor<2xf32> {
  ^bb0(%a: tensor<3xf32>):
    weft.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @partition_isolated(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-note @+1 {{required by region isolation constraints}}
  %r = weft.partition on #weft.device<"cpu:0"> () : () -> tensor<2xf32> {
    // expected-error @+1 {{using value defined outside the region}}
    weft.yield %x : tensor<2xf32>
  }
  return %r : tensor<2xf32>
}

// -----

func.func @transfer_to_itself(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{moves a value from cpu:0 to itself}}
  %h = weft.transfer %x : tensor<2xf32> from #weft.device<"cpu:0"> to #weft.device<"cpu:0">
  return %h : tensor<2xf32>
}

// -----

func.func @yield_outside_partition(%x: tensor<2xf32>) {
  // expected-error @+1 {{expects parent op 'weft.partition'}}
  weft.yield %x : tensor<2xf32>
}

// -----

func.func @task_unknown_callee(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{calls 'nowhere', which is not a func.func in the module}}
  %r = weft.task @nowhere on #weft.device<"cpu:0">(%x) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func private @part(%a: tensor<4xf32>) -> tensor<4xf32>

func.func @task_type_mismatch(%x: tensor<2xf32>) -> tensor<2xf32> {
  // expected-error @+1 {{has type '(tensor<2xf32>) -> tensor<2xf32>' but 'part' has type '(tensor<4xf32>) -> tensor<4xf32>'}}
  %r = weft.task @part on #weft.device<"cpu:0">(%x) : (tensor<2xf32>) -> tensor<2xf32>
  return %r : tensor<2xf32>
}

// -----

func.func private @part(%a: tensor<4xf32>) -> tensor<4xf32>

func.func @task_times(%x: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{predicted times must satisfy 0 <= start_us <= finish_us}}
  %r = weft.task @part on #weft.device<"cpu:0">(%x) {start_us = 5.0 : f64, finish_us = 1.0 : f64} : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

// A description is verified when it is made: a misspelled field is named,
// with the field it most likely meant.
// expected-error @+1 {{#weft.devices: device #0: unknown field 'memory_gbs' (did you mean 'memory_gb'?)}}
module attributes {weft.devices = #weft.devices<"{\22devices\22: [{\22kind\22: \22cpu\22, \22index\22: 0, \22peak_gflops\22: {\22f32\22: 10}, \22memory_bandwidth_gbps\22: 10, \22memory_gbs\22: 8}]}">} {
}

// -----

// expected-error @+1 {{attribute 'weft.devices' must be a #weft.devices, got "host"}}
module attributes {weft.devices = "host"} {
}

// -----

// expected-error @+1 {{unknown attribute 'weft.makespan' of the weft dialect}}
module attributes {weft.makespan = 1.0 : f64} {
}

// -----

// expected-error @+1 {{attribute 'weft.chunk' must be a positive i64 (rows), got 0 : i64}}
module attributes {weft.chunk = 0 : i64} {
}

// -----

// expected-error @+1 {{kind must be host-code, gpu-code or weights, got 'object'}}
weft.binary "object" {data = ""}
