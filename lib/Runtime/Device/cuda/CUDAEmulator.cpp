//===- CUDAEmulator.cpp - CUDA programs run on the CPU, for testing -------===//

#include "weft/Runtime/Device/CUDAEmulator.h"
#include "CUDAProgram.h"

#include <cstdlib>
#include <cstring>

namespace weft::runtime {
namespace {

using cuda::BufferRef;

/// One kernel run for a thread: `params[i]` points at parameter i (the 12
/// ids and sizes first).
using PackedKernel = void (*)(void **params);

class EmulatedProgram : public Executable {
public:
  EmulatedProgram(std::string deviceName, cuda::GpuCode code,
                  const cuda::CUDAProgram *program,
                  std::vector<PackedKernel> kernels,
                  std::map<int64_t, std::string> weights)
      : deviceName(std::move(deviceName)), code(std::move(code)),
        program(program), kernels(std::move(kernels)),
        weights(std::move(weights)) {}

  Status run(const std::vector<void *> &args) override {
    if (int64_t(args.size()) != program->numArgs)
      return Status(StatusCode::InvalidArgument,
                    deviceName + ": program " + program->name + " takes " +
                        std::to_string(program->numArgs) + " buffers, got " +
                        std::to_string(args.size()));
    std::string arena(size_t(program->arenaBytes) + 64, '\0');
    char *arenaBase = reinterpret_cast<char *>(
        (reinterpret_cast<uintptr_t>(arena.data()) + 63) / 64 * 64);
    auto resolve = [&](const BufferRef &ref) -> char * {
      switch (ref.base) {
      case BufferRef::Base::Argument:
        return static_cast<char *>(args[ref.index]) + ref.bytes;
      case BufferRef::Base::Arena:
        return arenaBase + ref.bytes;
      case BufferRef::Base::Weight:
        return weights.at(ref.index).data() + ref.bytes;
      }
      return nullptr;
    };
    size_t launch = 0;
    for (const cuda::Command &command : program->commands) {
      if (const auto *l = std::get_if<cuda::LaunchCommand>(&command.op))
        runLaunch(*l, kernels[launch++], resolve);
      else if (const auto *g = std::get_if<cuda::GemmCommand>(&command.op))
        runGemm(*g, resolve);
      else if (const auto *c = std::get_if<cuda::CopyCommand>(&command.op))
        std::memmove(resolve(c->destination), resolve(c->source),
                     size_t(c->bytes));
    }
    return Status::ok();
  }

private:
  template <typename Resolve>
  static void runLaunch(const cuda::LaunchCommand &launch, PackedKernel kernel,
                        Resolve &resolve) {
    // 12 ids and sizes, then the kernel's parameters, each in an 8-byte slot.
    std::vector<int64_t> slots(12 + launch.params.size());
    for (size_t i = 0; i < launch.params.size(); ++i) {
      const cuda::LaunchParam &param = launch.params[i];
      slots[12 + i] =
          param.isPointer
              ? int64_t(reinterpret_cast<intptr_t>(resolve(param.pointer)))
              : param.value;
    }
    std::vector<void *> params(slots.size());
    for (size_t i = 0; i < slots.size(); ++i)
      params[i] = &slots[i];
    for (int d = 0; d < 3; ++d) {
      slots[6 + d] = launch.block[d];
      slots[9 + d] = launch.grid[d];
    }
    for (uint32_t bz = 0; bz < launch.grid[2]; ++bz)
      for (uint32_t by = 0; by < launch.grid[1]; ++by)
        for (uint32_t bx = 0; bx < launch.grid[0]; ++bx)
          for (uint32_t tz = 0; tz < launch.block[2]; ++tz)
            for (uint32_t ty = 0; ty < launch.block[1]; ++ty)
              for (uint32_t tx = 0; tx < launch.block[0]; ++tx) {
                int64_t ids[6] = {bx, by, bz, tx, ty, tz};
                std::memcpy(slots.data(), ids, sizeof(ids));
                kernel(params.data());
              }
  }

  template <typename Resolve>
  static void runGemm(const cuda::GemmCommand &gemm, Resolve &resolve) {
    auto *a = reinterpret_cast<const float *>(resolve(gemm.a));
    auto *b = reinterpret_cast<const float *>(resolve(gemm.b));
    auto *c = reinterpret_cast<float *>(resolve(gemm.c));
    for (int64_t n = 0; n < gemm.batch; ++n)
      for (int64_t i = 0; i < gemm.m; ++i)
        for (int64_t j = 0; j < gemm.n; ++j) {
          float sum = 0;
          for (int64_t k = 0; k < gemm.k; ++k) {
            float x =
                a[n * gemm.strideA +
                  (gemm.transposeA ? k * gemm.lda + i : i * gemm.lda + k)];
            float y =
                b[n * gemm.strideB +
                  (gemm.transposeB ? j * gemm.ldb + k : k * gemm.ldb + j)];
            sum += x * y;
          }
          c[n * gemm.strideC + i * gemm.ldc + j] += sum;
        }
  }

  std::string deviceName;
  cuda::GpuCode code;
  const cuda::CUDAProgram *program;
  std::vector<PackedKernel> kernels; ///< one per launch, in order
  std::map<int64_t, std::string> weights;
};

class CUDAEmulator : public Device {
public:
  explicit CUDAEmulator(std::string name) : Device(std::move(name)) {}

  // A memory space of its own, so values move by transfers as on a GPU.
  int getMemorySpace() const override { return 3000; }
  bool usesHostMemory() const override { return false; }
  Status execute(const Kernel &kernel) override { return kernel(*this); }

  StatusOr<std::unique_ptr<Executable>>
  loadProgram(std::string_view text, const std::string &name,
              std::string_view weightBytes,
              const HostSymbolLookup &lookup) override {
    auto code = cuda::parseGpuCode(text, weightBytes.size());
    if (!code)
      return Status(code.getStatus().getCode(),
                    getName() + ": " + code.getStatus().getMessage());
    const cuda::CUDAProgram *program = code->findProgram(name);
    if (!program)
      return Status(StatusCode::DataLoss, getName() +
                                              ": the GPU code has no "
                                              "program '" +
                                              name + "'");
    std::vector<PackedKernel> kernels;
    for (const cuda::Command &command : program->commands) {
      const auto *launch = std::get_if<cuda::LaunchCommand>(&command.op);
      if (!launch)
        continue;
      std::string symbol =
          "weft_emu_" + launch->module + "__" + launch->kernel + "_packed";
      auto kernel =
          reinterpret_cast<PackedKernel>(lookup ? lookup(symbol) : nullptr);
      if (!kernel)
        return Status(StatusCode::NotFound,
                      getName() +
                          ": the host code has no emulation of kernel " +
                          launch->kernel +
                          " (compile with weft-compile --gpu-emulation)");
      kernels.push_back(kernel);
    }
    std::map<int64_t, std::string> weights;
    for (int64_t id : cuda::getReadWeights(*program)) {
      const cuda::WeightRange &range = code->weights.at(id);
      weights[id] = std::string(weightBytes.substr(range.offset, range.bytes));
    }
    // Moving the parsed code keeps its programs where they are.
    return std::unique_ptr<Executable>(
        new EmulatedProgram(getName(), std::move(*code), program,
                            std::move(kernels), std::move(weights)));
  }
};

} // namespace

std::unique_ptr<Device> createCUDAEmulator(const std::string &name) {
  return std::make_unique<CUDAEmulator>(name);
}

} // namespace weft::runtime
