//===- Normalization.cpp - Clip and the normalizations to linalg ---------===//
//
// Clip, Batch/Instance/LayerNormalization and LRN.
//
//===----------------------------------------------------------------------===//

#include "Activation.h"
#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace weft {
namespace {

/// Clip(x, min, max): min and max are optional scalars.
struct ClipToGeneric : OpRewritePattern<ONNXClipOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXClipOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    if (isFusedIntoProducer(op))
      return rewriter.notifyMatchFailure(op, "computed by its producer");
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !(isa<FloatType>(type.getElementType()) ||
                   type.getElementType().isSignlessInteger()))
      return rewriter.notifyMatchFailure(op, "not a tensor of numbers");
    bool isFloat = isa<FloatType>(type.getElementType());
    bool isUnsigned = isUnsignedOperandOp(op);
    SmallVector<Value> inputs = {op.getInput()};
    SmallVector<AffineMap> maps = {
        rewriter.getMultiDimIdentityMap(type.getRank())};
    bool hasMin = !isa<NoneType>(op.getMin().getType());
    bool hasMax = !isa<NoneType>(op.getMax().getType());
    AffineMap scalar = AffineMap::get(type.getRank(), 0, {}, getContext());
    for (Value bound : {op.getMin(), op.getMax()})
      if (!isa<NoneType>(bound.getType())) {
        inputs.push_back(bound);
        maps.push_back(scalar);
      }
    maps.push_back(rewriter.getMultiDimIdentityMap(type.getRank()));
    Value init = makeEmptyTensor(rewriter, op.getLoc(), type, {op.getInput()});
    if (!init)
      return failure();
    auto generic = linalg::GenericOp::create(
        rewriter, op.getLoc(), TypeRange{type}, inputs, ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(type.getRank(),
                                         utils::IteratorType::parallel),
        [&](OpBuilder &b, Location loc, ValueRange args) {
          Value v = args[0];
          int next = 1;
          if (hasMin) {
            Value lo = args[next++];
            v = isFloat      ? Value(arith::MaximumFOp::create(b, loc, v, lo))
                : isUnsigned ? Value(arith::MaxUIOp::create(b, loc, v, lo))
                             : Value(arith::MaxSIOp::create(b, loc, v, lo));
          }
          if (hasMax) {
            Value hi = args[next++];
            v = isFloat      ? Value(arith::MinimumFOp::create(b, loc, v, hi))
                : isUnsigned ? Value(arith::MinUIOp::create(b, loc, v, hi))
                             : Value(arith::MinSIOp::create(b, loc, v, hi));
          }
          linalg::YieldOp::create(b, loc, v);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

/// LayerNormalization over the dims from `axis` on: y = (x - mean) /
/// sqrt(var + epsilon) * scale + bias; the optional Mean and InvStdDev
/// results keep the reduced dims as 1.
struct LayerNormToLinalg : OpRewritePattern<ONNXLayerNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXLayerNormalizationOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getX().getType());
    if (!type || !type.hasStaticShape() ||
        !isa<FloatType>(type.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    int64_t rank = type.getRank(), axis = op.getAxis();
    if (axis < 0)
      axis += rank;
    Location loc = op.getLoc();
    Type elt = type.getElementType();
    MLIRContext *context = getContext();
    SmallVector<int64_t> outerShape(type.getShape().begin(),
                                    type.getShape().begin() + axis);
    double count = 1;
    SmallVector<AffineExpr> outerExprs, innerExprs;
    for (int64_t d = 0; d < rank; ++d) {
      if (d < axis)
        outerExprs.push_back(getAffineDimExpr(d, context));
      else {
        innerExprs.push_back(getAffineDimExpr(d, context));
        count *= double(type.getDimSize(d));
      }
    }
    auto outerType = RankedTensorType::get(outerShape, elt);
    AffineMap full = rewriter.getMultiDimIdentityMap(rank);
    AffineMap outer = AffineMap::get(rank, 0, outerExprs, context);
    SmallVector<utils::IteratorType> reducing(rank,
                                              utils::IteratorType::parallel);
    for (int64_t d = axis; d < rank; ++d)
      reducing[d] = utils::IteratorType::reduction;
    SmallVector<utils::IteratorType> parallel(rank,
                                              utils::IteratorType::parallel);
    Value zero =
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(elt));
    Value n = arith::ConstantOp::create(rewriter, loc,
                                        rewriter.getFloatAttr(elt, count));
    auto reduce = [&](Value input, Value center) {
      Value empty = tensor::EmptyOp::create(rewriter, loc, outerShape, elt);
      Value init =
          linalg::FillOp::create(rewriter, loc, zero, empty).getResult(0);
      SmallVector<Value> ins = {input};
      SmallVector<AffineMap> maps = {full};
      if (center) {
        ins.push_back(center);
        maps.push_back(outer);
      }
      maps.push_back(outer);
      Value sum =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{outerType}, ins, ValueRange{init}, maps,
              reducing,
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value v = args[0];
                if (center) {
                  // `center` holds the sum: the mean is sum / n.
                  Value mean = arith::DivFOp::create(b, l, args[1], n);
                  Value diff = arith::SubFOp::create(b, l, v, mean);
                  v = arith::MulFOp::create(b, l, diff, diff);
                }
                linalg::YieldOp::create(
                    b, l,
                    arith::AddFOp::create(b, l, args.back(), v).getResult());
              })
              .getResult(0);
      return sum;
    };
    Value mean = reduce(op.getX(), nullptr);
    Value var = reduce(op.getX(), mean); // sums; both divided by n below
    SmallVector<Value> ins = {op.getX(), mean, var, op.getScale()};
    SmallVector<AffineMap> maps = {
        full, outer, outer, AffineMap::get(rank, 0, innerExprs, context)};
    auto scaleType = dyn_cast<RankedTensorType>(op.getScale().getType());
    if (!scaleType || scaleType.getRank() != rank - axis)
      return rewriter.notifyMatchFailure(op, "scale does not span the axes");
    bool hasBias = !isa<NoneType>(op.getB().getType());
    if (hasBias) {
      ins.push_back(op.getB());
      maps.push_back(AffineMap::get(rank, 0, innerExprs, context));
    }
    maps.push_back(full);
    double epsilon = op.getEpsilon().convertToDouble();
    Value out = tensor::EmptyOp::create(rewriter, loc, type.getShape(), elt);
    auto y = linalg::GenericOp::create(
        rewriter, loc, TypeRange{type}, ins, ValueRange{out}, maps, parallel,
        [&](OpBuilder &b, Location l, ValueRange args) {
          Value m = arith::DivFOp::create(b, l, args[1], n);
          Value v = arith::DivFOp::create(b, l, args[2], n);
          Value eps =
              arith::ConstantOp::create(b, l, b.getFloatAttr(elt, epsilon));
          Value norm = arith::DivFOp::create(
              b, l, arith::SubFOp::create(b, l, args[0], m),
              math::SqrtOp::create(b, l, arith::AddFOp::create(b, l, v, eps)));
          Value r = arith::MulFOp::create(b, l, norm, args[3]);
          if (hasBias)
            r = arith::AddFOp::create(b, l, r, args[4]);
          linalg::YieldOp::create(b, l, r);
        });
    SmallVector<Value> results = {y.getResult(0)};
    AffineMap outerIdentity = rewriter.getMultiDimIdentityMap(axis);
    for (unsigned i = 1; i < op->getNumResults(); ++i) {
      Value result = op->getResult(i);
      auto resultType = dyn_cast<RankedTensorType>(result.getType());
      if (!resultType) {
        results.push_back(Value()); // absent: no uses
        continue;
      }
      if (!resultType.hasStaticShape())
        return rewriter.notifyMatchFailure(op, "statistics are not static");
      bool isMean = i == 1;
      Value stat = linalg::GenericOp::create(
                       rewriter, loc, TypeRange{outerType},
                       ValueRange{isMean ? mean : var},
                       ValueRange{tensor::EmptyOp::create(rewriter, loc,
                                                          outerShape, elt)},
                       ArrayRef<AffineMap>{outerIdentity, outerIdentity},
                       SmallVector<utils::IteratorType>(
                           axis, utils::IteratorType::parallel),
                       [&](OpBuilder &b, Location l, ValueRange args) {
                         Value v = arith::DivFOp::create(b, l, args[0], n);
                         if (!isMean) {
                           Value eps = arith::ConstantOp::create(
                               b, l, b.getFloatAttr(elt, epsilon));
                           v = math::RsqrtOp::create(
                               b, l, arith::AddFOp::create(b, l, v, eps));
                         }
                         linalg::YieldOp::create(b, l, v);
                       })
                       .getResult(0);
      if (resultType.getElementType() != elt)
        return rewriter.notifyMatchFailure(op, "statistics type differs");
      results.push_back(reshapeTo(rewriter, loc, stat, resultType));
    }
    rewriter.replaceOp(op, results);
    return success();
  }
};

/// InstanceNormalization: each (n, c) plane normalized by its own mean and
/// variance, then y = scale[c] * x_hat + B[c].
struct InstanceNormToLinalg : OpRewritePattern<ONNXInstanceNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXInstanceNormalizationOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getInput().getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 3 ||
        !isa<FloatType>(type.getElementType()) || type != op.getType())
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Type elt = type.getElementType();
    int64_t rank = type.getRank();
    double count = 1;
    for (int64_t d = 2; d < rank; ++d)
      count *= double(type.getDimSize(d));
    SmallVector<int64_t> planeShape = {type.getDimSize(0), type.getDimSize(1)};
    auto planeType = RankedTensorType::get(planeShape, elt);
    AffineMap full = rewriter.getMultiDimIdentityMap(rank);
    AffineMap plane = AffineMap::get(
        rank, 0, {getAffineDimExpr(0, context), getAffineDimExpr(1, context)},
        context);
    AffineMap channel =
        AffineMap::get(rank, 0, {getAffineDimExpr(1, context)}, context);
    SmallVector<utils::IteratorType> reducing(rank,
                                              utils::IteratorType::reduction);
    reducing[0] = reducing[1] = utils::IteratorType::parallel;
    Value n = arith::ConstantOp::create(rewriter, loc,
                                        rewriter.getFloatAttr(elt, count));
    // sum(x) / n, then sum((x - mean)^2) / n, per plane.
    auto planeMean = [&](Value center) {
      SmallVector<Value> ins = {op.getInput()};
      SmallVector<AffineMap> maps = {full};
      if (center) {
        ins.push_back(center);
        maps.push_back(plane);
      }
      maps.push_back(plane);
      Value sum =
          linalg::GenericOp::create(
              rewriter, loc, TypeRange{planeType}, ins,
              ValueRange{makeFilledTensor(rewriter, loc, planeShape, elt, 0)},
              maps, reducing,
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value v = args[0];
                if (center) {
                  Value diff = arith::SubFOp::create(b, l, v, args[1]);
                  v = arith::MulFOp::create(b, l, diff, diff);
                }
                linalg::YieldOp::create(
                    b, l,
                    arith::AddFOp::create(b, l, args.back(), v).getResult());
              })
              .getResult(0);
      AffineMap id2 = rewriter.getMultiDimIdentityMap(2);
      return buildParallelGeneric(
          rewriter, loc, planeType, ValueRange{sum}, {id2},
          [&](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::DivFOp::create(b, l, args[0], n);
          });
    };
    Value mean = planeMean(nullptr);
    Value variance = planeMean(mean);
    double epsilon = op.getEpsilon().convertToDouble();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, loc, type,
            ValueRange{op.getInput(), mean, variance, op.getScale(), op.getB()},
            {full, plane, plane, channel, channel},
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              Value eps =
                  arith::ConstantOp::create(b, l, b.getFloatAttr(elt, epsilon));
              Value normalized = arith::MulFOp::create(
                  b, l, arith::SubFOp::create(b, l, args[0], args[1]),
                  math::RsqrtOp::create(
                      b, l, arith::AddFOp::create(b, l, args[2], eps)));
              return arith::AddFOp::create(
                  b, l, arith::MulFOp::create(b, l, normalized, args[3]),
                  args[4]);
            }));
    return success();
  }
};

/// BatchNormalization in inference mode: per channel (dim 1),
/// y = (x - mean) / sqrt(var + epsilon) * scale + B.
struct BatchNormToLinalg : OpRewritePattern<ONNXBatchNormalizationOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXBatchNormalizationOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getX().getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 2 ||
        !isa<FloatType>(type.getElementType()) || type != op.getY().getType())
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    if (op.getTrainingMode() != 0 ||
        !isa<NoneType>(op.getRunningMean().getType()) ||
        !isa<NoneType>(op.getRunningVar().getType()))
      return rewriter.notifyMatchFailure(op, "training mode");
    for (Value v :
         {op.getScale(), op.getB(), op.getInputMean(), op.getInputVar()}) {
      auto t = dyn_cast<RankedTensorType>(v.getType());
      if (!t || t.getRank() != 1 || t.getDimSize(0) != type.getDimSize(1) ||
          t.getElementType() != type.getElementType())
        return rewriter.notifyMatchFailure(op,
                                           "parameters are not per channel");
    }
    int64_t rank = type.getRank();
    AffineMap channel =
        AffineMap::get(rank, 0, {rewriter.getAffineDimExpr(1)}, getContext());
    Type elt = type.getElementType();
    double epsilon = op.getEpsilon().convertToDouble();
    rewriter.replaceOp(
        op, buildParallelGeneric(
                rewriter, op.getLoc(), type,
                ValueRange{op.getX(), op.getScale(), op.getB(),
                           op.getInputMean(), op.getInputVar()},
                {rewriter.getMultiDimIdentityMap(rank), channel, channel,
                 channel, channel},
                [&](OpBuilder &b, Location l, ValueRange args) -> Value {
                  Value eps = arith::ConstantOp::create(
                      b, l, b.getFloatAttr(elt, epsilon));
                  Value normalized = arith::MulFOp::create(
                      b, l, arith::SubFOp::create(b, l, args[0], args[3]),
                      math::RsqrtOp::create(
                          b, l, arith::AddFOp::create(b, l, args[4], eps)));
                  return arith::AddFOp::create(
                      b, l, arith::MulFOp::create(b, l, normalized, args[1]),
                      args[2]);
                }));
    return success();
  }
};

/// LRN across channels: y = x / (bias + alpha / size * sum of x^2 over the
/// `size` channels around c)^beta.
struct LRNToLinalg : OpRewritePattern<ONNXLRNOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXLRNOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto type = dyn_cast<RankedTensorType>(op.getX().getType());
    if (!type || !type.hasStaticShape() || type.getRank() < 3 ||
        !isa<FloatType>(type.getElementType()) || type != op.getType())
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    int64_t size = int64_t(op.getSize()), channels = type.getDimSize(1);
    if (size < 1)
      return rewriter.notifyMatchFailure(op, "size < 1");
    int64_t before = (size - 1) / 2, after = size - 1 - before;
    double alpha = op.getAlpha().convertToDouble() / double(size);
    double beta = op.getBeta().convertToDouble();
    double bias = op.getBias().convertToDouble();
    Type elt = type.getElementType();
    int64_t rank = type.getRank();
    Value x = op.getX();
    rewriter.replaceOp(
        op,
        buildParallelGeneric(
            rewriter, op.getLoc(), type, ValueRange{x},
            {rewriter.getMultiDimIdentityMap(rank)},
            [&](OpBuilder &b, Location l, ValueRange args) -> Value {
              auto c = [&](int64_t v) -> Value {
                return arith::ConstantIndexOp::create(b, l, v);
              };
              SmallVector<Value> position;
              for (int64_t d = 0; d < rank; ++d)
                position.push_back(linalg::IndexOp::create(b, l, d));
              Value channel = position[1];
              Value first = arith::MaxSIOp::create(
                  b, l, arith::SubIOp::create(b, l, channel, c(before)), c(0));
              Value last = arith::MinSIOp::create(
                  b, l, arith::AddIOp::create(b, l, channel, c(after + 1)),
                  c(channels));
              Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(elt));
              auto loop = scf::ForOp::create(
                  b, l, first, last, c(1), ValueRange{zero},
                  [&](OpBuilder &lb, Location ll, Value k, ValueRange sum) {
                    SmallVector<Value> at(position);
                    at[1] = k;
                    Value v = tensor::ExtractOp::create(lb, ll, x, at);
                    scf::YieldOp::create(
                        lb, ll,
                        ValueRange{arith::AddFOp::create(
                            lb, ll, sum[0],
                            arith::MulFOp::create(lb, ll, v, v))});
                  });
              Value scale = arith::AddFOp::create(
                  b, l,
                  arith::ConstantOp::create(b, l, b.getFloatAttr(elt, bias)),
                  arith::MulFOp::create(b, l,
                                        arith::ConstantOp::create(
                                            b, l, b.getFloatAttr(elt, alpha)),
                                        loop.getResult(0)));
              Value denominator = math::PowFOp::create(
                  b, l, scale,
                  arith::ConstantOp::create(b, l, b.getFloatAttr(elt, beta)));
              return arith::DivFOp::create(b, l, args[0], denominator);
            }));
    return success();
  }
};

} // namespace

void populateONNXNormalizationToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ClipToGeneric, LayerNormToLinalg, InstanceNormToLinalg,
               BatchNormToLinalg, LRNToLinalg>(patterns.getContext());
}

} // namespace weft
