//===- RunInputs.cpp - A fuzz target run on given files, without libFuzzer ===//
//
// In builds without -DWEFT_FUZZ=ON each fuzz target links this main instead
// of libFuzzer's: it runs the target once on every file named (or every file
// in a folder named), so that make check replays the seeds and every crash
// ever found (corpus/<target>, regressions/<target>) in the normal build.
//
//===----------------------------------------------------------------------===//

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <dirent.h>
#include <fstream>
#include <iterator>
#include <string>
#include <sys/stat.h>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/// libFuzzer's mutator, which custom mutators call; never called here.
extern "C" size_t LLVMFuzzerMutate(uint8_t *, size_t size, size_t) {
  return size;
}

static int runFile(const std::string &path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "cannot read %s\n", path.c_str());
    return 1;
  }
  std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
  LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
  return 0;
}

int main(int argc, char **argv) {
  int ran = 0, failed = 0;
  for (int i = 1; i < argc; ++i) {
    struct stat st;
    if (stat(argv[i], &st) != 0) {
      // A target without regressions has no folder of them.
      std::printf("no %s\n", argv[i]);
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      DIR *dir = opendir(argv[i]);
      while (dirent *entry = dir ? readdir(dir) : nullptr) {
        std::string path = std::string(argv[i]) + "/" + entry->d_name;
        struct stat inner;
        if (entry->d_name[0] == '.' || stat(path.c_str(), &inner) != 0 ||
            !S_ISREG(inner.st_mode))
          continue;
        failed += runFile(path);
        ++ran;
      }
      if (dir)
        closedir(dir);
    } else {
      failed += runFile(argv[i]);
      ++ran;
    }
  }
  std::printf("ran %d inputs\n", ran);
  return failed ? 1 : 0;
}
