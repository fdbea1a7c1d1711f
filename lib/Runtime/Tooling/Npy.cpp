//===- Npy.cpp - numpy .npy files -----------------------------------------===//

#include "weft/Runtime/Tooling/TensorFiles.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
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

StatusOr<Tensor> readNpy(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status(StatusCode::NotFound, path + ": cannot open");
  char magic[8];
  if (!in.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0)
    return Status(StatusCode::InvalidArgument, path + ": not a .npy file");
  uint32_t headerLength = 0;
  unsigned char lengthBytes[4] = {0, 0, 0, 0};
  int lengthSize = magic[6] == 1 ? 2 : 4;
  in.read(reinterpret_cast<char *>(lengthBytes), lengthSize);
  for (int i = 0; i < lengthSize; ++i)
    headerLength |= uint32_t(lengthBytes[i]) << (8 * i);
  if (!in || headerLength > 65536)
    return Status(StatusCode::InvalidArgument, path + ": bad .npy header");
  std::string header(headerLength, '\0');
  in.read(header.data(), headerLength);
  auto field = [&](const std::string &key) {
    size_t at = header.find("'" + key + "'");
    return at == std::string::npos ? std::string()
                                   : header.substr(at + key.size() + 3);
  };
  std::string descr = field("descr"), order = field("fortran_order"),
              shapeText = field("shape");
  if (descr.empty() || order.empty() || shapeText.empty())
    return Status(StatusCode::InvalidArgument,
                  path +
                      ": bad .npy header (no descr, fortran_order or shape)");
  if (order.rfind("False", 0) != 0 && order.rfind(" False", 0) != 0)
    return Status(StatusCode::Unsupported,
                  path + ": Fortran order is not supported");
  DType dtype = DType::F32;
  bool found = false;
  for (DType t :
       {DType::F32, DType::F64, DType::F16, DType::I64, DType::I32, DType::I16,
        DType::I8, DType::U64, DType::U32, DType::U16, DType::U8, DType::Bool})
    if (descr.find(descrOf(t)) != std::string::npos) {
      dtype = t;
      found = true;
      break;
    }
  if (!found)
    return Status(StatusCode::Unsupported,
                  path + ": unsupported element type " + descr.substr(0, 8));
  std::vector<int64_t> shape;
  size_t open = shapeText.find('('), close = shapeText.find(')');
  if (open == std::string::npos || close == std::string::npos)
    return Status(StatusCode::InvalidArgument, path + ": bad shape in header");
  std::istringstream dims(shapeText.substr(open + 1, close - open - 1));
  std::string dim;
  int64_t elements = 1;
  while (std::getline(dims, dim, ',')) {
    if (dim.find_first_not_of(" ") == std::string::npos)
      continue;
    char *end = nullptr;
    long long d = std::strtoll(dim.c_str(), &end, 10);
    while (end && *end == ' ')
      ++end;
    if (!end || *end || d < 0 || d > (1ll << 40) ||
        (d > 0 && elements > (1ll << 40) / d))
      return Status(StatusCode::InvalidArgument,
                    path + ": bad dimension '" + dim + "' in the header");
    elements *= d;
    shape.push_back(d);
  }
  // The data must be there before anything that large is allocated.
  std::streampos dataStart = in.tellg();
  in.seekg(0, std::ios::end);
  std::streamoff available = in.tellg() - dataStart;
  in.seekg(dataStart);
  if (elements * int64_t(getDTypeSize(dtype)) > available)
    return Status(StatusCode::DataLoss,
                  path + ": the data is shorter than the shape says");
  Tensor tensor(dtype, shape);
  in.read(static_cast<char *>(tensor.data()), tensor.getByteSize());
  if (!in)
    return Status(StatusCode::DataLoss,
                  path + ": the data is shorter than the shape says");
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
  std::ofstream out(path, std::ios::binary);
  out.write("\x93NUMPY\x01\x00", 8);
  uint16_t length = uint16_t(header.size());
  char lengthBytes[2] = {char(length & 0xff), char(length >> 8)};
  out.write(lengthBytes, 2);
  out << header;
  out.write(static_cast<const char *>(tensor.data()), tensor.getByteSize());
  if (!out)
    return Status(StatusCode::InvalidArgument, path + ": cannot write");
  return Status::ok();
}

} // namespace weft::runtime
