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

#include "Activation.h"
#include "Common.h"
#include "Depthwise.h"
#include "Winograd.h"
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
          Value fill) {
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
  auto padded = RankedTensorType::get(shape, type.getElementType());
  return tensor::PadOp::create(b, loc, padded, input, lowSizes, highSizes,
                               fill);
}

/// `y` + bias[f] broadcast over batch and space (y as is without a bias).
Value addChannelBias(OpBuilder &rewriter, Location loc, Value y, Value bias) {
  auto yType = cast<RankedTensorType>(y.getType());
  Type elt = yType.getElementType();
  MLIRContext *context = rewriter.getContext();
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  if (!isa<NoneType>(bias.getType())) {
    // y + bias[f], broadcast over batch and space.
    int64_t rank = yType.getRank();
    AffineMap id = rewriter.getMultiDimIdentityMap(rank);
    AffineMap channel = AffineMap::get(rank, 0, {d(1)}, context);
    Value out = tensor::EmptyOp::create(rewriter, loc, yType.getShape(), elt);
    y = linalg::GenericOp::create(
            rewriter, loc, TypeRange{yType}, ValueRange{y, bias},
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
  return y;
}

/// The sizes of a convolution computed as a matrix product.
struct ProductShape {
  int64_t spatial, n, f, c;
  /// Filter taps per channel, and output positions per image.
  int64_t taps, positions;
  /// A 1x1 kernel at stride 1 over the whole input: the input is the
  /// columns.
  bool pointwise;
};

ProductShape getProductShape(Value input, Value filter, RankedTensorType yType,
                             const Window &w) {
  auto xType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(filter.getType());
  ProductShape shape{xType.getRank() - 2,
                     yType.getDimSize(0),
                     yType.getDimSize(1),
                     wType.getDimSize(1),
                     1,
                     1,
                     false};
  for (int64_t s = 0; s < shape.spatial; ++s) {
    shape.taps *= wType.getDimSize(2 + s);
    shape.positions *= yType.getDimSize(2 + s);
  }
  shape.pointwise =
      shape.taps == 1 &&
      llvm::all_of(w.strides, [](int64_t v) { return v == 1; }) &&
      xType.getShape().drop_front(2) == yType.getShape().drop_front(2);
  return shape;
}

/// Convolutions with at most this many output positions (one image) take
/// the transposed product (see convolveTransposed): packing the filter once
/// measured 25% faster at 49 rows, at 196 (14x14) 0-7% in isolation, less
/// than the transposes cost.
constexpr int64_t kMaxTransposedPositions = 64;

/// An ungrouped convolution of one image with few output positions (a 7x7
/// map) and a constant filter, as the transposed product
/// Y^T(o, f) = Col^T(o, c k...) W^T(c k..., f): the constant filter is then
/// the right-hand operand, which the CPU's library calls pack once for good
/// (`weft_sgemm_packed`), where sgemm re-packed all of it on every call --
/// with 49 positions the product is too small to pay for that (512 filters
/// of 256 x 3 x 3 at 7x7: 1.26 -> 0.94 ms on this CPU). The columns are
/// made in that order (a 1x1 kernel reads the input transposed instead),
/// and one pass adds the bias, applies `activation` and transposes the
/// product into `yType`'s layout.
Value convolveTransposed(OpBuilder &b, Location loc, Value input, Value filter,
                         Value bias, const Window &w, RankedTensorType yType,
                         const Activation &activation) {
  MLIRContext *context = b.getContext();
  auto wType = cast<RankedTensorType>(filter.getType());
  Type elt = yType.getElementType();
  int64_t rank = yType.getRank();
  auto [spatial, n, f, c, taps, positions, pointwise] =
      getProductShape(input, filter, yType, w);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  // Loops of the product: n, o, f, k (o the output position, k the column).
  Value columns;
  AffineMap columnsMap;
  if (pointwise) {
    ReassociationIndices spatialDims;
    for (int64_t s = 0; s < spatial; ++s)
      spatialDims.push_back(2 + s);
    columns = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n, c, positions}, elt), input,
        SmallVector<ReassociationIndices>{{0}, {1}, spatialDims});
    columnsMap = AffineMap::get(4, 0, {d(0), d(3), d(1)}, context);
  } else {
    // Loops n, o_1..o_S, c, k_1..k_S; Col^T is their identity.
    int64_t loops = 2 + 2 * spatial;
    SmallVector<AffineExpr> inExprs = {d(0), d(1 + spatial)};
    SmallVector<int64_t> shape = {n};
    for (int64_t s = 0; s < spatial; ++s) {
      inExprs.push_back(d(1 + s) * w.strides[s] +
                        d(2 + spatial + s) * w.dilations[s]);
      shape.push_back(yType.getDimSize(2 + s));
    }
    shape.push_back(c);
    for (int64_t s = 0; s < spatial; ++s)
      shape.push_back(wType.getDimSize(2 + s));
    Value col = buildParallelGeneric(
        b, loc, RankedTensorType::get(shape, elt), input,
        AffineMap::get(loops, 0, inExprs, context),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    ReassociationIndices outer, inner;
    for (int64_t s = 0; s < spatial; ++s)
      outer.push_back(1 + s);
    for (int64_t s = 0; s <= spatial; ++s)
      inner.push_back(1 + spatial + s);
    columns = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n, positions, c * taps}, elt), col,
        SmallVector<ReassociationIndices>{{0}, outer, inner});
    columnsMap = AffineMap::get(4, 0, {d(0), d(1), d(3)}, context);
  }
  ReassociationIndices filterTaps;
  for (int64_t s = 0; s <= spatial; ++s)
    filterTaps.push_back(1 + s);
  Value weights = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({f, c * taps}, elt), filter,
      SmallVector<ReassociationIndices>{{0}, filterTaps});
  Value init = makeFilledTensor(b, loc, {n, positions, f}, elt, 0.0);
  auto contraction = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ValueRange{columns, weights},
      ValueRange{init},
      ArrayRef<AffineMap>{columnsMap,
                          AffineMap::get(4, 0, {d(2), d(3)}, context),
                          AffineMap::get(4, 0, {d(0), d(1), d(2)}, context)},
      {utils::IteratorType::parallel, utils::IteratorType::parallel,
       utils::IteratorType::parallel, utils::IteratorType::reduction},
      [](OpBuilder &b, Location l, ValueRange args) {
        Value m = arith::MulFOp::create(b, l, args[0], args[1]);
        linalg::YieldOp::create(
            b, l, arith::AddFOp::create(b, l, args[2], m).getResult());
      });
  contraction->setAttr(kPackWeightsAttrName, b.getUnitAttr());
  Value product = contraction.getResult(0);
  // Loops n, f, o_1..o_S over Y; the product read at (n, o, f).
  AffineExpr position = getAffineConstantExpr(0, context);
  for (int64_t s = 0; s < spatial; ++s)
    position = position * yType.getDimSize(2 + s) + d(2 + s);
  return biasAndActivateInto(
      b, loc, yType, product,
      AffineMap::get(rank, 0, {d(0), position, d(1)}, context),
      isa<NoneType>(bias.getType()) ? Value() : bias,
      AffineMap::get(rank, 0, {d(1)}, context), activation);
}

/// An ungrouped convolution as a matrix product (im2col): the input's
/// windows are copied into columns Col[n][c, k...][o...] (none for a 1x1
/// kernel at stride 1), then Y[n](f, o...) = W(f, c k...) Col[n](c k..., o...)
/// is a contraction that library GEMMs take (oneDNN, cuBLAS), accumulated
/// onto the bias (one pass fewer than adding it after). With an activation,
/// the product starts from zero instead (a GEMM overwrites its output) and
/// one pass over it adds the bias and applies the activation in place.
/// Returns the convolution of `yType`.
Value convolveByMatmul(OpBuilder &b, Location loc, Value input, Value filter,
                       Value bias, const Window &w, RankedTensorType yType,
                       const Activation &activation) {
  MLIRContext *context = b.getContext();
  auto wType = cast<RankedTensorType>(filter.getType());
  Type elt = yType.getElementType();
  auto [spatial, n, f, c, taps, positions, pointwise] =
      getProductShape(input, filter, yType, w);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  auto trailing = [](int64_t from, int64_t to) {
    ReassociationIndices group;
    for (int64_t i = from; i < to; ++i)
      group.push_back(i);
    return group;
  };
  Value columns;
  if (pointwise) {
    columns = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n, c, positions}, elt), input,
        SmallVector<ReassociationIndices>{{0}, {1}, trailing(2, 2 + spatial)});
  } else {
    // Loops n, c, k_1..k_S, o_1..o_S; Col is their identity.
    int64_t loops = 2 + 2 * spatial;
    SmallVector<AffineExpr> inExprs = {d(0), d(1)};
    SmallVector<int64_t> colShape = {n, c};
    for (int64_t s = 0; s < spatial; ++s) {
      inExprs.push_back(d(2 + spatial + s) * w.strides[s] +
                        d(2 + s) * w.dilations[s]);
      colShape.push_back(wType.getDimSize(2 + s));
    }
    for (int64_t s = 0; s < spatial; ++s)
      colShape.push_back(yType.getDimSize(2 + s));
    Value col = buildParallelGeneric(
        b, loc, RankedTensorType::get(colShape, elt), input,
        AffineMap::get(loops, 0, inExprs, context),
        [](OpBuilder &, Location, ValueRange args) { return args[0]; });
    columns = tensor::CollapseShapeOp::create(
        b, loc, RankedTensorType::get({n, c * taps, positions}, elt), col,
        SmallVector<ReassociationIndices>{
            {0}, trailing(1, 2 + spatial), trailing(2 + spatial, loops)});
  }
  Value weights = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({f, c * taps}, elt), filter,
      SmallVector<ReassociationIndices>{{0}, trailing(1, 2 + spatial)});
  // Loops n, f, k, p; the sum starts from the bias (or zero).
  Value init;
  bool hasBias = !isa<NoneType>(bias.getType());
  if (!hasBias || activation.any()) {
    init = makeFilledTensor(b, loc, {n, f, positions}, elt, 0.0);
  } else {
    Value empty = tensor::EmptyOp::create(b, loc, {n, f, positions}, elt);
    init =
        linalg::GenericOp::create(
            b, loc, TypeRange{empty.getType()}, ValueRange{bias},
            ValueRange{empty},
            ArrayRef<AffineMap>{AffineMap::get(3, 0, {d(1)}, context),
                                b.getMultiDimIdentityMap(3)},
            SmallVector<utils::IteratorType>(3, utils::IteratorType::parallel),
            [](OpBuilder &b, Location l, ValueRange args) {
              linalg::YieldOp::create(b, l, args[0]);
            })
            .getResult(0);
  }
  Value product = tensor::ExpandShapeOp::create(
      b, loc, yType, buildBatchedMatmul(b, loc, weights, columns, init),
      SmallVector<ReassociationIndices>{{0}, {1}, trailing(2, 2 + spatial)});
  if (!activation.any())
    return product;
  // Into a tensor of its own: where the next convolution pads the result,
  // this pass writes the padded buffer's interior (the product, a matrix,
  // cannot be computed there).
  return biasAndActivateInto(
      b, loc, yType, product, b.getMultiDimIdentityMap(spatial + 2),
      hasBias ? bias : Value(), AffineMap::get(spatial + 2, 0, {d(1)}, context),
      activation);
}

/// Whether a convolution's input, filter and result are static float
/// tensors of rank 3 or more.
bool isStaticFloatConv(Value x, Value w, Value y) {
  auto xType = dyn_cast<RankedTensorType>(x.getType());
  auto wType = dyn_cast<RankedTensorType>(w.getType());
  auto yType = dyn_cast<RankedTensorType>(y.getType());
  return xType && wType && yType && xType.hasStaticShape() &&
         wType.hasStaticShape() && yType.hasStaticShape() &&
         isa<FloatType>(yType.getElementType()) && xType.getRank() >= 3;
}

/// Why `op` has no lowering (a static float conv with valid groups and a
/// window linalg can express has one), or nullptr; fills `w`.
const char *whyNotLowered(ONNXConvOp op, Window &w) {
  if (!isStaticFloatConv(op.getX(), op.getW(), op.getY()))
    return "not a static float conv";
  auto xType = cast<RankedTensorType>(op.getX().getType());
  auto wType = cast<RankedTensorType>(op.getW().getType());
  auto yType = cast<RankedTensorType>(op.getType());
  int64_t groups = op.getGroup(), filters = wType.getDimSize(0);
  if (groups < 1 || filters % groups)
    return "bad groups";
  if (!getWindow(op, xType, yType, wType.getShape().drop_front(2), w))
    return "window not expressible";
  return nullptr;
}

struct ConvToGeneric : OpRewritePattern<ONNXConvOp> {
  ConvToGeneric(MLIRContext *context, const ONNXToLinalgOptions &options)
      : OpRewritePattern(context), options(options) {}

  /// Which lowerings may be chosen.
  ONNXToLinalgOptions options;

  LogicalResult matchAndRewrite(ONNXConvOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    Window w;
    if (const char *why = whyNotLowered(op, w))
      return rewriter.notifyMatchFailure(op, why);
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto wType = cast<RankedTensorType>(op.getW().getType());
    auto yType = cast<RankedTensorType>(op.getType());
    int64_t spatial = xType.getRank() - 2, groups = op.getGroup();
    int64_t filters = wType.getDimSize(0), cg = wType.getDimSize(1);
    int64_t fg = filters / groups;
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Type elt = yType.getElementType();
    Value input = pad(
        rewriter, loc, op.getX(), w,
        arith::ConstantOp::create(rewriter, loc, rewriter.getZeroAttr(elt)));
    // A Relu or Clip that is the conv's only user is computed with it.
    auto fused = getFusableActivation(op.getResult());
    Activation activation = fused ? fused->second : Activation();
    auto finish = [&](Value y) {
      if (!fused) {
        rewriter.replaceOp(op, y);
        return success();
      }
      rewriter.replaceOp(fused->first, y);
      rewriter.eraseOp(op);
      return success();
    };

    // Depthwise with a small kernel: one elementwise op.
    int64_t taps = 1;
    for (int64_t s = 0; s < spatial; ++s)
      taps *= wType.getDimSize(2 + s);
    if (cg == 1 && fg == 1 && taps <= 25) {
      return finish(convolveDepthwise(rewriter, loc, input, op.getW(),
                                      op.getB(), w.strides, w.dilations, yType,
                                      activation));
    }

    // Ungrouped 3x3 at stride 1 with a constant filter: Winograd's
    // F(2x2, 3x3), where it pays.
    auto all = [](ArrayRef<int64_t> v, int64_t x) {
      return llvm::all_of(v, [x](int64_t e) { return e == x; });
    };
    if (options.winograd && groups == 1 && elt.isF32() && spatial == 2 &&
        all(w.kernel, 3) && all(w.strides, 1) && all(w.dilations, 1))
      if (Value y = convolveWinograd(rewriter, loc, input, op.getW(), op.getB(),
                                     yType, activation))
        return finish(y);

    // Ungrouped, with columns of a sensible size: a matrix product.
    int64_t columnBytes = xType.getDimSize(0) * cg * 4;
    for (int64_t s = 0; s < spatial; ++s)
      columnBytes *= wType.getDimSize(2 + s) * yType.getDimSize(2 + s);
    int64_t positions =
        yType.getNumElements() / (yType.getDimSize(0) * filters);
    if (options.transposeSmallConvolutions && groups == 1 && elt.isF32() &&
        yType.getDimSize(0) == 1 && positions <= kMaxTransposedPositions &&
        getConstantElements(op.getW()))
      return finish(convolveTransposed(rewriter, loc, input, op.getW(),
                                       op.getB(), w, yType, activation));
    if (groups == 1 && elt.isF32() && columnBytes <= (int64_t(1) << 28)) {
      return finish(convolveByMatmul(rewriter, loc, input, op.getW(), op.getB(),
                                     w, yType, activation));
    }

    // Loops: n, g, f, o_1..o_{S-1}, c, k_1..k_S, o_S: one output row is
    // accumulated over every channel and filter tap while it stays in cache,
    // and the innermost loop walks that row and a row of the input
    // (contiguous at stride 1) with one filter tap, so it vectorizes.
    int64_t loops = 3 + 2 * spatial + 1;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
    int64_t cDim = 2 + spatial, kDim = cDim + 1, lastDim = kDim + spatial;
    auto outDim = [&](int64_t s) { return s == spatial - 1 ? lastDim : 3 + s; };
    SmallVector<AffineExpr> inExprs = {d(0), d(1) * cg + d(cDim)};
    for (int64_t s = 0; s < spatial; ++s)
      inExprs.push_back(d(outDim(s)) * w.strides[s] +
                        d(kDim + s) * w.dilations[s]);
    SmallVector<AffineExpr> wExprs = {d(1), d(2), d(cDim)};
    SmallVector<AffineExpr> outExprs = {d(0), d(1), d(2)};
    for (int64_t s = 0; s < spatial; ++s) {
      wExprs.push_back(d(kDim + s));
      outExprs.push_back(d(outDim(s)));
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
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    iterators.push_back(utils::IteratorType::parallel);
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
    y = addChannelBias(rewriter, loc, y, op.getB());
    if (activation.any())
      y = addBiasAndActivate(rewriter, loc, y, Value(), AffineMap(),
                             activation);
    return finish(y);
  }
};

/// MaxPool and AveragePool: a reduction over each window of the padded input.
template <typename OpTy, bool isMax>
struct PoolToGeneric : OpRewritePattern<OpTy> {
  using OpRewritePattern<OpTy>::OpRewritePattern;
  LogicalResult matchAndRewrite(OpTy op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto xType = dyn_cast<RankedTensorType>(op->getOperand(0).getType());
    auto yType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!xType || !yType || !xType.hasStaticShape() ||
        !yType.hasStaticShape() || xType.getRank() < 3)
      return rewriter.notifyMatchFailure(op, "not a static pool");
    Type elt = yType.getElementType();
    bool isFloat = isa<FloatType>(elt);
    if (!isFloat && !(isMax && elt.isSignlessInteger()))
      return rewriter.notifyMatchFailure(op, "element type");
    bool isUnsigned = isUnsignedOperandOp(op);
    // MaxPool's optional Indices: flat positions in the unpadded input.
    // Row-major (storage_order 0) or with the spatial dims reversed (1).
    bool withIndices = false, columnMajor = false;
    if (op->getNumResults() > 1 && !isa<NoneType>(op->getResult(1).getType())) {
      auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
      auto order = props.template getAs<IntegerAttr>("storage_order");
      auto indexType = dyn_cast<RankedTensorType>(op->getResult(1).getType());
      if (!indexType || indexType.getShape() != yType.getShape())
        return rewriter.notifyMatchFailure(op, "indices shape");
      columnMajor = order && order.getInt() != 0;
      withIndices = true;
    }
    auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
    auto kernel = props.template getAs<DenseI64ArrayAttr>("kernel_shape");
    Window w;
    if (!kernel || !getWindow(op, xType, yType, kernel.asArrayRef(), w))
      return rewriter.notifyMatchFailure(op, "window not expressible");
    bool countPads = false;
    if (auto c = props.template getAs<IntegerAttr>("count_include_pad"))
      countPads = c.getInt() != 0;
    int64_t spatial = xType.getRank() - 2, loops = 2 + 2 * spatial;
    // With ceil_mode the last windows may reach past the padding: pad more
    // (those cells never count).
    Window padded = w;
    for (int64_t s = 0; s < spatial; ++s) {
      int64_t needed = (yType.getDimSize(2 + s) - 1) * w.strides[s] +
                       (w.kernel[s] - 1) * w.dilations[s] + 1;
      int64_t have = xType.getDimSize(2 + s) + w.padsBegin[s] + w.padsEnd[s];
      padded.padsEnd[s] += std::max<int64_t>(0, needed - have);
    }
    Location loc = op.getLoc();
    MLIRContext *context = rewriter.getContext();
    TypedAttr lowest =
        isFloat ? TypedAttr(rewriter.getFloatAttr(
                      elt, -std::numeric_limits<double>::infinity()))
        : isUnsigned
            ? TypedAttr(rewriter.getIntegerAttr(elt, 0))
            : TypedAttr(rewriter.getIntegerAttr(
                  elt, APInt::getSignedMinValue(elt.getIntOrFloatBitWidth())));
    TypedAttr start = isMax ? lowest : rewriter.getZeroAttr(elt);
    Value input = pad(rewriter, loc, op->getOperand(0), padded,
                      arith::ConstantOp::create(rewriter, loc, start));
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
    Value startValue = arith::ConstantOp::create(rewriter, loc, start);
    Value init =
        linalg::FillOp::create(rewriter, loc, startValue,
                               ValueRange{tensor::EmptyOp::create(
                                   rewriter, loc, yType.getShape(), elt)})
            .getResult(0);
    SmallVector<Value> inits = {init};
    SmallVector<Type> resultTypes = {yType};
    AffineMap outMap = AffineMap::get(loops, 0, outExprs, context);
    SmallVector<AffineMap> maps = {
        AffineMap::get(loops, 0, inExprs, context),
        AffineMap::get(loops, 0, windowExprs, context), outMap};
    Type i64 = rewriter.getI64Type();
    if (withIndices) {
      inits.push_back(
          makeFilledTensor(rewriter, loc, yType.getShape(), i64, 0));
      resultTypes.push_back(RankedTensorType::get(yType.getShape(), i64));
      maps.push_back(outMap);
    }
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(spatial, utils::IteratorType::reduction);
    auto generic = linalg::GenericOp::create(
        rewriter, loc, resultTypes, ValueRange{input, windowShape}, inits, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value x = args[0], acc = args[2];
          if (!isMax) {
            linalg::YieldOp::create(
                b, l, arith::AddFOp::create(b, l, acc, x).getResult());
            return;
          }
          Value better = isFloat ? Value(arith::CmpFOp::create(
                                       b, l, arith::CmpFPredicate::OGT, x, acc))
                                 : Value(arith::CmpIOp::create(
                                       b, l,
                                       isUnsigned ? arith::CmpIPredicate::ugt
                                                  : arith::CmpIPredicate::sgt,
                                       x, acc));
          SmallVector<Value> results = {
              arith::SelectOp::create(b, l, better, x, acc)};
          if (withIndices) {
            // ((n * C + c) * H + h) * W + w over the unpadded input, or
            // ((n * C + c) * W + w) * H + h when column-major.
            SmallVector<int64_t> dims = {1};
            for (int64_t s = 0; s < spatial; ++s)
              dims.push_back(columnMajor ? 1 + spatial - s : 2 + s);
            Value flat = linalg::IndexOp::create(b, l, 0);
            for (int64_t dim : dims) {
              Value position = linalg::IndexOp::create(b, l, dim);
              if (dim >= 2) {
                int64_t s = dim - 2;
                Value tap = linalg::IndexOp::create(b, l, 2 + spatial + s);
                position = arith::SubIOp::create(
                    b, l,
                    arith::AddIOp::create(
                        b, l,
                        arith::MulIOp::create(
                            b, l, position,
                            arith::ConstantIndexOp::create(b, l, w.strides[s])),
                        arith::MulIOp::create(b, l, tap,
                                              arith::ConstantIndexOp::create(
                                                  b, l, w.dilations[s]))),
                    arith::ConstantIndexOp::create(b, l, w.padsBegin[s]));
              }
              flat = arith::AddIOp::create(
                  b, l,
                  arith::MulIOp::create(b, l, flat,
                                        arith::ConstantIndexOp::create(
                                            b, l, xType.getDimSize(dim))),
                  position);
            }
            Value index = arith::IndexCastOp::create(b, l, i64, flat);
            results.push_back(
                arith::SelectOp::create(b, l, better, index, args[3]));
          }
          linalg::YieldOp::create(b, l, results);
        });
    Value y = generic.getResult(0);
    if (!isMax)
      y = divideByWindowCounts(rewriter, loc, y, xType, w, countPads);
    SmallVector<Value> results = {y};
    if (op->getNumResults() > 1)
      results.push_back(withIndices ? generic.getResult(1)
                                    : Value()); // absent: no uses
    rewriter.replaceOp(op, results);
    return success();
  }

  /// Divides the window sums `y` by how many cells each window covered:
  /// the cells of the input, and with `countPads` those of the explicit
  /// padding too (never ceil_mode's extra cells).
  static Value divideByWindowCounts(OpBuilder &b, Location loc, Value y,
                                    RankedTensorType xType, const Window &w,
                                    bool countPads) {
    auto yType = cast<RankedTensorType>(y.getType());
    int64_t spatial = xType.getRank() - 2;
    SmallVector<SmallVector<double>> perDim(spatial);
    for (int64_t s = 0; s < spatial; ++s) {
      int64_t in = xType.getDimSize(2 + s);
      int64_t lo = countPads ? 0 : w.padsBegin[s];
      int64_t hi =
          countPads ? in + w.padsBegin[s] + w.padsEnd[s] : w.padsBegin[s] + in;
      for (int64_t o = 0; o < yType.getDimSize(2 + s); ++o) {
        int64_t count = 0;
        for (int64_t k = 0; k < w.kernel[s]; ++k) {
          int64_t at = o * w.strides[s] + k * w.dilations[s];
          count += at >= lo && at < hi;
        }
        perDim[s].push_back(double(std::max<int64_t>(count, 1)));
      }
    }
    SmallVector<int64_t> countShape(yType.getShape().drop_front(2));
    int64_t total = 1;
    for (int64_t size : countShape)
      total *= size;
    Type elt = yType.getElementType();
    SmallVector<APFloat> counts;
    counts.reserve(total);
    for (int64_t flat = 0; flat < total; ++flat) {
      double count = 1;
      for (int64_t s = spatial - 1, rest = flat; s >= 0; --s) {
        count *= perDim[s][rest % countShape[s]];
        rest /= countShape[s];
      }
      bool lost;
      APFloat value(count);
      value.convert(cast<FloatType>(elt).getFloatSemantics(),
                    APFloat::rmNearestTiesToEven, &lost);
      counts.push_back(value);
    }
    auto countType = RankedTensorType::get(countShape, elt);
    Value countTensor = arith::ConstantOp::create(
        b, loc, DenseElementsAttr::get(countType, counts));
    int64_t rank = yType.getRank();
    SmallVector<AffineExpr> spatialExprs;
    for (int64_t s = 0; s < spatial; ++s)
      spatialExprs.push_back(b.getAffineDimExpr(2 + s));
    return buildParallelGeneric(
        b, loc, yType, ValueRange{y, countTensor},
        {b.getMultiDimIdentityMap(rank),
         AffineMap::get(rank, 0, spatialExprs, b.getContext())},
        [](OpBuilder &nb, Location l, ValueRange args) -> Value {
          return arith::DivFOp::create(nb, l, args[0], args[1]);
        });
  }
};

/// ConvTranspose in gather form: output position o reads input position
/// i = (o + pad_begin - k * dilation) / stride wherever that divides and lies
/// inside the input; a reduction over input channels of the group and taps.
struct ConvTransposeToGeneric : OpRewritePattern<ONNXConvTransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXConvTransposeOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    if (!isStaticFloatConv(op.getX(), op.getW(), op.getY()))
      return rewriter.notifyMatchFailure(op, "not a static float conv");
    auto xType = cast<RankedTensorType>(op.getX().getType());
    auto wType = cast<RankedTensorType>(op.getW().getType());
    auto yType = cast<RankedTensorType>(op.getType());
    int64_t spatial = xType.getRank() - 2, groups = op.getGroup();
    int64_t channels = xType.getDimSize(1), filters = yType.getDimSize(1);
    if (groups < 1 || channels % groups || filters % groups ||
        wType.getDimSize(0) != channels ||
        wType.getDimSize(1) != filters / groups)
      return rewriter.notifyMatchFailure(op, "bad groups");
    int64_t cg = channels / groups, mg = filters / groups;
    auto props = cast<DictionaryAttr>(op->getPropertiesAsAttribute());
    auto ints = [&](StringRef name, int64_t fill, int64_t count) {
      SmallVector<int64_t> values(count, fill);
      if (auto a = props.getAs<DenseI64ArrayAttr>(name))
        values.assign(a.asArrayRef().begin(), a.asArrayRef().end());
      return values;
    };
    SmallVector<int64_t> strides = ints("strides", 1, spatial),
                         dilations = ints("dilations", 1, spatial),
                         pads = ints("pads", 0, 2 * spatial),
                         outputPadding = ints("output_padding", 0, spatial);
    if (int64_t(strides.size()) != spatial ||
        int64_t(dilations.size()) != spatial ||
        int64_t(pads.size()) != 2 * spatial ||
        int64_t(outputPadding.size()) != spatial)
      return rewriter.notifyMatchFailure(op, "bad window attributes");
    StringRef autoPad = "NOTSET";
    if (auto a = props.getAs<StringAttr>("auto_pad"))
      autoPad = a.getValue();
    SmallVector<int64_t> padBegin(pads.begin(), pads.begin() + spatial);
    if (autoPad != "NOTSET" || props.get("output_shape")) {
      // The padding that yields the (inferred) output size.
      for (int64_t d = 0; d < spatial; ++d) {
        int64_t full = strides[d] * (xType.getDimSize(2 + d) - 1) +
                       outputPadding[d] +
                       (wType.getDimSize(2 + d) - 1) * dilations[d] + 1;
        int64_t total = std::max<int64_t>(0, full - yType.getDimSize(2 + d));
        padBegin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      }
    }
    Location loc = op.getLoc();
    MLIRContext *context = getContext();
    Type elt = yType.getElementType();
    // Loops: n, m, o..., c_local, k...
    int64_t loops = 2 + spatial + 1 + spatial;
    auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
    SmallVector<AffineExpr> wExprs = {d(1).floorDiv(mg) * cg + d(2 + spatial),
                                      d(1) % mg};
    SmallVector<AffineExpr> yExprs = {d(0), d(1)};
    for (int64_t s = 0; s < spatial; ++s) {
      wExprs.push_back(d(3 + spatial + s));
      yExprs.push_back(d(2 + s));
    }
    SmallVector<utils::IteratorType> iterators(2 + spatial,
                                               utils::IteratorType::parallel);
    iterators.append(1 + spatial, utils::IteratorType::reduction);
    Value init = makeFilledTensor(rewriter, loc, yType.getShape(), elt, 0);
    Value x = op.getX();
    // The group's channel count comes from a shape-only tensor (the filter
    // reads channels through a compound expression).
    Value groupShape = tensor::EmptyOp::create(rewriter, loc, {cg}, elt);
    Value y =
        linalg::GenericOp::create(
            rewriter, loc, TypeRange{yType}, ValueRange{op.getW(), groupShape},
            ValueRange{init},
            ArrayRef<AffineMap>{
                AffineMap::get(loops, 0, wExprs, context),
                AffineMap::get(loops, 0, {d(2 + spatial)}, context),
                AffineMap::get(loops, 0, yExprs, context)},
            iterators,
            [&](OpBuilder &b, Location l, ValueRange args) {
              auto c = [&](int64_t v) -> Value {
                return arith::ConstantIndexOp::create(b, l, v);
              };
              Value m = linalg::IndexOp::create(b, l, 1);
              Value channel = arith::AddIOp::create(
                  b, l,
                  arith::MulIOp::create(
                      b, l, arith::DivUIOp::create(b, l, m, c(mg)), c(cg)),
                  linalg::IndexOp::create(b, l, 2 + spatial));
              SmallVector<Value> position = {linalg::IndexOp::create(b, l, 0),
                                             channel};
              Value valid =
                  arith::ConstantOp::create(b, l, b.getBoolAttr(true));
              for (int64_t s = 0; s < spatial; ++s) {
                // o + pad_begin - k * dilation, as a signed index.
                Value numerator = arith::SubIOp::create(
                    b, l,
                    arith::AddIOp::create(b, l,
                                          linalg::IndexOp::create(b, l, 2 + s),
                                          c(padBegin[s])),
                    arith::MulIOp::create(
                        b, l, linalg::IndexOp::create(b, l, 3 + spatial + s),
                        c(dilations[s])));
                Value in =
                    arith::DivSIOp::create(b, l, numerator, c(strides[s]));
                Value divides = arith::CmpIOp::create(
                    b, l, arith::CmpIPredicate::eq,
                    arith::RemSIOp::create(b, l, numerator, c(strides[s])),
                    c(0));
                Value inside = arith::AndIOp::create(
                    b, l,
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::sge,
                                          numerator, c(0)),
                    arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt, in,
                                          c(xType.getDimSize(2 + s))));
                valid = arith::AndIOp::create(
                    b, l, valid, arith::AndIOp::create(b, l, divides, inside));
                // Clamped so that the read stays inside even when unused.
                Value clamped = arith::MinSIOp::create(
                    b, l, arith::MaxSIOp::create(b, l, in, c(0)),
                    c(xType.getDimSize(2 + s) - 1));
                position.push_back(clamped);
              }
              Value value = tensor::ExtractOp::create(b, l, x, position);
              Value product = arith::MulFOp::create(b, l, value, args[0]);
              Value zero = arith::ConstantOp::create(b, l, b.getZeroAttr(elt));
              Value term = arith::SelectOp::create(b, l, valid, product, zero);
              linalg::YieldOp::create(
                  b, l, arith::AddFOp::create(b, l, args[2], term).getResult());
            })
            .getResult(0);
    if (!isa<NoneType>(op.getB().getType())) {
      int64_t rank = yType.getRank();
      y = buildParallelGeneric(
          rewriter, loc, yType, ValueRange{y, op.getB()},
          {rewriter.getMultiDimIdentityMap(rank),
           AffineMap::get(rank, 0, {d(1)}, context)},
          [](OpBuilder &b, Location l, ValueRange args) -> Value {
            return arith::AddFOp::create(b, l, args[0], args[1]);
          });
    }
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
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
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

bool convTakesActivation(Operation *op) {
  Window w;
  return !whyNotLowered(cast<ONNXConvOp>(op), w);
}

void populateONNXConvPoolToLinalgPatterns(RewritePatternSet &patterns,
                                          const ONNXToLinalgOptions &options) {
  patterns.add<ConvToGeneric>(patterns.getContext(), options);
  patterns.add<ConvTransposeToGeneric, PoolToGeneric<ONNXMaxPoolOp, true>,
               PoolToGeneric<ONNXAveragePoolOp, false>,
               GlobalPoolToGeneric<ONNXGlobalAveragePoolOp, false>,
               GlobalPoolToGeneric<ONNXGlobalMaxPoolOp, true>>(
      patterns.getContext());
}

} // namespace weft
