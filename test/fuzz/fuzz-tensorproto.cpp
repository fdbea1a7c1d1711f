//===- fuzz-tensorproto.cpp - The TensorProto reader on any bytes ---------===//

#include "FuzzFile.h"
#include "weft/Runtime/Tooling/TensorFiles.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto tensor =
      weft::runtime::readTensorProto(weft::fuzz::writeFuzzFile(data, size));
  if (tensor && tensor->getByteSize() > 0) {
    volatile uint8_t last =
        static_cast<const uint8_t *>(tensor->data())[tensor->getByteSize() - 1];
    (void)last;
  }
  return 0;
}
