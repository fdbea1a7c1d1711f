//===- Softmax.cpp - Softmax to linalg
//-------------------------------------===//
//
// softmax(x) = exp(x - max(x)) / sum(exp(x - max(x))) along `axis`: a max
// reduction, an elementwise exp of the difference, a sum reduction and an
// elementwise division, each a linalg.generic.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace weft {
namespace {

/// Softmax, or LogSoftmax (x - max - log(sum(exp(x - max)))).
template <typename OpTy, bool isLog>
struct SoftmaxToLinalg : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    Location loc = op.getLoc();
    Type elt = type.getElementType();
    MLIRContext *context = rewriter.getContext();

    // Shapes and maps: the full iteration space, and the one without `axis`.
    SmallVector<int64_t> reducedShape;
    SmallVector<AffineExpr> reducedExprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis) {
        reducedShape.push_back(type.getDimSize(d));
        reducedExprs.push_back(getAffineDimExpr(d, context));
      }
    auto reducedType = RankedTensorType::get(reducedShape, elt);
    AffineMap full = rewriter.getMultiDimIdentityMap(rank);
    AffineMap reduced = AffineMap::get(rank, 0, reducedExprs, context);
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    SmallVector<utils::IteratorType> reducing = parallel;
    reducing[axis] = utils::IteratorType::reduction;

    auto filled = [&](double value) {
      return makeFilledTensor(rewriter, loc, reducedShape, elt, value);
    };
    Value max =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{reducedType}, ValueRange{op.getInput()},
            ValueRange{filled(-std::numeric_limits<double>::infinity())},
            ArrayRef<AffineMap>{full, reduced}, reducing,
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l,
                  arith::MaximumFOp::create(b, l, args[0], args[1])
                      .getResult());
            })
            .getResult(0);
    Value empty = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elt);
    Value exps = linalg::GenericOp::create(
                     rewriter, loc, TypeRange{type},
                     ValueRange{op.getInput(), max}, ValueRange{empty},
                     ArrayRef<AffineMap>{full, reduced, full}, parallel,
                     [](OpBuilder &b, Location l, ValueRange args) {
                       Value diff =
                           arith::SubFOp::create(b, l, args[0], args[1]);
                       linalg::YieldOp::create(
                           b, l, math::ExpOp::create(b, l, diff).getResult());
                     })
                     .getResult(0);
    Value sum =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{reducedType}, ValueRange{exps},
            ValueRange{filled(0.0)}, ArrayRef<AffineMap>{full, reduced},
            reducing,
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  b, l,
                  arith::AddFOp::create(b, l, args[0], args[1]).getResult());
            })
            .getResult(0);
    Value out = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elt);
    auto result = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type},
        ValueRange{op.getInput(), max, exps, sum}, ValueRange{out},
        ArrayRef<AffineMap>{full, reduced, full, reduced, full}, parallel,
        [](OpBuilder &b, Location l, ValueRange args) {
          Value r;
          if constexpr (isLog) {
            Value shifted = arith::SubFOp::create(b, l, args[0], args[1]);
            r = arith::SubFOp::create(b, l, shifted,
                                      math::LogOp::create(b, l, args[3]));
          } else {
            r = arith::DivFOp::create(b, l, args[2], args[3]);
          }
          linalg::YieldOp::create(b, l, r);
        });
    rewriter.replaceOp(op, result.getResults());
    return success();
  }
};

} // namespace

void populateONNXSoftmaxToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<SoftmaxToLinalg<ONNXSoftmaxOp, false>,
               SoftmaxToLinalg<ONNXLogSoftmaxOp, true>>(patterns.getContext());
}

} // namespace weft
