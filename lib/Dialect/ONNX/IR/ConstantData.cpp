//===- ConstantData.cpp - Reading and making constant tensors
//--------------===//
//
// Constant tensors live either inline (DenseElementsAttr) or in resource
// blobs (DenseResourceElementsAttr). Everything here speaks ONNX's raw layout:
// little-endian, packed, one byte per bool.
//
//===----------------------------------------------------------------------===//

#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXOps.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"

#include <cstring>

using namespace mlir;

namespace weft {

ElementsAttr getConstantOpValue(ONNXConstantOp op) {
  if (ElementsAttr value = op.getValueAttr())
    return value;
  if (auto sparse = op.getSparseValueAttr())
    return cast<ElementsAttr>(sparse);
  auto type = dyn_cast<RankedTensorType>(op.getType());
  if (!type || !type.hasStaticShape())
    return nullptr;
  if (auto f = op.getValueFloatAttr())
    return makeTensorFromFloats(type, {f.getValueAsDouble()});
  if (auto fs = op.getValueFloatsAttr())
    return makeTensorFromFloats(
        type,
        SmallVector<double>(fs.asArrayRef().begin(), fs.asArrayRef().end()));
  if (auto i = op.getValueIntAttr())
    return makeTensorFromInts(type, {i.getInt()});
  if (auto is = op.getValueIntsAttr())
    return makeTensorFromInts(type, is.asArrayRef());
  SmallVector<StringRef> strings;
  if (auto str = op.getValueStringAttr())
    strings.push_back(str.getValue());
  else if (auto strs = op.getValueStringsAttr())
    for (Attribute a : strs)
      strings.push_back(cast<StringAttr>(a).getValue());
  else
    return nullptr;
  if (type.getNumElements() != static_cast<int64_t>(strings.size()))
    return nullptr;
  return DenseStringElementsAttr::get(type, strings);
}

ElementsAttr getConstantTensor(Value value) {
  if (!value)
    return nullptr;
  auto constant = value.getDefiningOp<ONNXConstantOp>();
  if (!constant)
    return nullptr;
  ElementsAttr attr = getConstantOpValue(constant);
  if (!attr || attr.getType() != value.getType())
    return nullptr;
  return attr;
}

int64_t getElementByteSize(Type elementType) {
  if (auto complex = dyn_cast<ComplexType>(elementType))
    return 2 * getElementByteSize(complex.getElementType());
  if (elementType.isIntOrFloat())
    return std::max<int64_t>(1, elementType.getIntOrFloatBitWidth() / 8);
  return 0;
}

std::optional<std::vector<char>> getRawData(ElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  Type elt = type.getElementType();
  int64_t eltSize = getElementByteSize(elt);
  if (!eltSize || !type.hasStaticShape())
    return std::nullopt;
  int64_t count = type.getNumElements();

  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return std::nullopt;
    ArrayRef<char> data = blob->getData();
    if (static_cast<int64_t>(data.size()) != count * eltSize)
      return std::nullopt;
    return std::vector<char>(data.begin(), data.end());
  }

  auto dense = dyn_cast<DenseElementsAttr>(attr);
  if (!dense || isa<DenseStringElementsAttr>(dense))
    return std::nullopt;
  std::vector<char> out(count * eltSize);
  if (elt.isInteger(1)) {
    int64_t i = 0;
    for (bool b : dense.getValues<bool>())
      out[i++] = b ? 1 : 0;
    return out;
  }
  ArrayRef<char> raw = dense.getRawData();
  if (dense.isSplat()) {
    for (int64_t i = 0; i < count; ++i)
      std::memcpy(out.data() + i * eltSize, raw.data(), eltSize);
    return out;
  }
  if (static_cast<int64_t>(raw.size()) != count * eltSize)
    return std::nullopt;
  if (!raw.empty())
    std::memcpy(out.data(), raw.data(), raw.size());
  return out;
}

/// Reads element `i` of raw data as int64 (integers and bools only).
static int64_t readInt(const char *p, IntegerType type) {
  unsigned width = type.getWidth();
  bool isUnsigned = type.isUnsigned();
  switch (width) {
  case 1:
  case 8: {
    if (isUnsigned || width == 1)
      return static_cast<uint8_t>(*p);
    return static_cast<int8_t>(*p);
  }
  case 16: {
    uint16_t v;
    std::memcpy(&v, p, 2);
    return isUnsigned ? static_cast<int64_t>(v)
                      : static_cast<int64_t>(static_cast<int16_t>(v));
  }
  case 32: {
    uint32_t v;
    std::memcpy(&v, p, 4);
    return isUnsigned ? static_cast<int64_t>(v)
                      : static_cast<int64_t>(static_cast<int32_t>(v));
  }
  default: {
    int64_t v;
    std::memcpy(&v, p, 8);
    return v;
  }
  }
}

/// Reads one float element of raw data as double.
static double readFloat(const char *p, FloatType type) {
  unsigned width = type.getWidth();
  if (type.isF32()) {
    float v;
    std::memcpy(&v, p, 4);
    return v;
  }
  if (type.isF64()) {
    double v;
    std::memcpy(&v, p, 8);
    return v;
  }
  uint64_t bits = 0;
  std::memcpy(&bits, p, width / 8);
  APFloat value(type.getFloatSemantics(), APInt(width, bits));
  return value.convertToDouble();
}

std::optional<std::vector<int64_t>>
getConstantIntValues(Value value, std::optional<std::vector<int64_t>> absent) {
  if (isa<NoneType>(value.getType()))
    return absent;
  ElementsAttr constant = getConstantTensor(value);
  return constant ? getIntValues(constant) : std::nullopt;
}

std::optional<std::vector<int64_t>> getIntValues(ElementsAttr attr) {
  auto intType = dyn_cast<IntegerType>(attr.getElementType());
  if (!intType)
    return std::nullopt;
  auto raw = getRawData(attr);
  if (!raw)
    return std::nullopt;
  int64_t eltSize = getElementByteSize(intType);
  std::vector<int64_t> values(raw->size() / eltSize);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = readInt(raw->data() + i * eltSize, intType);
  return values;
}

std::optional<std::vector<double>> getFloatValues(ElementsAttr attr) {
  Type elt = attr.getElementType();
  if (auto intType = dyn_cast<IntegerType>(elt)) {
    auto ints = getIntValues(attr);
    if (!ints)
      return std::nullopt;
    std::vector<double> values;
    values.reserve(ints->size());
    for (int64_t v : *ints)
      values.push_back(intType.isUnsigned()
                           ? static_cast<double>(static_cast<uint64_t>(v))
                           : static_cast<double>(v));
    return values;
  }
  auto floatType = dyn_cast<FloatType>(elt);
  if (!floatType)
    return std::nullopt;
  auto raw = getRawData(attr);
  if (!raw)
    return std::nullopt;
  int64_t eltSize = getElementByteSize(floatType);
  std::vector<double> values(raw->size() / eltSize);
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = readFloat(raw->data() + i * eltSize, floatType);
  return values;
}

ElementsAttr makeTensorAttr(ShapedType type, ArrayRef<char> raw,
                            StringRef nameHint) {
  Type elt = type.getElementType();
  if (type.getNumElements() <= kInlineElementLimit) {
    if (elt.isInteger(1)) {
      SmallVector<bool> bools;
      for (char c : raw)
        bools.push_back(c != 0);
      return DenseElementsAttr::get(type, bools);
    }
    return DenseElementsAttr::getFromRawBuffer(type, raw);
  }
  return DenseResourceElementsAttr::get(
      type, nameHint,
      HeapAsmResourceBlob::allocateAndCopyWithAlign(raw, alignof(double)));
}

ElementsAttr makeResourceTensorAttr(ShapedType type, StringRef nameHint,
                                    std::unique_ptr<std::string> bytes) {
  ArrayRef<char> data(bytes->data(), bytes->size());
  std::string *owned = bytes.release();
  AsmResourceBlob blob(
      data, alignof(double), [owned](void *, size_t, size_t) { delete owned; },
      /*dataIsMutable=*/false);
  return DenseResourceElementsAttr::get(type, nameHint, std::move(blob));
}

/// Writes `v` into `p` as one element of `elt`.
template <typename T> static void writeElement(char *p, Type elt, T v) {
  if (auto intType = dyn_cast<IntegerType>(elt)) {
    int64_t i = static_cast<int64_t>(v);
    if (intType.getWidth() == 1)
      i = i != 0;
    std::memcpy(p, &i, getElementByteSize(elt)); // little-endian truncation
    return;
  }
  auto floatType = cast<FloatType>(elt);
  if (floatType.isF32()) {
    float f = static_cast<float>(v);
    std::memcpy(p, &f, 4);
  } else if (floatType.isF64()) {
    double d = static_cast<double>(v);
    std::memcpy(p, &d, 8);
  } else {
    APFloat value(static_cast<double>(v));
    bool losesInfo;
    value.convert(floatType.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
    uint64_t bits = value.bitcastToAPInt().getZExtValue();
    std::memcpy(p, &bits, floatType.getWidth() / 8);
  }
}

template <typename T>
static ElementsAttr makeTensorFrom(ShapedType type, ArrayRef<T> values) {
  Type elt = type.getElementType();
  int64_t eltSize = getElementByteSize(elt);
  if (!eltSize || isa<ComplexType>(elt) ||
      static_cast<int64_t>(values.size()) != type.getNumElements())
    return nullptr;
  std::vector<char> raw(values.size() * eltSize);
  for (size_t i = 0; i < values.size(); ++i)
    writeElement(raw.data() + i * eltSize, elt, values[i]);
  return makeTensorAttr(type, raw, "folded");
}

ElementsAttr makeTensorFromInts(ShapedType type, ArrayRef<int64_t> values) {
  return makeTensorFrom(type, values);
}

ElementsAttr makeTensorFromFloats(ShapedType type, ArrayRef<double> values) {
  return makeTensorFrom(type, values);
}

ElementsAttr reshapeTensorAttr(ElementsAttr attr, ShapedType newType) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr))
    return dense.reshape(newType);
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr))
    return DenseResourceElementsAttr::get(newType, resource.getRawHandle());
  return nullptr;
}

} // namespace weft
