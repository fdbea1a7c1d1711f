//===- FoldConstants.cpp - Evaluate onnx ops on constant inputs
//------------===//
//
// A small evaluator for the ops that shape arithmetic and weight preparation
// use. Values are held as int64 (integers, bools) or double (floats), so the
// folded result is exact for every integer shape value and for f32 data.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"
#include "weft/Dialect/ONNX/Transforms/Passes.h"

#include "mlir/IR/Builders.h"

#include <cmath>
#include <functional>

namespace weft {
#define GEN_PASS_DEF_FOLDCONSTANTSPASS
#include "weft/Dialect/ONNX/Transforms/Passes.h.inc"
} // namespace weft

using namespace mlir;

namespace weft {
namespace {

/// A constant tensor being evaluated.
struct Tensor {
  SmallVector<int64_t> shape;
  bool isFloat = false;
  std::vector<double> f;
  std::vector<int64_t> i;

  int64_t size() const { return isFloat ? f.size() : i.size(); }
  double asDouble(int64_t k) const { return isFloat ? f[k] : double(i[k]); }
  int64_t asInt(int64_t k) const { return isFloat ? int64_t(f[k]) : i[k]; }
};

std::optional<Tensor> readConstant(Value value) {
  ElementsAttr attr = getConstantTensor(value);
  if (!attr)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return std::nullopt;
  // uint64 values above 2^63 do not fit the int64 the evaluator computes in.
  if (type.getElementType().isUnsignedInteger(64))
    return std::nullopt;
  Tensor t;
  t.shape.assign(type.getShape().begin(), type.getShape().end());
  if (isa<FloatType>(type.getElementType())) {
    auto values = getFloatValues(attr);
    if (!values)
      return std::nullopt;
    t.isFloat = true;
    t.f = std::move(*values);
  } else {
    auto values = getIntValues(attr);
    if (!values)
      return std::nullopt;
    t.i = std::move(*values);
  }
  return t;
}

int64_t countElements(ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

SmallVector<int64_t> stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = int64_t(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Linear index in `in` (broadcast to `out`) of the element at `outIndex`.
int64_t broadcastIndex(ArrayRef<int64_t> outShape, int64_t outIndex,
                       ArrayRef<int64_t> inShape) {
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  int64_t offset = outShape.size() - inShape.size(), result = 0;
  for (size_t d = 0; d < outShape.size(); ++d) {
    int64_t coord = (outIndex / outStrides[d]) % outShape[d];
    if (int64_t(d) >= offset && inShape[d - offset] != 1)
      result += coord * inStrides[d - offset];
  }
  return result;
}

/// The numpy-style broadcast of the inputs' shapes, or nullopt.
std::optional<SmallVector<int64_t>> broadcastShape(ArrayRef<Tensor> inputs) {
  size_t rank = 0;
  for (const Tensor &t : inputs)
    rank = std::max(rank, t.shape.size());
  SmallVector<int64_t> shape(rank, 1);
  for (const Tensor &t : inputs)
    for (size_t k = 0; k < t.shape.size(); ++k) {
      int64_t &d = shape[rank - t.shape.size() + k];
      int64_t e = t.shape[k];
      if (d == 1)
        d = e;
      else if (e != 1 && e != d)
        return std::nullopt;
    }
  return shape;
}

/// Whether `outShape` is what broadcasting `inputs` gives.
bool broadcastsTo(ArrayRef<Tensor> inputs, ArrayRef<int64_t> outShape) {
  auto shape = broadcastShape(inputs);
  return shape && ArrayRef<int64_t>(*shape) == outShape;
}

/// The evaluators see verified ops whose result type is static, but that type
/// is only trusted after it is checked against the operands.
using Evaluator = std::function<std::optional<Tensor>(
    Operation *, ArrayRef<Tensor>, ArrayRef<int64_t> outShape)>;

/// Elementwise op over broadcast inputs.
Evaluator
elementwise(std::function<double(double, double)> onFloat,
            std::function<std::optional<int64_t>(int64_t, int64_t)> onInt,
            bool resultIsBool = false) {
  return [=](Operation *, ArrayRef<Tensor> in,
             ArrayRef<int64_t> outShape) -> std::optional<Tensor> {
    for (const Tensor &t : in)
      if (t.isFloat != in[0].isFloat)
        return std::nullopt; // e.g. Pow(float, int)
    if (!broadcastsTo(in, outShape))
      return std::nullopt;
    Tensor out;
    out.shape.assign(outShape.begin(), outShape.end());
    int64_t n = countElements(outShape);
    bool isFloat = in[0].isFloat;
    out.isFloat = isFloat && !resultIsBool;
    for (int64_t k = 0; k < n; ++k) {
      int64_t a = broadcastIndex(outShape, k, in[0].shape);
      int64_t b = in.size() > 1 ? broadcastIndex(outShape, k, in[1].shape) : 0;
      if (isFloat) {
        double r = onFloat(in[0].f[a], in.size() > 1 ? in[1].f[b] : 0.0);
        if (out.isFloat)
          out.f.push_back(r);
        else
          out.i.push_back(r != 0.0);
      } else {
        auto r = onInt(in[0].i[a], in.size() > 1 ? in[1].i[b] : 0);
        if (!r)
          return std::nullopt;
        out.i.push_back(*r);
      }
    }
    return out;
  };
}

std::optional<Tensor> evalWhere(Operation *, ArrayRef<Tensor> in,
                                ArrayRef<int64_t> outShape) {
  if (in[0].isFloat || in[1].isFloat != in[2].isFloat ||
      !broadcastsTo(in, outShape))
    return std::nullopt;
  Tensor out;
  out.shape.assign(outShape.begin(), outShape.end());
  out.isFloat = in[1].isFloat;
  int64_t n = countElements(outShape);
  for (int64_t k = 0; k < n; ++k) {
    bool c = in[0].i[broadcastIndex(outShape, k, in[0].shape)] != 0;
    const Tensor &src = c ? in[1] : in[2];
    int64_t idx = broadcastIndex(outShape, k, src.shape);
    if (out.isFloat)
      out.f.push_back(src.f[idx]);
    else
      out.i.push_back(src.i[idx]);
  }
  return out;
}

/// Copies element `from` of `src` to the end of `dst`.
void append(Tensor &dst, const Tensor &src, int64_t from) {
  if (dst.isFloat)
    dst.f.push_back(src.f[from]);
  else
    dst.i.push_back(src.i[from]);
}

std::optional<Tensor> evalGather(Operation *op, ArrayRef<Tensor> in,
                                 ArrayRef<int64_t> outShape) {
  const Tensor &data = in[0], &indices = in[1];
  int64_t rank = data.shape.size();
  int64_t axis = cast<ONNXGatherOp>(op).getAxis();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  int64_t outer = 1, inner = 1, dim = data.shape[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= data.shape[d];
  for (int64_t d = axis + 1; d < rank; ++d)
    inner *= data.shape[d];
  SmallVector<int64_t> expected(data.shape.begin(), data.shape.begin() + axis);
  expected.append(indices.shape.begin(), indices.shape.end());
  expected.append(data.shape.begin() + axis + 1, data.shape.end());
  if (indices.isFloat || ArrayRef<int64_t>(expected) != outShape)
    return std::nullopt;
  Tensor out;
  out.isFloat = data.isFloat;
  out.shape.assign(outShape.begin(), outShape.end());
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t k = 0; k < indices.size(); ++k) {
      int64_t index = indices.i[k] < 0 ? indices.i[k] + dim : indices.i[k];
      if (index < 0 || index >= dim)
        return std::nullopt;
      for (int64_t j = 0; j < inner; ++j)
        append(out, data, (o * dim + index) * inner + j);
    }
  return out;
}

std::optional<Tensor> evalConcat(Operation *op, ArrayRef<Tensor> in,
                                 ArrayRef<int64_t> outShape) {
  int64_t rank = outShape.size();
  int64_t axis = cast<ONNXConcatOp>(op).getAxis();
  if (axis < 0)
    axis += rank;
  if (axis < 0 || axis >= rank)
    return std::nullopt;
  int64_t total = 0;
  for (const Tensor &t : in) {
    if (int64_t(t.shape.size()) != rank || t.isFloat != in[0].isFloat)
      return std::nullopt;
    for (int64_t d = 0; d < rank; ++d)
      if (d != axis && t.shape[d] != outShape[d])
        return std::nullopt;
    total += t.shape[axis];
  }
  if (total != outShape[axis])
    return std::nullopt;
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= outShape[d];
  Tensor out;
  out.isFloat = in[0].isFloat;
  out.shape.assign(outShape.begin(), outShape.end());
  for (int64_t o = 0; o < outer; ++o)
    for (const Tensor &t : in) {
      int64_t chunk = outer ? t.size() / outer : 0;
      for (int64_t j = 0; j < chunk; ++j)
        append(out, t, o * chunk + j);
    }
  return out;
}

std::optional<Tensor> evalSlice(Operation *, ArrayRef<Tensor> in,
                                ArrayRef<int64_t> outShape) {
  const Tensor &data = in[0];
  int64_t rank = data.shape.size();
  if (int64_t(outShape.size()) != rank || in[1].isFloat || in[2].isFloat ||
      in[1].size() != in[2].size())
    return std::nullopt;
  SmallVector<int64_t> start(rank, 0), step(rank, 1);
  SmallVector<int64_t> counts(data.shape.begin(), data.shape.end());
  size_t n = in[1].size();
  if ((in.size() > 3 && in[3].size() && size_t(in[3].size()) != n) ||
      (in.size() > 4 && in[4].size() && size_t(in[4].size()) != n))
    return std::nullopt;
  for (size_t k = 0; k < n; ++k) {
    int64_t axis = in.size() > 3 && in[3].size() ? in[3].i[k] : int64_t(k);
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis >= rank)
      return std::nullopt;
    int64_t dim = data.shape[axis];
    int64_t st = in.size() > 4 && in[4].size() ? in[4].i[k] : 1;
    if (st == 0 || st == INT64_MIN)
      return std::nullopt;
    // ONNX's clamping: starts to [0, dim] (or [0, dim-1] going backwards),
    // ends to [0, dim] (or [-1, dim-1]).
    int64_t s = in[1].i[k], e = in[2].i[k];
    if (s < 0)
      s += dim;
    if (e < 0)
      e += dim;
    s = st > 0 ? std::clamp<int64_t>(s, 0, dim)
               : std::clamp<int64_t>(s, 0, dim - 1);
    e = st > 0 ? std::clamp<int64_t>(e, 0, dim)
               : std::clamp<int64_t>(e, -1, dim - 1);
    int64_t span = st > 0 ? e - s : s - e;
    start[axis] = s;
    step[axis] = st;
    counts[axis] = span <= 0 ? 0 : 1 + (span - 1) / (st > 0 ? st : -st);
  }
  if (ArrayRef<int64_t>(counts) != outShape)
    return std::nullopt;
  SmallVector<int64_t> inStrides = stridesOf(data.shape);
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  int64_t total = countElements(outShape);
  Tensor out;
  out.isFloat = data.isFloat;
  out.shape.assign(outShape.begin(), outShape.end());
  for (int64_t k = 0; k < total; ++k) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d) {
      int64_t coord = (k / outStrides[d]) % outShape[d];
      src += (start[d] + coord * step[d]) * inStrides[d];
    }
    append(out, data, src);
  }
  return out;
}

std::optional<Tensor> evalTranspose(Operation *op, ArrayRef<Tensor> in,
                                    ArrayRef<int64_t> outShape) {
  const Tensor &data = in[0];
  int64_t rank = data.shape.size();
  SmallVector<int64_t> perm;
  if (auto p = cast<ONNXTransposeOp>(op).getPerm())
    perm.assign(p->begin(), p->end());
  else
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  if (int64_t(perm.size()) != rank || int64_t(outShape.size()) != rank)
    return std::nullopt;
  for (int64_t d = 0; d < rank; ++d)
    if (perm[d] < 0 || perm[d] >= rank || outShape[d] != data.shape[perm[d]])
      return std::nullopt;
  SmallVector<int64_t> inStrides = stridesOf(data.shape);
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  Tensor out;
  out.isFloat = data.isFloat;
  out.shape.assign(outShape.begin(), outShape.end());
  for (int64_t k = 0; k < data.size(); ++k) {
    int64_t src = 0;
    for (int64_t d = 0; d < rank; ++d)
      src += ((k / outStrides[d]) % outShape[d]) * inStrides[perm[d]];
    append(out, data, src);
  }
  return out;
}

std::optional<Tensor> evalRange(Operation *, ArrayRef<Tensor> in,
                                ArrayRef<int64_t> outShape) {
  for (const Tensor &t : in)
    if (t.size() != 1 || t.isFloat != in[0].isFloat)
      return std::nullopt;
  double start = in[0].asDouble(0), limit = in[1].asDouble(0),
         delta = in[2].asDouble(0);
  if (delta == 0 || outShape.size() != 1)
    return std::nullopt;
  double count = std::max(std::ceil((limit - start) / delta), 0.0);
  if (count != double(outShape[0]))
    return std::nullopt;
  Tensor out;
  out.isFloat = in[0].isFloat;
  out.shape.assign(outShape.begin(), outShape.end());
  for (int64_t k = 0; k < outShape[0]; ++k) {
    if (out.isFloat)
      out.f.push_back(in[0].f[0] + k * in[2].f[0]);
    else
      out.i.push_back(in[0].i[0] + k * in[2].i[0]);
  }
  return out;
}

std::optional<Tensor> evalConstantOfShape(Operation *op, ArrayRef<Tensor> in,
                                          ArrayRef<int64_t> outShape) {
  if (in[0].isFloat || ArrayRef<int64_t>(in[0].i) != outShape)
    return std::nullopt;
  Tensor out;
  out.shape.assign(outShape.begin(), outShape.end());
  int64_t n = countElements(outShape);
  Tensor fill;
  fill.isFloat = true;
  fill.f = {0.0};
  if (auto value = cast<ONNXConstantOfShapeOp>(op).getValueAttr()) {
    auto type = cast<ShapedType>(value.getType());
    if (isa<FloatType>(type.getElementType())) {
      auto values = getFloatValues(value);
      if (!values || values->empty())
        return std::nullopt;
      fill.f = std::move(*values);
    } else {
      auto values = getIntValues(value);
      if (!values || values->empty())
        return std::nullopt;
      fill.isFloat = false;
      fill.i = std::move(*values);
    }
  }
  out.isFloat = fill.isFloat;
  for (int64_t k = 0; k < n; ++k)
    append(out, fill, 0);
  return out;
}

/// The evaluators, by op name.
const llvm::StringMap<Evaluator> &getEvaluators() {
  static const llvm::StringMap<Evaluator> evaluators = [] {
    llvm::StringMap<Evaluator> m;
    using I = std::optional<int64_t>;
    // Integer results that overflow are not folded (the op stays).
    m["onnx.Add"] = elementwise([](double a, double b) { return a + b; },
                                [](int64_t a, int64_t b) -> I {
                                  int64_t r;
                                  if (__builtin_add_overflow(a, b, &r))
                                    return std::nullopt;
                                  return r;
                                });
    m["onnx.Sub"] = elementwise([](double a, double b) { return a - b; },
                                [](int64_t a, int64_t b) -> I {
                                  int64_t r;
                                  if (__builtin_sub_overflow(a, b, &r))
                                    return std::nullopt;
                                  return r;
                                });
    m["onnx.Mul"] = elementwise([](double a, double b) { return a * b; },
                                [](int64_t a, int64_t b) -> I {
                                  int64_t r;
                                  if (__builtin_mul_overflow(a, b, &r))
                                    return std::nullopt;
                                  return r;
                                });
    m["onnx.Div"] = elementwise([](double a, double b) { return a / b; },
                                [](int64_t a, int64_t b) -> I {
                                  if (b == 0 || (a == INT64_MIN && b == -1))
                                    return std::nullopt;
                                  return a / b;
                                });
    m["onnx.Pow"] =
        elementwise([](double a, double b) { return std::pow(a, b); },
                    [](int64_t a, int64_t b) -> I {
                      double r = std::pow(double(a), double(b));
                      if (!(std::fabs(r) < 9.2e18))
                        return std::nullopt;
                      return int64_t(r);
                    });
    m["onnx.Equal"] =
        elementwise([](double a, double b) { return double(a == b); },
                    [](int64_t a, int64_t b) -> I { return a == b; },
                    /*resultIsBool=*/true);
    m["onnx.Less"] =
        elementwise([](double a, double b) { return double(a < b); },
                    [](int64_t a, int64_t b) -> I { return a < b; }, true);
    m["onnx.Greater"] =
        elementwise([](double a, double b) { return double(a > b); },
                    [](int64_t a, int64_t b) -> I { return a > b; }, true);
    m["onnx.Neg"] = elementwise([](double a, double) { return -a; },
                                [](int64_t a, int64_t) -> I {
                                  if (a == INT64_MIN)
                                    return std::nullopt;
                                  return -a;
                                });
    m["onnx.Abs"] = elementwise([](double a, double) { return std::fabs(a); },
                                [](int64_t a, int64_t) -> I {
                                  if (a == INT64_MIN)
                                    return std::nullopt;
                                  return a < 0 ? -a : a;
                                });
    m["onnx.Sqrt"] =
        elementwise([](double a, double) { return std::sqrt(a); },
                    [](int64_t, int64_t) -> I { return std::nullopt; });
    m["onnx.Reciprocal"] =
        elementwise([](double a, double) { return 1.0 / a; },
                    [](int64_t, int64_t) -> I { return std::nullopt; });
    m["onnx.Not"] = elementwise([](double a, double) { return double(a == 0); },
                                [](int64_t a, int64_t) -> I { return a == 0; });
    m["onnx.Where"] = evalWhere;
    m["onnx.Gather"] = evalGather;
    m["onnx.Concat"] = evalConcat;
    m["onnx.Slice"] = evalSlice;
    m["onnx.Transpose"] = evalTranspose;
    m["onnx.Range"] = evalRange;
    m["onnx.ConstantOfShape"] = evalConstantOfShape;
    return m;
  }();
  return evaluators;
}

struct FoldConstantsPass : impl::FoldConstantsPassBase<FoldConstantsPass> {
  using FoldConstantsPassBase::FoldConstantsPassBase;

  void runOnOperation() override {
    const auto &evaluators = getEvaluators();
    SmallVector<Operation *> worklist;
    getOperation()->walk([&](Operation *op) {
      if (evaluators.count(op->getName().getStringRef()))
        worklist.push_back(op);
    });
    for (Operation *op : worklist) {
      auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
      if (op->getNumResults() != 1 || !resultType ||
          !resultType.hasStaticShape() ||
          resultType.getNumElements() > maxElements)
        continue;
      SmallVector<Tensor> inputs;
      bool allConstant = true;
      for (Value operand : op->getOperands()) {
        if (isa<NoneType>(operand.getType())) {
          inputs.emplace_back();
          continue;
        }
        auto t = readConstant(operand);
        if (!t) {
          allConstant = false;
          break;
        }
        inputs.push_back(std::move(*t));
      }
      if (!allConstant)
        continue;
      auto result = evaluators.lookup(op->getName().getStringRef())(
          op, inputs, resultType.getShape());
      if (!result || result->size() != resultType.getNumElements())
        continue;
      ElementsAttr value = result->isFloat
                               ? makeTensorFromFloats(resultType, result->f)
                               : makeTensorFromInts(resultType, result->i);
      if (!value)
        continue;
      OpBuilder builder(op);
      auto constant = ONNXConstantOp::create(
          builder, op->getLoc(), TypeRange{resultType}, ValueRange{},
          ArrayRef<NamedAttribute>{builder.getNamedAttr("value", value)});
      op->getResult(0).replaceAllUsesWith(constant.getResult());
      op->erase();
      ++numFolded;
    }
  }
};

} // namespace
} // namespace weft
