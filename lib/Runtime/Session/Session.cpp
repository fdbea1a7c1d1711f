//===- Session.cpp - Running a compiled model
//------------------------------===//

#include "weft/Runtime/Session/Session.h"

#include <dlfcn.h>
#include <sstream>
#include <sys/mman.h>
#include <unistd.h>

namespace weft::runtime {

using format::SectionKind;

StatusOr<std::unique_ptr<Session>> Session::create(const std::string &path) {
  auto artifact = Artifact::open(path);
  if (!artifact)
    return artifact.getStatus();
  std::unique_ptr<Session> session(new Session());
  session->artifact = std::move(*artifact);
  const auto *manifest = session->artifact->findSection(SectionKind::Manifest);
  const auto *code = session->artifact->findSection(SectionKind::HostCode);
  if (!manifest || !code)
    return Status(StatusCode::DataLoss,
                  path + ": the artifact has no manifest or no host code");
  WEFT_RETURN_IF_ERROR(session->loadManifest(manifest->view(), path));
  WEFT_RETURN_IF_ERROR(session->loadHostCode(*code, path));
  return session;
}

Session::~Session() {
  if (library)
    dlclose(library);
}

/// Reads "weft-manifest 1", "entry <name>", and one line per input and
/// output: "<input|output> <name> <dtype> <d0,d1,...|scalar>".
Status Session::loadManifest(std::string_view text, const std::string &source) {
  std::istringstream lines{std::string(text)};
  std::string line;
  auto bad = [&](const std::string &why) {
    return Status(StatusCode::DataLoss, source + ": bad manifest: " + why);
  };
  if (!std::getline(lines, line) || line != "weft-manifest 1")
    return bad("unknown manifest version ('" + line + "')");
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string kind;
    words >> kind;
    if (kind == "entry") {
      words >> entryName;
      continue;
    }
    if (kind != "input" && kind != "output")
      return bad("unknown line '" + line + "'");
    TensorSpec spec;
    std::string dtype, dims;
    if (!(words >> spec.name >> dtype >> dims) ||
        !parseDType(dtype, spec.dtype))
      return bad("malformed line '" + line + "'");
    if (dims != "scalar") {
      std::istringstream parts(dims);
      std::string part;
      while (std::getline(parts, part, ',')) {
        char *end = nullptr;
        long long d = std::strtoll(part.c_str(), &end, 10);
        if (part.empty() || *end || d < 0 || d > (1ll << 40))
          return bad("bad dimension in '" + line + "'");
        spec.shape.push_back(d);
      }
    }
    (kind == "input" ? inputs : outputs).push_back(std::move(spec));
  }
  if (entryName.empty())
    return bad("no entry point");
  return Status::ok();
}

/// The host code is a shared object inside the artifact: it is handed to
/// the dynamic loader through an anonymous file, never written to disk.
Status Session::loadHostCode(const Artifact::Section &code,
                             const std::string &source) {
  int fd = memfd_create("weft-host-code", MFD_CLOEXEC);
  if (fd < 0)
    return Status(StatusCode::Internal, source + ": cannot load the host code");
  size_t written = 0;
  while (written < code.size) {
    ssize_t n = ::write(fd, code.data + written, code.size - written);
    if (n <= 0) {
      ::close(fd);
      return Status(StatusCode::Internal,
                    source + ": cannot load the host code");
    }
    written += size_t(n);
  }
  std::string path = "/proc/self/fd/" + std::to_string(fd);
  library = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  ::close(fd);
  if (!library)
    return Status(StatusCode::Unsupported,
                  source +
                      ": the host code does not load here (compiled for "
                      "another machine?): " +
                      dlerror());
  entry =
      reinterpret_cast<void (*)(void **)>(dlsym(library, entryName.c_str()));
  if (!entry)
    return Status(StatusCode::DataLoss,
                  source + ": the host code has no entry point '" + entryName +
                      "'");
  return Status::ok();
}

namespace {

/// A memref descriptor {allocated, aligned, offset, sizes[r], strides[r]}
/// over a contiguous tensor, as 8-byte words.
std::vector<int64_t> describe(const Tensor &tensor) {
  const auto &shape = tensor.getShape();
  std::vector<int64_t> words(3 + 2 * shape.size());
  auto pointer = reinterpret_cast<int64_t>(tensor.data());
  words[0] = pointer;
  words[1] = pointer;
  words[2] = 0;
  int64_t stride = 1;
  for (size_t i = shape.size(); i-- > 0;) {
    words[3 + i] = shape[i];
    words[3 + shape.size() + i] = stride;
    stride *= shape[i];
  }
  return words;
}

} // namespace

Status Session::run(const std::map<std::string, Tensor> &feeds,
                    std::vector<Tensor> &results) const {
  std::vector<const Tensor *> ordered;
  for (const TensorSpec &spec : inputs) {
    auto it = feeds.find(spec.name);
    if (it == feeds.end())
      return Status(StatusCode::InvalidArgument, "missing input '" + spec.name +
                                                     "' (" + spec.describe() +
                                                     ")");
    const Tensor &t = it->second;
    TensorSpec given{spec.name, t.getDType(), t.getShape()};
    if (t.getDType() != spec.dtype || t.getShape() != spec.shape)
      return Status(StatusCode::InvalidArgument,
                    "input '" + spec.name + "': expected shape " +
                        spec.describe() + ", got " + given.describe());
    ordered.push_back(&t);
  }
  for (const auto &[name, tensor] : feeds) {
    bool known = false;
    for (const TensorSpec &spec : inputs)
      known |= spec.name == name;
    if (!known)
      return Status(
          StatusCode::InvalidArgument,
          "unknown input '" + name + "' (the model's inputs: " +
              [&] {
                std::string names;
                for (const TensorSpec &s : inputs)
                  names += (names.empty() ? "" : ", ") + s.name;
                return names;
              }() +
              ")");
  }
  results.clear();
  for (const TensorSpec &spec : outputs)
    results.emplace_back(spec.dtype, spec.shape);
  std::vector<std::vector<int64_t>> descriptors;
  for (const Tensor *t : ordered)
    descriptors.push_back(describe(*t));
  for (const Tensor &t : results)
    descriptors.push_back(describe(t));
  std::vector<void *> args;
  for (auto &d : descriptors)
    args.push_back(d.data());
  entry(args.data());
  return Status::ok();
}

} // namespace weft::runtime
