//===- fuzz-artifact.cpp - The artifact reader on any bytes ---------------===//
//
// Artifact::open verifies the header, the section table, alignment, overlap
// and every checksum; whatever it accepts is walked section by section.
//
//===----------------------------------------------------------------------===//

#include "FuzzFile.h"
#include "weft/Runtime/Artifact/Artifact.h"

using namespace weft::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  auto artifact = Artifact::open(weft::fuzz::writeFuzzFile(data, size));
  if (!artifact)
    return 0;
  volatile uint32_t sum = 0;
  for (uint32_t kind = 0; kind < 8; ++kind)
    if (const auto *section =
            (*artifact)->findSection(format::SectionKind(kind)))
      for (char c : section->view())
        sum = sum + uint8_t(c);
  return 0;
}
