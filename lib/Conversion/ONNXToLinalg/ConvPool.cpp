//===- ConvPool.cpp - Convolution and pooling to linalg
//--------------------===//
//
// Conv (any spatial rank, groups, strides, dilations, explicit or SAME pads)
// as a reducing linalg.generic over a zero-padded input, with groups made
// explicit by expanding the filter and the output ([F] -> [G, F/G]); the
// bias follows as a broadcast add. MaxPool, AveragePool and the global pools
// as window reductions.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace weft {
namespace {

/// Window geometry of a conv or pool over `spatial` dims.
struct Window {
  SmallVector<int64_t> kernel, strides, dilations, padsBegin, padsEnd;
};

/// Reads kernel/strides/dilations/pads/auto_pad; false if not expressible.
bool getWindow(Operation *op, RankedTensorType input, RankedTensorType output,
               ArrayRef<int64_t> kernel, Window &w) {
  int64_t spatial = input.getRank() - 2;
  auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
  auto ints = [&](StringRef name, int64_t fill) {
    SmallVector<int64_t> values(spatial, fill);
    if (auto a = props.getAs<DenseI64ArrayAttr>(name))
      values.assign(a.asArrayRef().begin(), a.asArrayRef().end());
    return values;
  };
  w.kernel.assign(kernel.begin(), kernel.end());
  w.strides = ints("strides", 1);
  w.dilations = ints("dilations", 1);
  SmallVector<int64_t> pads = ints("pads", 0);
  if (!props.getAs<DenseI64ArrayAttr>("pads"))
    pads.assign(2 * spatial, 0);
  if (int64_t(w.kernel.size()) != spatial ||
      int64_t(w.strides.size()) != spatial ||
      int64_t(w.dilations.size()) != spatial ||
      int64_t(pads.size()) != 2 * spatial)
    return false;
  w.padsBegin.assign(pads.begin(), pads.begin() + spatial);
  w.padsEnd.assign(pads.begin() + spatial, pads.end());
  StringRef autoPad = "NOTSET";
  if (auto a = props.getAs<StringAttr>("auto_pad"))
    autoPad = a.getValue();
  if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    for (int64_t d = 0; d < spatial; ++d) {
      int64_t in = input.getDimSize(d + 2), out = output.getDimSize(d + 2);
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[d] +
                                   (w.kernel[d] - 1) * w.dilations[d] + 1 - in);
      int64_t small = total / 2, large = total - small;
      w.padsBegin[d] = autoPad == "SAME_UPPER" ? small : large;
      w.padsEnd[d] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad == "VALID") {
    w.padsBegin.assign(spatial, 0);
    w.padsEnd.assign(spatial, 0);
  }
  return true;
}

/// `input` padded on its spatial dims with `value`.
Value pad(OpBuilder &b, Location loc, Value input, const Window &w,
          double value) {
  auto type = cast<RankedTensorType>(input.getType());
  if (llvm::all_of(w.padsBegin, [](int64_t p) { return p == 0; }) &&
      llvm::all_of(w.padsEnd, [](int64_t p) { return p == 0; }))
    return input;
  SmallVector<int64_t> low = {0, 0}, high = {0, 0}, shape;
  low.append(w.padsBegin.begin(), w.padsBegin.end());
  high.append(w.padsEnd.begin(), w.padsEnd.end());
  SmallVector<OpFoldResult> lowSizes, highSizes;
  for (int64_t d = 0; d < type.getRank(); ++d) {
    shape.push_back(type.getDimSize(d) + low[d] + high[d]);
    lowSizes.push_back(b.getIndexAttr(low[d]));
    highSizes.push_back(b.getIndexAttr(high[d]));
  }
  Value fill = arith::ConstantOp::create(
      b, loc, b.getFloatAttr(type.getElementType(), value));
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input, lowSizes, highSizes,
                               fill);
}

struct ConvToGeneric : OpRewritePattern<ONNXConvOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXConvOp op,
                                PatternRewriter &rewriter) const override {
    auto xType = dyn_cast<RankedTensorType>(op.getX().getType());
    auto wType = dyn_cast<RankedTensorType>(op.getW().getType());
    auto yType = dyn_cast<RankedTensorType>(op.getType());
    if (!xType || !wType || !yType || !xType.hasStaticShape() ||
        !wType.hasStaticShape() || !yType.hasStaticShape() ||
        !isa<FloatType>(yType.getElementType()) || xType.getRank() < 3)
      return rewriter.notifyMatchFailure(op, "not a static float conv");
    int64_t spatial = xType.getRank() - 2, groups = op.getGroup();
    int64_t filters = wType.getDimSize(0), cg = wType.getDimSize(1);
    if (groups < 1 || filters % groups)
      return rewriter.notifyMatchFailure(op, "bad groups");
    int64_t fg = filters / groups;
    Window w;
    if (!getWindow(op, xType, yType, wType.getShape().drop_front(2), w))
      return rewriter.notifyMatchFailure(op, "window not expressible");
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Type elt = yType.getElementType();
    Value input = pad(rewriter, loc, op.getX(), w, 0.0);

    // Loops: n, g, f, o_1..o_S, c, k_1..k_S.
    int64_t loops = 3 + 2 * spatial + 1;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
    int64_t cDim = 3 + spatial, kDim = cDim + 1;
    SmallVector<AffineExpr> inExprs = {d(0), d(1) * cg + d(cDim)};
    for (int64_t s = 0; s < spatial; ++s)
      inExprs.push_back(d(3 + s) * w.strides[s] + d(kDim + s) * w.dilations[s]);
    SmallVector<AffineExpr> wExprs = {d(1), d(2), d(cDim)};
    SmallVector<AffineExpr> outExprs = {d(0), d(1), d(2)};
    for (int64_t s = 0; s < spatial; ++s) {
      wExprs.push_back(d(kDim + s));
      outExprs.push_back(d(3 + s));
    }
    // The filter and the output with their group dim made explicit.
    SmallVector<int64_t> wShape = {groups, fg};
    wShape.append(wType.getShape().begin() + 1, wType.getShape().end());
    SmallVector<ReassociationIndices> wGroups = {{0, 1}};
    for (int64_t i = 2; i < int64_t(wShape.size()); ++i)
      wGroups.push_back({i});
    Value filter = tensor::ExpandShapeOp::create(
        rewriter, loc, RankedTensorType::get(wShape, elt), op.getW(), wGroups);
    SmallVector<int64_t> yShape = {yType.getDimSize(0), groups, fg};
    yShape.append(yType.getShape().begin() + 2, yType.getShape().end());
    SmallVector<ReassociationIndices> yGroups = {{0}, {1, 2}};
    for (int64_t i = 3; i < int64_t(yShape.size()); ++i)
      yGroups.push_back({i});
    auto groupedType = RankedTensorType::get(yShape, elt);
    Value init = makeFilledTensor(rewriter, loc, yShape, elt, 0.0);
    SmallVector<utils::IteratorType> iterators(3 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    Value grouped =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{groupedType}, ValueRange{input, filter},
            ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::get(loops, 0, inExprs, context),
                                AffineMap::get(loops, 0, wExprs, context),
                                AffineMap::get(loops, 0, outExprs, context)},
            iterators,
            [](OpBuilder &b, Location l, ValueRange args) {
              Value m = arith::MulFOp::create(b, l, args[0], args[1]);
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, args[2], m).getResult());
            })
            .getResult(0);
    Value y =
        tensor::CollapseShapeOp::create(rewriter, loc, yType, grouped, yGroups);
    if (!isa<NoneType>(op.getB().getType())) {
      // y + bias[f], broadcast over batch and space.
      int64_t rank = yType.getRank();
      AffineMap id = rewriter.getMultiDimIdentityMap(rank);
      AffineMap channel = AffineMap::get(rank, 0, {d(1)}, context);
      Value out = tensor::EmptyOp::create(rewriter, loc, yType.getShape(), elt);
      y = linalg::GenericOp::create(
              rewriter, loc, TypeRange{yType}, ValueRange{y, op.getB()},
              ValueRange{out}, ArrayRef<AffineMap>{id, channel, id},
              SmallVector<utils::IteratorType>(rank,
                                               utils::IteratorType::parallel),
              [](OpBuilder &b, Location l, ValueRange args) {
                linalg::YieldOp::create(
                    b, l,
                    arith::AddFOp::create(b, l, args[0], args[1]).getResult());
              })
              .getResult(0);
    }
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// MaxPool and AveragePool: a reduction over each window of the padded input.
template <typename OpTy, bool isMax>
struct PoolToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto xType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    auto yType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!xType || !yType || !xType.hasStaticShape() ||
        !yType.hasStaticShape() || !isa<FloatType>(yType.getElementType()) ||
        xType.getRank() < 3)
      return rewriter.notifyMatchFailure(op, "not a static float pool");
    if (op->getNumResults() > 1 && !op->getResult(1).use_empty())
      return rewriter.notifyMatchFailure(op, "indices output is used");
    auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
    if (auto ceil = props.template getAs<IntegerAttr>("ceil_mode");
        ceil && ceil.getInt() != 0)
      return rewriter.notifyMatchFailure(op, "ceil_mode");
    auto kernel = props.template getAs<DenseI64ArrayAttr>("kernel_shape");
    Window w;
    if (!kernel || !getWindow(op, xType, yType, kernel.asArrayRef(), w))
      return rewriter.notifyMatchFailure(op, "window not expressible");
    bool countPads = false;
    if (auto c = props.template getAs<IntegerAttr>("count_include_pad"))
      countPads = c.getInt() != 0;
    bool padded = llvm::any_of(w.padsBegin, [](int64_t p) { return p; }) ||
                  llvm::any_of(w.padsEnd, [](int64_t p) { return p; });
    if (!isMax && padded && !countPads)
      return rewriter.notifyMatchFailure(op, "average over partial windows");
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    Type elt = yType.getElementType();
    int64_t spatial = xType.getRank() - 2, loops = 2 + 2 * spatial;
    Value input = pad(rewriter, loc, op->getOperand(0), w,
                      isMax ? -std::numeric_limits<double>::infinity() : 0.0);
    auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
    SmallVector<AffineExpr> inExprs = {d(0), d(1)}, outExprs = {d(0), d(1)},
                            windowExprs;
    for (int64_t s = 0; s < spatial; ++s) {
      inExprs.push_back(d(2 + s) * w.strides[s] +
                        d(2 + spatial + s) * w.dilations[s]);
      outExprs.push_back(d(2 + s));
      windowExprs.push_back(d(2 + spatial + s));
    }
    // The window's extent comes from a shape-only tensor.
    Value windowShape = tensor::EmptyOp::create(rewriter, loc, w.kernel, elt);
    double start = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
    Value init = makeFilledTensor(rewriter, loc, yType.getShape(), elt, start);
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{yType}, ValueRange{input, windowShape},
            ValueRange{init},
            ArrayRef<AffineMap>{AffineMap::get(loops, 0, inExprs, context),
                                AffineMap::get(loops, 0, windowExprs, context),
                                AffineMap::get(loops, 0, outExprs, context)},
            iterators,
            [](OpBuilder &b, Location l, ValueRange args) {
              Value r =
                  isMax
                      ? Value(arith::MaximumFOp::create(b, l, args[2], args[0]))
                      : Value(arith::AddFOp::create(b, l, args[2], args[0]));
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    if (!isMax) {
      double count = 1;
      for (int64_t k : w.kernel)
        count *= double(k);
      int64_t rank = yType.getRank();
      AffineMap id = rewriter.getMultiDimIdentityMap(rank);
      Value out = tensor::EmptyOp::create(rewriter, loc, yType.getShape(), elt);
      y = linalg::GenericOp::create(
              rewriter, loc, TypeRange{yType}, ValueRange{y}, ValueRange{out},
              ArrayRef<AffineMap>{id, id},
              SmallVector<utils::IteratorType>(rank,
                                               utils::IteratorType::parallel),
              [&](OpBuilder &b, Location l, ValueRange args) {
                Value n =
                    arith::ConstantOp::create(b, l, b.getFloatAttr(elt, count));
                linalg::YieldOp::create(
                    b, l, arith::DivFOp::create(b, l, args[0], n).getResult());
              })
              .getResult(0);
    }
    SmallVector<Value> results = {y};
    for (unsigned i = 1; i < op->getNumResults(); ++i)
      results.push_back(Value()); // unused indices
    rewriter.replaceOp(op, y);
    return success();
  }
};

/// GlobalAveragePool and GlobalMaxPool: a reduction over all spatial dims.
template <typename OpTy, bool isMax>
struct GlobalPoolToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    auto xType = dyn_cast<RankedTensorType>(op.getX().getType());
    auto yType = dyn_cast<RankedTensorType>(op.getType());
    if (!xType || !yType || !xType.hasStaticShape() ||
        !yType.hasStaticShape() || !isa<FloatType>(yType.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a static float pool");
    Location loc = op.getLoc();
    Type elt = yType.getElementType();
    int64_t rank = xType.getRank();
    MLIRContext *context = rewriter.getContext();
    SmallVector<AffineExpr> outExprs = {getAffineDimExpr(0, context),
                                        getAffineDimExpr(1, context)};
    for (int64_t s = 2; s < rank; ++s)
      outExprs.push_back(getAffineConstantExpr(0, context));
    double start = isMax ? -std::numeric_limits<double>::infinity() : 0.0;
    Value init = makeFilledTensor(rewriter, loc, yType.getShape(), elt, start);
    SmallVector<utils::IteratorType> iterators(2,
                                               utils::IteratorType::parallel);
    iterators.append(rank - 2, utils::IteratorType::reduction);
    double count = 1;
    for (int64_t s = 2; s < rank; ++s)
      count *= double(xType.getDimSize(s));
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{yType}, ValueRange{op.getX()},
            ValueRange{init},
            ArrayRef<AffineMap>{rewriter.getMultiDimIdentityMap(rank),
                                AffineMap::get(rank, 0, outExprs, context)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value r;
              if (isMax) {
                r = arith::MaximumFOp::create(b, l, args[1], args[0]);
              } else {
                Value n =
                    arith::ConstantOp::create(b, l, b.getFloatAttr(elt, count));
                r = arith::AddFOp::create(
                    b, l, args[1], arith::DivFOp::create(b, l, args[0], n));
              }
              linalg::YieldOp::create(b, l, r);
            })
            .getResult(0);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void populateONNXConvPoolToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ConvToGeneric, PoolToGeneric<ONNXMaxPoolOp, true>,
               PoolToGeneric<ONNXAveragePoolOp, false>,
               GlobalPoolToGeneric<ONNXGlobalAveragePoolOp, false>,
               GlobalPoolToGeneric<ONNXGlobalMaxPoolOp, true>>(
      patterns.getContext());
}

} // namespace weft
