//===- WeftOps.td - Operations of the weft dialect -----------*- tablegen -*-===//

#ifndef WEFT_DIALECT_WEFT_IR_WEFTOPS_TD
#define WEFT_DIALECT_WEFT_IR_WEFTOPS_TD

include "weft/Dialect/Weft/IR/WeftAttrs.td"
include "mlir/IR/RegionKindInterface.td"
include "mlir/Interfaces/ControlFlowInterfaces.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Interfaces/CallInterfaces.td"
include "mlir/IR/SymbolInterfaces.td"

def Weft_PartitionOp : Weft_Op<"partition", [
    IsolatedFromAbove, SingleBlockImplicitTerminator<"YieldOp">,
    RecursiveMemoryEffects]> {
  let summary = "ops placed on one device, isolated from the rest";
  let description = [{
    A convex group of ops that all run on `device`. Its operands are the
    values it reads from outside, bound to the block arguments in order; its
    results are the values `weft.yield` returns.

    ```mlir
    %r = weft.partition on #weft.device<"cuda:0">(%x, %w) : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32> {
    ^bb0(%a: tensor<1x8xf32>, %b: tensor<8x4xf32>):
      %m = onnx.MatMul(%a, %b) : (tensor<1x8xf32>, tensor<8x4xf32>) -> tensor<1x4xf32>
      weft.yield %m : tensor<1x4xf32>
    }
    ```
  }];
  let arguments = (ins Weft_DeviceArg:$device, Variadic<AnyType>:$inputs);
  let results = (outs Variadic<AnyType>:$outputs);
  let regions = (region SizedRegion<1>:$body);
  let assemblyFormat = [{
    `on` $device `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs) $body
  }];
  let hasVerifier = 1;
  let skipDefaultBuilders = 1;
  let builders = [
    OpBuilder<(ins "DeviceAttr":$device, "::mlir::ValueRange":$inputs,
                   "::mlir::TypeRange":$outputTypes)>
  ];
}

def Weft_YieldOp : Weft_Op<"yield", [Pure, Terminator, ReturnLike,
                                     HasParent<"PartitionOp">]> {
  let summary = "the results of a partition";
  let description = [{
    ```mlir
    weft.yield %a, %b : tensor<4xf32>, tensor<2xi64>
    ```
  }];
  let arguments = (ins Variadic<AnyType>:$values);
  let builders = [OpBuilder<(ins), [{ }]>];
  let assemblyFormat = "attr-dict ($values^ `:` type($values))?";
}

def Weft_TransferOp : Weft_Op<"transfer", [Pure,
    AllTypesMatch<["input", "output"]>]> {
  let summary = "moves a value to another device";
  let description = [{
    The value, now resident on `to` (it was on `from`). The runtime copies the
    bytes between the two devices' memories.

    ```mlir
    %h = weft.transfer %p : tensor<1x1000xf32> from #weft.device<"cuda:0"> to #weft.device<"cpu:0">
    ```
  }];
  let arguments = (ins AnyType:$input, Weft_DeviceArg:$from, Weft_DeviceArg:$to);
  let results = (outs AnyType:$output);
  let assemblyFormat = [{
    $input `:` type($output) `from` $from `to` $to attr-dict
  }];
  let hasVerifier = 1;
}

def Weft_TaskOp : Weft_Op<"task", [
    DeclareOpInterfaceMethods<SymbolUserOpInterface>]> {
  let summary = "one unit of work the runtime schedules: a call on a device";
  let description = [{
    Runs function `callee` (an outlined partition) on `device`. In a
    scheduled `@main`, tasks and transfers appear in the static order the
    runtime follows, each with its predicted start and finish
    (microseconds); data dependencies are its operands.

    ```mlir
    %r = weft.task @main_part0 on #weft.device<"cuda:0">(%x) {start_us = 12.0 : f64, finish_us = 410.0 : f64} : (tensor<1x8xf32>) -> tensor<1x4xf32>
    ```
  }];
  let arguments = (ins FlatSymbolRefAttr:$callee, Weft_DeviceArg:$device,
                       Variadic<AnyType>:$inputs,
                       OptionalAttr<F64Attr>:$start_us,
                       OptionalAttr<F64Attr>:$finish_us);
  let results = (outs Variadic<AnyType>:$outputs);
  let assemblyFormat = [{
    $callee `on` $device `(` $inputs `)` attr-dict `:` functional-type($inputs, $outputs)
  }];
  let hasVerifier = 1;
}

def Weft_BinaryOp : Weft_Op<"binary"> {
  let summary = "compiled code or data that goes into the artifact as is";
  let description = [{
    A section of the artifact, made by a serialization pass from a nested
    module of device code: `host-code` (a shared object for the host CPU,
    with `target` describing the CPU it was compiled for, `entries` the
    arena bytes of each function it exports and `codegen` the code
    generator's options), `gpu-code` (the CUDA programs,
    with their `ptx`) or `weights` (constants of the GPU code; with `file`,
    written to that file next to the artifact instead of into it). The
    `weft-artifact` translation writes these and the manifest of `@main`.

    ```mlir
    weft.binary "host-code" {data = "\7FELF...", entries = {main_part0 = 256 : i64}, target = "x86_64 ..."}
    ```
  }];
  let arguments = (ins StrAttr:$kind, StrAttr:$data,
                       OptionalAttr<StrAttr>:$target,
                       OptionalAttr<DictionaryAttr>:$entries,
                       OptionalAttr<StrAttr>:$ptx,
                       OptionalAttr<StrAttr>:$file,
                       OptionalAttr<StrAttr>:$codegen);
  let assemblyFormat = "$kind attr-dict";
  let hasVerifier = 1;
}

#endif // WEFT_DIALECT_WEFT_IR_WEFTOPS_TD
