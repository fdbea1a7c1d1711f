//===- Depthwise.cpp - Depthwise convolutions as elementwise ops ----------===//
//
// A depthwise convolution with a small kernel is one elementwise op: each
// filter tap is an input of its own (a window of the padded input, the
// filter at a fixed index), and the body adds up their products onto the
// bias, so the sum stays in registers and the innermost loop vectorizes.
// Which loop is innermost decides how well: an output row where rows are
// long, the whole padded plane where they are short (see below).
//
//===----------------------------------------------------------------------===//

#include "Depthwise.h"
#include "Common.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace weft {
namespace {

/// Output rows narrower than this are computed over the flattened plane:
/// rows of 7 or 14 fill a 16-lane vector badly (LLVM packs a row of 7 two
/// lanes at a time), a plane of 9x7 fills four.
constexpr int64_t kMinRowWidth = 32;

/// Calls `fn` with each index of a kernel of `shape`, last dim fastest.
void forEachTap(ArrayRef<int64_t> shape,
                function_ref<void(ArrayRef<int64_t>)> fn) {
  SmallVector<int64_t> tap(shape.size(), 0);
  while (true) {
    fn(tap);
    int64_t s = int64_t(shape.size()) - 1;
    while (s >= 0 && ++tap[s] == shape[s])
      tap[s--] = 0;
    if (s < 0)
      return;
  }
}

/// The elementwise op of type `type` whose element is the bias (at the
/// loop `channelDim`) plus the sum over taps of `windows[i]` times
/// `filter` read through `filterMaps[i]`, with `activation` applied.
Value sumTaps(OpBuilder &b, Location loc, ArrayRef<Value> windows,
              ArrayRef<AffineMap> filterMaps, Value filter, Value bias,
              int64_t channelDim, RankedTensorType type,
              const Activation &activation) {
  MLIRContext *context = b.getContext();
  int64_t rank = type.getRank();
  AffineMap identity = b.getMultiDimIdentityMap(rank);
  SmallVector<Value> inputs;
  SmallVector<AffineMap> maps;
  for (auto [window, map] : llvm::zip_equal(windows, filterMaps)) {
    inputs.append({window, filter});
    maps.append({identity, map});
  }
  bool hasBias = !isa<NoneType>(bias.getType());
  if (hasBias) {
    inputs.push_back(bias);
    maps.push_back(
        AffineMap::get(rank, 0, getAffineDimExpr(channelDim, context)));
  }
  Type elt = type.getElementType();
  return buildParallelGeneric(
      b, loc, type, inputs, maps,
      [&](OpBuilder &b, Location l, ValueRange args) {
        size_t taps = windows.size();
        Value sum = hasBias
                        ? args[2 * taps]
                        : arith::ConstantOp::create(b, l, b.getZeroAttr(elt))
                              .getResult();
        for (size_t i = 0; i < taps; ++i)
          sum = arith::AddFOp::create(
              b, l, sum,
              arith::MulFOp::create(b, l, args[2 * i], args[2 * i + 1]));
        return activation.apply(b, l, sum);
      });
}

/// The filter's element at `tap`, read from loops whose dim `channelDim` is
/// the channel.
AffineMap getTapMap(MLIRContext *context, int64_t loops, int64_t channelDim,
                    ArrayRef<int64_t> tap) {
  SmallVector<AffineExpr> exprs = {getAffineDimExpr(channelDim, context),
                                   getAffineConstantExpr(0, context)};
  for (int64_t t : tap)
    exprs.push_back(getAffineConstantExpr(t, context));
  return AffineMap::get(loops, 0, exprs, context);
}

/// Each output element from the strided windows of the padded input: the
/// innermost loop walks an output row.
Value convolveByRows(OpBuilder &b, Location loc, Value input, Value filter,
                     Value bias, ArrayRef<int64_t> strides,
                     ArrayRef<int64_t> dilations, RankedTensorType yType,
                     const Activation &activation) {
  MLIRContext *context = b.getContext();
  auto wType = cast<RankedTensorType>(filter.getType());
  int64_t rank = yType.getRank(), spatial = rank - 2;
  SmallVector<Value> windows;
  SmallVector<AffineMap> filterMaps;
  forEachTap(wType.getShape().drop_front(2), [&](ArrayRef<int64_t> tap) {
    // The padded input from the tap's offset, every stride-th element, as
    // many as the output has.
    SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0)},
                              sizes,
                              steps = {b.getIndexAttr(1), b.getIndexAttr(1)};
    for (int64_t i = 0; i < 2; ++i)
      sizes.push_back(b.getIndexAttr(yType.getDimSize(i)));
    for (int64_t s = 0; s < spatial; ++s) {
      offsets.push_back(b.getIndexAttr(tap[s] * dilations[s]));
      sizes.push_back(b.getIndexAttr(yType.getDimSize(2 + s)));
      steps.push_back(b.getIndexAttr(strides[s]));
    }
    windows.push_back(tensor::ExtractSliceOp::create(
        b, loc, RankedTensorType::get(yType.getShape(), yType.getElementType()),
        input, offsets, sizes, steps));
    filterMaps.push_back(getTapMap(context, rank, 1, tap));
  });
  return sumTaps(b, loc, windows, filterMaps, filter, bias, 1, yType,
                 activation);
}

/// A 2-d convolution at stride 1 over the padded plane taken as one row:
/// tap (i, j) reads the plane from offset i * Wp + j, and position
/// p = oh * Wp + ow of the result is output (oh, ow) for ow < Wo (the other
/// positions mix a row's end with the next row's start and are dropped).
/// The innermost loop then runs Ho * Wp - Wp + Wo long, whatever the row
/// width; a copy takes the rows out of the padded width.
Value convolveByPlanes(OpBuilder &b, Location loc, Value input, Value filter,
                       Value bias, RankedTensorType yType,
                       const Activation &activation) {
  MLIRContext *context = b.getContext();
  auto xType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(filter.getType());
  Type elt = yType.getElementType();
  int64_t n = yType.getDimSize(0), c = yType.getDimSize(1),
          ho = yType.getDimSize(2), wo = yType.getDimSize(3),
          hp = xType.getDimSize(2), wp = xType.getDimSize(3);
  int64_t length = (ho - 1) * wp + wo;
  Value planes = tensor::CollapseShapeOp::create(
      b, loc, RankedTensorType::get({n, c, hp * wp}, elt), input,
      SmallVector<ReassociationIndices>{{0}, {1}, {2, 3}});
  auto flatType = RankedTensorType::get({n, c, length}, elt);
  SmallVector<Value> windows;
  SmallVector<AffineMap> filterMaps;
  forEachTap(wType.getShape().drop_front(2), [&](ArrayRef<int64_t> tap) {
    windows.push_back(tensor::ExtractSliceOp::create(
        b, loc, flatType, planes,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0), b.getIndexAttr(0),
                               b.getIndexAttr(tap[0] * wp + tap[1])},
        ArrayRef<OpFoldResult>{b.getIndexAttr(n), b.getIndexAttr(c),
                               b.getIndexAttr(length)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1),
                               b.getIndexAttr(1)}));
    filterMaps.push_back(getTapMap(context, 3, 1, tap));
  });
  Value flat = sumTaps(b, loc, windows, filterMaps, filter, bias, 1, flatType,
                       activation);
  auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
  return buildParallelGeneric(
      b, loc, yType, flat,
      AffineMap::get(4, 0, {d(0), d(1), d(2) * wp + d(3)}, context),
      [](OpBuilder &, Location, ValueRange args) { return args[0]; });
}

} // namespace

Value convolveDepthwise(OpBuilder &b, Location loc, Value input, Value filter,
                        Value bias, ArrayRef<int64_t> strides,
                        ArrayRef<int64_t> dilations, RankedTensorType yType,
                        const Activation &activation) {
  auto xType = cast<RankedTensorType>(input.getType());
  auto wType = cast<RankedTensorType>(filter.getType());
  auto ones = [](ArrayRef<int64_t> v) {
    return llvm::all_of(v, [](int64_t e) { return e == 1; });
  };
  // The flattened plane needs the padded input to be exactly as wide and
  // as high as the windows reach.
  if (yType.getRank() == 4 && ones(strides) && ones(dilations) &&
      yType.getDimSize(3) < kMinRowWidth &&
      xType.getDimSize(2) == yType.getDimSize(2) + wType.getDimSize(2) - 1 &&
      xType.getDimSize(3) == yType.getDimSize(3) + wType.getDimSize(3) - 1)
    return convolveByPlanes(b, loc, input, filter, bias, yType, activation);
  return convolveByRows(b, loc, input, filter, bias, strides, dilations, yType,
                        activation);
}

} // namespace weft
