//===- Elementwise.cpp - Elementwise onnx ops to linalg.generic
//------------===//
//
// Unary, binary (numpy broadcasting) and selection ops become one
// linalg.generic each, with the scalar computation in its body.
//
//===----------------------------------------------------------------------===//

#include "Activation.h"
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
    m["onnx.Shrink"] = [=](OpBuilder &b, Location l, ValueRange a, Type t,
                           Operation *op) -> Value {
      double lambd = floatAttr(op, "lambd", 0.5),
             bias = floatAttr(op, "bias", 0);
      Value below = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OLT, a[0],
                                          c(b, l, t, -lambd));
      Value above = arith::CmpFOp::create(b, l, arith::CmpFPredicate::OGT, a[0],
                                          c(b, l, t, lambd));
      return arith::SelectOp::create(
          b, l, below, arith::AddFOp::create(b, l, a[0], c(b, l, t, bias)),
          arith::SelectOp::create(
              b, l, above, arith::SubFOp::create(b, l, a[0], c(b, l, t, bias)),
              c(b, l, t, 0)));
    };
    return m;
  }();
  return builders;
}

/// An integer attribute of the op being lowered, or `fallback`.
int64_t intAttr(Operation *op, StringRef name, int64_t fallback) {
  auto props = dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
  if (auto attr = props ? props.getAs<IntegerAttr>(name) : nullptr)
    return attr.getInt();
  return fallback;
}

/// Ops whose scalar computation reads attributes and handles integers too.
const llvm::StringMap<AttributedBuilder> &getAttributedAnyTypeBuilders() {
  static const llvm::StringMap<AttributedBuilder> builders = [] {
    llvm::StringMap<AttributedBuilder> m;
    m["onnx.IsInf"] = [](OpBuilder &b, Location l, ValueRange a, Type,
                         Operation *op) -> Value {
      Type t = a[0].getType();
      if (!isa<FloatType>(t))
        return nullptr;
      Value inf = constantLike(b, l, t, INFINITY);
      Value result = arith::ConstantOp::create(b, l, b.getBoolAttr(false));
      if (intAttr(op, "detect_positive", 1))
        result = arith::OrIOp::create(
            b, l, result,
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0], inf));
      if (intAttr(op, "detect_negative", 1))
        result = arith::OrIOp::create(
            b, l, result,
            arith::CmpFOp::create(b, l, arith::CmpFPredicate::OEQ, a[0],
                                  arith::NegFOp::create(b, l, inf)));
      return result;
    };
    m["onnx.Mod"] = [](OpBuilder &b, Location l, ValueRange a, Type t,
                       Operation *op) -> Value {
      if (isa<FloatType>(t))
        return intAttr(op, "fmod", 0) ? arith::RemFOp::create(b, l, a[0], a[1])
                                      : Value();
      if (!t.isSignlessInteger())
        return nullptr;
      Value rem = arith::RemSIOp::create(b, l, a[0], a[1]);
      if (intAttr(op, "fmod", 0))
        return rem; // the sign of the dividend
      // Python's %: the sign of the divisor.
      Value zero = constantLike(b, l, t, 0);
      Value nonzero =
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::ne, rem, zero);
      Value signsDiffer =
          arith::CmpIOp::create(b, l, arith::CmpIPredicate::slt,
                                arith::XOrIOp::create(b, l, rem, a[1]), zero);
      return arith::SelectOp::create(
          b, l, arith::AndIOp::create(b, l, nonzero, signsDiffer),
          arith::AddIOp::create(b, l, rem, a[1]), rem);
    };
    m["onnx.BitShift"] = [](OpBuilder &b, Location l, ValueRange a, Type t,
                            Operation *op) -> Value {
      if (!t.isSignlessInteger())
        return nullptr;
      auto props =
          dyn_cast_or_null<DictionaryAttr>(op->getPropertiesAsAttribute());
      auto direction = props ? props.getAs<StringAttr>("direction") : nullptr;
      if (!direction)
        return nullptr;
      if (direction.getValue() == "LEFT")
        return arith::ShLIOp::create(b, l, a[0], a[1]);
      return arith::ShRUIOp::create(b, l, a[0], a[1]);
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
    m["onnx.Pow"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type t) -> Value {
      // Mixed and integer powers are computed in f64, as ONNX's reference
      // does, and converted to the base's type.
      auto toF64 = [&](Value v) -> Value {
        Type f64 = b.getF64Type();
        if (v.getType() == f64)
          return v;
        if (isa<FloatType>(v.getType()))
          return arith::ExtFOp::create(b, loc, f64, v);
        return arith::SIToFPOp::create(b, loc, f64, v);
      };
      if (isa<FloatType>(t) && a[0].getType() == t && a[1].getType() == t)
        return math::PowFOp::create(b, loc, a[0], a[1]);
      if (!t.isSignlessIntOrFloat() || !a[1].getType().isSignlessIntOrFloat())
        return nullptr;
      Value p = math::PowFOp::create(b, loc, toF64(a[0]), toF64(a[1]));
      if (auto f = dyn_cast<FloatType>(t))
        return arith::TruncFOp::create(b, loc, t, p);
      return arith::FPToSIOp::create(b, loc, t, p);
    };
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
    m["onnx.Tan"] = floatUnary<math::TanOp>();
    m["onnx.Sinh"] = floatUnary<math::SinhOp>();
    m["onnx.Cosh"] = floatUnary<math::CoshOp>();
    m["onnx.Asin"] = floatUnary<math::AsinOp>();
    m["onnx.Acos"] = floatUnary<math::AcosOp>();
    m["onnx.Atan"] = floatUnary<math::AtanOp>();
    m["onnx.Asinh"] = floatUnary<math::AsinhOp>();
    m["onnx.Acosh"] = floatUnary<math::AcoshOp>();
    m["onnx.Atanh"] = floatUnary<math::AtanhOp>();
    m["onnx.Round"] = floatUnary<math::RoundEvenOp>();
    m["onnx.IsNaN"] = [](OpBuilder &b, Location loc, ValueRange a,
                         Type) -> Value {
      if (!isa<FloatType>(a[0].getType()))
        return nullptr;
      return arith::CmpFOp::create(b, loc, arith::CmpFPredicate::UNO, a[0],
                                   a[0]);
    };
    m["onnx.Sum"] = arithmetic<arith::AddFOp, arith::AddIOp>();
    m["onnx.Mean"] = arithmetic<arith::AddFOp>();
    m["onnx.PRelu"] = [](OpBuilder &b, Location loc, ValueRange a,
                         Type t) -> Value {
      Value zero = constantLike(b, loc, t, 0);
      if (isa<FloatType>(t))
        return arith::SelectOp::create(
            b, loc,
            arith::CmpFOp::create(b, loc, arith::CmpFPredicate::OLT, a[0],
                                  zero),
            arith::MulFOp::create(b, loc, a[0], a[1]), a[0]);
      return arith::SelectOp::create(
          b, loc,
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::slt, a[0], zero),
          arith::MulIOp::create(b, loc, a[0], a[1]), a[0]);
    };
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
      // As a fused Relu (Activation::apply): NaN stays NaN, the sign of a
      // zero may not, and the max is one instruction.
      return arith::MaximumFOp::create(b, loc, a[0],
                                       constantLike(b, loc, a[0].getType(), 0),
                                       arith::FastMathFlags::nsz);
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

/// Ops on unsigned integers whose computation differs from the signed one.
const llvm::StringMap<ScalarBuilder> &getUnsignedBuilders() {
  static const llvm::StringMap<ScalarBuilder> builders = [] {
    llvm::StringMap<ScalarBuilder> m;
    m["onnx.Div"] = arithmetic<arith::DivFOp, arith::DivUIOp>();
    m["onnx.Mod"] = arithmetic<arith::RemFOp, arith::RemUIOp>();
    m["onnx.Max"] = arithmetic<arith::MaximumFOp, arith::MaxUIOp>();
    m["onnx.Min"] = arithmetic<arith::MinimumFOp, arith::MinUIOp>();
    m["onnx.Less"] =
        comparison(arith::CmpFPredicate::OLT, arith::CmpIPredicate::ult);
    m["onnx.Greater"] =
        comparison(arith::CmpFPredicate::OGT, arith::CmpIPredicate::ugt);
    m["onnx.Abs"] = [](OpBuilder &, Location, ValueRange a, Type) -> Value {
      return a[0];
    };
    // Float bases with unsigned exponents (an unsigned base has no Pow).
    m["onnx.Pow"] = [](OpBuilder &b, Location loc, ValueRange a,
                       Type t) -> Value {
      if (!isa<FloatType>(t) || a[0].getType() != t ||
          !a[1].getType().isSignlessInteger())
        return nullptr;
      Type f64 = b.getF64Type();
      Value base = t == f64 ? a[0] : arith::ExtFOp::create(b, loc, f64, a[0]);
      Value p = math::PowFOp::create(
          b, loc, base, arith::UIToFPOp::create(b, loc, f64, a[1]));
      return t == f64 ? p : arith::TruncFOp::create(b, loc, t, p);
    };
    return m;
  }();
  return builders;
}

/// Ops whose integer computation is the same for signed and unsigned
/// operands (two's complement).
bool isSignAgnostic(StringRef name) {
  return llvm::is_contained({"onnx.Add", "onnx.Sub", "onnx.Mul", "onnx.Sum",
                             "onnx.Neg", "onnx.Equal", "onnx.And", "onnx.Or",
                             "onnx.Xor", "onnx.Not", "onnx.BitShift",
                             "onnx.Where"},
                            name);
}

/// The scalar builder for `op`, or null if there is none.
ScalarBuilder getScalarBuilder(Operation *op) {
  StringRef name = op->getName().getStringRef();
  if (isUnsignedOperandOp(op)) {
    const auto &unsignedOps = getUnsignedBuilders();
    if (auto it = unsignedOps.find(name); it != unsignedOps.end())
      return it->second;
    if (!isSignAgnostic(name))
      return nullptr;
  }
  const auto &builders = getScalarBuilders();
  if (auto it = builders.find(name); it != builders.end())
    return it->second;
  const auto &floatOnly = getAttributedBuilders();
  if (auto it = floatOnly.find(name); it != floatOnly.end())
    return [fn = it->second, op](OpBuilder &b, Location l, ValueRange a,
                                 Type t) -> Value {
      if (!isa<FloatType>(t))
        return nullptr;
      return fn(b, l, a, t, op);
    };
  const auto &anyType = getAttributedAnyTypeBuilders();
  if (auto it = anyType.find(name); it != anyType.end())
    return [fn = it->second, op](OpBuilder &b, Location l, ValueRange a,
                                 Type t) { return fn(b, l, a, t, op); };
  return nullptr;
}

/// Sum, Mean, Max and Min take any number of operands: the binary builder is
/// folded over them (Mean then divides by their count).
bool isVariadic(Operation *op) {
  return isa<ONNXSumOp, ONNXMeanOp, ONNXMaxOp, ONNXMinOp>(op);
}

/// The scalar result of `op` from its scalar operands, or null if the types
/// are not supported.
Value buildScalar(OpBuilder &b, Location loc, Operation *op,
                  const ScalarBuilder &build, ValueRange operands,
                  Type element) {
  if (!isVariadic(op))
    return build(b, loc, operands, element);
  Value result = operands[0];
  for (Value next : operands.drop_front())
    if (result)
      result = build(b, loc, {result, next}, element);
  if (result && isa<ONNXMeanOp>(op))
    result = arith::DivFOp::create(
        b, loc, result, constantLike(b, loc, element, double(operands.size())));
  return result;
}

/// Whether buildScalar supports these types: tried out in a detached block,
/// so that a pattern never creates IR it then has to take back.
bool canBuildScalar(Operation *op, const ScalarBuilder &build,
                    ArrayRef<Type> operandTypes, Type element) {
  Block scratch;
  SmallVector<Value> operands;
  for (Type type : operandTypes)
    operands.push_back(scratch.addArgument(type, op->getLoc()));
  OpBuilder b(op->getContext());
  b.setInsertionPointToEnd(&scratch);
  Value result = buildScalar(b, op->getLoc(), op, build, operands, element);
  bool supported = result && result.getType() == element;
  scratch.dropAllDefinedValueUses();
  while (!scratch.empty())
    scratch.back().erase();
  return supported;
}

/// An op with a scalar builder: one linalg.generic over the result shape.
struct ElementwiseToGeneric : RewritePattern {
  ElementwiseToGeneric(StringRef opName, MLIRContext *context)
      : RewritePattern(opName, /*benefit=*/1, context) {}

  LogicalResult matchAndRewrite(Operation *op,
                                PatternRewriter &rewriter) const override {
    if (hasUnsignedTypes(op))
      return rewriter.notifyMatchFailure(op, kUnsignedNotLowered);
    ScalarBuilder build = getScalarBuilder(op);
    if (!build || op->getNumResults() != 1)
      return failure();
    if (isFusedIntoProducer(op))
      return rewriter.notifyMatchFailure(op, "computed by its producer");
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result is not ranked");
    SmallVector<Value> inputs(op->getOperands());
    SmallVector<AffineMap> maps;
    for (Value input : inputs) {
      auto type = dyn_cast<RankedTensorType>(input.getType());
      if (!type || type.getRank() > resultType.getRank())
        return rewriter.notifyMatchFailure(op, "operand is not ranked");
      int64_t offset = resultType.getRank() - type.getRank();
      for (int64_t d = 0; d < type.getRank(); ++d)
        if (type.getDimSize(d) != 1 &&
            type.getDimSize(d) != resultType.getDimSize(d + offset))
          return rewriter.notifyMatchFailure(op, "shapes do not broadcast");
      maps.push_back(getBroadcastMap(type, resultType, getContext()));
    }
    maps.push_back(rewriter.getMultiDimIdentityMap(resultType.getRank()));
    Type element = resultType.getElementType();
    SmallVector<Type> operandTypes;
    for (Value input : inputs)
      operandTypes.push_back(getElementTypeOrSelf(input.getType()));
    if (!canBuildScalar(op, build, operandTypes, element))
      return rewriter.notifyMatchFailure(op, "element type not supported");
    Value init = makeEmptyTensor(rewriter, op->getLoc(), resultType, inputs);
    if (!init)
      return rewriter.notifyMatchFailure(op, "dynamic size unknown");
    SmallVector<utils::IteratorType> iterators(resultType.getRank(),
                                               utils::IteratorType::parallel);
    auto generic = linalg::GenericOp::create(
        rewriter, op->getLoc(), TypeRange{resultType}, inputs, ValueRange{init},
        maps, iterators, [&](OpBuilder &b, Location loc, ValueRange args) {
          linalg::YieldOp::create(
              b, loc,
              buildScalar(b, loc, op, build, args.drop_back(), element));
        });
    rewriter.replaceOp(op, generic.getResults());
    return success();
  }
};

} // namespace

void populateONNXElementwiseToLinalgPatterns(RewritePatternSet &patterns) {
  // One pattern per op name, so the set says which ops it lowers.
  MLIRContext *context = patterns.getContext();
  for (const auto &entry : getScalarBuilders())
    patterns.add<ElementwiseToGeneric>(entry.getKey(), context);
  for (const auto &entry : getAttributedBuilders())
    patterns.add<ElementwiseToGeneric>(entry.getKey(), context);
  for (const auto &entry : getAttributedAnyTypeBuilders())
    patterns.add<ElementwiseToGeneric>(entry.getKey(), context);
}

} // namespace weft
