//===- ProtoConversion.cpp - ONNX protobuf <-> MLIR values
//-----------------===//

#include "weft/Target/ONNX/ProtoConversion.h"
#include "weft/Dialect/ONNX/IR/ConstantData.h"
#include "weft/Dialect/ONNX/IR/ONNXTypes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/StringExtras.h"

#include <cstring>
#include <limits>

using namespace mlir;
using onnx::AttributeProto;
using onnx::TensorProto;

namespace weft {

Type convertDataType(MLIRContext *ctx, int32_t dataType) {
  Builder b(ctx);
  switch (dataType) {
  case TensorProto::FLOAT:
    return b.getF32Type();
  case TensorProto::DOUBLE:
    return b.getF64Type();
  case TensorProto::FLOAT16:
    return b.getF16Type();
  case TensorProto::BFLOAT16:
    return b.getBF16Type();
  case TensorProto::INT8:
    return b.getIntegerType(8);
  case TensorProto::INT16:
    return b.getIntegerType(16);
  case TensorProto::INT32:
    return b.getIntegerType(32);
  case TensorProto::INT64:
    return b.getIntegerType(64);
  case TensorProto::UINT8:
    return b.getIntegerType(8, /*isSigned=*/false);
  case TensorProto::UINT16:
    return b.getIntegerType(16, false);
  case TensorProto::UINT32:
    return b.getIntegerType(32, false);
  case TensorProto::UINT64:
    return b.getIntegerType(64, false);
  case TensorProto::BOOL:
    return b.getI1Type();
  case TensorProto::STRING:
    return StringType::get(ctx);
  case TensorProto::COMPLEX64:
    return ComplexType::get(b.getF32Type());
  case TensorProto::COMPLEX128:
    return ComplexType::get(b.getF64Type());
  default:
    return nullptr;
  }
}

int32_t getONNXDataType(Type t) {
  if (t.isF32())
    return TensorProto::FLOAT;
  if (t.isF64())
    return TensorProto::DOUBLE;
  if (t.isF16())
    return TensorProto::FLOAT16;
  if (t.isBF16())
    return TensorProto::BFLOAT16;
  if (isa<StringType>(t))
    return TensorProto::STRING;
  if (auto c = dyn_cast<ComplexType>(t)) {
    if (c.getElementType().isF32())
      return TensorProto::COMPLEX64;
    if (c.getElementType().isF64())
      return TensorProto::COMPLEX128;
    return 0;
  }
  auto i = dyn_cast<IntegerType>(t);
  if (!i)
    return 0;
  bool u = i.isUnsigned();
  switch (i.getWidth()) {
  case 1:
    return TensorProto::BOOL;
  case 8:
    return u ? TensorProto::UINT8 : TensorProto::INT8;
  case 16:
    return u ? TensorProto::UINT16 : TensorProto::INT16;
  case 32:
    return u ? TensorProto::UINT32 : TensorProto::INT32;
  case 64:
    return u ? TensorProto::UINT64 : TensorProto::INT64;
  default:
    return 0;
  }
}

Type convertTypeProto(MLIRContext *ctx, const onnx::TypeProto &type,
                      std::string &error) {
  switch (type.value_case()) {
  case onnx::TypeProto::kTensorType: {
    const auto &tensor = type.tensor_type();
    Type elt = convertDataType(ctx, tensor.elem_type());
    if (!elt) {
      error = tensor.elem_type() == 0 ? "element type is unknown"
                                      : "unsupported element type " +
                                            std::to_string(tensor.elem_type());
      return nullptr;
    }
    if (!tensor.has_shape())
      return UnrankedTensorType::get(elt);
    SmallVector<int64_t> dims;
    int64_t count = 1;
    for (const auto &dim : tensor.shape().dim()) {
      if (dim.has_dim_value()) {
        int64_t d = dim.dim_value();
        if (d < 0) {
          error = "negative dimension " + std::to_string(d);
          return nullptr;
        }
        if (d != 0 && count > std::numeric_limits<int64_t>::max() / d) {
          error = "dimensions overflow int64";
          return nullptr;
        }
        count *= d;
        dims.push_back(d);
      } else {
        dims.push_back(ShapedType::kDynamic);
      }
    }
    return RankedTensorType::get(dims, elt);
  }
  case onnx::TypeProto::kSequenceType: {
    if (!type.sequence_type().has_elem_type()) {
      error = "sequence element type is unknown";
      return nullptr;
    }
    Type elt = convertTypeProto(ctx, type.sequence_type().elem_type(), error);
    return elt ? SeqType::get(ctx, elt) : nullptr;
  }
  case onnx::TypeProto::kOptionalType: {
    if (!type.optional_type().has_elem_type()) {
      error = "optional element type is unknown";
      return nullptr;
    }
    Type elt = convertTypeProto(ctx, type.optional_type().elem_type(), error);
    return elt ? OptType::get(ctx, elt) : nullptr;
  }
  case onnx::TypeProto::kMapType:
    error = "map types (ai.onnx.ml) are not supported";
    return nullptr;
  case onnx::TypeProto::kSparseTensorType:
    error = "sparse tensor values are not supported";
    return nullptr;
  default:
    error = "type is unknown";
    return nullptr;
  }
}

bool convertToTypeProto(Type type, onnx::TypeProto &proto) {
  if (auto seq = dyn_cast<SeqType>(type))
    return convertToTypeProto(
        seq.getElementType(),
        *proto.mutable_sequence_type()->mutable_elem_type());
  if (auto opt = dyn_cast<OptType>(type))
    return convertToTypeProto(
        opt.getElementType(),
        *proto.mutable_optional_type()->mutable_elem_type());
  auto tensor = dyn_cast<TensorType>(type);
  if (!tensor)
    return false;
  int32_t dataType = getONNXDataType(tensor.getElementType());
  if (!dataType)
    return false;
  auto *tt = proto.mutable_tensor_type();
  tt->set_elem_type(dataType);
  if (auto ranked = dyn_cast<RankedTensorType>(tensor)) {
    auto *shape = tt->mutable_shape();
    for (int64_t d : ranked.getShape()) {
      auto *dim = shape->add_dim();
      if (!ShapedType::isDynamic(d))
        dim->set_dim_value(d);
    }
  }
  return true;
}

/// Number of typed-field entries one element takes (complex: 2).
static int64_t fieldsPerElement(int32_t dataType) {
  return dataType == TensorProto::COMPLEX64 ||
                 dataType == TensorProto::COMPLEX128
             ? 2
             : 1;
}

/// Copies a typed repeated field into raw little-endian bytes of `eltSize`.
template <typename Field>
static std::vector<char> typedFieldToRaw(const Field &field, int64_t eltSize,
                                         bool isFloat) {
  std::vector<char> raw(field.size() * eltSize);
  for (int i = 0; i < field.size(); ++i) {
    char *p = raw.data() + i * eltSize;
    if (isFloat && eltSize == 4) {
      float f = static_cast<float>(field.Get(i));
      std::memcpy(p, &f, 4);
    } else if (isFloat && eltSize == 8) {
      double d = static_cast<double>(field.Get(i));
      std::memcpy(p, &d, 8);
    } else {
      uint64_t v = static_cast<uint64_t>(field.Get(i));
      std::memcpy(p, &v, eltSize); // little-endian truncation
    }
  }
  return raw;
}

/// Size in bytes of one element of an ONNX data type; 0 if not fixed.
static int64_t dataTypeSize(int32_t dataType) {
  switch (dataType) {
  case TensorProto::BOOL:
  case TensorProto::INT8:
  case TensorProto::UINT8:
    return 1;
  case TensorProto::INT16:
  case TensorProto::UINT16:
  case TensorProto::FLOAT16:
  case TensorProto::BFLOAT16:
    return 2;
  case TensorProto::INT32:
  case TensorProto::UINT32:
  case TensorProto::FLOAT:
    return 4;
  case TensorProto::INT64:
  case TensorProto::UINT64:
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX64:
    return 8;
  case TensorProto::COMPLEX128:
    return 16;
  default:
    return 0;
  }
}

/// Number of entries the typed field of `tensor`'s data type holds.
static int64_t typedFieldSize(const TensorProto &tensor) {
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
  case TensorProto::COMPLEX64:
    return tensor.float_data_size();
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX128:
    return tensor.double_data_size();
  case TensorProto::INT64:
    return tensor.int64_data_size();
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    return tensor.uint64_data_size();
  case TensorProto::STRING:
    return tensor.string_data_size();
  default: // int32_data holds int8..int32, uint8/16, bool, float16, bfloat16
    return tensor.int32_data_size();
  }
}

bool getTensorDataSize(const TensorProto &tensor, int64_t &count,
                       int64_t &bytes, std::string &error) {
  if (tensor.data_type() == TensorProto::UNDEFINED ||
      !TensorProto::DataType_IsValid(tensor.data_type()) ||
      (tensor.data_type() != TensorProto::STRING &&
       !dataTypeSize(tensor.data_type()))) {
    error =
        "unsupported tensor data type " + std::to_string(tensor.data_type());
    return false;
  }
  count = 1;
  for (int64_t d : tensor.dims()) {
    if (d < 0) {
      error = "negative dimension " + std::to_string(d);
      return false;
    }
    if (d != 0 && count > std::numeric_limits<int64_t>::max() / d) {
      error = "dimensions overflow int64";
      return false;
    }
    count *= d;
  }
  bytes = 0;
  if (tensor.data_type() == TensorProto::STRING)
    return true;
  int64_t eltSize = dataTypeSize(tensor.data_type());
  if (count > std::numeric_limits<int64_t>::max() / eltSize) {
    error = "tensor size overflows int64";
    return false;
  }
  bytes = count * eltSize;
  return true;
}

bool validateTensorProto(const TensorProto &tensor, std::string &error) {
  int64_t count = 0, bytes = 0;
  if (!getTensorDataSize(tensor, count, bytes, error))
    return false;
  if (tensor.has_data_location() &&
      tensor.data_location() == TensorProto::EXTERNAL)
    return true; // sizes are checked once the data is loaded
  if (tensor.data_type() == TensorProto::STRING) {
    if (tensor.string_data_size() != count) {
      error = "expects " + std::to_string(count) + " strings, got " +
              std::to_string(tensor.string_data_size());
      return false;
    }
    return true;
  }
  if (tensor.has_raw_data()) {
    int64_t got = tensor.raw_data().size();
    if (got != bytes) {
      error = "raw_data expects " + std::to_string(bytes) + " bytes, got " +
              std::to_string(got);
      return false;
    }
    return true;
  }
  int64_t expected = count * fieldsPerElement(tensor.data_type());
  if (typedFieldSize(tensor) != expected) {
    error = "expects " + std::to_string(expected) + " values, got " +
            std::to_string(typedFieldSize(tensor));
    return false;
  }
  return true;
}

ElementsAttr convertTensorProto(MLIRContext *ctx, TensorProto &tensor,
                                StringRef nameHint, std::string &error) {
  if (tensor.has_data_location() &&
      tensor.data_location() == TensorProto::EXTERNAL) {
    error = "external data was not loaded";
    return nullptr;
  }
  if (!validateTensorProto(tensor, error))
    return nullptr;
  Type elt = convertDataType(ctx, tensor.data_type());
  SmallVector<int64_t> dims(tensor.dims().begin(), tensor.dims().end());
  auto type = RankedTensorType::get(dims, elt);
  int64_t count = type.getNumElements();

  if (isa<StringType>(elt)) {
    SmallVector<StringRef> strings(tensor.string_data().begin(),
                                   tensor.string_data().end());
    return DenseStringElementsAttr::get(type, strings);
  }

  if (tensor.has_raw_data()) {
    if (count > kInlineElementLimit) {
      std::unique_ptr<std::string> owned(tensor.release_raw_data());
      return makeResourceTensorAttr(type, nameHint, std::move(owned));
    }
    return makeTensorAttr(
        type,
        ArrayRef<char>(tensor.raw_data().data(), tensor.raw_data().size()),
        nameHint);
  }

  int64_t fieldSize =
      getElementByteSize(elt) / fieldsPerElement(tensor.data_type());
  std::vector<char> raw;
  switch (tensor.data_type()) {
  case TensorProto::FLOAT:
  case TensorProto::COMPLEX64:
    raw = typedFieldToRaw(tensor.float_data(), fieldSize, true);
    break;
  case TensorProto::DOUBLE:
  case TensorProto::COMPLEX128:
    raw = typedFieldToRaw(tensor.double_data(), fieldSize, true);
    break;
  case TensorProto::INT64:
    raw = typedFieldToRaw(tensor.int64_data(), fieldSize, false);
    break;
  case TensorProto::UINT32:
  case TensorProto::UINT64:
    raw = typedFieldToRaw(tensor.uint64_data(), fieldSize, false);
    break;
  default:
    raw = typedFieldToRaw(tensor.int32_data(), fieldSize, false);
    break;
  }
  return makeTensorAttr(type, raw, nameHint);
}

bool convertToTensorProto(ElementsAttr attr, TensorProto &proto) {
  auto type = dyn_cast<RankedTensorType>(attr.getType());
  if (!type || !type.hasStaticShape())
    return false;
  int32_t dataType = getONNXDataType(type.getElementType());
  if (!dataType)
    return false;
  proto.set_data_type(dataType);
  for (int64_t d : type.getShape())
    proto.add_dims(d);
  if (auto strings = dyn_cast<DenseStringElementsAttr>(attr)) {
    for (StringRef s : strings.getValues<StringRef>())
      proto.add_string_data(s.str());
    return true;
  }
  if (auto resource = dyn_cast<DenseResourceElementsAttr>(attr)) {
    AsmResourceBlob *blob = resource.getRawHandle().getBlob();
    if (!blob)
      return false;
    ArrayRef<char> data = blob->getData();
    proto.set_raw_data(data.data(), data.size());
    return true;
  }
  auto raw = getRawData(attr);
  if (!raw)
    return false;
  proto.set_raw_data(raw->data(), raw->size());
  return true;
}

/// Converts ONNX's sparse tensor (values + linear or coordinate indices).
static Attribute convertSparseTensor(MLIRContext *ctx,
                                     onnx::SparseTensorProto &sparse,
                                     std::string &error) {
  SmallVector<int64_t> dims(sparse.dims().begin(), sparse.dims().end());
  for (int64_t d : dims)
    if (d < 0) {
      error = "negative sparse dimension";
      return nullptr;
    }
  auto values =
      convertTensorProto(ctx, *sparse.mutable_values(), "sparse", error);
  if (!values)
    return nullptr;
  auto indices =
      convertTensorProto(ctx, *sparse.mutable_indices(), "indices", error);
  if (!indices)
    return nullptr;
  auto idx = getIntValues(indices);
  auto valuesType = cast<ShapedType>(values.getType());
  int64_t nnz = valuesType.getNumElements();
  int64_t rank = dims.size();
  if (!idx || (static_cast<int64_t>(idx->size()) != nnz &&
               static_cast<int64_t>(idx->size()) != nnz * rank)) {
    error = "sparse indices do not match the values";
    return nullptr;
  }
  std::vector<int64_t> coords;
  if (static_cast<int64_t>(idx->size()) == nnz && rank != 1) {
    for (int64_t linear : *idx)
      for (int64_t r = 0; r < rank; ++r) {
        int64_t stride = 1;
        for (int64_t k = r + 1; k < rank; ++k)
          stride *= dims[k];
        coords.push_back(
            stride ? (linear / stride) % std::max<int64_t>(dims[r], 1) : 0);
      }
  } else {
    coords = *idx;
  }
  auto i64 = IntegerType::get(ctx, 64);
  auto idxType = RankedTensorType::get({nnz, rank}, i64);
  auto idxAttr = DenseIntElementsAttr::get(idxType, ArrayRef<int64_t>(coords));
  auto denseValues = dyn_cast<DenseElementsAttr>(values);
  if (!denseValues) {
    auto raw = getRawData(values);
    if (!raw) {
      error = "unsupported sparse values";
      return nullptr;
    }
    denseValues = DenseElementsAttr::getFromRawBuffer(valuesType, *raw);
  }
  auto type = RankedTensorType::get(dims, valuesType.getElementType());
  return SparseElementsAttr::get(type, idxAttr, denseValues);
}

Attribute convertAttributeProto(MLIRContext *ctx, AttributeProto &attr,
                                StringRef nameHint, std::string &error) {
  Builder b(ctx);
  switch (attr.type()) {
  case AttributeProto::FLOAT:
    return b.getF32FloatAttr(attr.f());
  case AttributeProto::INT:
    return b.getI64IntegerAttr(attr.i());
  case AttributeProto::STRING:
    return b.getStringAttr(attr.s());
  case AttributeProto::TENSOR:
    return convertTensorProto(ctx, *attr.mutable_t(), nameHint, error);
  case AttributeProto::SPARSE_TENSOR:
    return convertSparseTensor(ctx, *attr.mutable_sparse_tensor(), error);
  case AttributeProto::FLOATS:
    return b.getDenseF32ArrayAttr(
        SmallVector<float>(attr.floats().begin(), attr.floats().end()));
  case AttributeProto::INTS:
    return b.getDenseI64ArrayAttr(
        SmallVector<int64_t>(attr.ints().begin(), attr.ints().end()));
  case AttributeProto::STRINGS: {
    SmallVector<Attribute> strings;
    for (const std::string &s : attr.strings())
      strings.push_back(b.getStringAttr(s));
    return b.getArrayAttr(strings);
  }
  case AttributeProto::TENSORS: {
    SmallVector<Attribute> tensors;
    for (auto &t : *attr.mutable_tensors()) {
      auto converted = convertTensorProto(ctx, t, nameHint, error);
      if (!converted)
        return nullptr;
      tensors.push_back(converted);
    }
    return b.getArrayAttr(tensors);
  }
  case AttributeProto::TYPE_PROTO: {
    Type type = convertTypeProto(ctx, attr.tp(), error);
    return type ? TypeAttr::get(type) : nullptr;
  }
  default:
    error = "attribute '" + attr.name() + "' has an unsupported kind (" +
            AttributeProto::AttributeType_Name(attr.type()) + ")";
    return nullptr;
  }
}

bool convertToAttributeProto(StringRef name, Attribute attr,
                             AttributeProto::AttributeType expected,
                             AttributeProto &proto) {
  proto.set_name(name.str());
  if (auto i = dyn_cast<IntegerAttr>(attr)) {
    proto.set_type(AttributeProto::INT);
    proto.set_i(i.getInt());
  } else if (auto f = dyn_cast<FloatAttr>(attr)) {
    proto.set_type(AttributeProto::FLOAT);
    proto.set_f(static_cast<float>(f.getValueAsDouble()));
  } else if (auto s = dyn_cast<StringAttr>(attr)) {
    proto.set_type(AttributeProto::STRING);
    proto.set_s(s.getValue().str());
  } else if (auto ints = dyn_cast<DenseI64ArrayAttr>(attr)) {
    proto.set_type(AttributeProto::INTS);
    for (int64_t v : ints.asArrayRef())
      proto.add_ints(v);
  } else if (auto floats = dyn_cast<DenseF32ArrayAttr>(attr)) {
    proto.set_type(AttributeProto::FLOATS);
    for (float v : floats.asArrayRef())
      proto.add_floats(v);
  } else if (auto sparse = dyn_cast<SparseElementsAttr>(attr)) {
    proto.set_type(AttributeProto::SPARSE_TENSOR);
    auto *sp = proto.mutable_sparse_tensor();
    for (int64_t d : sparse.getType().getShape())
      sp->add_dims(d);
    if (!convertToTensorProto(sparse.getValues(), *sp->mutable_values()) ||
        !convertToTensorProto(sparse.getIndices(), *sp->mutable_indices()))
      return false;
  } else if (auto tensor = dyn_cast<ElementsAttr>(attr)) {
    proto.set_type(AttributeProto::TENSOR);
    if (!convertToTensorProto(tensor, *proto.mutable_t()))
      return false;
  } else if (auto type = dyn_cast<TypeAttr>(attr)) {
    proto.set_type(AttributeProto::TYPE_PROTO);
    if (!convertToTypeProto(type.getValue(), *proto.mutable_tp()))
      return false;
  } else if (auto array = dyn_cast<ArrayAttr>(attr)) {
    bool tensors = expected == AttributeProto::TENSORS ||
                   (!array.empty() && isa<ElementsAttr>(array[0]));
    proto.set_type(tensors ? AttributeProto::TENSORS : AttributeProto::STRINGS);
    for (Attribute element : array) {
      if (auto s = dyn_cast<StringAttr>(element); s && !tensors) {
        proto.add_strings(s.getValue().str());
      } else if (auto t = dyn_cast<ElementsAttr>(element); t && tensors) {
        if (!convertToTensorProto(t, *proto.add_tensors()))
          return false;
      } else {
        return false;
      }
    }
  } else {
    return false;
  }
  return true;
}

} // namespace weft
