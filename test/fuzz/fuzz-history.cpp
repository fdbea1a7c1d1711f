//===- fuzz-history.cpp - The performance history reader on any bytes -----===//
//
// What loads is saved and loaded again: the two must agree.
//
//===----------------------------------------------------------------------===//

#include "FuzzFile.h"
#include "weft/Runtime/Scheduler/Scheduler.h"

#include <cstdio>
#include <cstdlib>
#include <unistd.h>

using namespace weft::runtime;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  PerformanceHistory history;
  if (!history.load(weft::fuzz::writeFuzzFile(data, size)))
    return 0;
  static const std::string saved =
      "/tmp/weft-fuzz-history-" + std::to_string(getpid());
  if (!history.save(saved))
    std::abort();
  PerformanceHistory again;
  if (!again.load(saved))
    std::abort(); // a saved history must load
  std::remove(saved.c_str());
  return 0;
}
