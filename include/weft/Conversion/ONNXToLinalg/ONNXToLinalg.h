//===- ONNXToLinalg.h - onnx ops to linalg on tensors -----------*- C++ -*-===//
//
// The patterns that lower onnx ops to linalg, tensor, arith and math, split
// by op family; other compilers reuse them through the populate functions.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
#define WEFT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H

#include "mlir/IR/PatternMatch.h"
#include "llvm/ADT/StringSet.h"

namespace weft {

/// A unit attribute on a contraction whose constant right-hand operand is
/// worth packing once for good (the CPU's `weft_sgemm_packed`): MatMul and
/// Gemm on constant weights, and the transposed products of small
/// convolutions.
constexpr const char *kPackWeightsAttrName = "weft.pack_weights";

/// Choices between lowerings of the same op.
struct ONNXToLinalgOptions {
  /// 3x3 stride-1 convolutions with constant filters by Winograd's
  /// F(2x2, 3x3) where they have enough tiles (else im2col and a GEMM).
  bool winograd = true;
  /// Ungrouped convolutions of one image with at most 64 output positions
  /// and a constant filter compute the transposed product, whose constant
  /// operand is then the right-hand one (which the CPU packs once).
  bool transposeSmallConvolutions = true;
};

/// Every onnx-to-linalg pattern.
void populateONNXToLinalgConversionPatterns(
    mlir::RewritePatternSet &patterns, const ONNXToLinalgOptions &options = {});

/// The onnx op names (without the dialect prefix, e.g. "Conv") for which
/// populateONNXToLinalgConversionPatterns has at least one pattern.
llvm::StringSet<> getONNXOpsLoweredToLinalg(mlir::MLIRContext *context);

/// By family (each in its own file).
void populateONNXElementwiseToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXMatMulToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXDataToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXIndexingToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXQuantizationToLinalgPatterns(
    mlir::RewritePatternSet &patterns);
void populateONNXScanToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXScatterToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXRearrangeToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXSoftmaxToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXReductionToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXArgReductionToLinalgPatterns(
    mlir::RewritePatternSet &patterns);
void populateONNXCastConcatToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXConvPoolToLinalgPatterns(
    mlir::RewritePatternSet &patterns, const ONNXToLinalgOptions &options = {});
void populateONNXNormalizationToLinalgPatterns(
    mlir::RewritePatternSet &patterns);

} // namespace weft

#endif // WEFT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
