//===- fuzz-devices.cpp - The device description parser on any text ------===//
//
// What parses is written back as JSON and must parse again.
//
//===----------------------------------------------------------------------===//

#include "weft/Analysis/DeviceModel.h"

#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string error;
  auto model = weft::DeviceModel::parse(
      llvm::StringRef(reinterpret_cast<const char *>(data), size), "fuzz",
      error);
  if (!model)
    return 0;
  if (!weft::DeviceModel::parse(model->toJSON(), "again", error))
    std::abort(); // a description written back must parse
  return 0;
}
