//===- CUDAProgram.h - The CUDA program format, parsed ----------*- C++ -*-===//
//
// The GpuCode section of an artifact as data: PTX modules by name and arch,
// the ranges of the Weights section the kernels read, and the programs
// (straight-line commands over buffers named by a base and a byte offset).
// The format is docs/design/cuda-program.md. Parsing checks everything a
// corrupt file could get wrong, so the driver can trust what it gets; it
// needs no CUDA headers and is tested without a GPU.
//
//===----------------------------------------------------------------------===//

#ifndef WEFT_RUNTIME_DEVICE_CUDA_CUDAPROGRAM_H
#define WEFT_RUNTIME_DEVICE_CUDA_CUDAPROGRAM_H

#include "weft/Runtime/Base/Status.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace weft::runtime::cuda {

/// The version of the format this runtime reads ("weft-cuda 1").
constexpr int kCUDAProgramFormatVersion = 1;

/// Where a buffer a command names starts: a base plus a byte offset.
struct BufferRef {
  enum class Base { Argument, Arena, Weight };
  Base base = Base::Arena;
  /// The argument's position (Argument) or the weight's id (Weight).
  int64_t index = 0;
  /// Bytes from the base.
  int64_t bytes = 0;
};

/// One 8-byte kernel parameter: a device pointer or a 64-bit integer.
struct LaunchParam {
  bool isPointer = false;
  BufferRef pointer; ///< when isPointer
  int64_t value = 0; ///< otherwise
};

/// `launch`: runs kernel `kernel` of module `module` on a grid.
struct LaunchCommand {
  std::string module;
  std::string kernel;
  uint32_t grid[3] = {1, 1, 1};
  uint32_t block[3] = {1, 1, 1};
  std::vector<LaunchParam> params;
};

/// `gemm`: C[b](m,n) += A[b](m,k) * B[b](k,n), row-major float32; strides
/// and leading dimensions in elements.
struct GemmCommand {
  bool transposeA = false;
  bool transposeB = false;
  int64_t m = 0, n = 0, k = 0;
  int64_t lda = 0, ldb = 0, ldc = 0;
  int64_t batch = 0;
  int64_t strideA = 0, strideB = 0, strideC = 0;
  BufferRef a, b, c;
};

/// `copy`: `bytes` from device memory to device memory.
struct CopyCommand {
  BufferRef destination;
  BufferRef source;
  int64_t bytes = 0;
};

/// A command and the line of the text it came from (for error messages).
struct Command {
  size_t line = 0;
  std::variant<LaunchCommand, GemmCommand, CopyCommand> op;
};

/// A `program`: its arguments (inputs, then outputs), the scratch memory a
/// run needs, and its commands in order.
struct CUDAProgram {
  std::string name;
  size_t line = 0;
  int64_t numArgs = 0;
  int64_t arenaBytes = 0;
  std::vector<Command> commands;
};

/// The PTX of a kernel module for one arch.
struct PTXModule {
  std::string name;
  /// As written ("sm_90", "sm_90a").
  std::string arch;
  /// The compute capability it needs, major * 10 + minor (90).
  int capability = 0;
  /// Whether it runs only on that exact capability (an "a"/"f" arch).
  bool exactCapability = false;
  /// The PTX text, a view into the parsed text (not null-terminated).
  std::string_view ptx;
  size_t line = 0;
};

/// Bytes of the Weights section a weight occupies.
struct WeightRange {
  int64_t offset = 0;
  int64_t bytes = 0;
};

/// A parsed GpuCode section.
struct GpuCode {
  std::vector<PTXModule> modules;
  std::map<int64_t, WeightRange> weights;
  std::vector<CUDAProgram> programs;

  /// The program called `name`, or null.
  const CUDAProgram *findProgram(std::string_view name) const;
};

/// Parses and checks a GpuCode section whose Weights section is
/// `weightsBytes` long. Every fault gives DataLoss ("bad CUDA program: line
/// N: ..."); another format version gives Unsupported. PTX modules are views
/// into `text`, which must outlive the result.
StatusOr<GpuCode> parseGpuCode(std::string_view text, size_t weightsBytes);

/// The PTX of module `module` to load on a device of compute capability
/// `capability` (major * 10 + minor): the highest arch not above it. Fails
/// with Unsupported, naming `deviceName`, the device's arch and the archs the
/// artifact has, when none fits.
StatusOr<const PTXModule *> selectPTX(const GpuCode &code,
                                      std::string_view module, int capability,
                                      const std::string &deviceName);

/// The names of the kernel modules `program` launches, each once.
std::vector<std::string> getLaunchedModules(const CUDAProgram &program);

/// The ids of the weights `program` reads, each once, in increasing order.
std::vector<int64_t> getReadWeights(const CUDAProgram &program);

} // namespace weft::runtime::cuda

#endif // WEFT_RUNTIME_DEVICE_CUDA_CUDAPROGRAM_H
