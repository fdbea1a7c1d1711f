//===- Expectations.h - Expected-failure lists of the conformance runners -===//
//
// A checked-in list of the backend tests a runner is expected to fail, one
// "<suite>/<test> # reason" per line ('#' lines are comments). Runners report
// a listed test that passes as a failure, so the list stays true.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TEST_CONFORMANCE_EXPECTATIONS_H
#define WEFT_TEST_CONFORMANCE_EXPECTATIONS_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/MemoryBuffer.h"

#include <map>
#include <string>

namespace weft::conformance {

/// Reads the list at `path`: test key -> reason. Empty if there is none.
inline std::map<std::string, std::string>
readExpectations(const std::string &path) {
  std::map<std::string, std::string> expected;
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return expected;
  llvm::SmallVector<llvm::StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (llvm::StringRef line : lines) {
    line = line.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    auto [name, reason] = line.split('#');
    expected[name.trim().str()] = reason.trim().str();
  }
  return expected;
}

} // namespace weft::conformance

#endif // WEFT_TEST_CONFORMANCE_EXPECTATIONS_H
