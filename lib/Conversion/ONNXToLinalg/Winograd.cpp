//===- Winograd.cpp - 3x3 convolutions by Winograd's F(2x2, 3x3) ----------===//
//
// Y = A^T [ (G g G^T) . (B^T d B) ] A for each 4x4 input tile d and 3x3
// filter g (Lavin and Gray, "Fast Algorithms for Convolutional Neural
// Networks"), with the elementwise products summed over input channels as 16
// matrix products:
//
//   V[ab][c][t] = (B^T d_t B)[a][b]      16 ops over strided input windows
//   M[ab]       = U[ab] V[ab]            U[ab][f][c] = (G g_fc G^T)[a][b],
//                                        computed here from the constant
//                                        filter; a batched contraction that
//                                        library GEMMs take
//   Y[.., 2ty+p, 2tx+q] = (A^T M A)[p][q] + bias   4 ops, strided writes
//
// The transforms are written out with the matrices' nonzero entries only
// (adds and subtracts), one linalg op per transformed element, each written
// into its slice of the result so that bufferization places it there.
//
//===----------------------------------------------------------------------===//

#include "Winograd.h"
#include "Common.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

using namespace mlir;

namespace weft {
namespace {

constexpr int64_t kTile = 4, kOut = 2, kTaps = 3, kPoints = kTile * kTile;
constexpr double kBT[kTile][kTile] = {
    {1, 0, -1, 0}, {0, 1, 1, 0}, {0, -1, 1, 0}, {0, 1, 0, -1}};
constexpr double kG[kTile][kTaps] = {
    {1, 0, 0}, {0.5, 0.5, 0.5}, {0.5, -0.5, 0.5}, {0, 0, 1}};
constexpr double kAT[kOut][kTile] = {{1, 1, 1, 0}, {0, 1, -1, -1}};

/// Fewer tiles than this per image leave the 16 products too narrow to pay
/// for the transforms and for filters 16/9 the size: resnet18's last stage
/// (16 tiles of 512 channels at 7x7) ran no faster than im2col within the
/// model, with 50 MB of transformed filters instead of 28 MB. The count is
/// per image so that a model's constants do not depend on its batch size.
constexpr int64_t kMinTiles = 32;

/// One term of a transform: `coefficient` times input `index`.
struct Term {
  int64_t index;
  double coefficient;
};

/// The sum of `terms` over the op's scalar inputs, plus input `extra` when it
/// is not negative (the bias).
Value sumTerms(OpBuilder &b, Location loc, ValueRange args,
               ArrayRef<Term> terms, int64_t extra) {
  Value sum = extra >= 0 ? args[extra] : Value();
  for (const Term &term : terms) {
    Value x = args[term.index];
    double k = term.coefficient;
    if (k != 1 && k != -1)
      x = arith::MulFOp::create(
          b, loc, x,
          arith::ConstantOp::create(b, loc, b.getF32FloatAttr(std::abs(k))));
    if (!sum)
      sum = k < 0 ? arith::NegFOp::create(b, loc, x).getResult() : x;
    else if (k < 0)
      sum = arith::SubFOp::create(b, loc, sum, x);
    else
      sum = arith::AddFOp::create(b, loc, sum, x);
  }
  return sum;
}

/// One parallel linalg.generic over `shape` computing `terms` of its inputs
/// (read through `maps`), written through `outMap` (identity if null) into
/// `init` (a fresh tensor if null).
Value transform(OpBuilder &b, Location loc, ArrayRef<int64_t> shape,
                ValueRange inputs, ArrayRef<AffineMap> maps,
                SmallVector<Term> terms, int64_t extra, AffineMap outMap = {},
                Value init = {}) {
  Type f32 = b.getF32Type();
  if (!outMap)
    outMap = b.getMultiDimIdentityMap(shape.size());
  if (!init) {
    SmallVector<int64_t> outShape;
    for (AffineExpr e : outMap.getResults())
      outShape.push_back(shape[cast<AffineDimExpr>(e).getPosition()]);
    init = tensor::EmptyOp::create(b, loc, outShape, f32);
  }
  SmallVector<AffineMap> all(maps.begin(), maps.end());
  all.push_back(outMap);
  return linalg::GenericOp::create(
             b, loc, TypeRange{init.getType()}, inputs, ValueRange{init}, all,
             SmallVector<utils::IteratorType>(shape.size(),
                                              utils::IteratorType::parallel),
             [&](OpBuilder &b, Location l, ValueRange args) {
               linalg::YieldOp::create(b, l,
                                       sumTerms(b, l, args, terms, extra));
             })
      .getResult(0);
}

/// U[ab][f][c] = (G g_fc G^T)[a][b] for the filter's values `g` (f x c x 3
/// x 3), at compile time, as a constant.
Value transformFilter(OpBuilder &b, Location loc, ArrayRef<double> g, int64_t f,
                      int64_t c) {
  Type f32 = b.getF32Type();
  std::vector<float> u(kPoints * f * c);
  for (int64_t o = 0; o < f * c; ++o) {
    const double *w = g.data() + o * kTaps * kTaps;
    double gw[kTile][kTaps] = {};
    for (int64_t a = 0; a < kTile; ++a)
      for (int64_t j = 0; j < kTaps; ++j)
        for (int64_t i = 0; i < kTaps; ++i)
          gw[a][j] += kG[a][i] * w[i * kTaps + j];
    for (int64_t a = 0; a < kTile; ++a)
      for (int64_t bb = 0; bb < kTile; ++bb) {
        double sum = 0;
        for (int64_t j = 0; j < kTaps; ++j)
          sum += gw[a][j] * kG[bb][j];
        u[(a * kTile + bb) * f * c + o] = float(sum);
      }
  }
  auto uType = RankedTensorType::get({kPoints, f, c}, f32);
  return arith::ConstantOp::create(
      b, loc, uType,
      cast<TypedAttr>(makeTensorAttr(
          uType,
          ArrayRef<char>(reinterpret_cast<const char *>(u.data()),
                         u.size() * sizeof(float)),
          "winograd")));
}

/// V[ab][c][n ty tx] = sum_ij BT[a][i] BT[b][j] x[n][c][2ty+i][2tx+j] for
/// the padded `input`, as the columns [16][c][n ty tx] of the products.
Value transformInput(OpBuilder &b, Location loc, Value input, int64_t ty,
                     int64_t tx) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  auto xType = cast<RankedTensorType>(input.getType());
  int64_t n = xType.getDimSize(0), c = xType.getDimSize(1), tiles = n * ty * tx;
  // The input's columns split by parity, Xs[n][c][y][x % 2][x / 2], so that
  // every tile window below is contiguous along tx (loops n, c, y, x/2,
  // x%2: the last one is unrolled and its two loads are one interleaved
  // load of a row).
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  int64_t rows = kOut * ty + kTaps - 1, half = (kOut * tx + kTaps - 1) / 2;
  int64_t extraRows = std::max<int64_t>(0, rows - xType.getDimSize(2)),
          extraColumns = std::max<int64_t>(0, 2 * half - xType.getDimSize(3));
  if (extraRows || extraColumns) {
    SmallVector<int64_t> shape(xType.getShape());
    shape[2] += extraRows;
    shape[3] += extraColumns;
    SmallVector<OpFoldResult> low = getAsIndexOpFoldResult(b.getContext(),
                                                           {0, 0, 0, 0}),
                              high = getAsIndexOpFoldResult(
                                  b.getContext(),
                                  {0, 0, extraRows, extraColumns});
    Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
    input = tensor::PadOp::create(b, loc, RankedTensorType::get(shape, f32),
                                  input, low, high, zero);
  }
  Value split = transform(
      b, loc, {n, c, rows, half, 2}, ValueRange{input},
      {AffineMap::get(5, 0, {d(0), d(1), d(2), d(3) * 2 + d(4)}, context)},
      {{0, 1.0}}, /*extra=*/-1,
      AffineMap::getPermutationMap(ArrayRef<unsigned>{0, 1, 2, 4, 3}, context));

  // V[ab][c][n, ty, tx] = sum_ij BT[a][i] BT[b][j] x[n][c][2ty+i][2tx+j].
  SmallVector<int64_t> slab = {c, n, ty, tx};
  AffineMap fromInput =
      AffineMap::getPermutationMap(ArrayRef<unsigned>{1, 0, 2, 3}, context);
  auto vType = RankedTensorType::get({kPoints, c, n, ty, tx}, f32);
  Value v = tensor::EmptyOp::create(b, loc, vType.getShape(), f32);
  for (int64_t a = 0; a < kTile; ++a)
    for (int64_t bb = 0; bb < kTile; ++bb) {
      SmallVector<Value> windows;
      SmallVector<Term> terms;
      for (int64_t i = 0; i < kTile; ++i)
        for (int64_t j = 0; j < kTile; ++j)
          if (double k = kBT[a][i] * kBT[bb][j]; k != 0) {
            terms.push_back({int64_t(windows.size()), k});
            windows.push_back(tensor::ExtractSliceOp::create(
                b, loc, RankedTensorType::get({n, c, ty, tx}, f32), split,
                getAsIndexOpFoldResult(b.getContext(), {0, 0, i, j % 2, j / 2}),
                getAsIndexOpFoldResult(b.getContext(), {n, c, ty, 1, tx}),
                getAsIndexOpFoldResult(b.getContext(), {1, 1, kOut, 1, 1})));
          }
      SmallVector<OpFoldResult> offsets = getAsIndexOpFoldResult(
                                    b.getContext(),
                                    {a * kTile + bb, 0, 0, 0, 0}),
                                sizes = getAsIndexOpFoldResult(
                                    b.getContext(), {1, c, n, ty, tx}),
                                ones = getAsIndexOpFoldResult(b.getContext(),
                                                              {1, 1, 1, 1, 1});
      Value into = tensor::ExtractSliceOp::create(
          b, loc, RankedTensorType::get(slab, f32), v, offsets, sizes, ones);
      Value point =
          transform(b, loc, slab, windows,
                    SmallVector<AffineMap>(windows.size(), fromInput), terms,
                    /*extra=*/-1, {}, into);
      v = tensor::InsertSliceOp::create(b, loc, point, v, offsets, sizes, ones);
    }
  return tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({kPoints, c, tiles}, f32), v,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});
}

/// Y[n][f][2ty+p][2tx+q] = sum_ab AT[p][a] AT[q][b] M[ab][f][n ty tx] + bias,
/// with the activation, for the `products` [16][f][n ty tx]: the output of
/// 2ty x 2tx.
Value transformOutput(OpBuilder &b, Location loc, Value products, Value bias,
                      const Activation &activation, int64_t n, int64_t ty,
                      int64_t tx) {
  MLIRContext *context = b.getContext();
  Type f32 = b.getF32Type();
  int64_t f = cast<RankedTensorType>(products.getType()).getDimSize(1);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  Value m = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get({kPoints, f, n, ty, tx}, f32), products,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3, 4}});

  // Y[n][f][2ty+p][2tx+q] = sum_ab AT[p][a] AT[q][b] M[ab][f][n,ty,tx] + bias,
  // for each p one op over (n, f, ty, tx, q) writing rows 2ty+p: its last
  // loop is unrolled, both phases are computed and the two stores of a pair
  // are one interleaved store of the row.
  SmallVector<Value> points;
  for (int64_t ab = 0; ab < kPoints; ++ab)
    points.push_back(tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get({f, n, ty, tx}, f32), m,
        getAsIndexOpFoldResult(b.getContext(), {ab, 0, 0, 0, 0}),
        getAsIndexOpFoldResult(b.getContext(), {1, f, n, ty, tx}),
        getAsIndexOpFoldResult(b.getContext(), {1, 1, 1, 1, 1})));
  bool hasBias = !isa<NoneType>(bias.getType());
  int64_t fullRows = kOut * ty, fullColumns = kOut * tx;
  Value y = tensor::EmptyOp::create(b, loc, {n, f, fullRows, fullColumns}, f32);
  AffineMap fromPoint = AffineMap::get(5, 0, {d(1), d(0), d(2), d(3)}, context);
  for (int64_t p = 0; p < kOut; ++p) {
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    SmallVector<Term> phases[kOut];
    for (int64_t a = 0; a < kTile; ++a)
      for (int64_t bb = 0; bb < kTile; ++bb) {
        if (kAT[p][a] == 0 ||
            llvm::all_of(
                kAT, [&](const double (&row)[kTile]) { return row[bb] == 0; }))
          continue;
        for (int64_t q = 0; q < kOut; ++q)
          if (double k = kAT[p][a] * kAT[q][bb]; k != 0)
            phases[q].push_back({int64_t(inputs.size()), k});
        inputs.push_back(points[a * kTile + bb]);
        maps.push_back(fromPoint);
      }
    int64_t extra = -1;
    if (hasBias) {
      extra = inputs.size();
      inputs.push_back(bias);
      maps.push_back(AffineMap::get(5, 0, {d(1)}, context));
    }
    SmallVector<OpFoldResult> offsets = getAsIndexOpFoldResult(b.getContext(),
                                                               {0, 0, p, 0}),
                              sizes = getAsIndexOpFoldResult(
                                  b.getContext(), {n, f, ty, fullColumns}),
                              strides = getAsIndexOpFoldResult(b.getContext(),
                                                               {1, 1, kOut, 1});
    auto rowsType = RankedTensorType::get({n, f, ty, fullColumns}, f32);
    auto pairsType = RankedTensorType::get({n, f, ty, tx, kOut}, f32);
    SmallVector<ReassociationIndices> pairs = {{0}, {1}, {2}, {3, 4}};
    Value into = tensor::ExpandShapeOp::create(
        b, loc, pairsType,
        tensor::ExtractSliceOp::create(b, loc, rowsType, y, offsets, sizes,
                                       strides),
        pairs);
    SmallVector<AffineMap> all(maps);
    all.push_back(b.getMultiDimIdentityMap(5));
    Value phase =
        linalg::GenericOp::create(
            b, loc, TypeRange{pairsType}, inputs, ValueRange{into}, all,
            SmallVector<utils::IteratorType>(5, utils::IteratorType::parallel),
            [&](OpBuilder &b, Location l, ValueRange args) {
              Value even = activation.apply(
                  b, l, sumTerms(b, l, args, phases[0], extra));
              Value odd = activation.apply(
                  b, l, sumTerms(b, l, args, phases[1], extra));
              Value q = linalg::IndexOp::create(b, l, 4);
              Value isEven = arith::CmpIOp::create(
                  b, l, arith::CmpIPredicate::eq, q,
                  arith::ConstantIndexOp::create(b, l, 0));
              linalg::YieldOp::create(
                  b, l,
                  arith::SelectOp::create(b, l, isEven, even, odd).getResult());
            })
            .getResult(0);
    y = tensor::InsertSliceOp::create(
        b, loc, tensor::CollapseShapeOp::create(b, loc, rowsType, phase, pairs),
        y, offsets, sizes, strides);
  }
  return y;
}

} // namespace

Value convolveWinograd(OpBuilder &b, Location loc, Value input, Value filter,
                       Value bias, RankedTensorType yType,
                       const Activation &activation) {
  auto xType = cast<RankedTensorType>(input.getType());
  int64_t n = yType.getDimSize(0), f = yType.getDimSize(1),
          c = xType.getDimSize(1), ho = yType.getDimSize(2),
          wo = yType.getDimSize(3);
  if (xType.getDimSize(2) < ho + kTaps - 1 ||
      xType.getDimSize(3) < wo + kTaps - 1)
    return {};
  // Tiles cover the output; an odd size gets one more row or column, read
  // from one more row or column of zeros and dropped at the end.
  int64_t ty = (ho + kOut - 1) / kOut, tx = (wo + kOut - 1) / kOut,
          tiles = n * ty * tx;
  if (ShapedType::isDynamic(n) || ty * tx < kMinTiles)
    return {};
  ElementsAttr filterValues = getConstantElements(filter);
  std::optional<std::vector<double>> g =
      filterValues ? getFloatValues(filterValues) : std::nullopt;
  if (!g || int64_t(g->size()) != f * c * kTaps * kTaps)
    return {};
  Type f32 = b.getF32Type();

  Value weights = transformFilter(b, loc, *g, f, c);
  Value columns = transformInput(b, loc, input, ty, tx);
  // M[ab][f][t] = U[ab][f][:] . V[ab][:][t]; loops ab, f, c, t.
  auto mType = RankedTensorType::get({kPoints, f, tiles}, f32);
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0));
  Value init =
      linalg::FillOp::create(
          b, loc, zero,
          ValueRange{tensor::EmptyOp::create(b, loc, mType.getShape(), f32)})
          .getResult(0);
  Value products = buildBatchedMatmul(b, loc, weights, columns, init);
  Value y = transformOutput(b, loc, products, bias, activation, n, ty, tx);
  int64_t fullRows = kOut * ty, fullColumns = kOut * tx;
  if (fullRows == ho && fullColumns == wo)
    return y;
  return tensor::ExtractSliceOp::create(
      b, loc, yType, y, getAsIndexOpFoldResult(b.getContext(), {0, 0, 0, 0}),
      getAsIndexOpFoldResult(b.getContext(), {n, f, ho, wo}),
      getAsIndexOpFoldResult(b.getContext(), {1, 1, 1, 1}));
}

} // namespace weft
