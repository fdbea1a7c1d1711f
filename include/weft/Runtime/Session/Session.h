//===- Session.h - Running a compiled model ---------------------*- C++ -*-===//
//
// A Session loads a verified artifact, loads its host code, and runs the
// model: inputs are checked against the manifest (name, element type,
// shape) before anything runs, outputs are allocated by the session.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_SESSION_SESSION_H
#define WEFT_RUNTIME_SESSION_SESSION_H

#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/Base/Status.h"
#include "weft/Runtime/Scheduler/Scheduler.h"

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace weft::runtime {

class Graph;

/// Element types that cross the runtime's interface.
enum class DType {
  F32,
  F64,
  F16,
  I64,
  I32,
  I16,
  I8,
  U64,
  U32,
  U16,
  U8,
  Bool,
  BF16
};

/// "f32", "i64", "bool", ...
const char *getDTypeName(DType type);
/// Bytes per element.
size_t getDTypeSize(DType type);
/// Parses a name; false if unknown.
bool parseDType(const std::string &name, DType &type);

/// A dim bound at run time (the batch, dim 0, of a dynamic-batch model).
constexpr int64_t kDynamicDim = -1;

/// The name, element type and shape of a graph input or output.
struct TensorSpec {
  std::string name;
  DType dtype = DType::F32;
  std::vector<int64_t> shape; ///< kDynamicDim where bound at run time
  int64_t getElementCount() const;
  /// Whether dim 0 is the batch, bound at run time.
  bool hasDynamicBatch() const {
    return !shape.empty() && shape[0] == kDynamicDim;
  }
  /// "[1,3,224,224] f32", "[?,3,224,224] f32"
  std::string describe() const;
};

/// A tensor the caller and the session exchange: 64-byte aligned storage.
class Tensor {
public:
  Tensor() = default;
  /// A tensor of `shape` (dims non-negative), or why there is none: dims
  /// whose product overflows, or "cannot allocate N bytes for `what`".
  static StatusOr<Tensor> allocate(DType dtype, std::vector<int64_t> shape,
                                   const std::string &what);
  DType getDType() const { return dtype; }
  const std::vector<int64_t> &getShape() const { return shape; }
  int64_t getElementCount() const;
  size_t getByteSize() const { return getElementCount() * getDTypeSize(dtype); }
  void *data() { return storage.get(); }
  const void *data() const { return storage.get(); }
  template <typename T> T *as() { return static_cast<T *>(data()); }
  template <typename T> const T *as() const {
    return static_cast<const T *>(data());
  }

private:
  Tensor(DType dtype, std::vector<int64_t> shape,
         std::shared_ptr<uint8_t> storage)
      : dtype(dtype), shape(std::move(shape)), storage(std::move(storage)) {}
  DType dtype = DType::F32;
  std::vector<int64_t> shape;
  std::shared_ptr<uint8_t> storage;
};

/// A tensor the caller owns: element type, shape and contiguous (C order)
/// data, which a run reads (inputs) or writes (outputs) in place.
struct TensorView {
  DType dtype = DType::F32;
  const int64_t *shape = nullptr;
  size_t rank = 0;
  void *data = nullptr;
};

/// How a run uses devices.
struct RunOptions {
  /// Where a batch's samples run: each sample of a dynamic-batch model is a
  /// task of the scheduler's graph (null: one after another on the calling
  /// thread).
  Scheduler *scheduler = nullptr;
  ScheduleMode mode = ScheduleMode::Dynamic;
  /// Filled with what the scheduler did, if given.
  RunStats *stats = nullptr;
};

/// A loaded model. Runs may be called from several threads at once.
class Session {
public:
  /// Opens, verifies and loads the artifact at `path`.
  static StatusOr<std::unique_ptr<Session>> create(const std::string &path);
  ~Session();

  const std::vector<TensorSpec> &getInputs() const { return inputs; }
  const std::vector<TensorSpec> &getOutputs() const { return outputs; }

  /// Runs the model on `feeds` (one per input, by name); fills `results`
  /// with the outputs in manifest order.
  Status run(const std::map<std::string, Tensor> &feeds,
             std::vector<Tensor> &results,
             const RunOptions &options = {}) const;

  /// Runs the model on caller-owned buffers, inputs and outputs in manifest
  /// order; every view is checked against the manifest first.
  Status run(const std::vector<TensorView> &inputs,
             const std::vector<TensorView> &outputs,
             const RunOptions &options = {}) const;

  /// Bytes of scratch memory one run uses for the model's temporaries.
  uint64_t getArenaBytes() const { return arenaBytes; }

  /// Whether the inputs' and outputs' dim 0 is a batch bound at run time
  /// (the compiled code runs once per sample).
  bool hasDynamicBatch() const;

  /// The outputs' shapes for inputs of batch `batch` (dynamic dims bound).
  std::vector<TensorSpec> getOutputsForBatch(int64_t batch) const;

  /// Samples per call of the compiled code, for a batched model.
  int64_t getChunkRows() const { return chunkRows; }

  /// The batch a split model was exported with (1 if none was recorded).
  int64_t getDefaultBatch() const { return defaultBatch; }

  /// The devices the model was compiled for ("cpu:0", ...), if it names any.
  const std::vector<std::string> &getCompiledDevices() const {
    return compiledDevices;
  }

private:
  Session() = default;
  /// One call of the compiled code on exactly the declared shapes.
  Status runOnce(const std::vector<TensorView> &inputs,
                 const std::vector<TensorView> &outputs) const;
  /// Takes a free arena (or makes one); returns it with releaseArena.
  void *acquireArena() const;
  void releaseArena(void *arena) const;
  Status loadManifest(std::string_view text, const std::string &source);
  Status loadHostCode(const Artifact::Section &code, const std::string &source);

  std::unique_ptr<Artifact> artifact;
  std::vector<TensorSpec> inputs, outputs;
  /// Tasks on several devices, for a model compiled for a description with
  /// a GPU (else one entry point runs the whole model).
  std::unique_ptr<Graph> graph;
  std::string entryName;
  void *library = nullptr;
  int hostCodeFd = -1; ///< the memfd the host code was loaded from
  void (*entry)(void **) = nullptr;
  uint64_t arenaBytes = 0;
  int64_t chunkRows = 1, defaultBatch = 1;
  std::vector<std::string> compiledDevices;
  /// Arenas not in use by a run; one per concurrent run at most.
  mutable std::mutex arenaMutex;
  mutable std::vector<void *> freeArenas;
};

} // namespace weft::runtime

#endif // WEFT_RUNTIME_SESSION_SESSION_H
