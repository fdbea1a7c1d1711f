//===- CompileCache.cpp - weft-run on .onnx files -------------------------===//

#include "CompileCache.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/Base/File.h"

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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

/// Cache entries list a handful of files.
constexpr uint64_t kMaxDepsBytes = uint64_t(1) << 20;

/// What a file holds, as its size and CRC-32C, read in pieces.
StatusOr<std::string> fingerprint(const std::string &path, const char *what) {
  StatusOr<InputFile> file = InputFile::open(path, what);
  if (!file)
    return file.getStatus();
  std::vector<char> buffer(size_t(1) << 20);
  uint32_t crc = 0;
  uint64_t total = 0;
  while (true) {
    StatusOr<size_t> got = file->read(buffer.data(), buffer.size());
    if (!got)
      return got.getStatus();
    if (*got == 0)
      break;
    crc = crc32c(buffer.data(), *got, crc);
    total += *got;
  }
  char text[48];
  std::snprintf(text, sizeof(text), "%08x-%llx", crc,
                (unsigned long long)total);
  return std::string(text);
}

/// Whether every file a cache entry was compiled from (its .deps file: a
/// fingerprint and a path per line) still holds what it held then.
bool dependenciesUnchanged(const std::string &deps) {
  StatusOr<std::string> text =
      readFile(deps, kMaxDepsBytes, "a cache entry's dependencies");
  if (!text)
    return false;
  size_t at = 0;
  while (at < text->size()) {
    size_t end = text->find('\n', at);
    std::string line = text->substr(at, end - at);
    at = end == std::string::npos ? text->size() : end + 1;
    size_t tab = line.find('\t');
    if (tab == std::string::npos)
      return false;
    StatusOr<std::string> now = fingerprint(line.substr(tab + 1), "a file");
    if (!now || *now != line.substr(0, tab))
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
  StatusOr<std::string> modelPrint = fingerprint(path, "the model");
  if (!modelPrint)
    return modelPrint.getStatus();
  std::string compiler = getExecutableDir(argv0) + "/weft-compile";
  struct stat compilerStat;
  if (stat(compiler.c_str(), &compilerStat) != 0)
    return Status(StatusCode::Unsupported,
                  path +
                      ": running an .onnx model needs weft-compile, which "
                      "this installation does not have (" +
                      compiler + "); compile it elsewhere and run the .weft");
  // The key: the model's bytes and the compiler's identity. The external
  // data the model reads is checked against the entry's .deps file.
  std::string identity = *modelPrint + ":" +
                         std::to_string(compilerStat.st_size) + ":" +
                         std::to_string(compilerStat.st_mtime);
  char key[32];
  std::snprintf(key, sizeof(key), "%08x",
                crc32c(identity.data(), identity.size()));
  std::string stem = path.substr(path.rfind('/') + 1);
  stem = stem.substr(0, stem.size() - 5);
  std::string dir = getCacheDir();
  std::string artifact = dir + "/" + stem + "-" + key + ".weft";
  std::string deps = artifact + ".deps";
  struct stat cached;
  if (stat(artifact.c_str(), &cached) == 0 && dependenciesUnchanged(deps))
    return artifact;
  if (!makeDirs(dir))
    return Status(StatusCode::Internal,
                  "cannot create the cache folder " + dir);
  std::fprintf(stderr, "weft-run: compiling %s into %s\n", path.c_str(),
               artifact.c_str());
  std::string depfile = deps + ".paths";
  std::vector<std::string> args = {compiler, path,        "-o",
                                   artifact, "--depfile", depfile};
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
  // Each external-data file with what it held when compiled.
  StatusOr<std::string> paths =
      readFile(depfile, kMaxDepsBytes, "the compile's dependency list");
  ::unlink(depfile.c_str());
  if (!paths)
    return paths.getStatus();
  std::string entries;
  size_t at = 0;
  while (at < paths->size()) {
    size_t end = paths->find('\n', at);
    std::string dependency = paths->substr(at, end - at);
    at = end == std::string::npos ? paths->size() : end + 1;
    StatusOr<std::string> print = fingerprint(dependency, "external data");
    if (!print)
      return print.getStatus();
    entries += *print + "\t" + dependency + "\n";
  }
  WEFT_RETURN_IF_ERROR(writeFile(deps, entries));
  return artifact;
}

} // namespace weft::runtime
