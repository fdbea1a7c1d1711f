//===- Session.cpp - Running a compiled model -----------------------------===//

#include "weft/Runtime/Session/Session.h"
#include "Graph.h"
#include "HostTarget.h"

#include <atomic>
#include <cstdlib>
#include <dlfcn.h>
#include <fcntl.h>
#include <link.h>
#include <mutex>
#include <set>
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
  if (!manifest)
    return Status(StatusCode::DataLoss,
                  path + ": the artifact has no manifest");
  WEFT_RETURN_IF_ERROR(session->loadManifest(manifest->view(), path));
  // A model placed only on GPUs has no host code.
  bool needsHostCode = !session->graph || session->graph->needsHostCode();
  const auto *code = session->artifact->findSection(SectionKind::HostCode);
  if (needsHostCode && !code)
    return Status(StatusCode::DataLoss,
                  path + ": the artifact has no host code");
  // Host code runs only once its target is known to match this CPU.
  const auto *target = session->artifact->findSection(SectionKind::Target);
  if (code && !target)
    return Status(StatusCode::DataLoss,
                  path + ": the artifact has host code but no target section "
                         "(the CPU it was compiled for), so it is not run");
  if (target)
    WEFT_RETURN_IF_ERROR(checkHostTarget(target->view(), path));
  if (code)
    WEFT_RETURN_IF_ERROR(session->loadHostCode(*code, path));
  if (session->graph) {
    void *library = session->library;
    WEFT_RETURN_IF_ERROR(session->graph->load(
        *session->artifact, path, [library](const std::string &name) {
          return findOwnSymbol(library, name);
        }));
  }
  return session;
}

Session::~Session() {
  graph.reset(); // before the host code it calls goes
  for (void *arena : freeArenas)
    std::free(arena);
  if (library)
    dlclose(library);
  if (hostCodeFd >= 0)
    ::close(hostCodeFd);
}

void *Session::acquireArena() const {
  {
    std::lock_guard<std::mutex> lock(arenaMutex);
    if (!freeArenas.empty()) {
      void *arena = freeArenas.back();
      freeArenas.pop_back();
      return arena;
    }
  }
  void *arena = nullptr;
  if (posix_memalign(&arena, 64, (arenaBytes + 63) / 64 * 64) != 0)
    return nullptr;
  return arena;
}

void Session::releaseArena(void *arena) const {
  std::lock_guard<std::mutex> lock(arenaMutex);
  freeArenas.push_back(arena);
}

/// Reads "weft-manifest 1", "entry <name>", "arena <bytes>" (optional), and
/// one line per input and output: "<input|output> <name> <dtype>
/// <d0,d1,...|scalar>".
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
    if (kind == "chunk") {
      long long rows = 0;
      if (!(words >> rows) || rows < 1 || rows > (1ll << 30))
        return bad("bad chunk in '" + line + "'");
      chunkRows = rows;
      continue;
    }
    if (kind == "batch") {
      long long rows = 0;
      if (!(words >> rows) || rows < 1 || rows > (1ll << 30))
        return bad("bad batch in '" + line + "'");
      defaultBatch = rows;
      continue;
    }
    if (kind == "devices") {
      std::string list;
      words >> list;
      std::istringstream names(list);
      std::string name;
      while (std::getline(names, name, ','))
        if (!name.empty())
          compiledDevices.push_back(name);
      continue;
    }
    if (kind == "codegen") // what the host code was compiled to call
      continue;
    if (kind == "arena") {
      long long bytes = -1;
      if (!(words >> bytes) || bytes < 0 || bytes > (1ll << 40))
        return bad("bad arena size in '" + line + "'");
      arenaBytes = uint64_t(bytes);
      continue;
    }
    if (Graph::isGraphLine(kind)) {
      if (!graph)
        graph = std::make_unique<Graph>();
      std::string why = graph->parseLine(kind, words);
      if (!why.empty())
        return bad(why + " ('" + line + "')");
      continue;
    }
    if (kind != "input" && kind != "output")
      return bad("unknown line '" + line + "'");
    TensorSpec spec;
    std::string dtype, dims;
    if (!(words >> spec.name >> dtype >> dims) ||
        !parseDType(dtype, spec.dtype))
      return bad("malformed line '" + line + "'");
    int64_t elements = 1;
    if (dims != "scalar") {
      std::istringstream parts(dims);
      std::string part;
      while (std::getline(parts, part, ',')) {
        if (part == "?" && spec.shape.empty()) {
          spec.shape.push_back(kDynamicDim); // the batch
          continue;
        }
        char *end = nullptr;
        long long d = std::strtoll(part.c_str(), &end, 10);
        if (part.empty() || *end || d < 0 || d > (1ll << 40))
          return bad("bad dimension in '" + line + "'");
        spec.shape.push_back(d);
        // Sizes computed from the dims must not overflow.
        if (d > 0 && elements > (int64_t(1) << 40) / d)
          return bad("a tensor larger than 2^40 elements in '" + line + "'");
        elements *= d > 0 ? d : 1;
      }
    }
    (kind == "input" ? inputs : outputs).push_back(std::move(spec));
  }
  if (graph) {
    std::string why = graph->verify(inputs, outputs);
    if (!why.empty())
      return bad(why);
  } else if (entryName.empty()) {
    return bad("no entry point");
  }
  bool anyBatched = false, allBatched = true;
  for (const auto *list : {&inputs, &outputs})
    for (const TensorSpec &spec : *list) {
      anyBatched |= spec.hasDynamicBatch();
      allBatched &= spec.hasDynamicBatch();
    }
  if (anyBatched && !allBatched)
    return bad("a dynamic batch must be dim 0 of every input and output");
  return Status::ok();
}

namespace {

/// The shared objects loaded in the process, by name.
std::set<std::string> getLoadedObjects() {
  std::set<std::string> names;
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *data) {
        if (info->dlpi_name && *info->dlpi_name)
          static_cast<std::set<std::string> *>(data)->insert(info->dlpi_name);
        return 0;
      },
      &names);
  return names;
}

/// dlopen(path, flags), keeping loaded for good every library the load
/// brings in besides `path` itself. The host code's libraries start threads
/// that outlive a session (oneDNN's GNU OpenMP team waits in libgomp for the
/// next parallel region): unloading such a library with the host code would
/// leave those threads running code that is no longer mapped.
void *openKeepingDependencies(const std::string &path, int flags) {
  static std::mutex loading; // so that "brought in" means by this load
  std::lock_guard<std::mutex> lock(loading);
  std::set<std::string> before = getLoadedObjects();
  void *library = dlopen(path.c_str(), flags);
  if (!library)
    return nullptr;
  for (const std::string &name : getLoadedObjects())
    if (name != path && !before.count(name))
      dlopen(name.c_str(), RTLD_NOW | RTLD_NOLOAD | RTLD_NODELETE);
  return library;
}

/// Tells LLVM's OpenMP runtime, where `library` brought it in, that its
/// threads waiting for the next parallel region spin without yielding the
/// core unless the process runs more threads than there are cores
/// (KMP_USE_YIELD=2; its default yields every so often). With the default,
/// a two-thread team on two cores could spend its first tens of
/// milliseconds on one core, each thread yielding to the other at every
/// region, until the kernel's load balancer moved one: a process's first
/// few dozen inferences up to 2.3x slower. Once per process (at the first
/// host code that uses it), and not where the environment already says how
/// to yield.
void configureOpenMP(void *library) {
  static std::mutex mutex;
  static bool configured = false;
  std::lock_guard<std::mutex> lock(mutex);
  auto setDefaults = reinterpret_cast<void (*)(const char *)>(
      dlsym(library, "kmp_set_defaults"));
  if (configured || !setDefaults)
    return;
  configured = true;
  if (!std::getenv("KMP_USE_YIELD"))
    setDefaults("KMP_USE_YIELD=2");
}

} // namespace

/// The host code is a shared object inside the artifact: it is handed to
/// the dynamic loader through an anonymous file, never written to disk --
/// unless WEFT_HOST_CODE_DIR names a directory: then it is written there
/// (weft-host-<pid>-<n>.so, kept) and loaded from that file, where profilers
/// such as perf find its symbols.
Status Session::loadHostCode(const Artifact::Section &code,
                             const std::string &source) {
  static std::atomic<int> copies{0};
  const char *dir = std::getenv("WEFT_HOST_CODE_DIR");
  std::string copy = dir ? std::string(dir) + "/weft-host-" +
                               std::to_string(::getpid()) + "-" +
                               std::to_string(copies++) + ".so"
                         : std::string();
  int fd =
      dir ? ::open(copy.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644)
          : memfd_create("weft-host-code", MFD_CLOEXEC);
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
  std::string path = dir ? copy : "/proc/self/fd/" + std::to_string(fd);
  library = openKeepingDependencies(path, RTLD_NOW | RTLD_LOCAL);
  // The loader knows the code by this path: the descriptor stays open while
  // it is loaded, so no other session's code gets the same path (the loader
  // would hand back this library for it).
  if (library) {
    hostCodeFd = fd;
    configureOpenMP(library);
  } else {
    ::close(fd);
  }
  if (!library)
    return Status(StatusCode::Unsupported,
                  source +
                      ": the host code does not load here (compiled for "
                      "another machine?): " +
                      dlerror());
  if (entryName.empty()) // a graph's tasks name their entry points
    return Status::ok();
  entry =
      reinterpret_cast<void (*)(void **)>(findOwnSymbol(library, entryName));
  if (!entry)
    return Status(StatusCode::DataLoss,
                  source + ": the host code has no entry point '" + entryName +
                      "'");
  return checkDeclaredArena(
      [this](const std::string &name) { return findOwnSymbol(library, name); },
      entryName, arenaBytes, source);
}

namespace {

/// "input 'x': expected shape [..] f32, got [..] f32", or ok.
Status checkView(const char *role, const TensorSpec &spec,
                 const TensorView &view, int64_t chunkRows) {
  TensorSpec given{spec.name, view.dtype,
                   std::vector<int64_t>(view.shape, view.shape + view.rank)};
  std::vector<int64_t> expected = spec.shape;
  if (spec.hasDynamicBatch())
    expected[0] = chunkRows; // one chunk per call
  if (view.dtype != spec.dtype || given.shape != expected)
    return Status(StatusCode::InvalidArgument,
                  std::string(role) + " '" + spec.name + "': expected shape " +
                      spec.describe() + ", got " + given.describe());
  if (!view.data && spec.getElementCount() > 0)
    return Status(StatusCode::InvalidArgument,
                  std::string(role) + " '" + spec.name + "' has no data");
  return Status::ok();
}

TensorView viewOf(const Tensor &tensor) {
  return {tensor.getDType(), tensor.getShape().data(), tensor.getShape().size(),
          const_cast<void *>(tensor.data())};
}

} // namespace

Status Session::run(const std::map<std::string, Tensor> &feeds,
                    std::vector<Tensor> &results,
                    const RunOptions &options) const {
  std::vector<TensorView> inputViews;
  for (const TensorSpec &spec : inputs) {
    auto it = feeds.find(spec.name);
    if (it == feeds.end())
      return Status(StatusCode::InvalidArgument, "missing input '" + spec.name +
                                                     "' (" + spec.describe() +
                                                     ")");
    inputViews.push_back(viewOf(it->second));
  }
  for (const auto &[name, tensor] : feeds) {
    bool known = false;
    for (const TensorSpec &spec : inputs)
      known |= spec.name == name;
    if (!known) {
      std::string names;
      for (const TensorSpec &s : inputs)
        names += (names.empty() ? "" : ", ") + s.name;
      return Status(StatusCode::InvalidArgument,
                    "unknown input '" + name +
                        "' (the model's inputs: " + names + ")");
    }
  }
  int64_t batch = 1;
  if (hasDynamicBatch() && !inputViews.empty() && inputViews[0].rank > 0)
    batch = inputViews[0].shape[0];
  std::vector<Tensor> outputTensors;
  std::vector<TensorView> outputViews;
  outputTensors.reserve(outputs.size());
  for (const TensorSpec &spec :
       getOutputsForBatch(std::max<int64_t>(batch, 0))) {
    StatusOr<Tensor> tensor =
        Tensor::allocate(spec.dtype, spec.shape, "output '" + spec.name + "'");
    if (!tensor)
      return tensor.getStatus();
    outputTensors.push_back(std::move(*tensor));
    outputViews.push_back(viewOf(outputTensors.back()));
  }
  WEFT_RETURN_IF_ERROR(run(inputViews, outputViews, options));
  results = std::move(outputTensors);
  return Status::ok();
}

bool Session::hasDynamicBatch() const {
  return !inputs.empty() && inputs[0].hasDynamicBatch();
}

std::vector<TensorSpec> Session::getOutputsForBatch(int64_t batch) const {
  std::vector<TensorSpec> bound = outputs;
  for (TensorSpec &spec : bound)
    if (spec.hasDynamicBatch())
      spec.shape[0] = batch;
  return bound;
}

Status Session::run(const std::vector<TensorView> &inputViews,
                    const std::vector<TensorView> &outputViews,
                    const RunOptions &options) const {
  if (!hasDynamicBatch())
    return runOnce(inputViews, outputViews);
  if (inputViews.size() != inputs.size() ||
      outputViews.size() != outputs.size())
    return runOnce(inputViews, outputViews); // says what is wrong
  // The batch is the first input's dim 0; every input and output agrees.
  int64_t batch = inputViews.empty() || inputViews[0].rank == 0
                      ? -1
                      : inputViews[0].shape[0];
  std::vector<std::vector<int64_t>> sampleShapes;
  std::vector<TensorView> sampleIn, sampleOut;
  std::vector<size_t> sampleBytes;
  auto bind = [&](const char *role, const TensorSpec &spec,
                  const TensorView &view, std::vector<TensorView> &samples) {
    TensorSpec bound = spec;
    bound.shape[0] = batch;
    TensorSpec given{spec.name, view.dtype,
                     std::vector<int64_t>(view.shape, view.shape + view.rank)};
    if (batch < 0 || view.dtype != spec.dtype || given.shape != bound.shape)
      return Status(StatusCode::InvalidArgument,
                    std::string(role) + " '" + spec.name +
                        "': expected shape " + spec.describe() +
                        (batch >= 0 ? " (batch " + std::to_string(batch) + ")"
                                    : std::string()) +
                        ", got " + given.describe());
    sampleShapes.push_back(spec.shape);
    sampleShapes.back()[0] = chunkRows;
    TensorSpec sample{spec.name, spec.dtype, sampleShapes.back()};
    sampleBytes.push_back(size_t(sample.getElementCount()) *
                          getDTypeSize(spec.dtype));
    samples.push_back({view.dtype, nullptr, view.rank, view.data});
    if (!view.data && batch > 0 && sampleBytes.back() > 0)
      return Status(StatusCode::InvalidArgument,
                    std::string(role) + " '" + spec.name + "' has no data");
    return Status::ok();
  };
  if (batch >= 0 && batch % chunkRows != 0)
    return Status(StatusCode::InvalidArgument,
                  "a batch of " + std::to_string(batch) +
                      " does not split into the compiled chunks of " +
                      std::to_string(chunkRows) + " samples");
  int64_t chunks = batch < 0 ? 0 : batch / chunkRows;
  sampleShapes.reserve(inputs.size() + outputs.size());
  for (size_t i = 0; i < inputs.size(); ++i)
    WEFT_RETURN_IF_ERROR(bind("input", inputs[i], inputViews[i], sampleIn));
  for (size_t i = 0; i < outputs.size(); ++i)
    WEFT_RETURN_IF_ERROR(bind("output", outputs[i], outputViews[i], sampleOut));
  for (size_t i = 0; i < sampleIn.size(); ++i)
    sampleIn[i].shape = sampleShapes[i].data();
  for (size_t i = 0; i < sampleOut.size(); ++i)
    sampleOut[i].shape = sampleShapes[sampleIn.size() + i].data();
  // The compiled code handles one chunk of samples; each call reads and
  // writes the chunk's slice of every tensor (dim 0 is outermost, so it is
  // contiguous).
  auto sampleViews = [&](int64_t n) {
    std::pair<std::vector<TensorView>, std::vector<TensorView>> views = {
        sampleIn, sampleOut};
    for (size_t i = 0; i < sampleIn.size(); ++i)
      views.first[i].data =
          static_cast<uint8_t *>(sampleIn[i].data) + n * sampleBytes[i];
    for (size_t i = 0; i < sampleOut.size(); ++i)
      views.second[i].data = static_cast<uint8_t *>(sampleOut[i].data) +
                             n * sampleBytes[sampleIn.size() + i];
    return views;
  };
  if (!options.scheduler) {
    for (int64_t n = 0; n < chunks; ++n) {
      auto [in, out] = sampleViews(n);
      WEFT_RETURN_IF_ERROR(runOnce(in, out));
    }
    return Status::ok();
  }
  // Each chunk is a task; the static plan deals them out round-robin, as
  // placement does for equal chunks. Their measured times are shared
  // ("sample"), so dynamic mode learns each device's speed as it goes.
  TaskGraph graph;
  std::vector<std::string> devices = options.scheduler->getDeviceNames();
  uint64_t outBytes = 0;
  for (size_t i = 0; i < sampleOut.size(); ++i)
    outBytes += sampleBytes[sampleIn.size() + i];
  for (int64_t n = 0; n < chunks; ++n) {
    Task task;
    task.name = "sample";
    auto views = sampleViews(n);
    task.kernel = [this, views](Device &) {
      return runOnce(views.first, views.second);
    };
    task.predictedUs[""] = 1000;
    task.staticDevice = devices.empty() ? "" : devices[n % devices.size()];
    task.staticOrder = n;
    task.outputBytes = outBytes;
    graph.tasks.push_back(std::move(task));
  }
  return options.scheduler->run(graph, options.mode, options.stats);
}

Status Session::runOnce(const std::vector<TensorView> &inputViews,
                        const std::vector<TensorView> &outputViews) const {
  if (inputViews.size() != inputs.size() ||
      outputViews.size() != outputs.size())
    return Status(StatusCode::InvalidArgument,
                  "the model takes " + std::to_string(inputs.size()) +
                      " inputs and " + std::to_string(outputs.size()) +
                      " outputs, got " + std::to_string(inputViews.size()) +
                      " and " + std::to_string(outputViews.size()));
  std::vector<std::vector<int64_t>> descriptors;
  for (size_t i = 0; i < inputs.size(); ++i) {
    WEFT_RETURN_IF_ERROR(
        checkView("input", inputs[i], inputViews[i], chunkRows));
    descriptors.push_back(describeMemRef(
        inputViews[i].data, inputViews[i].shape, inputViews[i].rank));
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    WEFT_RETURN_IF_ERROR(
        checkView("output", outputs[i], outputViews[i], chunkRows));
    descriptors.push_back(describeMemRef(
        outputViews[i].data, outputViews[i].shape, outputViews[i].rank));
  }
  if (graph)
    return graph->run(inputViews, outputViews);
  void *arena = nullptr;
  if (arenaBytes > 0) {
    arena = acquireArena();
    if (!arena)
      return Status(StatusCode::Internal, "out of memory for the model's " +
                                              std::to_string(arenaBytes) +
                                              "-byte arena");
    int64_t size = int64_t(arenaBytes);
    descriptors.push_back(describeMemRef(arena, &size, 1));
  }
  std::vector<void *> args;
  for (auto &d : descriptors)
    args.push_back(d.data());
  entry(args.data());
  if (arena)
    releaseArena(arena);
  return Status::ok();
}

} // namespace weft::runtime
