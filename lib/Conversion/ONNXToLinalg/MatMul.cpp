//===- MatMul.cpp - MatMul and Gemm to linalg contractions
//-----------------===//
//
// MatMul (batch dims broadcast as numpy does) and Gemm (transposes, alpha,
// beta, a broadcast bias) become a linalg.generic contraction into a
// zero-filled tensor; Gemm's scaling, bias and a Relu or Clip after it
// follow as one elementwise linalg.generic in place. Tiling and vectorization
// later see plain contractions.
//
//===----------------------------------------------------------------------===//

#include "Activation.h"
#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"

#include <cctype>
#include <map>

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
/// given over dims (batch..., m, n, k); null if the element type is
/// unsupported. The loops run in the order (batch..., m, k, n): the innermost
/// loop walks rows of B and C, contiguous, so it vectorizes without
/// reassociating the sum.
Value contract(OpBuilder &b, Location loc, Value lhs, Value rhs,
               RankedTensorType resultType, AffineMap aMap, AffineMap bMap) {
  Type element = resultType.getElementType();
  if (!isa<FloatType>(element) && !element.isSignlessInteger())
    return nullptr;
  Value init = zeroFilled(b, loc, resultType, {lhs, rhs});
  if (!init)
    return nullptr;
  int64_t rank = resultType.getRank();
  MLIRContext *context = b.getContext();
  AffineExpr n = getAffineDimExpr(rank - 1, context),
             k = getAffineDimExpr(rank, context);
  DenseMap<AffineExpr, AffineExpr> swap = {{n, k}, {k, n}};
  SmallVector<AffineExpr> cExprs;
  for (int64_t d = 0; d < rank; ++d)
    cExprs.push_back(getAffineDimExpr(d, context));
  AffineMap cMap = AffineMap::get(rank + 1, 0, cExprs, context);
  SmallVector<utils::IteratorType> iterators(rank + 1,
                                             utils::IteratorType::parallel);
  iterators[rank - 1] = utils::IteratorType::reduction;
  auto generic = linalg::GenericOp::create(
      b, loc, TypeRange{resultType}, ValueRange{lhs, rhs}, ValueRange{init},
      ArrayRef<AffineMap>{aMap.replace(swap, rank + 1, 0),
                          bMap.replace(swap, rank + 1, 0),
                          cMap.replace(swap, rank + 1, 0)},
      iterators, [&](OpBuilder &nb, Location nloc, ValueRange args) {
        linalg::YieldOp::create(
            nb, nloc, multiplyAdd(nb, nloc, args[0], args[1], args[2]));
      });
  return generic.getResult(0);
}

/// Marks the contraction that computes `product` as worth packing its
/// right operand once for good where that operand is a constant (weights):
/// a library GEMM otherwise re-packs it on every call.
void markConstantWeights(Value product, Value weights) {
  if (getConstantElements(weights))
    product.getDefiningOp()->setAttr(kPackWeightsAttrName,
                                     UnitAttr::get(product.getContext()));
}

struct MatMulToContraction : OpRewritePattern<ONNXMatMulOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXMatMulOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
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
    markConstantWeights(result, op.getB());
    rewriter.replaceOp(op, result);
    return success();
  }
};

struct GemmToContraction : OpRewritePattern<ONNXGemmOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXGemmOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
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
    markConstantWeights(product, op.getB());
    double alpha = op.getAlpha().convertToDouble();
    double beta = op.getBeta().convertToDouble();
    Value bias = op.getC();
    bool hasBias = !isa<NoneType>(bias.getType()) && beta != 0;
    // A Relu or Clip that is the Gemm's only user is computed with it.
    auto fused = getFusableActivation(op.getResult());
    if (alpha == 1 && !hasBias && !fused) {
      rewriter.replaceOp(op, product);
      return success();
    }
    // Y = activation(alpha * P (+ beta * C)), C broadcast to [M, N], in
    // place over the product: one pass, no buffer of its own.
    SmallVector<Value> inputs;
    SmallVector<AffineMap> maps;
    if (hasBias) {
      auto biasType = dyn_cast<RankedTensorType>(bias.getType());
      if (!biasType)
        return rewriter.notifyMatchFailure(op, "bias is not ranked");
      inputs.push_back(bias);
      maps.push_back(getBroadcastMap(biasType, resultType, context));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(2));
    Type elt = resultType.getElementType();
    auto generic = linalg::GenericOp::create(
        rewriter, loc, TypeRange{resultType}, inputs, ValueRange{product}, maps,
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &b, Location nloc, ValueRange args) {
          Value y = args.back();
          if (alpha != 1)
            y = arith::MulFOp::create(
                b, nloc, y,
                arith::ConstantOp::create(b, nloc, b.getFloatAttr(elt, alpha)));
          if (hasBias) {
            Value c = args[0];
            if (beta != 1)
              c = arith::MulFOp::create(
                  b, nloc, c,
                  arith::ConstantOp::create(b, nloc,
                                            b.getFloatAttr(elt, beta)));
            y = arith::AddFOp::create(b, nloc, y, c);
          }
          if (fused)
            y = fused->second.apply(b, nloc, y);
          linalg::YieldOp::create(b, nloc, y);
        });
    if (!fused) {
      rewriter.replaceOp(op, generic.getResults());
      return success();
    }
    rewriter.replaceOp(fused->first, generic.getResults());
    rewriter.eraseOp(op);
    return success();
  }
};

/// An Einsum equation with its ellipses spelled out: one term (a letter per
/// dim) per input and one for the output.
struct EinsumTerms {
  SmallVector<std::string> inputs;
  std::string output;
};

/// Parses `equation` for inputs of `ranks`; nullopt if malformed. Ellipsis
/// dims get the letters '0'..'9' (aligned to the right, as numpy does), and
/// an implicit output is the ellipsis dims then the letters used once, in
/// alphabetical order.
std::optional<EinsumTerms> parseEinsum(StringRef equation,
                                       ArrayRef<int64_t> ranks) {
  std::string text;
  for (char c : equation)
    if (c != ' ')
      text.push_back(c);
  StringRef rest(text);
  auto [lhs, rhs] = rest.split("->");
  bool explicitOutput = rest.contains("->");
  SmallVector<StringRef> terms;
  lhs.split(terms, ',');
  if (terms.size() != ranks.size())
    return std::nullopt;
  int64_t ellipsisDims = 0;
  EinsumTerms result;
  for (auto [term, rank] : llvm::zip(terms, ranks)) {
    size_t dots = term.find("...");
    int64_t letters = int64_t(term.size()) - (dots == StringRef::npos ? 0 : 3);
    int64_t extra = rank - letters;
    if (extra < 0 || (extra > 0 && dots == StringRef::npos) || extra > 10)
      return std::nullopt;
    ellipsisDims = std::max(ellipsisDims, extra);
    std::string expanded = term.str();
    if (dots != StringRef::npos) {
      std::string fill;
      for (int64_t e = 10 - extra; e < 10; ++e)
        fill.push_back(char('0' + e));
      expanded =
          (term.take_front(dots) + fill + term.drop_front(dots + 3)).str();
    }
    for (char c : expanded)
      if (!std::isalpha(c) && !std::isdigit(c))
        return std::nullopt;
    result.inputs.push_back(expanded);
  }
  std::string ellipsis;
  for (int64_t e = 10 - ellipsisDims; e < 10; ++e)
    ellipsis.push_back(char('0' + e));
  if (explicitOutput) {
    size_t dots = rhs.find("...");
    result.output =
        dots == StringRef::npos
            ? rhs.str()
            : (rhs.take_front(dots) + ellipsis + rhs.drop_front(dots + 3))
                  .str();
  } else {
    std::map<char, int> uses;
    for (const std::string &term : result.inputs)
      for (char c : term)
        ++uses[c];
    result.output = ellipsis;
    for (auto [c, n] : uses)
      if (n == 1 && std::isalpha(c))
        result.output.push_back(c);
  }
  return result;
}

/// Einsum: one linalg.generic with a loop per letter (the output's parallel,
/// the others reduced) summing the product of the inputs.
struct EinsumToContraction : OpRewritePattern<ONNXEinsumOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(ONNXEinsumOp op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    auto resultType = dyn_cast<RankedTensorType>(op.getType());
    if (!resultType || !resultType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "result not static");
    Type elt = resultType.getElementType();
    if (!isa<FloatType>(elt) && !elt.isSignlessInteger())
      return rewriter.notifyMatchFailure(op, "element type");
    SmallVector<RankedTensorType> types;
    SmallVector<int64_t> ranks;
    for (Value input : op.getInputs()) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type || !type.hasStaticShape() || type.getElementType() != elt)
        return rewriter.notifyMatchFailure(op, "inputs not static");
      types.push_back(type);
      ranks.push_back(type.getRank());
    }
    auto terms = parseEinsum(op.getEquation(), ranks);
    if (!terms || int64_t(terms->output.size()) != resultType.getRank())
      return rewriter.notifyMatchFailure(op, "equation not understood");
    // Loop order: the output's letters, then the reduced ones.
    std::string letters = terms->output;
    for (const std::string &term : terms->inputs)
      for (char c : term)
        if (letters.find(c) == std::string::npos)
          letters.push_back(c);
    std::map<char, int64_t> sizes;
    for (auto [term, type] : llvm::zip(terms->inputs, types))
      for (auto [i, c] : llvm::enumerate(term))
        if (type.getDimSize(i) != 1 || !sizes.count(c))
          sizes[c] = type.getDimSize(i);
    MLIRContext *context = getContext();
    int64_t loops = letters.size();
    SmallVector<AffineMap> maps;
    for (auto [term, type] : llvm::zip(terms->inputs, types)) {
      SmallVector<AffineExpr> exprs;
      for (auto [i, c] : llvm::enumerate(term))
        exprs.push_back(type.getDimSize(i) == 1 && sizes[c] != 1
                            ? getAffineConstantExpr(0, context)
                            : getAffineDimExpr(letters.find(c), context));
      maps.push_back(AffineMap::get(loops, 0, exprs, context));
    }
    SmallVector<AffineExpr> outExprs;
    for (int64_t i = 0; i < resultType.getRank(); ++i) {
      if (resultType.getDimSize(i) != sizes[terms->output[i]])
        return rewriter.notifyMatchFailure(op, "output shape differs");
      outExprs.push_back(getAffineDimExpr(i, context));
    }
    maps.push_back(AffineMap::get(loops, 0, outExprs, context));
    SmallVector<utils::IteratorType> iterators(loops,
                                               utils::IteratorType::reduction);
    for (int64_t i = 0; i < resultType.getRank(); ++i)
      iterators[i] = utils::IteratorType::parallel;
    Location loc = op.getLoc();
    Value init = makeFilledTensor(rewriter, loc, resultType.getShape(), elt, 0);
    rewriter.replaceOpWithNewOp<linalg::GenericOp>(
        op, TypeRange{resultType}, op.getInputs(), ValueRange{init}, maps,
        iterators, [&](OpBuilder &b, Location l, ValueRange args) {
          Value product = args[0];
          for (Value next : args.drop_front().drop_back())
            product = isa<FloatType>(elt)
                          ? Value(arith::MulFOp::create(b, l, product, next))
                          : Value(arith::MulIOp::create(b, l, product, next));
          Value sum =
              isa<FloatType>(elt)
                  ? Value(arith::AddFOp::create(b, l, args.back(), product))
                  : Value(arith::AddIOp::create(b, l, args.back(), product));
          linalg::YieldOp::create(b, l, sum);
        });
    return success();
  }
};

} // namespace

bool gemmTakesActivation(Operation *op) {
  auto type = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  Value bias = cast<ONNXGemmOp>(op).getC();
  return type && type.getRank() == 2 && type.hasStaticShape() &&
         isa<FloatType>(type.getElementType()) &&
         (isa<NoneType>(bias.getType()) ||
          isa<RankedTensorType>(bias.getType()));
}

void populateONNXMatMulToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<MatMulToContraction, GemmToContraction, EinsumToContraction>(
      patterns.getContext());
}

} // namespace weft
