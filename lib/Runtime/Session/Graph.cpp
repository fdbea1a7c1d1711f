//===- Graph.cpp - A model placed on several devices ----------------------===//

#include "Graph.h"
#include "HostTarget.h"
#include "weft/Runtime/Base/File.h"

#include <cstdlib>
#include <cstring>
#include <iostream>
#include <iterator>
#include <mutex>
#include <set>

namespace weft::runtime {

using format::SectionKind;

std::vector<int64_t> describeMemRef(void *data, const int64_t *shape,
                                    size_t rank) {
  std::vector<int64_t> words(3 + 2 * rank);
  auto pointer = reinterpret_cast<int64_t>(data);
  words[0] = pointer;
  words[1] = pointer;
  words[2] = 0;
  int64_t stride = 1;
  for (size_t i = rank; i-- > 0;) {
    words[3 + i] = shape[i];
    words[3 + rank + i] = stride;
    stride *= shape[i];
  }
  return words;
}

namespace {

/// Parses "3,4,7" (or "-", none) into value ids below `count`.
bool parseIds(const std::string &text, size_t count, std::vector<int> &ids) {
  if (text == "-")
    return true;
  std::istringstream parts(text);
  std::string part;
  while (std::getline(parts, part, ',')) {
    char *end = nullptr;
    long id = std::strtol(part.c_str(), &end, 10);
    if (part.empty() || *end || id < 0 || size_t(id) >= count)
      return false;
    ids.push_back(int(id));
  }
  return !ids.empty();
}

} // namespace

bool Graph::isGraphLine(const std::string &kind) {
  return kind == "value" || kind == "bind" || kind == "task" ||
         kind == "transfer" || kind == "weights-file";
}

std::string Graph::parseLine(const std::string &kind,
                             std::istringstream &words) {
  if (kind == "value") {
    long long id = -1;
    std::string dtype, dims;
    Value value;
    if (!(words >> id >> dtype >> dims) || id != (long long)values.size() ||
        !parseDType(dtype, value.dtype))
      return "values must be numbered in order with a known type";
    int64_t count = 1;
    if (dims != "scalar") {
      std::istringstream parts(dims);
      std::string part;
      while (std::getline(parts, part, ',')) {
        char *end = nullptr;
        long long d = std::strtoll(part.c_str(), &end, 10);
        if (part.empty() || *end || d < 0 || d > (1ll << 40))
          return "bad dimension '" + part + "'";
        value.shape.push_back(d);
        count *= d;
        if (count > (1ll << 40))
          return "a value larger than 2^40 elements";
      }
    }
    value.bytes = size_t(count) * getDTypeSize(value.dtype);
    values.push_back(std::move(value));
    return "";
  }
  if (kind == "weights-file") {
    std::string checksum;
    long long bytes = -1;
    if (!(words >> weightsFile >> bytes >> checksum) || bytes < 0 ||
        bytes > (1ll << 40) || checksum.size() != 8 ||
        weightsFile.find('/') != std::string::npos || weightsFile == ".." ||
        weightsFile.empty())
      return "a weights file needs a plain file name, a size and a checksum";
    weightsFileBytes = uint64_t(bytes);
    weightsFileChecksum = uint32_t(std::strtoul(checksum.c_str(), nullptr, 16));
    return "";
  }
  if (kind == "bind") {
    std::string role;
    long long index = -1, id = -1;
    if (!(words >> role >> index >> id) ||
        (role != "input" && role != "output") || id < 0 ||
        size_t(id) >= values.size())
      return "a bind names an unknown value";
    auto &list = role == "input" ? inputValues : outputValues;
    if (index != (long long)list.size())
      return "binds must come in the order of the inputs and outputs";
    list.push_back(int(id));
    return "";
  }
  Step step;
  if (kind == "task") {
    std::string in, inIds, out, outIds, extra;
    if (!(words >> step.function >> step.device >> in >> inIds >> out >>
          outIds) ||
        in != "in" || out != "out" ||
        !parseIds(inIds, values.size(), step.inputs) ||
        !parseIds(outIds, values.size(), step.outputs))
      return "a task needs a function, a device and known values";
    if (words >> extra) {
      long long arena = -1;
      if (extra != "cpu" || !(words >> arena) || arena < 0 ||
          arena > (1ll << 40))
        return "a task's CPU code needs its arena size";
      step.hasHostCode = true;
      step.hostArenaBytes = uint64_t(arena);
    }
  } else { // transfer
    step.isTask = false;
    long long from = -1, to = -1;
    if (!(words >> from >> to >> step.from >> step.device) || from < 0 ||
        to < 0 || size_t(from) >= values.size() ||
        size_t(to) >= values.size() || values[from].bytes != values[to].bytes)
      return "a transfer needs two known values of one size and two devices";
    step.inputs = {int(from)};
    step.outputs = {int(to)};
  }
  steps.push_back(std::move(step));
  return "";
}

std::string Graph::verify(const std::vector<TensorSpec> &inputs,
                          const std::vector<TensorSpec> &outputs) const {
  if (inputValues.size() != inputs.size() ||
      outputValues.size() != outputs.size())
    return "every input and output needs one bind";
  auto same = [&](int id, const TensorSpec &spec) {
    return values[id].dtype == spec.dtype && values[id].shape == spec.shape;
  };
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!same(inputValues[i], inputs[i]))
      return "input '" + inputs[i].name + "' is bound to a different value";
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!same(outputValues[i], outputs[i]))
      return "output '" + outputs[i].name + "' is bound to a different value";
  // Every value is computed once, before it is read.
  std::vector<bool> ready(values.size(), false);
  for (int id : inputValues)
    ready[id] = true;
  for (const Step &step : steps) {
    for (int id : step.inputs)
      if (!ready[id])
        return "a step reads value " + std::to_string(id) +
               " before it is computed";
    for (int id : step.outputs) {
      if (ready[id])
        return "value " + std::to_string(id) + " is computed twice";
      ready[id] = true;
    }
  }
  for (int id : outputValues)
    if (!ready[id])
      return "output value " + std::to_string(id) + " is never computed";
  return "";
}

/// Writes "weft: <message>" on stderr the first time a process says
/// something about `device`, however many sessions load.
static void sayOnce(const std::string &device, const std::string &message) {
  static std::mutex mutex;
  static std::set<std::string> told;
  std::lock_guard<std::mutex> lock(mutex);
  if (told.insert(device).second)
    std::cerr << "weft: " << message << "\n";
}

bool Graph::needsHostCode() const {
  for (const Step &step : steps)
    if (step.hasHostCode)
      return true;
  return false;
}

Status Graph::load(const Artifact &artifact, const std::string &source,
                   const std::function<void *(const std::string &)> &lookup) {
  // The devices the tasks ask for, made by their drivers. A device that runs
  // host code runs its tasks' entry points here; one that is absent is
  // replaced by the CPU if every task placed on it has CPU code.
  std::set<std::string> onHost;
  for (Step &step : steps) {
    if (!step.isTask || devices.count(step.device) || onHost.count(step.device))
      continue;
    auto device = createDevice(step.device);
    if (device && (*device)->runsHostCode()) {
      onHost.insert(step.device);
      continue;
    }
    if (device) {
      devices[step.device] = std::move(*device);
      continue;
    }
    for (const Step &other : steps)
      if (other.isTask && other.device == step.device && !other.hasHostCode)
        return Status(
            device.getStatus().getCode(),
            source + ": the model needs " + step.device +
                ", which is not available: " + device.getStatus().getMessage() +
                " (compile with --variants all to run its tasks on "
                "the CPU where it is absent)");
    onHost.insert(step.device);
    sayOnce(step.device, step.device + " is not available (" +
                             device.getStatus().getMessage() +
                             "); its tasks run on their CPU code instead");
  }
  const auto *code = artifact.findSection(SectionKind::GpuCode);
  const auto *weights = artifact.findSection(SectionKind::Weights);
  std::string_view weightBytes = weights ? weights->view() : std::string_view();
  if (!weightsFile.empty() && !devices.empty()) {
    // Next to the artifact; its size and checksum must be the compiled ones.
    size_t slash = source.rfind('/');
    std::string path =
        (slash == std::string::npos ? std::string()
                                    : source.substr(0, slash + 1)) +
        weightsFile;
    // The size is checked before anything is read.
    externalWeights.clear();
    if (StatusOr<InputFile> file = InputFile::open(path, "a weights file");
        file && file->getSize() == weightsFileBytes) {
      externalWeights.resize(weightsFileBytes);
      if (!file->readExactly(externalWeights.data(), weightsFileBytes,
                             "the weights"))
        externalWeights.clear();
    }
    if (externalWeights.size() != weightsFileBytes ||
        crc32c(externalWeights.data(), externalWeights.size()) !=
            weightsFileChecksum)
      return Status(StatusCode::DataLoss,
                    source + ": the weights file " + path +
                        " is missing or is not the one compiled with it (" +
                        std::to_string(weightsFileBytes) + " bytes expected)");
    weightBytes = externalWeights;
  }
  for (Step &step : steps) {
    if (!step.isTask) {
      auto it = devices.find(step.device);
      step.runner = it == devices.end() ? nullptr : it->second.get();
      continue;
    }
    auto it = devices.find(step.device);
    if (it == devices.end()) { // the host runs it
      if (!step.hasHostCode)
        return Status(StatusCode::DataLoss,
                      source + ": task " + step.function + " runs on " +
                          step.device + ", which runs host code, but has none");
      step.hostEntry =
          reinterpret_cast<void (*)(void **)>(lookup("weft_" + step.function));
      if (!step.hostEntry)
        return Status(StatusCode::DataLoss,
                      source + ": the host code has no entry point 'weft_" +
                          step.function + "'");
      WEFT_RETURN_IF_ERROR(checkDeclaredArena(lookup, "weft_" + step.function,
                                              step.hostArenaBytes, source));
      continue;
    }
    if (!code)
      return Status(StatusCode::DataLoss,
                    source + ": the artifact has no GPU code for " +
                        step.function);
    step.runner = it->second.get();
    auto program = step.runner->loadProgram(code->view(), step.function,
                                            weightBytes, lookup);
    if (!program)
      return Status(program.getStatus().getCode(),
                    source + ": " + program.getStatus().getMessage());
    step.program = std::move(*program);
  }
  return Status::ok();
}

/// The state of one run: where each value is (host memory, device memory)
/// and what the run allocated, freed when it ends.
class Graph::Run {
public:
  explicit Run(const Graph &graph) : host(graph.values.size()), graph(graph) {}
  ~Run() {
    for (void *pointer : hostOwned)
      std::free(pointer);
    for (auto &[device, pointer] : deviceOwned)
      device->deallocate(pointer);
  }

  std::vector<void *> host;
  std::vector<std::map<Device *, void *>> onDevice =
      std::vector<std::map<Device *, void *>>(host.size());

  StatusOr<void *> allocateHost(size_t bytes) {
    void *pointer = nullptr;
    if (posix_memalign(&pointer, 64, std::max<size_t>(64, bytes)) != 0)
      return Status(StatusCode::ResourceExhausted, "out of host memory for " +
                                                       std::to_string(bytes) +
                                                       " bytes");
    hostOwned.push_back(pointer);
    return pointer;
  }

  StatusOr<void *> allocateOn(Device *device, size_t bytes) {
    auto pointer = device->allocate(std::max<size_t>(64, bytes));
    if (pointer)
      deviceOwned.push_back({device, *pointer});
    return pointer;
  }

  /// The value in host memory, copied there from a device if needed.
  StatusOr<void *> onHost(int id) {
    if (host[id])
      return host[id];
    if (onDevice[id].empty())
      return Status(StatusCode::Internal,
                    "value " + std::to_string(id) + " is nowhere");
    auto [device, pointer] = *onDevice[id].begin();
    auto buffer = allocateHost(graph.values[id].bytes);
    if (!buffer)
      return buffer;
    if (Status s = device->copyToHost(*buffer, pointer, graph.values[id].bytes);
        !s)
      return s;
    host[id] = *buffer;
    return *buffer;
  }

  /// The value in `device`'s memory, copied there if needed.
  StatusOr<void *> on(int id, Device *device) {
    if (!device)
      return onHost(id);
    auto it = onDevice[id].find(device);
    if (it != onDevice[id].end())
      return it->second;
    auto source = onHost(id);
    if (!source)
      return source;
    auto buffer = allocateOn(device, graph.values[id].bytes);
    if (!buffer)
      return buffer;
    if (Status s =
            device->copyFromHost(*buffer, *source, graph.values[id].bytes);
        !s)
      return s;
    onDevice[id][device] = *buffer;
    return *buffer;
  }

private:
  const Graph &graph;
  std::vector<void *> hostOwned;
  std::vector<std::pair<Device *, void *>> deviceOwned;
};

Status Graph::run(const std::vector<TensorView> &inputs,
                  const std::vector<TensorView> &outputs) const {
  Run state(*this);
  for (size_t i = 0; i < inputs.size(); ++i)
    state.host[inputValues[i]] = inputs[i].data;
  // Host code writes an output straight into the caller's buffer.
  std::map<int, void *> outputBuffers;
  for (size_t i = 0; i < outputs.size(); ++i)
    outputBuffers.emplace(outputValues[i], outputs[i].data);
  for (const Step &step : steps) {
    if (!step.isTask) { // a transfer: the value, now also on `to`
      auto moved = state.on(step.inputs[0], step.runner);
      if (!moved)
        return moved.getStatus();
      if (step.runner)
        state.onDevice[step.outputs[0]][step.runner] = *moved;
      else
        state.host[step.outputs[0]] = *moved;
      continue;
    }
    std::vector<void *> pointers;
    for (int id : step.inputs) {
      auto pointer = state.on(id, step.runner);
      if (!pointer)
        return pointer.getStatus();
      pointers.push_back(*pointer);
    }
    for (int id : step.outputs) {
      StatusOr<void *> pointer = nullptr;
      auto it = outputBuffers.find(id);
      if (step.runner)
        pointer = state.allocateOn(step.runner, values[id].bytes);
      else if (it != outputBuffers.end() && it->second)
        pointer = it->second;
      else
        pointer = state.allocateHost(values[id].bytes);
      if (!pointer)
        return Status(pointer.getStatus().getCode(),
                      step.function + ": " + pointer.getStatus().getMessage());
      if (step.runner)
        state.onDevice[id][step.runner] = *pointer;
      else
        state.host[id] = *pointer;
      pointers.push_back(*pointer);
    }
    if (step.runner) {
      if (Status s = step.program->run(pointers); !s)
        return s;
      continue;
    }
    std::vector<std::vector<int64_t>> descriptors;
    for (size_t i = 0; i < pointers.size(); ++i) {
      const Value &value =
          values[i < step.inputs.size() ? step.inputs[i]
                                        : step.outputs[i - step.inputs.size()]];
      descriptors.push_back(
          describeMemRef(pointers[i], value.shape.data(), value.shape.size()));
    }
    if (step.hostArenaBytes > 0) {
      auto arena = state.allocateHost(step.hostArenaBytes);
      if (!arena)
        return arena.getStatus();
      int64_t size = int64_t(step.hostArenaBytes);
      descriptors.push_back(describeMemRef(*arena, &size, 1));
    }
    std::vector<void *> args;
    for (auto &descriptor : descriptors)
      args.push_back(descriptor.data());
    step.hostEntry(args.data());
  }
  for (size_t i = 0; i < outputs.size(); ++i) {
    auto result = state.onHost(outputValues[i]);
    if (!result)
      return result.getStatus();
    if (*result != outputs[i].data && values[outputValues[i]].bytes > 0)
      std::memcpy(outputs[i].data, *result, values[outputValues[i]].bytes);
  }
  return Status::ok();
}

} // namespace weft::runtime
