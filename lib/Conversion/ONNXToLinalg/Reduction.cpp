//===- Reduction.cpp - Reductions and arg-reductions to linalg
//-------------===//
//
// ReduceSum/Mean/Max/Min/Prod/SumSquare/L1/L2/LogSum/LogSumExp over constant
// axes, and ArgMax/ArgMin, as one reducing linalg.generic (plus an
// elementwise finish where the reduction needs one).
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace weft {
namespace {

enum class Kind {
  Sum,
  Mean,
  Max,
  Min,
  Prod,
  SumSquare,
  L1,
  L2,
  LogSum,
  LogSumExp
};

/// The axes reduced: from the `axes` input (ReduceSum) or attribute, all
/// axes when absent (unless noop_with_empty_axes).
std::optional<SmallVector<bool>> reducedAxes(Operation *op, int64_t rank) {
  SmallVector<int64_t> axes;
  bool noopWhenEmpty = false;
  auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
  if (auto attr = props.getAs<DenseI64ArrayAttr>("axes"))
    axes.assign(attr.asArrayRef().begin(), attr.asArrayRef().end());
  if (auto noop = props.getAs<IntegerAttr>("noop_with_empty_axes"))
    noopWhenEmpty = noop.getInt() != 0;
  if (op->getNumOperands() > 1) {
    // An absent axes operand leaves the attribute's (or the default).
    auto values = getConstantIntValues(
        op->getOperand(1), std::vector<int64_t>(axes.begin(), axes.end()));
    if (!values)
      return std::nullopt;
    axes.assign(values->begin(), values->end());
  }
  SmallVector<bool> reduced(rank, axes.empty() && !noopWhenEmpty);
  for (int64_t a : axes) {
    if (a < 0)
      a += rank;
    if (a < 0 || a >= rank)
      return std::nullopt;
    reduced[a] = true;
  }
  return reduced;
}

struct ReduceToLinalg : RewritePattern {
  ReduceToLinalg(StringRef opName, MLIRContext *context)
      : RewritePattern(opName, 1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    std::optional<Kind> kind =
        llvm::StringSwitch<std::optional<Kind>>(op->getName().getStringRef())
            .Case("onnx.ReduceSum", Kind::Sum)
            .Case("onnx.ReduceMean", Kind::Mean)
            .Case("onnx.ReduceMax", Kind::Max)
            .Case("onnx.ReduceMin", Kind::Min)
            .Case("onnx.ReduceProd", Kind::Prod)
            .Case("onnx.ReduceSumSquare", Kind::SumSquare)
            .Case("onnx.ReduceL1", Kind::L1)
            .Case("onnx.ReduceL2", Kind::L2)
            .Case("onnx.ReduceLogSum", Kind::LogSum)
            .Case("onnx.ReduceLogSumExp", Kind::LogSumExp)
            .Default(std::nullopt);
    if (!kind)
      return failure();
    auto type = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!type || !resultType || !type.hasStaticShape() ||
        !resultType.hasStaticShape() || !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a static float reduction");
    int64_t rank = type.getRank();
    auto reduced = reducedAxes(op, rank);
    if (!reduced)
      return rewriter.notifyMatchFailure(op, "axes not constant");
    Location loc = op->getLoc();
    Type elt = type.getElementType();
    MLIRContext *context = getContext();
    // The accumulator keeps the kept dims only; the result may keep the
    // reduced ones as size 1 (keepdims), which a reshape adds back.
    SmallVector<int64_t> accShape;
    SmallVector<AffineExpr> accExprs;
    int64_t count = 1;
    for (int64_t d = 0; d < rank; ++d) {
      if ((*reduced)[d]) {
        count *= type.getDimSize(d);
        continue;
      }
      accShape.push_back(type.getDimSize(d));
      accExprs.push_back(getAffineDimExpr(d, context));
    }
    auto accType = RankedTensorType::get(accShape, elt);
    double init = *kind == Kind::Max ? -std::numeric_limits<double>::infinity()
                  : *kind == Kind::Min ? std::numeric_limits<double>::infinity()
                  : *kind == Kind::Prod ? 1.0
                                        : 0.0;
    Value filled = makeFilledTensor(rewriter, loc, accShape, elt, init);
    SmallVector<utils::IteratorType> iterators;
    for (int64_t d = 0; d < rank; ++d)
      iterators.push_back((*reduced)[d] ? utils::IteratorType::reduction
                                        : utils::IteratorType::parallel);
    Kind k = *kind;
    Value acc =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{accType}, ValueRange{op->getOperand(0)},
            ValueRange{filled},
            ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                                AffineMap::get(rank, 0, accExprs, context)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value x = args[0], a = args[1], r;
              switch (k) {
              case Kind::Max:
                r = arith::MaximumFOp::create(b, l, a, x);
                break;
              case Kind::Min:
                r = arith::MinimumFOp::create(b, l, a, x);
                break;
              case Kind::Prod:
                r = arith::MulFOp::create(b, l, a, x);
                break;
              case Kind::SumSquare:
              case Kind::L2:
                r = arith::AddFOp::create(b, l, a,
                                          arith::MulFOp::create(b, l, x, x));
                break;
              case Kind::L1:
                r = arith::AddFOp::create(b, l, a,
                                          math::AbsFOp::create(b, l, x));
                break;
              case Kind::LogSumExp:
                r = arith::AddFOp::create(b, l, a,
                                          math::ExpOp::create(b, l, x));
                break;
              default:
                r = arith::AddFOp::create(b, l, a, x);
              }
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    // The finishing touch some reductions need.
    if (k == Kind::Mean || k == Kind::L2 || k == Kind::LogSum ||
        k == Kind::LogSumExp) {
      Value out = tensor::EmptyOp::create(rewriter, loc, accShape, elt);
      AffineMap id = rewriter.getMultiDimIdentityMap(accShape.size());
      acc = linalg::GenericOp::create(
                rewriter, loc, TypeRange{accType}, ValueRange{acc},
                ValueRange{out}, ArrayRef<AffineMap>{id, id},
                SmallVector<utils::IteratorType>(accShape.size(),
                                                 utils::IteratorType::parallel),
                [&](OpBuilder &b, Location l, ValueRange args) {
                  Value v = args[0];
                  if (k == Kind::Mean)
                    v = arith::DivFOp::create(
                        b, l, v,
                        arith::ConstantOp::create(
                            b, l, b.getFloatAttr(elt, double(count))));
                  else if (k == Kind::L2)
                    v = math::SqrtOp::create(b, l, v);
                  else
                    v = math::LogOp::create(b, l, v);
                  linalg::YieldOp::create(b, l, v);
                })
                .getResult(0);
    }
    if (accType != resultType) {
      if (accType.getNumElements() != resultType.getNumElements())
        return rewriter.notifyMatchFailure(op, "result shape disagrees");
      acc = reshapeTo(rewriter, loc, acc, resultType);
    }
    rewriter.replaceOp(op, acc);
    return success();
  }
};

} // namespace

void populateONNXReductionToLinalgPatterns(RewritePatternSet &patterns) {
  for (StringRef name :
       {"onnx.ReduceSum", "onnx.ReduceMean", "onnx.ReduceMax", "onnx.ReduceMin",
        "onnx.ReduceProd", "onnx.ReduceSumSquare", "onnx.ReduceL1",
        "onnx.ReduceL2", "onnx.ReduceLogSum", "onnx.ReduceLogSumExp"})
    patterns.add<ReduceToLinalg>(name, patterns.getContext());
}

} // namespace weft

namespace weft {
namespace {

/// ArgMax and ArgMin: one reduction carrying the best value and its index.
template <typename OpTy, bool isMax>
struct ArgReduceToLinalg : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getData().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !resultType || !type.hasStaticShape() ||
        !resultType.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()) ||
        !resultType.getElementType().isInteger(64))
      return rewriter.notifyMatchFailure(op,
                                         "not a static float arg-reduction");
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    bool last = op.getSelectLastIndex() != 0;
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type elt = type.getElementType(), i64 = rewriter.getI64Type();
    SmallVector<int64_t> shape;
    SmallVector<AffineExpr> exprs;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis) {
        shape.push_back(type.getDimSize(d));
        exprs.push_back(getAffineDimExpr(d, context));
      }
    double start = isMax ? -std::numeric_limits<double>::infinity()
                         : std::numeric_limits<double>::infinity();
    Value bestInit =
        linalg::FillOp::create(
            rewriter, loc,
            ValueRange{arith::ConstantOp::create(
                rewriter, loc, rewriter.getFloatAttr(elt, start))},
            ValueRange{tensor::EmptyOp::create(rewriter, loc, shape, elt)})
            .getResult(0);
    Value indexInit =
        linalg::FillOp::create(
            rewriter, loc,
            ValueRange{arith::ConstantOp::create(
                rewriter, loc, rewriter.getI64IntegerAttr(0))},
            ValueRange{tensor::EmptyOp::create(rewriter, loc, shape, i64)})
            .getResult(0);
    AffineMap reduced = AffineMap::get(rank, 0, exprs, context);
    SmallVector<utils::IteratorType> iterators(rank,
                                               utils::IteratorType::parallel);
    iterators[axis] = utils::IteratorType::reduction;
    auto generic = linalg::GenericOp::create(
        rewriter, loc,
        TypeRange{RankedTensorType::get(shape, elt),
                  RankedTensorType::get(shape, i64)},
        ValueRange{op.getData()}, ValueRange{bestInit, indexInit},
        ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank), reduced,
                            reduced},
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value index = arith::IndexCastOp::create(
              b, l, i64, linalg::IndexOp::create(b, l, axis));
          auto predicate = isMax ? (last ? arith::CmpFPredicate::OGE
                                         : arith::CmpFPredicate::OGT)
                                 : (last ? arith::CmpFPredicate::OLE
                                         : arith::CmpFPredicate::OLT);
          Value better =
              arith::CmpFOp::create(b, l, predicate, args[0], args[1]);
          linalg::YieldOp::create(
              b, l,
              ValueRange{
                  arith::SelectOp::create(b, l, better, args[0], args[1]),
                  arith::SelectOp::create(b, l, better, index, args[2])});
        });
    Value indices = generic.getResult(1);
    if (cast<RankedTensorType>(indices.getType()) != resultType)
      indices = reshapeTo(rewriter, loc, indices, resultType);
    rewriter.replaceOp(op, indices);
    return success();
  }
};

} // namespace

void populateONNXArgReductionToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ArgReduceToLinalg<ONNXArgMaxOp, true>,
               ArgReduceToLinalg<ONNXArgMinOp, false>>(patterns.getContext());
}

} // namespace weft
