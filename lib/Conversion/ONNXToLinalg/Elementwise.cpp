//===- Elementwise.cpp - Elementwise onnx ops to linalg.generic
//------------===//
//
// Unary, binary (numpy broadcasting) and selection ops become one
// linalg.generic each, with the scalar computation in its body.
//
//===----------------------------------------------------------------------===//

#include "Common.h"
#include "weft/Conversion/ONNXToLinalg/ONNXToLinalg.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"

#include <functional>

using namespace mlir;

namespace weft {
namespace {

/// Builds the scalar result from the scalar operands; null if the element
/// type is not supported.
using ScalarBuilder =
    std::function<Value(OpBuilder &, Location, ValueRange, Type resultType)>;

/// A float attribute of the op being lowered, or `fallback`.
double floatAttr(Operation *op, StringRef name, double fallback) {
  auto props = dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
  if (auto attr = props ? props.getAs<FloatAttr>(name) : nullptr)
    return attr.getValueAsDouble();
  return fallback;
}

/// Builders that read the op's attributes (alpha, beta, ...).
using AttributedBuilder =
    std::function<Value(OpBuilder &, Location, ValueRange, Type, Operation *)>;

Value constantLike(OpBuilder &b, Location loc, Type type, double value) {
  if (isa<FloatType>(type))
    return arith::ConstantOp::create(b, loc, b.getFloatAttr(type, value));
  return arith::ConstantOp::create(b, loc,
                                   b.getIntegerAttr(type, int64_t(value)));
}

/// A scalar op for floats and, where given, for integers.
template <typename FloatOp, typename IntOp = void> ScalarBuilder arithmetic() {
  return [](OpBuilder &b, Location loc, ValueRange args, Type) -> Value {
    if (isa<FloatType>(args[0].getType()))
      return FloatOp::create(b, loc, args[0], args[1]);
    if constexpr (!std::is_void_v<IntOp>)
      if (args[0].getType().isSignlessInteger())
        return IntOp::create(b, loc, args[0], args[1]);
    return nullptr;
  };
}

template <typename FloatOp> ScalarBuilder floatUnary() {
  return [](OpBuilder &b, Location loc, ValueRange args, Type) -> Value {
    if (!isa<FloatType>(args[0].getType()))
      return nullptr;
    return FloatOp::create(b, loc, args[0]);
  };
}

ScalarBuilder comparison(arith::CmpFPredicate f, arith::CmpIPredicate i) {
  return [=](OpBuilder &b, Location loc, ValueRange args, Type) -> Value {
    if (isa<FloatType>(args[0].getType()))
      return arith::CmpFOp::create(b, loc, f, args[0], args[1]);
    if (args[0].getType().isSignlessInteger())
      return arith::CmpIOp::create(b, loc, i, args[0], args[1]);
    return nullptr;
  };
}

/// Activations whose formula takes attributes; float only.
const llvm::StringMap<AttributedBuilder> &getAttributedBuilders() {
  static const llvm::StringMap<AttributedBuilder> builders = [] {
    llvm::StringMap<AttributedBuilder> m;
    auto c = [](OpBuilder &b, Location l, Type t, double v) {
      return constantLike(b, l, t, v);
    };
    m["onnx.LeakyRelu"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                              Operation *op) -> Value {
      Value x = a[0], zero = c(b, l, t, 0);
      Value neg = arith::MulFOp::create(
          b, l, x, c(b, l, t, floatAttr(op, "alpha", 0.01)));
      Value isPositive =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, zero);
      return arith::SelectOp::create(b, l, isPositive, x, neg);
    };
    auto elu = [=](OpBuilder &b, Location l, Value x, Type t,
                   double alpha) -> Value {
      Value zero = c(b, l, t, 0), one = c(b, l, t, 1);
      Value e = arith::MulFOp::create(
          b, l, c(b, l, t, alpha),
          arith::SubFOp::create(b, l, math::ExpOp::create(b, l, x), one));
      Value isPositive =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, x, zero);
      return arith::SelectOp::create(b, l, isPositive, x, e);
    };
    m["onnx.Elu"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                        Operation *op) -> Value {
      return elu(b, l, a[0], t, floatAttr(op, "alpha", 1.0));
    };
    m["onnx.Selu"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                         Operation *op) -> Value {
      double alpha = floatAttr(op, "alpha", 1.67326319217681884765625);
      double gamma = floatAttr(op, "gamma", 1.05070102214813232421875);
      return arith::MulFOp::create(b, l, c(b, l, t, gamma),
                                   elu(b, l, a[0], t, alpha));
    };
    m["onnx.Celu"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                         Operation *op) -> Value {
      double alpha = floatAttr(op, "alpha", 1.0);
      // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
      Value zero = c(b, l, t, 0), one = c(b, l, t, 1), al = c(b, l, t, alpha);
      Value inner = arith::MulFOp::create(
          b, l, al,
          arith::SubFOp::create(
              b, l,
              math::ExpOp::create(b, l, arith::DivFOp::create(b, l, a[0], al)),
              one));
      return arith::AddFOp::create(
          b, l, arith::MaximumFOp::create(b, l, zero, a[0]),
          arith::MinimumFOp::create(b, l, zero, inner));
    };
    m["onnx.HardSigmoid"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                                Operation *op) -> Value {
      Value y = arith::AddFOp::create(
          b, l,
          arith::MulFOp::create(b, l, c(b, l, t, floatAttr(op, "alpha", 0.2)),
                                a[0]),
          c(b, l, t, floatAttr(op, "beta", 0.5)));
      return arith::MinimumFOp::create(
          b, l, c(b, l, t, 1),
          arith::MaximumFOp::create(b, l, c(b, l, t, 0), y));
    };
    m["onnx.HardSwish"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                              Operation *) -> Value {
      Value y = arith::AddFOp::create(
          b, l, arith::MulFOp::create(b, l, c(b, l, t, 1.0 / 6), a[0]),
          c(b, l, t, 0.5));
      y = arith::MinimumFOp::create(
          b, l, c(b, l, t, 1),
          arith::MaximumFOp::create(b, l, c(b, l, t, 0), y));
      return arith::MulFOp::create(b, l, a[0], y);
    };
    m["onnx.ThresholdedRelu"] = [=](OpBuilder &b, Location l, ValueRange a,
                                    Type t, Operation *op) -> Value {
      Value above =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0],
                                c(b, l, t, floatAttr(op, "alpha", 1.0)));
      return arith::SelectOp::create(b, l, above, a[0], c(b, l, t, 0));
    };
    m["onnx.Softplus"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                             Operation *) -> Value {
      return math::LogOp::create(
          b, l,
          arith::AddFOp::create(b, l, math::ExpOp::create(b, l, a[0]),
                                c(b, l, t, 1)));
    };
    m["onnx.Softsign"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                             Operation *) -> Value {
      return arith::DivFOp::create(
          b, l, a[0],
          arith::AddFOp::create(b, l, math::AbsFOp::create(b, l, a[0]),
                                c(b, l, t, 1)));
    };
    m["onnx.Mish"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                         Operation *) -> Value {
      Value softplus = math::LogOp::create(
          b, l,
          arith::AddFOp::create(b, l, math::ExpOp::create(b, l, a[0]),
                                c(b, l, t, 1)));
      return arith::MulFOp::create(b, l, a[0],
                                   math::TanhOp::create(b, l, softplus));
    };
    m["onnx.Sign"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                         Operation *) -> Value {
      Value zero = c(b, l, t, 0);
      Value pos =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0], zero);
      Value neg =
          arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0], zero);
      return arith::SelectOp::create(
          b, l, pos, c(b, l, t, 1),
          arith::SelectOp::create(b, l, neg, c(b, l, t, -1), zero));
    };
    return m;
  }();
  return builders;
}

const llvm::StringMap<ScalarBuilder> &getScalarBuilders() {
  static const llvm::StringMap<ScalarBuilder> builders = [] {
    llvm::StringMap<ScalarBuilder> m;
    m["onnx.Add"] = arithmetic<arith::AddFOp, arith::AddIOp>();
    m["onnx.Sub"] = arithmetic<arith::SubFOp, arith::SubIOp>();
    m["onnx.Mul"] = arithmetic<arith::MulFOp, arith::MulIOp>();
    m["onnx.Div"] = arithmetic<arith::DivFOp, arith::DivSIOp>();
    m["onnx.Pow"] = arithmetic<math::PowFOp>();
    m["onnx.Max"] = arithmetic<arith::MaximumFOp, arith::MaxSIOp>();
    m["onnx.Min"] = arithmetic<arith::MinimumFOp, arith::MinSIOp>();
    m["onnx.Equal"] =
        comparison(arith::CmpFPredicate::OEQ, arith::CmpIPredicate::eq);
    m["onnx.Less"] =
        comparison(arith::CmpFPredicate::OLT, arith::CmpIPredicate::slt);
    m["onnx.Greater"] =
        comparison(arith::CmpFPredicate::OGT, arith::CmpIPredicate::sgt);
    m["onnx.And"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type) -> Value {
      return arith::AndIOp::create(b, loc, a[0], a[1]);
    };
    m["onnx.Or"] = [](OpBuilder &b, Location loc, ValueRange a, Type) -> Value {
      return arith::OrIOp::create(b, loc, a[0], a[1]);
    };
    m["onnx.Xor"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type) -> Value {
      return arith::XOrIOp::create(b, loc, a[0], a[1]);
    };
    m["onnx.Not"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type) -> Value {
      Value one = arith::ConstantOp::create(b, loc, b.getBoolAttr(true));
      return arith::XOrIOp::create(b, loc, a[0], one);
    };
    m["onnx.Exp"] = floatUnary<math::ExpOp>();
    m["onnx.Log"] = floatUnary<math::LogOp>();
    m["onnx.Sqrt"] = floatUnary<math::SqrtOp>();
    m["onnx.Tanh"] = floatUnary<math::TanhOp>();
    m["onnx.Erf"] = floatUnary<math::ErfOp>();
    m["onnx.Floor"] = floatUnary<math::FloorOp>();
    m["onnx.Ceil"] = floatUnary<math::CeilOp>();
    m["onnx.Sin"] = floatUnary<math::SinOp>();
    m["onnx.Cos"] = floatUnary<math::CosOp>();
    m["onnx.Abs"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type) -> Value {
      if (isa<FloatType>(a[0].getType()))
        return math::AbsFOp::create(b, loc, a[0]);
      return math::AbsIOp::create(b, loc, a[0]);
    };
    m["onnx.Neg"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type) -> Value {
      if (isa<FloatType>(a[0].getType()))
        return arith::NegFOp::create(b, loc, a[0]);
      return arith::SubIOp::create(
          b, loc, constantLike(b, loc, a[0].getType(), 0), a[0]);
    };
    m["onnx.Relu"] = [](OpBuilder &b, Location loc, ValueRange a,
                        Type) -> Value {
      if (!isa<FloatType>(a[0].getType()))
        return nullptr;
      return arith::MaximumFOp::create(b, loc, a[0],
                                       constantLike(b, loc, a[0].getType(), 0));
    };
    m["onnx.Sigmoid"] = [](OpBuilder &b, Location loc, ValueRange a,
                           Type) -> Value {
      Type t = a[0].getType();
      if (!isa<FloatType>(t))
        return nullptr;
      Value one = constantLike(b, loc, t, 1);
      Value e =
          math::ExpOp::create(b, loc, arith::NegFOp::create(b, loc, a[0]));
      return arith::DivFOp::create(b, loc, one,
                                   arith::AddFOp::create(b, loc, one, e));
    };
    m["onnx.Reciprocal"] = [](OpBuilder &b, Location loc, ValueRange a,
                              Type) -> Value {
      Type t = a[0].getType();
      if (!isa<FloatType>(t))
        return nullptr;
      return arith::DivFOp::create(b, loc, constantLike(b, loc, t, 1), a[0]);
    };
    m["onnx.Where"] = [](OpBuilder &b, Location loc, ValueRange a,
                         Type) -> Value {
      return arith::SelectOp::create(b, loc, a[0], a[1], a[2]);
    };
    return m;
  }();
  return builders;
}

/// Any op with a scalar builder: one linalg.generic over the result shape.
struct ElementwiseToGeneric : RewritePattern {
  ElementwiseToGeneric(MLIRContext *context)
      : RewritePattern(MatchAnyOpTypeTag(), /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    const auto &builders = getScalarBuilders();
    const auto &attributed = getAttributedBuilders();
    StringRef name = op->getName().getStringRef();
    ScalarBuilder build;
    if (auto it = builders.find(name); it != builders.end())
      build = it->second;
    else if (auto at = attributed.find(name); at != attributed.end())
      build = [fn = at->second, op](OpBuilder &b, Location l, ValueRange a,
                                    Type t) -> Value {
        if (!isa<FloatType>(t))
          return nullptr;
        return fn(b, l, a, t, op);
      };
    if (!build || op->getNumResults() != 1)
      return failure();
    // Max and Min are variadic in ONNX; the scalar builders take two.
    if (isa<ONNXMaxOp, ONNXMinOp>(op) && op->getNumOperands() != 2)
      return rewriter.notifyMatchFailure(op, "only two operands are lowered");
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result is not ranked");
    SmallVector<Value> inputs(op->getOperands());
    SmallVector<AffineMap> maps;
    for (Value input : inputs) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type || type.getRank() > resultType.getRank())
        return rewriter.notifyMatchFailure(op, "operand is not ranked");
      maps.push_back(getBroadcastMap(type, resultType, getContext()));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(resultType.getRank()));
    Value init = makeEmptyTensor(rewriter, op->getLoc(), resultType, inputs);
    if (!init)
      return rewriter.notifyMatchFailure(op, "dynamic size unknown");
    SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                               utils::IteratorType::parallel);
    bool supported = true;
    auto generic = linalg::GenericOp::create(
        rewriter, op->getLoc(), TypeRange{resultType}, inputs, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
          Value result =
              build(b, loc, args.drop_back(), resultType.getElementType());
          if (!result || result.getType() != resultType.getElementType()) {
            supported = false;
            result = args.back();
          }
          linalg::YieldOp::create(b, loc, result);
        });
    if (!supported) {
      rewriter.eraseOp(generic);
      return rewriter.notifyMatchFailure(op, "element type not supported");
    }
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateONNXElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  patterns.add<ElementwiseToGeneric>(patterns.getContext());
}

} // namespace weft
