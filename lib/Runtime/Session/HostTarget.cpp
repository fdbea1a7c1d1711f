//===- HostTarget.cpp - Can this machine run the artifact's host code? ----===//
//
// The artifact's target section names the triple and the instruction-set
// extensions the host code uses ("triple x86_64-pc-linux-gnu", "cpu znver4",
// "requires avx2,fma,avx512f"). Loading code built for features the CPU lacks
// would end in SIGILL mid-run; this turns it into an error before anything
// is loaded.
//
//===----------------------------------------------------------------------===//

#include "HostTarget.h"

#include <dlfcn.h>
#include <link.h>

#include <sstream>

namespace weft::runtime {
namespace {

/// Whether this CPU has `feature`; `known` is false for names this runtime
/// cannot test.
bool hostHasFeature(const std::string &feature, bool &known) {
  known = true;
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
  __builtin_cpu_init();
#define WEFT_FEATURE(name)                                                     \
  if (feature == name)                                                         \
    return __builtin_cpu_supports(name);
  WEFT_FEATURE("sse4.2")
  WEFT_FEATURE("avx")
  WEFT_FEATURE("avx2")
  WEFT_FEATURE("fma")
  WEFT_FEATURE("bmi")
  WEFT_FEATURE("bmi2")
  WEFT_FEATURE("avx512f")
  WEFT_FEATURE("avx512bw")
  WEFT_FEATURE("avx512cd")
  WEFT_FEATURE("avx512dq")
  WEFT_FEATURE("avx512vl")
  WEFT_FEATURE("avx512vnni")
  WEFT_FEATURE("avx512bf16")
#undef WEFT_FEATURE
  if (feature == "f16c") // not testable by name everywhere; implied by avx2
    return __builtin_cpu_supports("avx2");
#endif
  known = false;
  return false;
}

/// The architecture this runtime was built for, as triples begin.
const char *getHostArchitecture() {
#if defined(__x86_64__)
  return "x86_64";
#elif defined(__aarch64__)
  return "aarch64";
#else
  return "unknown";
#endif
}

} // namespace

Status checkHostTarget(std::string_view target, const std::string &source) {
  std::istringstream lines{std::string(target)};
  std::string line;
  bool hasTriple = false;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string key, value;
    words >> key >> value;
    if (key == "triple") {
      hasTriple = true;
      std::string arch = value.substr(0, value.find('-'));
      if (arch != getHostArchitecture())
        return Status(StatusCode::Unsupported,
                      source + ": compiled for " + value +
                          ", this machine is " + getHostArchitecture());
    } else if (key == "requires") {
      std::istringstream features(value);
      std::string feature;
      while (std::getline(features, feature, ',')) {
        bool known = false;
        if (feature.empty() || hostHasFeature(feature, known))
          continue;
        return Status(StatusCode::Unsupported,
                      source + ": compiled for a CPU with " + feature +
                          (known ? ", which this CPU lacks"
                                 : ", which this runtime cannot test for") +
                          "; compile the model on (or for) this machine");
      }
    }
  }
  if (!hasTriple)
    return Status(StatusCode::DataLoss,
                  source + ": the target section names no triple");
  return Status::ok();
}

void *findOwnSymbol(void *library, const std::string &name) {
  if (!library)
    return nullptr;
  void *symbol = dlsym(library, name.c_str());
  link_map *own = nullptr, *found = nullptr;
  Dl_info info;
  if (!symbol || dlinfo(library, RTLD_DI_LINKMAP, &own) != 0 ||
      !dladdr1(symbol, &info, reinterpret_cast<void **>(&found),
               RTLD_DL_LINKMAP) ||
      found != own)
    return nullptr;
  return symbol;
}

Status checkDeclaredArena(const HostSymbolLookup &lookup,
                          const std::string &entry, uint64_t arenaBytes,
                          const std::string &source) {
  const auto *declared =
      static_cast<const int64_t *>(lookup(entry + "_arena_bytes"));
  if (!declared)
    return Status(StatusCode::DataLoss,
                  source + ": the host code does not declare the arena " +
                      entry +
                      " needs (compiled by an older weft-compile? compile "
                      "it again)");
  if (*declared < 0 || uint64_t(*declared) > arenaBytes)
    return Status(StatusCode::DataLoss,
                  source + ": the manifest gives " + entry + " an arena of " +
                      std::to_string(arenaBytes) + " bytes; its code needs " +
                      std::to_string(*declared));
  return Status::ok();
}

} // namespace weft::runtime
