//===- Common.h - Helpers shared by the onnx-to-linalg patterns -*- C++ -*-===//

#ifndef WEFT_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
#define WEFT_LIB_CONVERSION_ONNXTOLINALG_COMMON_H

#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Builders.h"

namespace weft {

/// An empty tensor of `type` for a linalg op to write; dynamic dims take
/// their sizes from the first of `sources` whose aligned dim is dynamic too.
mlir::Value makeEmptyTensor(mlir::OpBuilder &builder, mlir::Location loc,
                            mlir::RankedTensorType type,
                            mlir::ValueRange sources);

/// The indexing map reading `input` (numpy broadcasting, aligned to the right)
/// inside a loop nest over `resultRank` dims.
mlir::AffineMap getBroadcastMap(mlir::RankedTensorType input,
                                mlir::RankedTensorType result,
                                mlir::MLIRContext *context);

/// A static tensor of `shape` filled with `value` (floats or integers).
mlir::Value makeFilledTensor(mlir::OpBuilder &builder, mlir::Location loc,
                             llvm::ArrayRef<int64_t> shape, mlir::Type element,
                             double value);

/// `value` with the static shape of `type` (same element count).
mlir::Value reshapeTo(mlir::OpBuilder &builder, mlir::Location loc,
                      mlir::Value value, mlir::RankedTensorType type);

/// Computes each element of a fresh tensor of `resultType`: one parallel
/// linalg.generic over its dims that reads `inputs` through `inputMaps`;
/// `body` gets the input scalars (linalg.index gives the position) and
/// returns the element.
mlir::Value buildParallelGeneric(
    mlir::OpBuilder &builder, mlir::Location loc,
    mlir::RankedTensorType resultType, mlir::ValueRange inputs,
    llvm::ArrayRef<mlir::AffineMap> inputMaps,
    llvm::function_ref<mlir::Value(mlir::OpBuilder &, mlir::Location,
                                   mlir::ValueRange)>
        body);

/// The tensor `value` holds when a constant defines it: an onnx.Constant, or
/// the arith.constant it has become during the lowering; null otherwise.
mlir::ElementsAttr getConstantElements(mlir::Value value);

/// init[i][m][n] + sum_k a[i][m][k] * b[i][k][n], over loops i, m, k, n (a
/// 2-D `a` is one matrix for every i): a contraction library GEMMs take.
mlir::Value buildBatchedMatmul(mlir::OpBuilder &builder, mlir::Location loc,
                               mlir::Value a, mlir::Value b, mlir::Value init);

/// `axis` in [0, rank) (negative ones count from the end), or nullopt.
std::optional<int64_t> normalizeAxis(int64_t axis, int64_t rank);

/// An integer scalar read from an index tensor, as an index into a dim of
/// `size`: negative values count from the end (the result is not clamped).
mlir::Value wrapNegativeIndex(mlir::OpBuilder &builder, mlir::Location loc,
                              mlir::Value index, int64_t size);

/// The index `i` clamped into [0, size), so that a read stays inside.
mlir::Value clampIndex(mlir::OpBuilder &builder, mlir::Location loc,
                       mlir::Value i, int64_t size);

/// Marks on onnx ops that read (a bool per operand) or write unsigned
/// integers, set by
/// makeUnsignedSignless.
constexpr llvm::StringLiteral kUnsignedOperandsAttr = "weft.unsigned_operands";
constexpr llvm::StringLiteral kUnsignedResultsAttr = "weft.unsigned_results";
bool isUnsignedOperandOp(mlir::Operation *op);
/// Whether operand `index` of `op` was unsigned.
bool isUnsignedOperand(mlir::Operation *op, unsigned index);
bool isUnsignedResultOp(mlir::Operation *op);

/// Whether an operand or result of `op` has unsigned integer elements
/// (makeUnsignedSignless has not run): the patterns leave such ops alone.
bool hasUnsignedTypes(mlir::Operation *op);
constexpr const char *kUnsignedNotLowered =
    "unsigned integer types: makeUnsignedSignless has not run";

} // namespace weft

#endif // WEFT_LIB_CONVERSION_ONNXTOLINALG_COMMON_H
