//===- Gemm.cpp - Contractions on buffers that are row-major GEMMs
//---------===//
//
// A contraction's loop dimensions are grouped by the operands they index:
// batch (A, B, C), rows m (A, C), columns n (B, C) and reduction k (A, B).
// Each group must collapse into one strided dimension in every operand that
// has it, and the innermost of k or m in A (k or n in B, n in C) must be
// contiguous, as a row-major GEMM with optional transposes needs.
//
//===----------------------------------------------------------------------===//

#include "weft/Target/Gemm.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

using namespace mlir;

namespace weft {

SmallVector<int64_t> GemmShape::toArray() const {
  return {transposeA, transposeB, m,     n,       k,       lda,
          ldb,        ldc,        batch, strideA, strideB, strideC};
}

namespace {

/// Whether the body is `yield out + a * b` (in either operand order).
bool isMultiplyAccumulate(linalg::GenericOp op) {
  Block &body = op.getRegion().front();
  if (body.getNumArguments() != 3 || body.getOperations().size() != 3)
    return false;
  auto yield = cast<linalg::YieldOp>(body.getTerminator());
  auto add = yield.getOperand(0).getDefiningOp<arith::AddFOp>();
  if (!add)
    return false;
  Value acc = body.getArgument(2);
  Value product = add.getLhs() == acc ? add.getRhs() : add.getLhs();
  if (add.getLhs() != acc && add.getRhs() != acc)
    return false;
  auto mul = product.getDefiningOp<arith::MulFOp>();
  if (!mul)
    return false;
  Value a = body.getArgument(0), b = body.getArgument(1);
  return (mul.getLhs() == a && mul.getRhs() == b) ||
         (mul.getLhs() == b && mul.getRhs() == a);
}

/// One operand: its strides (elements) per loop dimension, 0 where the
/// operand does not depend on the dimension.
struct OperandStrides {
  SmallVector<int64_t> perDim;
  SmallVector<int64_t> order; ///< loop dims in the operand's dim order
};

FailureOr<OperandStrides> getOperandStrides(AffineMap map, MemRefType type,
                                            unsigned numLoops) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) ||
      ShapedType::isDynamic(offset) || !type.hasStaticShape())
    return failure();
  OperandStrides result;
  result.perDim.assign(numLoops, 0);
  for (auto [i, expr] : llvm::enumerate(map.getResults())) {
    if (auto constant = dyn_cast<AffineConstantExpr>(expr)) {
      if (constant.getValue() != 0 || type.getDimSize(i) != 1)
        return failure();
      continue; // a broadcast dim of size 1
    }
    auto dim = dyn_cast<AffineDimExpr>(expr);
    if (!dim || ShapedType::isDynamic(strides[i]) ||
        result.perDim[dim.getPosition()] != 0)
      return failure();
    result.perDim[dim.getPosition()] = strides[i];
    result.order.push_back(dim.getPosition());
  }
  return result;
}

/// A group of loop dims collapsed into one: extent and stride per operand.
struct Group {
  int64_t extent = 1;
  int64_t stride[3] = {0, 0, 0};
};

/// Collapses `dims` (ordered outermost first) into one dimension of every
/// operand in `users`; fails where their strides do not nest.
FailureOr<Group> collapse(ArrayRef<unsigned> dims, ArrayRef<int64_t> extents,
                          ArrayRef<OperandStrides> operands,
                          ArrayRef<int> users) {
  Group group;
  SmallVector<unsigned> live;
  for (unsigned d : dims)
    if (extents[d] != 1) // size-1 dims place nothing
      live.push_back(d);
  for (unsigned d : live)
    group.extent *= extents[d];
  for (int user : users) {
    for (size_t i = 0; i + 1 < live.size(); ++i)
      if (operands[user].perDim[live[i]] !=
          operands[user].perDim[live[i + 1]] * extents[live[i + 1]])
        return failure();
    group.stride[user] = live.empty() ? 0 : operands[user].perDim[live.back()];
  }
  return group;
}

/// How a GEMM reads a `rows` x `cols` operand whose rows and columns are
/// `rowStride` and `colStride` elements apart: row-major (columns
/// contiguous; `transposed` 0, `ld` the row stride) or transposed (rows
/// contiguous). A dim of extent 1 has no stride, so either layout fits it.
/// False if neither is contiguous.
bool getLayout(int64_t rows, int64_t cols, int64_t rowStride, int64_t colStride,
               int64_t &transposed, int64_t &ld) {
  if (cols == 1 || colStride == 1) {
    transposed = 0;
    ld = rows == 1 ? cols : rowStride;
    return true;
  }
  if (rows == 1 || rowStride == 1) {
    transposed = 1;
    ld = colStride;
    return true;
  }
  return false;
}

} // namespace

/// The GEMM of `op`; with `leadingBatch`, C's outermost dims that only one
/// of A and B has are batch dims too (the other operand's stride 0), as in
/// a convolution's batch of columns times one filter matrix.
static FailureOr<GemmShape> matchGemm(linalg::GenericOp op, bool leadingBatch) {
  if (op.getNumDpsInputs() != 2 || op.getNumDpsInits() != 1 ||
      !isMultiplyAccumulate(op))
    return failure();
  SmallVector<MemRefType> types;
  for (OpOperand &operand : op->getOpOperands()) {
    auto type = dyn_cast<MemRefType>(operand.get().getType());
    if (!type || !type.getElementType().isF32())
      return failure();
    types.push_back(type);
  }
  unsigned numLoops = op.getNumLoops();
  SmallVector<int64_t> extents = op.getStaticLoopRanges();
  if (llvm::any_of(extents, ShapedType::isDynamic))
    return failure();
  SmallVector<OperandStrides> operands;
  for (auto [map, type] : llvm::zip(op.getIndexingMapsArray(), types)) {
    auto strides = getOperandStrides(map, type, numLoops);
    if (failed(strides))
      return failure();
    operands.push_back(*strides);
  }
  auto iterators = op.getIteratorTypesArray();
  // Group the dims by the operands that index them, in C's order (A's for k).
  SmallVector<unsigned> batch, m, n, k;
  auto in = [&](int operand, unsigned d) {
    return llvm::is_contained(operands[operand].order, d);
  };
  // Leading batch dims: C's outermost dims that one side (A or B) has.
  bool leading = leadingBatch;
  int leadingSide = -1;
  for (unsigned d : operands[2].order) {
    if (iterators[d] != utils::IteratorType::parallel)
      return failure();
    int side = in(0, d) ? 0 : 1;
    leading &= in(0, d) != in(1, d) && (leadingSide < 0 || side == leadingSide);
    if (leading)
      leadingSide = side;
    if ((in(0, d) && in(1, d)) || leading)
      batch.push_back(d);
    else if (in(0, d))
      m.push_back(d);
    else if (in(1, d))
      n.push_back(d);
    else
      return failure(); // C broadcast along a dim: not a GEMM
  }
  for (unsigned d : operands[0].order)
    if (!in(2, d)) {
      if (!in(1, d) || iterators[d] != utils::IteratorType::reduction)
        return failure();
      k.push_back(d);
    }
  if (batch.size() + m.size() + n.size() + k.size() != numLoops)
    return failure();
  auto gb = collapse(batch, extents, operands, {0, 1, 2});
  auto gm = collapse(m, extents, operands, {0, 2});
  auto gn = collapse(n, extents, operands, {1, 2});
  auto gk = collapse(k, extents, operands, {0, 1});
  if (failed(gb) || failed(gm) || failed(gn) || failed(gk))
    return failure();
  int64_t M = gm->extent, N = gn->extent, K = gk->extent;
  if (M < 1 || N < 1 || K < 1)
    return failure();
  // A(m, k) and B(k, n), each row-major or transposed.
  int64_t ta, lda, tb, ldb;
  if (!getLayout(M, K, gm->stride[0], gk->stride[0], ta, lda) ||
      !getLayout(K, N, gk->stride[1], gn->stride[1], tb, ldb))
    return failure();
  // C(m, n): n contiguous.
  if (N > 1 && gn->stride[2] != 1)
    return failure();
  int64_t ldc = M == 1 ? N : gm->stride[2];
  // cuBLAS's leading dimensions (column-major view): at least the rows.
  if (lda < (ta ? M : K) || ldb < (tb ? K : N) || ldc < N)
    return failure();
  GemmShape shape;
  shape.transposeA = ta;
  shape.transposeB = tb;
  shape.m = M;
  shape.n = N;
  shape.k = K;
  shape.lda = lda;
  shape.ldb = ldb;
  shape.ldc = ldc;
  shape.batch = gb->extent;
  shape.strideA = gb->stride[0];
  shape.strideB = gb->stride[1];
  shape.strideC = gb->stride[2];
  return shape;
}

FailureOr<GemmShape> matchGemm(linalg::GenericOp op) {
  auto gemm = matchGemm(op, /*leadingBatch=*/false);
  return succeeded(gemm) ? gemm : matchGemm(op, /*leadingBatch=*/true);
}

linalg::FillOp getZeroFillBefore(linalg::GenericOp op) {
  Value output = op.getDpsInits()[0];
  for (Operation *before = op->getPrevNode(); before;
       before = before->getPrevNode()) {
    if (auto fill = dyn_cast<linalg::FillOp>(before)) {
      if (fill.getDpsInits()[0] != output)
        return {};
      FloatAttr value;
      if (!matchPattern(fill.getDpsInputs()[0], m_Constant(&value)) ||
          !value.getValue().isPosZero())
        return {};
      return fill;
    }
    if (!isMemoryEffectFree(before))
      return {};
  }
  return {};
}

} // namespace weft
