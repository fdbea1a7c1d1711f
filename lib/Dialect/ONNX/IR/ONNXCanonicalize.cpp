//===- ONNXCanonicalize.cpp - Canonicalization patterns of onnx ops
//--------===//
//
// Dropout in inference is its input; chains of Reshape and Transpose collapse;
// Constant's scalar and list forms become one `value` tensor.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/PatternMatch.h"

using namespace mlir;

namespace weft {
namespace {

/// Dropout outside training is the identity: replaces its output with its
/// input when the mask is unused and training_mode is absent or false.
struct DropoutInInference : OpRewritePattern<ONNXDropoutOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXDropoutOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.getMask().use_empty())
      return rewriter.notifyMatchFailure(op, "mask is used");
    Value training = op.getTrainingMode();
    if (!isa<NoneType>(training.getType())) {
      ElementsAttr constant = getConstantTensor(training);
      auto mode = constant ? getIntValues(constant) : std::nullopt;
      if (!mode || mode->size() != 1 || (*mode)[0] != 0)
        return rewriter.notifyMatchFailure(op, "training mode may be on");
    }
    if (op.getData().getType() != op.getOutput().getType())
      return rewriter.notifyMatchFailure(op, "types differ");
    rewriter.replaceAllUsesWith(op.getOutput(), op.getData());
    rewriter.eraseOp(op);
    return success();
  }
};

/// Reshape(Reshape(x, s1), s2) -> Reshape(x, s2) when s2 is a constant shape
/// that copies no dimension from its input (no 0 entries).
struct CollapseReshapes : OpRewritePattern<ONNXReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXReshapeOp op,
                                PatternRewriter &rewriter) const override {
    auto inner = op.getData().getDefiningOp<ONNXReshapeOp>();
    if (!inner)
      return failure();
    ElementsAttr constant = getConstantTensor(op.getShape());
    auto shape = constant ? getIntValues(constant) : std::nullopt;
    if (!shape || llvm::is_contained(*shape, 0))
      return rewriter.notifyMatchFailure(op, "shape not constant or has 0");
    rewriter.modifyOpInPlace(
        op, [&] { op.getDataMutable().assign(inner.getData()); });
    return success();
  }
};

/// The permutation a Transpose applies (ONNX's default reverses the axes).
static std::optional<SmallVector<int64_t>> getPermutation(ONNXTransposeOp op) {
  if (auto perm = op.getPerm())
    return SmallVector<int64_t>(perm->begin(), perm->end());
  auto type = dyn_cast<RankedTensorType>(op.getData().getType());
  if (!type)
    return std::nullopt;
  SmallVector<int64_t> perm;
  for (int64_t i = type.getRank() - 1; i >= 0; --i)
    perm.push_back(i);
  return perm;
}

/// Removes identity transposes and merges Transpose(Transpose(x)).
struct SimplifyTranspose : OpRewritePattern<ONNXTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXTransposeOp op,
                                PatternRewriter &rewriter) const override {
    auto perm = getPermutation(op);
    if (!perm)
      return failure();
    Value source = op.getData();
    SmallVector<int64_t> combined = *perm;
    if (auto inner = source.getDefiningOp<ONNXTransposeOp>()) {
      auto innerPerm = getPermutation(inner);
      if (!innerPerm || innerPerm->size() != perm->size())
        return failure();
      for (size_t i = 0; i < perm->size(); ++i) {
        int64_t p = (*perm)[i];
        if (p < 0 || p >= static_cast<int64_t>(innerPerm->size()))
          return failure();
        combined[i] = (*innerPerm)[p];
      }
      source = inner.getData();
    }
    bool isIdentity = true;
    for (size_t i = 0; i < combined.size(); ++i)
      isIdentity &= combined[i] == static_cast<int64_t>(i);
    if (isIdentity && source.getType() == op.getType()) {
      rewriter.replaceOp(op, source);
      return success();
    }
    if (source == op.getData())
      return failure();
    rewriter.modifyOpInPlace(op, [&] {
      op.getDataMutable().assign(source);
      op.setPerm(combined);
    });
    return success();
  }
};

/// Constant {value_float(s)/value_int(s)/value_string(s)} -> {value}.
struct NormalizeConstant : OpRewritePattern<ONNXConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXConstantOp op,
                                PatternRewriter &rewriter) const override {
    if (op.getValueAttr() || op.getSparseValueAttr())
      return failure();
    ElementsAttr value = getConstantOpValue(op);
    if (!value)
      return failure();
    rewriter.replaceOpWithNewOp<ONNXConstantOp>(
        op, TypeRange{op.getType()}, ValueRange{},
        ArrayRef<NamedAttribute>{rewriter.getNamedAttr("value", value)});
    return success();
  }
};

} // namespace

void ONNXDropoutOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                MLIRContext *context) {
  patterns.add<DropoutInInference>(context);
}

void ONNXReshapeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                MLIRContext *context) {
  patterns.add<CollapseReshapes>(context);
}

void ONNXTransposeOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                  MLIRContext *context) {
  patterns.add<SimplifyTranspose>(context);
}

void ONNXConstantOp::getCanonicalizationPatterns(RewritePatternSet &patterns,
                                                 MLIRContext *context) {
  patterns.add<NormalizeConstant>(context);
}

} // namespace weft
