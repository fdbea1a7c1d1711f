//===- Data.cpp - Constants, reshapes and transposes
//-----------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace weft {
namespace {

/// onnx.Constant -> arith.constant (dense or dense_resource data kept as is).
struct ConstantToArith : OpRewritePattern<ONNXConstantOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXConstantOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    ElementsAttr value = getConstantOpValue(op);
    auto typed = dyn_cast_or_null<TypedAttr>(value);
    if (!typed || isa<SparseElementsAttr>(value) ||
        isa<StringType>(value.getElementType()))
      return rewriter.notifyMatchFailure(op, "no arith form");
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, typed);
    return success();
  }
};

/// An unused onnx.NoValue goes once the ops that read it are lowered.
struct EraseUnusedNoValue : OpRewritePattern<ONNXNoValueOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXNoValueOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    if (!op->use_empty())
      return failure();
    rewriter.eraseOp(op);
    return success();
  }
};

/// Ops that only change a static shape: tensor.reshape to the result shape.
struct StaticReshape : RewritePattern {
  StaticReshape(StringRef opName, MLIRContext *context)
      : RewritePattern(opName, 1, context) {}
  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    if (!isa<ONNXReshapeOp, ONNXFlattenOp, ONNXSqueezeOp, ONNXUnsqueezeOp>(op))
      return failure();
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    auto inputType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    if (!resultType || !inputType || !resultType.hasStaticShape() ||
        !inputType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "shapes are not static");
    rewriter.replaceOp(
        op, reshapeTo(rewriter, op->getLoc(), op->getOperand(0), resultType));
    return success();
  }
};

struct TransposeToLinalg : OpRewritePattern<ONNXTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXTransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto inputType = dyn_cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!inputType || !resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "shapes are not static");
    SmallVector<int64_t> perm;
    if (auto p = op.getPerm())
      perm.assign(p->begin(), p->end());
    else
      for (int64_t d = inputType.getRank() - 1; d >= 0; --d)
        perm.push_back(d);
    Value init =
        tensor::EmptyOp::create(rewriter, op.getLoc(), resultType.getShape(),
                                resultType.getElementType());
    rewriter.replaceOpWithNewOp<linalg::TransposeOp>(op, op.getData(), init,
                                                     perm);
    return success();
  }
};

struct IdentityToInput : OpRewritePattern<ONNXIdentityOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXIdentityOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    if (op.getInput().getType() != op.getType())
      return failure();
    rewriter.replaceOp(op, op.getInput());
    return success();
  }
};

} // namespace

void populateONNXDataToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConstantToArith, EraseUnusedNoValue, TransposeToLinalg,
               IdentityToInput>(patterns.getContext());
  for (StringRef name :
       {"onnx.Reshape", "onnx.Flatten", "onnx.Squeeze", "onnx.Unsqueeze"})
    patterns.add<StaticReshape>(name, patterns.getContext());
}

} // namespace weft
