//===- MatMul.cpp - MatMul and Gemm to linalg contractions
//-----------------===//
//
// MatMul (batch dims broadcast as numpy does) and Gemm (transposes, alpha,
// beta, a broadcast bias) become a linalg.generic contraction into a
// zero-filled tensor; Gemm's scaling and bias follow as one elementwise
// linalg.generic. Tiling and vectorization later see plain contractions.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

using namespace mlir;

namespace weft {
namespace {

/// acc + a * b for floats or signless integers; null otherwise.
Value multiplyAdd(OpBuilder &b, Location loc, Value a, Value x, Value acc) {
  Type t = acc.getType();
  if (isa<FloatType>(t))
    return arith::AddFOp::create(b, loc, acc,
                                 arith::MulFOp::create(b, loc, a, x));
  if (t.isSignlessInteger())
    return arith::AddIOp::create(b, loc, acc,
                                 arith::MulIOp::create(b, loc, a, x));
  return nullptr;
}

/// A zero-filled tensor of `type`.
Value zeroFilled(OpBuilder &b, Location loc, RankedTensorType type,
                 ValueRange sources) {
  Value empty = makeEmptyTensor(b, loc, type, sources);
  if (!empty)
    return nullptr;
  Value zero =
      arith::ConstantOp::create(b, loc, b.getZeroAttr(type.getElementType()));
  return linalg::FillOp::create(b, loc, zero, empty).getResult(0);
}

/// The contraction sum_k A[.., m, k] * B[.., k, n] with `aMap` and `bMap`
/// over loops (batch..., m, n, k); null if the element type is unsupported.
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs,
               RankedTensorType resultType, AffineMap aMap, AffineMap bMap) {
  Value init = zeroFilled(b, loc, resultType, {lhs, rhs});
  if (!init)
    return nullptr;
  int64_t rank = resultType.getRank();
  MLIRContext *context = b.getContext();
  AffineMap cMap = AffineMap::get(
      rank + 1, 0,
      llvm::to_vector(llvm::map_range(
          llvm::seq<int64_t>(0, rank),
          [&](int64_t d) { return getAffineDimExpr(d, context); })),
      context);
  SmallVector<utils::IteratorType> iterators(rank,
                                             utils::IteratorType::parallel);
  iterators.push_back(utils::IteratorType::reduction);
  bool supported = true;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init},
      ArrayRef<AffineMap>{aMap, bMap, cMap}, iterators,
      [&](OpBuilder &nb, Location nloc, ValueRange args) {
        Value r = multiplyAdd(nb, nloc, args[0], args[1], args[2]);
        if (!r) {
          supported = false;
          r = args[2];
        }
        linalg::YieldOp::create(nb, nloc, r);
      });
  if (!supported) {
    generic->erase();
    return nullptr;
  }
  return generic.getResult(0);
}

struct MatMulToContraction : OpRewritePattern<ONNXMatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXMatMulOp op,
                                PatternRewriter &rewriter) const override {
    auto aType = dyn_cast<RankedTensorType>(op.getA().getType());
    auto bType = dyn_cast<RankedTensorType>(op.getB().getType());
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!aType || !bType || !resultType || aType.getRank() < 2 ||
        bType.getRank() < 2)
      return rewriter.notifyMatchFailure(op, "operands of rank < 2");
    int64_t rank = resultType.getRank(), batch = rank - 2;
    MLIRContext *context = getContext();
    auto dimExpr = [&](int64_t d) { return getAffineDimExpr(d, context); };
    // Loops: batch dims 0..batch-1, m = batch, n = batch+1, k = batch+2.
    auto operandMap = [&](RankedTensorType type, bool isLhs) {
      SmallVector<AffineExpr> exprs;
      int64_t operandBatch = type.getRank() - 2, offset = batch - operandBatch;
      for (int64_t d = 0; d < operandBatch; ++d) {
        bool broadcast =
            type.getDimSize(d) == 1 && resultType.getDimSize(d + offset) != 1;
        exprs.push_back(broadcast ? getAffineConstantExpr(0, context)
                                  : dimExpr(d + offset));
      }
      if (isLhs) {
        exprs.push_back(dimExpr(batch));
        exprs.push_back(dimExpr(batch + 2));
      } else {
        exprs.push_back(dimExpr(batch + 2));
        exprs.push_back(dimExpr(batch + 1));
      }
      return AffineMap::get(rank + 1, 0, exprs, context);
    };
    Value result =
        contract(rewriter, op.getLoc(), op.getA(), op.getB(), resultType,
                 operandMap(aType, true), operandMap(bType, false));
    if (!result)
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GemmToContraction : OpRewritePattern<ONNXGemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXGemmOp op,
                                PatternRewriter &rewriter) const override {
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || resultType.getRank() != 2 ||
        !isa<FloatType>(resultType.getElementType()))
      return rewriter.notifyMatchFailure(op, "not a 2-D float Gemm");
    MLIRContext *context = getContext();
    auto d = [&](int64_t i) { return getAffineDimExpr(i, context); };
    // Loops: m = 0, n = 1, k = 2.
    AffineMap aMap =
        AffineMap::get(3, 0,
                       op.getTransA() ? ArrayRef<AffineExpr>{d(2), d(0)}
                                      : ArrayRef<AffineExpr>{d(0), d(2)},
                       context);
    AffineMap bMap =
        AffineMap::get(3, 0,
                       op.getTransB() ? ArrayRef<AffineExpr>{d(1), d(2)}
                                      : ArrayRef<AffineExpr>{d(2), d(1)},
                       context);
    Location loc = op.getLoc();
    Value product =
        contract(rewriter, loc, op.getA(), op.getB(), resultType, aMap, bMap);
    if (!product)
      return rewriter.notifyMatchFailure(op, "unsupported element type");
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value bias = op.getC();
    bool hasBias = !isa<NoneType>(bias.getType()) && beta != 0;
    if (alpha == 1 && !hasBias) {
      rewriter.replaceOp(op, product);
      return success();
    }
    // Y = alpha * P (+ beta * C), C broadcast to [M, N].
    SmallVector<Value> inputs = {product};
    SmallVector<AffineMap> maps = {rewriter.getMultiDimIdentityMap(2)};
    if (hasBias) {
      auto biasType = dyn_cast<RankedTensorType>(bias.getType());
      if (!biasType)
        return rewriter.notifyMatchFailure(op, "bias is not ranked");
      inputs.push_back(bias);
      maps.push_back(getBroadcastMap(biasType, resultType, context));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(2));
    Value init = makeEmptyTensor(rewriter, loc, resultType, {product});
    Type elt = resultType.getElementType();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{init}, maps,
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value y = args[0];
          if (alpha != 1)
            y = arith::MulFOp::create(
                b, nloc, y,
                arith::ConstantOp::create(b, nloc, b.getFloatAttr(elt, alpha)));
          if (hasBias) {
            Value c = args[1];
            if (beta != 1)
              c = arith::MulFOp::create(
                  b, nloc, c,
                  arith::ConstantOp::create(b, nloc,
                                            b.getFloatAttr(elt, beta)));
            y = arith::AddFOp::create(b, nloc, y, c);
          }
          linalg::YieldOp::create(b, nloc, y);
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateONNXMatMulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulToContraction, GemmToContraction>(patterns.getContext());
}

} // namespace weft
