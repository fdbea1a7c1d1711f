//===- fuzz-manifest.cpp - Sessions on any manifest -----------------------===//
//
// The input is the manifest of an otherwise valid artifact (checksums
// right, no host code): Session::create parses it, checks the task graph
// and opens the devices it names. Host code is left out on purpose: loading
// arbitrary shared objects runs their constructors, which no check can make
// safe (docs/security.md).
//
//===----------------------------------------------------------------------===//

#include "FuzzFile.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/Session/Session.h"

using namespace weft::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ArtifactWriter writer;
  writer.addSection(format::SectionKind::Manifest,
                    std::string(reinterpret_cast<const char *>(data), size));
  std::string bytes = writer.serialize();
  std::string path = weft::fuzz::writeFuzzFile(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size());
  auto session = Session::create(path);
  if (session) {
    (void)(*session)->getInputs();
    (void)(*session)->getOutputs();
  }
  return 0;
}
