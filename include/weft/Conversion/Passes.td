//===- Passes.td - Conversions -----------------------------------*- tablegen -*-===//

#ifndef WEFT_CONVERSION_PASSES_TD
#define WEFT_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertONNXToLinalgPass : Pass<"convert-onnx-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Lower onnx ops to linalg, tensor, arith and math";
  let description = [{
    Rewrites the onnx ops the CPU code generator supports into upstream
    dialects on tensors (elementwise work as linalg.generic with numpy
    broadcasting, MatMul and Gemm as linalg contractions, constants as
    arith.constant, reshapes and transposes as tensor and linalg ops), as a
    dialect conversion: unsigned integer types become signless first
    (`makeUnsignedSignless`), then `applyPartialConversion` with the
    patterns of every op family (each behind its own `populate...Patterns`,
    weft/Conversion/ONNXToLinalg/ONNXToLinalg.h) to
    `configureONNXToLinalgTarget`. An op with no lowering is an error naming
    the node: `unsupported op X (opset N) on device cpu`.
  }];
  let options = [
    Option<"winograd", "winograd", "bool", /*default=*/"true",
           "Lower 3x3 stride-1 convolutions with constant filters by "
           "Winograd's F(2x2, 3x3) where they have enough tiles">,
    Option<"transposeSmallConvolutions", "transpose-small-convolutions",
           "bool", /*default=*/"true",
           "Compute convolutions of one image with at most 64 output "
           "positions and a constant filter as the transposed product">,
    ListOption<"families", "families", "std::string",
               "Only these op families' patterns (all when empty): "
               "elementwise, matmul, data, indexing, quantization, scan, "
               "scatter, rearrange, softmax, reduction, arg-reduction, "
               "cast-concat, conv-pool, normalization">
  ];
  let dependentDialects = [
    "::mlir::linalg::LinalgDialect", "::mlir::tensor::TensorDialect",
    "::mlir::arith::ArithDialect", "::mlir::math::MathDialect",
    "::mlir::scf::SCFDialect"
  ];
}

def ConvertMemRefCopyToLinalgPass
    : Pass<"weft-memref-copy-to-linalg", "mlir::func::FuncOp"> {
  let summary = "Turn memref.copy into linalg.copy";
  let description = [{
    Bufferization copies buffers with memref.copy, whose lowering calls a
    `memrefCopy` function from MLIR's runner utilities when a side is not
    contiguous. As linalg.copy, the copy becomes loops in the generated
    code and the host code needs no support library.
  }];
  let dependentDialects = ["::mlir::linalg::LinalgDialect"];
}

#endif // WEFT_CONVERSION_PASSES_TD
