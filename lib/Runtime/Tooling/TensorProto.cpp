//===- TensorProto.cpp - onnx.TensorProto files without protobuf ----------===//
//
// The protobuf wire format, as far as TensorProto needs it: varints,
// fixed-width fields and length-delimited fields, packed or not.
//
//===----------------------------------------------------------------------===//

#include "weft/Runtime/Base/File.h"
#include "weft/Runtime/Tooling/TensorFiles.h"

#include <cstring>

namespace weft::runtime {
namespace {

/// ONNX's TensorProto.DataType numbers of the element types the runtime has.
struct ONNXType {
  int code;
  DType type;
};
constexpr ONNXType kONNXTypes[] = {
    {1, DType::F32},   {2, DType::U8},   {3, DType::I8},   {4, DType::U16},
    {5, DType::I16},   {6, DType::I32},  {7, DType::I64},  {9, DType::Bool},
    {16, DType::BF16}, {10, DType::F16}, {11, DType::F64}, {12, DType::U32},
    {13, DType::U64}};

/// A cursor over protobuf bytes; every read checks the bounds.
struct WireReader {
  const uint8_t *at, *end;
  bool readVarint(uint64_t &value) {
    value = 0;
    for (int shift = 0; shift < 64 && at < end; shift += 7) {
      uint8_t byte = *at++;
      value |= uint64_t(byte & 0x7f) << shift;
      if (!(byte & 0x80))
        return true;
    }
    return false;
  }
  bool readFixed(void *out, size_t bytes) {
    if (size_t(end - at) < bytes)
      return false;
    std::memcpy(out, at, bytes);
    at += bytes;
    return true;
  }
  bool readBytes(const uint8_t *&data, uint64_t &size) {
    if (!readVarint(size) || size > uint64_t(end - at))
      return false;
    data = at;
    at += size;
    return true;
  }
};

/// Values of a repeated numeric field, packed (one length-delimited run) or
/// one per occurrence; `wire` is the occurrence's wire type.
template <typename T>
bool appendRepeated(WireReader &r, int wire, std::vector<T> &values) {
  auto readOne = [&](WireReader &from, int type) -> bool {
    if (type == 0) {
      uint64_t v;
      if (!from.readVarint(v))
        return false;
      values.push_back(T(int64_t(v)));
      return true;
    }
    if (type == 5 && sizeof(T) == 4) {
      T v;
      if (!from.readFixed(&v, 4))
        return false;
      values.push_back(v);
      return true;
    }
    if (type == 1 && sizeof(T) == 8) {
      T v;
      if (!from.readFixed(&v, 8))
        return false;
      values.push_back(v);
      return true;
    }
    return false;
  };
  if (wire != 2)
    return readOne(r, wire);
  const uint8_t *data;
  uint64_t size;
  if (!r.readBytes(data, size))
    return false;
  WireReader packed{data, data + size};
  // Packed floats are fixed32, doubles fixed64, integers varints.
  int elementWire = std::is_floating_point_v<T> ? (sizeof(T) == 4 ? 5 : 1) : 0;
  while (packed.at < packed.end)
    if (!readOne(packed, elementWire))
      return false;
  return true;
}

void appendVarint(std::string &out, uint64_t value) {
  do {
    uint8_t byte = value & 0x7f;
    value >>= 7;
    out.push_back(char(value ? byte | 0x80 : byte));
  } while (value);
}

} // namespace

StatusOr<Tensor> readTensorProto(const std::string &path) {
  // Protocol buffers end at 2 GiB.
  StatusOr<std::string> read =
      readFile(path, uint64_t(2) << 30, "a TensorProto file");
  if (!read)
    return read.getStatus();
  const std::string &bytes = *read;
  auto bad = [&](const std::string &why) {
    return Status(StatusCode::InvalidArgument,
                  path + ": not a valid TensorProto (" + why + ")");
  };
  WireReader r{reinterpret_cast<const uint8_t *>(bytes.data()),
               reinterpret_cast<const uint8_t *>(bytes.data()) + bytes.size()};
  std::vector<int64_t> dims, int64s;
  std::vector<int32_t> int32s;
  std::vector<uint64_t> uint64s;
  std::vector<float> floats;
  std::vector<double> doubles;
  const uint8_t *raw = nullptr;
  uint64_t rawSize = 0;
  uint64_t dataType = 0;
  bool external = false;
  while (r.at < r.end) {
    uint64_t key;
    if (!r.readVarint(key))
      return bad("truncated field key");
    int field = int(key >> 3), wire = int(key & 7);
    bool ok = true;
    switch (field) {
    case 1:
      ok = appendRepeated(r, wire, dims);
      break;
    case 2:
      ok = wire == 0 && r.readVarint(dataType);
      break;
    case 4:
      ok = appendRepeated(r, wire, floats);
      break;
    case 5:
      ok = appendRepeated(r, wire, int32s);
      break;
    case 7:
      ok = appendRepeated(r, wire, int64s);
      break;
    case 9:
      ok = wire == 2 && r.readBytes(raw, rawSize);
      break;
    case 10:
      ok = appendRepeated(r, wire, doubles);
      break;
    case 11:
      ok = appendRepeated(r, wire, uint64s);
      break;
    case 14: {
      uint64_t location = 0;
      ok = wire == 0 && r.readVarint(location);
      external |= location == 1;
      break;
    }
    default: {
      // Skip what a tensor's values do not need (name, segment, ...).
      uint64_t ignored;
      const uint8_t *data;
      if (wire == 0)
        ok = r.readVarint(ignored);
      else if (wire == 1)
        ok = r.readFixed(&ignored, 8);
      else if (wire == 5)
        ok = r.readFixed(&ignored, 4);
      else if (wire == 2)
        ok = r.readBytes(data, ignored);
      else
        ok = false;
    }
    }
    if (!ok)
      return bad("field " + std::to_string(field) + " is malformed");
  }
  if (external)
    return Status(StatusCode::Unsupported,
                  path + ": tensors with external data are not supported here");
  DType dtype = DType::F32;
  bool known = false;
  for (const ONNXType &t : kONNXTypes)
    if (uint64_t(t.code) == dataType) {
      dtype = t.type;
      known = true;
    }
  if (dataType == 0)
    return bad(bytes.empty() ? "the file is empty"
                             : "it has no element type (data_type)");
  if (!known)
    return Status(StatusCode::Unsupported,
                  path + ": element type " + std::to_string(dataType) +
                      " is not supported by the runtime");
  int64_t count = 1;
  for (int64_t d : dims) {
    if (d < 0 || d > (1ll << 40) || (d > 0 && count > (1ll << 40) / d))
      return bad("bad dimension " + std::to_string(d));
    count *= d;
  }
  size_t elementSize = getDTypeSize(dtype);
  // Typed fields: how many values there are, and a writer of value i.
  size_t typedCount = 0;
  switch (dtype) {
  case DType::F32:
    typedCount = floats.size();
    break;
  case DType::F64:
    typedCount = doubles.size();
    break;
  case DType::I64:
    typedCount = int64s.size();
    break;
  case DType::U32:
  case DType::U64:
    typedCount = uint64s.size();
    break;
  default:
    typedCount = int32s.size(); // narrow integers, bool, float16/bf16 bits
  }
  if (raw ? rawSize != uint64_t(count) * elementSize
          : typedCount != uint64_t(count))
    return bad("holds " +
               std::to_string(raw ? rawSize / std::max<size_t>(elementSize, 1)
                                  : typedCount) +
               " values, its shape " + std::to_string(count));
  StatusOr<Tensor> allocated = Tensor::allocate(dtype, dims, path);
  if (!allocated)
    return allocated.getStatus();
  Tensor &tensor = *allocated;
  if (raw) {
    std::memcpy(tensor.data(), raw, rawSize);
    return tensor;
  }
  auto *out = static_cast<uint8_t *>(tensor.data());
  for (int64_t i = 0; i < count; ++i) {
    uint8_t *slot = out + i * elementSize;
    switch (dtype) {
    case DType::F32:
      std::memcpy(slot, &floats[i], 4);
      break;
    case DType::F64:
      std::memcpy(slot, &doubles[i], 8);
      break;
    case DType::I64:
      std::memcpy(slot, &int64s[i], 8);
      break;
    case DType::U32:
    case DType::U64:
      std::memcpy(slot, &uint64s[i], elementSize); // little-endian
      break;
    default:
      std::memcpy(slot, &int32s[i], elementSize); // little-endian
    }
  }
  return tensor;
}

Status writeTensorProto(const std::string &path, const std::string &name,
                        const Tensor &tensor) {
  int code = 0;
  for (const ONNXType &t : kONNXTypes)
    if (t.type == tensor.getDType())
      code = t.code;
  std::string out;
  for (int64_t d : tensor.getShape()) {
    appendVarint(out, (1 << 3) | 0);
    appendVarint(out, uint64_t(d));
  }
  appendVarint(out, (2 << 3) | 0);
  appendVarint(out, uint64_t(code));
  appendVarint(out, (8 << 3) | 2);
  appendVarint(out, name.size());
  out += name;
  appendVarint(out, (9 << 3) | 2);
  appendVarint(out, tensor.getByteSize());
  out.append(static_cast<const char *>(tensor.data()), tensor.getByteSize());
  return writeFile(path, out);
}

StatusOr<Tensor> readTestDataTensor(const std::string &path, DType declared) {
  auto tensor = readTensorProto(path);
  if (!tensor || tensor->getDType() != DType::U16 || declared != DType::BF16)
    return tensor;
  StatusOr<Tensor> bits =
      Tensor::allocate(DType::BF16, tensor->getShape(), path);
  if (bits)
    std::memcpy(bits->data(), tensor->data(), tensor->getByteSize());
  return bits;
}

} // namespace weft::runtime
