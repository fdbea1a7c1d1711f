//===- ONNXToLinalg.h - onnx ops to linalg on tensors -----------*- C++ -*-===//
//
// The patterns that lower onnx ops to linalg, tensor, arith and math, split
// by op family; other compilers reuse them through the populate functions.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
#define WEFT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Rewrite/FrozenRewritePatternSet.h"
#include "llvm/ADT/StringSet.h"

#include <string>
#include <vector>

namespace mlir {
class ConversionTarget;
} // namespace mlir

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

/// Every onnx-to-linalg pattern, all families. The patterns leave alone ops
/// with unsigned integer types: run makeUnsignedSignless on the function
/// first (convertONNXToLinalg does), so that they pick the unsigned
/// operations instead of computing with a signed meaning.
void populateONNXToLinalgConversionPatterns(
    mlir::RewritePatternSet &patterns, const ONNXToLinalgOptions &options = {});

/// The patterns of the families named (getONNXOpFamilies); fails, setting
/// `unknown`, on a name that is none.
mlir::LogicalResult populateONNXToLinalgConversionPatterns(
    mlir::RewritePatternSet &patterns, llvm::ArrayRef<std::string> families,
    const ONNXToLinalgOptions &options, std::string &unknown);

/// The op families, each a populate function below: "elementwise",
/// "matmul", "data", ...
std::vector<std::string> getONNXOpFamilies();

/// What is legal once onnx ops are lowered: linalg, tensor, arith, math,
/// scf, func, bufferization, and onnx.NoValue (read by ops not lowered).
/// onnx ops are left unknown, so that a partial conversion collects those no
/// pattern lowers.
void configureONNXToLinalgTarget(mlir::ConversionTarget &target);

/// Replaces every unsigned integer element type in `func` by the signless
/// type of its width, marking the onnx ops that used them (their patterns
/// then pick the unsigned operations: divui, cmpi ult, uitofp, ...).
mlir::LogicalResult makeUnsignedSignless(mlir::func::FuncOp func);

/// The whole lowering of `func`: makeUnsignedSignless, then a partial
/// conversion with `patterns` (populateONNXToLinalgConversionPatterns) to
/// configureONNXToLinalgTarget; an onnx op left is an error naming it
/// (`unsupported op X (opset N) on device cpu`).
mlir::LogicalResult
convertONNXToLinalg(mlir::func::FuncOp func,
                    const mlir::FrozenRewritePatternSet &patterns);

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
