//===- Npy.cpp - numpy .npy files -----------------------------------------===//

#include "weft/Runtime/Base/File.h"
#include "weft/Runtime/Tooling/TensorFiles.h"

#include <cerrno>
#include <optional>

#include <cstdlib>
#include <cstring>
#include <sstream>

namespace weft::runtime {
namespace {

const char *descrOf(DType type) {
  switch (type) {
  case DType::F32:
    return "<f4";
  case DType::F64:
    return "<f8";
  case DType::F16:
    return "<f2";
  case DType::I64:
    return "<i8";
  case DType::I32:
    return "<i4";
  case DType::I16:
    return "<i2";
  case DType::I8:
    return "|i1";
  case DType::U64:
    return "<u8";
  case DType::U32:
    return "<u4";
  case DType::U16:
    return "<u2";
  case DType::U8:
    return "|u1";
  case DType::Bool:
    return "|b1";
  case DType::BF16:
    return ""; // numpy has no bfloat16
  }
  return "";
}

} // namespace

/// The value of `key` in a .npy header dict, as the text it starts with.
std::string findHeaderField(const std::string &header, const std::string &key) {
  size_t at = header.find("'" + key + "'");
  if (at == std::string::npos)
    return "";
  at = header.find_first_not_of(" ", at + key.size() + 2);
  if (at == std::string::npos || header[at] != ':')
    return "";
  at = header.find_first_not_of(" ", at + 1);
  return at == std::string::npos ? "" : header.substr(at);
}

StatusOr<Tensor> readNpy(const std::string &path) {
  StatusOr<InputFile> file = InputFile::open(path, "a .npy file");
  if (!file)
    return file.getStatus();
  auto bad = [&](const std::string &why) {
    return Status(StatusCode::InvalidArgument, path + ": " + why);
  };
  unsigned char magic[8];
  StatusOr<size_t> got = file->read(magic, sizeof(magic));
  if (!got)
    return got.getStatus();
  if (*got != sizeof(magic) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    return bad("not a .npy file");
  if (magic[6] < 1 || magic[6] > 3)
    return Status(StatusCode::Unsupported,
                  path + ": .npy format version " + std::to_string(magic[6]) +
                      " is not supported (1 to 3 are)");
  unsigned char lengthBytes[4] = {0, 0, 0, 0};
  size_t lengthSize = magic[6] == 1 ? 2 : 4;
  WEFT_RETURN_IF_ERROR(
      file->readExactly(lengthBytes, lengthSize, "the .npy header"));
  uint32_t headerLength = 0;
  for (size_t i = 0; i < lengthSize; ++i)
    headerLength |= uint32_t(lengthBytes[i]) << (8 * i);
  if (headerLength > 65536)
    return bad("bad .npy header (longer than 64 KiB)");
  std::string header(headerLength, '\0');
  WEFT_RETURN_IF_ERROR(
      file->readExactly(header.data(), headerLength, "the .npy header"));
  std::string descrText = findHeaderField(header, "descr"),
              order = findHeaderField(header, "fortran_order"),
              shapeText = findHeaderField(header, "shape");
  if (descrText.empty() || order.empty() || shapeText.empty())
    return bad("bad .npy header (no descr, fortran_order or shape)");
  if (order.rfind("False", 0) != 0)
    return Status(StatusCode::Unsupported,
                  path + ": Fortran order is not supported");
  // The element type is one quoted type string; a list is a structured
  // array, which no model input is.
  char quote = descrText[0];
  size_t close = (quote == '\'' || quote == '"') ? descrText.find(quote, 1)
                                                 : std::string::npos;
  if (close == std::string::npos)
    return Status(
        StatusCode::Unsupported,
        path + ": structured arrays are not supported (descr " +
            descrText.substr(0, std::min<size_t>(descrText.find(']') + 1, 60)) +
            ")");
  std::string descr = descrText.substr(1, close - 1);
  std::optional<DType> dtype;
  for (DType t :
       {DType::F32, DType::F64, DType::F16, DType::I64, DType::I32, DType::I16,
        DType::I8, DType::U64, DType::U32, DType::U16, DType::U8, DType::Bool})
    if (descr == descrOf(t))
      dtype = t;
  if (!dtype)
    return Status(StatusCode::Unsupported,
                  path + ": unsupported element type '" + descr.substr(0, 16) +
                      "' (little-endian numbers and bool are)");
  std::vector<int64_t> shape;
  size_t open = shapeText.find('('), end = shapeText.find(')');
  if (open != 0 || end == std::string::npos)
    return bad("bad shape in the .npy header");
  std::istringstream dims(shapeText.substr(open + 1, end - open - 1));
  std::string dim;
  while (std::getline(dims, dim, ',')) {
    if (dim.find_first_not_of(" ") == std::string::npos)
      continue;
    char *stop = nullptr;
    errno = 0;
    long long d = std::strtoll(dim.c_str(), &stop, 10);
    while (stop && *stop == ' ')
      ++stop;
    if (errno || !stop || *stop || d < 0)
      return bad("bad dimension '" + dim + "' in the .npy header");
    shape.push_back(d);
  }
  // The size the shape says, checked against the file before anything that
  // large is allocated.
  uint64_t bytes = getDTypeSize(*dtype);
  for (int64_t d : shape) {
    if (d != 0 && bytes > (uint64_t(1) << 62) / uint64_t(d))
      return bad("the shape in the .npy header is too large");
    bytes *= uint64_t(d);
  }
  uint64_t dataStart = 8 + lengthSize + headerLength;
  if (std::optional<uint64_t> size = file->getSize();
      size && *size != dataStart + bytes)
    return Status(StatusCode::DataLoss,
                  path + ": the data is " +
                      (*size < dataStart + bytes ? "shorter" : "longer") +
                      " than the shape says (" + std::to_string(bytes) +
                      " bytes expected, " +
                      std::to_string(*size - std::min(*size, dataStart)) +
                      " found)");
  StatusOr<Tensor> tensor = Tensor::allocate(*dtype, shape, path);
  if (!tensor)
    return tensor.getStatus();
  WEFT_RETURN_IF_ERROR(file->readExactly(tensor->data(), tensor->getByteSize(),
                                         "the shape's data"));
  return tensor;
}

Status writeNpy(const std::string &path, const Tensor &tensor) {
  if (!*descrOf(tensor.getDType()))
    return Status(StatusCode::Unsupported,
                  path + ": numpy has no " + getDTypeName(tensor.getDType()) +
                      " type; write TensorProto files (--format pb)");
  std::string shape = "(";
  for (int64_t d : tensor.getShape())
    shape += std::to_string(d) + ",";
  if (tensor.getShape().size() > 1)
    shape.pop_back();
  shape += ")";
  std::string header = std::string("{'descr': '") + descrOf(tensor.getDType()) +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header += std::string((64 - total % 64) % 64, ' ') + "\n";
  uint16_t length = uint16_t(header.size());
  std::string bytes = std::string("\x93NUMPY\x01\x00", 8) +
                      char(length & 0xff) + char(length >> 8) + header;
  bytes.append(static_cast<const char *>(tensor.data()), tensor.getByteSize());
  return writeFile(path, bytes);
}

} // namespace weft::runtime
