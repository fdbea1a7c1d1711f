//===- CompileCache.cpp - weft-run on .onnx files -------------------------===//

#include "CompileCache.h"
#include "weft/Runtime/Artifact/Artifact.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace weft::runtime {
namespace {

/// The folder holding the running executable.
std::string getExecutableDir(const char *argv0) {
  char buffer[4096];
  ssize_t n = readlink("/proc/self/exe", buffer, sizeof(buffer) - 1);
  std::string path = n > 0 ? std::string(buffer, size_t(n)) : argv0;
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

std::string getCacheDir() {
  if (const char *dir = std::getenv("WEFT_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return std::string(xdg) + "/weft";
  const char *home = std::getenv("HOME");
  return std::string(home && *home ? home : "/tmp") + "/.cache/weft";
}

/// mkdir -p.
bool makeDirs(const std::string &path) {
  for (size_t at = 1; at <= path.size(); ++at)
    if (at == path.size() || path[at] == '/') {
      std::string prefix = path.substr(0, at);
      if (mkdir(prefix.c_str(), 0755) != 0 && errno != EEXIST)
        return false;
    }
  return true;
}

} // namespace

bool isONNXModel(const std::string &path) {
  return path.size() > 5 && path.compare(path.size() - 5, 5, ".onnx") == 0;
}

StatusOr<std::string> compileToCache(const std::string &path,
                                     const char *argv0) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return Status(StatusCode::NotFound, path + ": cannot open");
  std::string bytes((std::istreambuf_iterator<char>(in)),
                    std::istreambuf_iterator<char>());
  std::string compiler = getExecutableDir(argv0) + "/weft-compile";
  struct stat compilerStat;
  if (stat(compiler.c_str(), &compilerStat) != 0)
    return Status(StatusCode::Unsupported,
                  path +
                      ": running an .onnx model needs weft-compile, which "
                      "this installation does not have (" +
                      compiler + "); compile it elsewhere and run the .weft");
  // The key: the model's bytes and the compiler's identity.
  uint32_t crc = crc32c(bytes.data(), bytes.size());
  std::string identity = std::to_string(compilerStat.st_size) + ":" +
                         std::to_string(compilerStat.st_mtime);
  crc = crc32c(identity.data(), identity.size(), crc);
  char key[32];
  std::snprintf(key, sizeof(key), "%08x-%zx", crc, bytes.size());
  std::string stem = path.substr(path.rfind('/') + 1);
  stem = stem.substr(0, stem.size() - 5);
  std::string dir = getCacheDir();
  std::string artifact = dir + "/" + stem + "-" + key + ".weft";
  struct stat cached;
  if (stat(artifact.c_str(), &cached) == 0)
    return artifact;
  if (!makeDirs(dir))
    return Status(StatusCode::Internal,
                  "cannot create the cache folder " + dir);
  std::fprintf(stderr, "weft-run: compiling %s into %s\n", path.c_str(),
               artifact.c_str());
  std::vector<std::string> args = {compiler, path, "-o", artifact};
  std::vector<char *> argvList;
  for (std::string &a : args)
    argvList.push_back(a.data());
  argvList.push_back(nullptr);
  pid_t pid;
  if (posix_spawn(&pid, compiler.c_str(), nullptr, nullptr, argvList.data(),
                  environ) != 0)
    return Status(StatusCode::Internal, "cannot start " + compiler);
  int status = 0;
  if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
      WEXITSTATUS(status) != 0)
    return Status(StatusCode::InvalidArgument,
                  path + ": compilation failed (weft-compile's message above)");
  return artifact;
}

} // namespace weft::runtime
