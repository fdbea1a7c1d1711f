//===- Graph.h - A model placed on several devices --------------*- C++ -*-===//
//
// Internal to the session library. A model compiled for a description with
// a GPU is a static order of tasks (a partition's code on one device) and
// transfers over numbered values. The graph loads each task's code where it
// runs: CPU tasks from the host code, GPU tasks as CUDA programs on their
// device, or, where that device is not available and the task has a CPU
// variant, from the host code too (said once on stderr).
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_LIB_RUNTIME_SESSION_GRAPH_H
#define WEFT_LIB_RUNTIME_SESSION_GRAPH_H

#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/Device/Device.h"
#include "weft/Runtime/Session/Session.h"

#include <map>
#include <sstream>

namespace weft::runtime {

/// A memref descriptor {allocated, aligned, offset, sizes[r], strides[r]}
/// over contiguous data, as 8-byte words.
std::vector<int64_t> describeMemRef(void *data, const int64_t *shape,
                                    size_t rank);

class Graph {
public:
  /// Whether a manifest line of this kind belongs to the graph.
  static bool isGraphLine(const std::string &kind);
  /// Reads one "value", "bind", "task", "transfer" or "weights-file" line
  /// (`words` is past the kind); returns a description of what is wrong, or
  /// "".
  std::string parseLine(const std::string &kind, std::istringstream &words);
  /// Checks the graph once every line is read, against the model's inputs
  /// and outputs.
  std::string verify(const std::vector<TensorSpec> &inputs,
                     const std::vector<TensorSpec> &outputs) const;
  bool empty() const { return steps.empty(); }
  /// Whether any task runs host code.
  bool needsHostCode() const;

  /// Creates the devices the tasks are placed on (by their drivers) and
  /// loads each task's code; `lookup` finds a function of the host code
  /// (a task's entry point "weft_<partition>", an emulated kernel).
  Status load(const Artifact &artifact, const std::string &source,
              const std::function<void *(const std::string &)> &lookup);

  /// Runs every step in order on views already checked against the model.
  Status run(const std::vector<TensorView> &inputs,
             const std::vector<TensorView> &outputs) const;

private:
  struct Value {
    DType dtype = DType::F32;
    std::vector<int64_t> shape;
    size_t bytes = 0;
  };
  struct Step {
    bool isTask = true;
    std::string function; ///< the partition (tasks)
    std::string device;   ///< where it runs; a transfer's destination
    std::string from;     ///< a transfer's source device
    std::vector<int> inputs, outputs;
    bool hasHostCode = false;
    uint64_t hostArenaBytes = 0;
    /// Once loaded: the device running it (null: the host) and its code.
    Device *runner = nullptr;
    void (*hostEntry)(void **) = nullptr;
    std::unique_ptr<Executable> program;
  };
  class Run;

  std::vector<Value> values;
  std::vector<int> inputValues, outputValues;
  std::vector<Step> steps;
  std::map<std::string, std::unique_ptr<Device>> devices;
  /// The GPU constants' file next to the artifact, if they are not in it:
  /// its name, size and CRC-32C; its bytes once loaded.
  std::string weightsFile;
  uint64_t weightsFileBytes = 0;
  uint32_t weightsFileChecksum = 0;
  std::string externalWeights;
};

} // namespace weft::runtime

#endif // WEFT_LIB_RUNTIME_SESSION_GRAPH_H
