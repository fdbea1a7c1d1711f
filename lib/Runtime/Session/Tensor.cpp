//===- Tensor.cpp - Element types, specs and tensors
//-----------------------===//

#include "weft/Runtime/Session/Session.h"

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
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    text += (i ? "," : "") +
            (shape[i] == kDynamicDim ? "?" : std::to_string(shape[i]));
  return text + "] " + getDTypeName(dtype);
}

Tensor::Tensor(DType dtype, std::vector<int64_t> shape)
    : dtype(dtype), shape(std::move(shape)) {
  size_t bytes = std::max<size_t>(getByteSize(), 1);
  void *memory = nullptr;
  if (posix_memalign(&memory, 64, (bytes + 63) / 64 * 64) == 0)
    storage.reset(static_cast<uint8_t *>(memory),
                  [](uint8_t *p) { std::free(p); });
}

int64_t Tensor::getElementCount() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

} // namespace weft::runtime
