//===- Linker.cpp - An object file into a shared object -------------------===//

#include "weft/Target/CPU/CPUCodegen.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace weft {

/// The path of a library the host code calls, or "" with `error` naming it
/// and the option that asks for it.
static std::string requireLibrary(std::string path, StringRef what,
                                  StringRef option, std::string &error) {
  if (path.empty())
    error = ("the host code calls " + what + ", which is not installed (" +
             option + "=false compiles without it)")
                .str();
  return path;
}

FailureOr<std::string> linkSharedObject(StringRef object,
                                        const CPUCodegenOptions &options,
                                        std::string &error) {
  // Debian's lld-22 package installs ld.lld-22; a plain ld.lld works too.
  auto linker = llvm::sys::findProgramByName("ld.lld-22");
  if (!linker)
    linker = llvm::sys::findProgramByName("ld.lld");
  if (!linker) {
    error = "cannot find the linker ld.lld (install lld-22)";
    return failure();
  }
  llvm::SmallString<128> objectPath, libraryPath;
  if (llvm::sys::fs::createTemporaryFile("weft-host", "o", objectPath) ||
      llvm::sys::fs::createTemporaryFile("weft-host", "so", libraryPath)) {
    error = "cannot create temporary files for linking";
    return failure();
  }
  llvm::scope_exit cleanup([&] {
    llvm::sys::fs::remove(objectPath);
    llvm::sys::fs::remove(libraryPath);
  });
  {
    std::error_code ec;
    llvm::raw_fd_ostream out(objectPath, ec);
    if (ec) {
      error = "cannot write " + objectPath.str().str() + ": " + ec.message();
      return failure();
    }
    out << object;
  }
  std::string message;
  llvm::SmallVector<llvm::StringRef> args = {
      *linker, "-shared", "--gc-sections", "-o", libraryPath, objectPath};
  // Our kernels (members taken only where the code calls them), then
  // oneDNN, where the code calls it (recorded as needed only then).
  std::string kernels, oneDNN, openMP;
  if (options.oneDNN && options.packedWeights) {
    kernels = requireLibrary(findCPUKernelsLibrary(),
                             "Weft's packed GEMM (libweft_cpu_kernels.a)",
                             "packed-weights", error);
    if (kernels.empty())
      return failure();
    args.push_back(kernels);
  }
  if (options.oneDNN) {
    oneDNN = requireLibrary(findOneDNNLibrary(), "oneDNN (libdnnl.so.2)",
                            "onednn", error);
    if (oneDNN.empty())
      return failure();
    args.append({"--as-needed", oneDNN, "--no-as-needed"});
  }
  // LLVM's OpenMP runtime, where loops run on a team of threads.
  if (options.openMP) {
    openMP =
        requireLibrary(findOpenMPLibrary(),
                       "LLVM's OpenMP runtime (libomp.so.5)", "openmp", error);
    if (openMP.empty())
      return failure();
    args.append({"--as-needed", openMP, "--no-as-needed"});
  }
  int rc = llvm::sys::ExecuteAndWait(*linker, args, std::nullopt, {}, 120, 0,
                                     &message);
  if (rc != 0) {
    error = "linking the host code failed: " + message;
    return failure();
  }
  auto buffer = llvm::MemoryBuffer::getFile(libraryPath);
  if (!buffer) {
    error = "cannot read the linked host code";
    return failure();
  }
  return (*buffer)->getBuffer().str();
}

} // namespace weft
