//===- Compare.cpp - ONNX's tolerance comparison of two tensors -----------===//

#include "weft/Runtime/Tooling/TensorFiles.h"

#include <cmath>
#include <cstring>

namespace weft::runtime {
namespace {

/// An IEEE half's bits as a float.
float halfToFloat(uint16_t bits) {
  int sign = bits >> 15, exponent = (bits >> 10) & 0x1f,
      mantissa = bits & 0x3ff;
  float magnitude;
  if (exponent == 0)
    magnitude = std::ldexp(float(mantissa), -24);
  else if (exponent == 31)
    magnitude = mantissa ? NAN : INFINITY;
  else
    magnitude = std::ldexp(float(mantissa | 0x400), exponent - 25);
  return sign ? -magnitude : magnitude;
}

/// Element `i` of `t` as a double (for floating-point types).
double floatAt(const Tensor &t, int64_t i) {
  switch (t.getDType()) {
  case DType::F32:
    return t.as<float>()[i];
  case DType::F64:
    return t.as<double>()[i];
  case DType::BF16: {
    uint32_t bits = uint32_t(t.as<uint16_t>()[i]) << 16;
    float value;
    std::memcpy(&value, &bits, 4);
    return value;
  }
  default:
    return halfToFloat(t.as<uint16_t>()[i]);
  }
}

} // namespace

Status compareTensors(const Tensor &got, const Tensor &want, double rtol,
                      double atol) {
  TensorSpec gotSpec{"", got.getDType(), got.getShape()},
      wantSpec{"", want.getDType(), want.getShape()};
  if (got.getDType() != want.getDType() || got.getShape() != want.getShape())
    return Status(StatusCode::InvalidArgument, "got " + gotSpec.describe() +
                                                   ", expected " +
                                                   wantSpec.describe());
  DType type = got.getDType();
  bool isFloat = type == DType::F32 || type == DType::F64 ||
                 type == DType::F16 || type == DType::BF16;
  int64_t n = got.getElementCount();
  if (!isFloat) {
    size_t size = getDTypeSize(type);
    for (int64_t i = 0; i < n; ++i)
      if (std::memcmp(static_cast<const uint8_t *>(got.data()) + i * size,
                      static_cast<const uint8_t *>(want.data()) + i * size,
                      size) != 0)
        return Status(StatusCode::InvalidArgument,
                      "element " + std::to_string(i) + " differs");
    return Status::ok();
  }
  for (int64_t i = 0; i < n; ++i) {
    double x = floatAt(got, i), y = floatAt(want, i);
    if (std::isnan(x) && std::isnan(y))
      continue;
    if (x == y) // infinities of one sign
      continue;
    if (!(std::fabs(x - y) <= atol + rtol * std::fabs(y)))
      return Status(StatusCode::InvalidArgument,
                    "element " + std::to_string(i) + ": got " +
                        std::to_string(x) + ", expected " + std::to_string(y));
  }
  return Status::ok();
}

} // namespace weft::runtime
