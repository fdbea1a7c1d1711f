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

/// Every onnx-to-linalg pattern.
void populateONNXToLinalgConversionPatterns(mlir::RewritePatternSet &patterns);

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
void populateONNXConvPoolToLinalgPatterns(mlir::RewritePatternSet &patterns);
void populateONNXNormalizationToLinalgPatterns(
    mlir::RewritePatternSet &patterns);

} // namespace weft

#endif // WEFT_CONVERSION_ONNXTOLINALG_ONNXTOLINALG_H
