//===- FuzzFile.h - Fuzzer input as a file the readers open ----*- C++ -*-===//
//
// Weft's readers take paths (they must refuse directories, FIFOs and
// devices, and read with limits). A fuzz target hands them its input as an
// anonymous file, rewritten each run: no disk, no leftovers.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_TEST_FUZZ_FUZZFILE_H
#define WEFT_TEST_FUZZ_FUZZFILE_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <sys/mman.h>
#include <unistd.h>

namespace weft::fuzz {

/// The path of an anonymous file holding exactly `size` bytes of `data`.
inline std::string writeFuzzFile(const uint8_t *data, size_t size) {
  static int fd = memfd_create("weft-fuzz-input", 0);
  if (fd < 0 || ftruncate(fd, 0) != 0 ||
      (size && pwrite(fd, data, size, 0) != ssize_t(size)))
    std::abort(); // the harness, not the code under test, failed
  return "/proc/self/fd/" + std::to_string(fd);
}

} // namespace weft::fuzz

#endif // WEFT_TEST_FUZZ_FUZZFILE_H
