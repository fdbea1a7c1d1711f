//===- Tensor.cpp - Element types, specs and tensors ---------------------===//

#include "weft/Runtime/Session/Session.h"

#include <algorithm>
#include <cstdlib>

namespace weft::runtime {

namespace {
struct DTypeInfo {
  DType type;
  const char *name;
  size_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {DType::F32, "f32", 4},  {DType::F64, "f64", 8}, {DType::F16, "f16", 2},
    {DType::I64, "i64", 8},  {DType::I32, "i32", 4}, {DType::I16, "i16", 2},
    {DType::I8, "i8", 1},    {DType::U64, "u64", 8}, {DType::U32, "u32", 4},
    {DType::U16, "u16", 2},  {DType::U8, "u8", 1},   {DType::Bool, "bool", 1},
    {DType::BF16, "bf16", 2}};
} // namespace

const char *getDTypeName(DType type) {
  for (const DTypeInfo &info : kDTypes)
    if (info.type == type)
      return info.name;
  return "?";
}

size_t getDTypeSize(DType type) {
  for (const DTypeInfo &info : kDTypes)
    if (info.type == type)
      return info.size;
  return 0;
}

bool parseDType(const std::string &name, DType &type) {
  for (const DTypeInfo &info : kDTypes)
    if (name == info.name) {
      type = info.type;
      return true;
    }
  return false;
}

int64_t TensorSpec::getElementCount() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d == kDynamicDim ? 1 : d;
  return n;
}

std::string TensorSpec::describe() const {
  // A message stays a line, whatever rank a file claims.
  constexpr size_t kMaxShown = 16;
  std::string text = "[";
  for (size_t i = 0; i < shape.size() && i < kMaxShown; ++i)
    text += (i ? "," : "") +
            (shape[i] == kDynamicDim ? "?" : std::to_string(shape[i]));
  if (shape.size() > kMaxShown)
    text += ",... (" + std::to_string(shape.size()) + " dims)";
  return text + "] " + getDTypeName(dtype);
}

StatusOr<Tensor> Tensor::allocate(DType dtype, std::vector<int64_t> shape,
                                  const std::string &what) {
  // Every size in bytes fits in int64 with room for rounding.
  constexpr uint64_t kMaxBytes = uint64_t(1) << 62;
  uint64_t bytes = getDTypeSize(dtype);
  for (int64_t d : shape) {
    if (d < 0)
      return Status(StatusCode::InvalidArgument,
                    what + ": negative dimension " + std::to_string(d));
    if (d != 0 && bytes > kMaxBytes / uint64_t(d))
      return Status(StatusCode::InvalidArgument,
                    what + ": the shape's size overflows");
    bytes *= uint64_t(d);
  }
  void *memory = nullptr;
  size_t rounded = (std::max<uint64_t>(bytes, 1) + 63) / 64 * 64;
  if (posix_memalign(&memory, 64, rounded) != 0 || !memory)
    return Status(StatusCode::ResourceExhausted, "cannot allocate " +
                                                     std::to_string(bytes) +
                                                     " bytes for " + what);
  std::shared_ptr<uint8_t> storage(static_cast<uint8_t *>(memory),
                                   [](uint8_t *p) { std::free(p); });
  return Tensor(dtype, std::move(shape), std::move(storage));
}

int64_t Tensor::getElementCount() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace weft::runtime
