//===- CUDADriverTest.cpp - CUDA programs and the cuda driver -------------===//
//
// The parser of CUDA programs runs everywhere. The driver's tests need an
// NVIDIA GPU and skip themselves without one; on such a machine the tests
// that remain check that asking for a GPU fails with a message saying why.
//
//===----------------------------------------------------------------------===//

#include "CUDAProgram.h"
#include "weft/Runtime/Device/Device.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>

using namespace weft::runtime;
using namespace weft::runtime::cuda;

namespace {

std::string moduleText(const std::string &name, const std::string &arch,
                       const std::string &ptx) {
  return "module " + name + " " + arch + " " + std::to_string(ptx.size()) +
         "\n" + ptx + "\n";
}

/// A program with every kind of line; 128 bytes of weights.
std::string sampleCode() {
  return "weft-cuda 1\n" +
         moduleText("main_kernel", "sm_80", "// for sm_80\n.target sm_80\n") +
         moduleText("main_kernel", "sm_90", "// for sm_90\n") +
         "weight 0 0 80\n"
         "program main 2 256\n"
         "launch main_kernel fill 4 1 1 128 1 1 p:a0+0 p:a0+16 i:0 i:-12\n"
         "gemm 0 1 3 4 5 5 5 4 1 0 0 0 a0+0 w0+0 t+64\n"
         "copy a1+0 t+64 48\n"
         "end\n";
}

constexpr size_t kSampleWeightsBytes = 128;

/// The message parsing `code` fails with ("" if it parses).
std::string parseError(const std::string &code,
                       size_t weightsBytes = kSampleWeightsBytes) {
  auto parsed = parseGpuCode(code, weightsBytes);
  if (parsed)
    return "";
  EXPECT_EQ(parsed.getStatus().getCode(), StatusCode::DataLoss)
      << parsed.getStatus().getMessage();
  return parsed.getStatus().getMessage();
}

TEST(CUDAProgramTest, ParsesEveryKindOfLine) {
  std::string code = sampleCode();
  auto parsed = parseGpuCode(code, kSampleWeightsBytes);
  ASSERT_TRUE(parsed) << parsed.getStatus().getMessage();

  ASSERT_EQ(parsed->modules.size(), 2u);
  EXPECT_EQ(parsed->modules[0].name, "main_kernel");
  EXPECT_EQ(parsed->modules[0].arch, "sm_80");
  EXPECT_EQ(parsed->modules[0].capability, 80);
  EXPECT_EQ(parsed->modules[0].ptx, "// for sm_80\n.target sm_80\n");
  EXPECT_EQ(parsed->modules[1].capability, 90);
  EXPECT_EQ(parsed->modules[1].ptx, "// for sm_90\n");

  ASSERT_EQ(parsed->weights.size(), 1u);
  EXPECT_EQ(parsed->weights.at(0).offset, 0);
  EXPECT_EQ(parsed->weights.at(0).bytes, 80);

  const CUDAProgram *program = parsed->findProgram("main");
  ASSERT_TRUE(program);
  EXPECT_EQ(program->numArgs, 2);
  EXPECT_EQ(program->arenaBytes, 256);
  ASSERT_EQ(program->commands.size(), 3u);

  const auto &launch = std::get<LaunchCommand>(program->commands[0].op);
  // Lines count those of the PTX blobs.
  EXPECT_EQ(program->commands[0].line, 11u);
  EXPECT_EQ(launch.module, "main_kernel");
  EXPECT_EQ(launch.kernel, "fill");
  EXPECT_EQ(launch.grid[0], 4u);
  EXPECT_EQ(launch.block[0], 128u);
  EXPECT_EQ(launch.block[2], 1u);
  ASSERT_EQ(launch.params.size(), 4u);
  EXPECT_TRUE(launch.params[1].isPointer);
  EXPECT_EQ(launch.params[1].pointer.base, BufferRef::Base::Argument);
  EXPECT_EQ(launch.params[1].pointer.bytes, 16);
  EXPECT_FALSE(launch.params[3].isPointer);
  EXPECT_EQ(launch.params[3].value, -12);

  const auto &gemm = std::get<GemmCommand>(program->commands[1].op);
  EXPECT_FALSE(gemm.transposeA);
  EXPECT_TRUE(gemm.transposeB);
  EXPECT_EQ(gemm.m, 3);
  EXPECT_EQ(gemm.n, 4);
  EXPECT_EQ(gemm.k, 5);
  EXPECT_EQ(gemm.ldc, 4);
  EXPECT_EQ(gemm.b.base, BufferRef::Base::Weight);
  EXPECT_EQ(gemm.c.base, BufferRef::Base::Arena);
  EXPECT_EQ(gemm.c.bytes, 64);

  const auto &copy = std::get<CopyCommand>(program->commands[2].op);
  EXPECT_EQ(copy.destination.index, 1);
  EXPECT_EQ(copy.bytes, 48);

  EXPECT_EQ(getLaunchedModules(*program),
            std::vector<std::string>{"main_kernel"});
  EXPECT_EQ(getReadWeights(*program), std::vector<int64_t>{0});
  EXPECT_FALSE(parsed->findProgram("other"));
}

TEST(CUDAProgramTest, PicksTheNewestArchTheDeviceRuns) {
  std::string code = "weft-cuda 1\n" + moduleText("k", "sm_80", "a") +
                     moduleText("k", "sm_90", "b") +
                     moduleText("k", "sm_90a", "c");
  auto parsed = parseGpuCode(code, 0);
  ASSERT_TRUE(parsed) << parsed.getStatus().getMessage();
  auto archFor = [&](int capability) -> std::string {
    auto ptx = selectPTX(*parsed, "k", capability, "cuda:0");
    return ptx ? (*ptx)->arch : ptx.getStatus().getMessage();
  };
  EXPECT_EQ(archFor(80), "sm_80");
  EXPECT_EQ(archFor(89), "sm_80");
  EXPECT_EQ(archFor(90), "sm_90a"); // made for exactly this device
  EXPECT_EQ(archFor(100), "sm_90"); // sm_90a runs on sm_90 only
  auto refused = selectPTX(*parsed, "k", 75, "cuda:0");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.getStatus().getCode(), StatusCode::Unsupported);
  EXPECT_EQ(refused.getStatus().getMessage(),
            "cuda:0 is sm_75; the artifact has PTX for sm_80, sm_90, sm_90a "
            "only (kernel module k)");
}

TEST(CUDAProgramTest, NamesTheLineAndTheRuleBroken) {
  const std::string header = "weft-cuda 1\n";
  struct Case {
    std::string code;
    std::string message;
  } cases[] = {
      {header + "module k sm_80 1000\n.version 8.0\n",
       "line 2: the PTX of module k (sm_80) is said to be 1000 bytes"},
      {header + "module k sm_80 4\nabcdef\n",
       "line 2: the PTX of module k (sm_80) is said to be 4 bytes and a "
       "newline"},
      {header + "program p 0 0\nfrobnicate 1 2\nend\n",
       "line 3: unknown command 'frobnicate'"},
      {header + "program p 1 0\ncopy a0+0 a1+0 4\nend\n",
       "line 3: source a1+0 names argument 1, but program 'p' has 1"},
      {header + "weight 0 64 100\n",
       "line 2: weight 0 (bytes 64 to 164) lies past the end of the Weights "
       "section (128 bytes)"},
      {header + "program p x 0\nend\n",
       "line 2: bad argument count 'x' (not an integer)"},
      {header + "program p 0 16\ncopy t+0 t+8 8\n",
       "line 3: program 'p' (line 2) has no 'end'"},
      {header + "program p 1 0\nlaunch nowhere k 1 1 1 1 1 1 p:a0+0\nend\n",
       "line 3: launch of k names module nowhere, which no 'module' line "
       "has"},
      {header + "program p 0 16\ncopy t+0 t+8 16\nend\n",
       "line 3: source t+8 spans 16 bytes, past the end of the arena of "
       "program 'p' (16 bytes)"},
      {header + "program p 0 64\ncopy t+0 w3+0 16\nend\n",
       "line 3: source w3+0 names weight 3, which no 'weight' line declares"},
      {header + "program p 3 0\ngemm 0 0 3 4 5 4 4 4 1 0 0 0 a0+0 a1+0 "
                "a2+0\nend\n",
       "line 3: lda 4 is less than k 5"},
      {header + "program p 1 0\nlaunch k f 1 1 1 2048 1 1\nend\n",
       "line 3: block x 2048 is out of range (1 to 1024)"},
      {header + "program p 1 0\ncopy a0+0 a0+0\nend\n",
       "line 3: 'copy' takes 3 fields (<dst> <src> <bytes>), this line has 2"},
      {header + "program p 1 0\ncopy a0+0 b0+0 4\nend\n",
       "line 3: bad source 'b0+0' (unknown base 'b0'"},
      {header + "program p 1 0\nmodule k sm_80 0\n\nend\n",
       "line 3: 'module' inside program 'p' (line 2; is its 'end' missing?)"},
      {header + "module k compute_80 0\n\n", "line 2: bad arch 'compute_80'"},
      {header + "end\n", "line 2: 'end' outside a program"},
      {"weft-cuda\n", "line 1: expected 'weft-cuda 1'"},
      {"", "line 1: empty"},
  };
  for (const Case &test : cases) {
    SCOPED_TRACE(test.code);
    std::string message = parseError(test.code);
    EXPECT_EQ(message.rfind("bad CUDA program: ", 0), 0u) << message;
    EXPECT_NE(message.find(test.message), std::string::npos) << message;
  }
}

TEST(CUDAProgramTest, RefusesAnotherFormatVersion) {
  auto parsed = parseGpuCode("weft-cuda 2\n", 0);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.getStatus().getCode(), StatusCode::Unsupported);
  EXPECT_EQ(parsed.getStatus().getMessage(),
            "the CUDA program is format version 2; this runtime reads 1");
}

TEST(CUDAProgramTest, SurvivesEveryTruncationAndFlippedByte) {
  std::string code = sampleCode();
  for (size_t length = 0; length < code.size(); ++length) {
    auto parsed = parseGpuCode(code.substr(0, length), kSampleWeightsBytes);
    // A cut program never passes for a shorter one: it has no 'end'.
    if (parsed && !parsed->programs.empty()) {
      EXPECT_EQ(parsed->programs[0].commands.size(), 3u) << length;
    }
  }
  for (size_t at = 0; at < code.size(); ++at) {
    std::string flipped = code;
    flipped[at] = char(flipped[at] ^ 0x5a);
    auto parsed = parseGpuCode(flipped, kSampleWeightsBytes);
    // Refused as corrupt (or as another format version), never a crash.
    if (!parsed) {
      StatusCode why = parsed.getStatus().getCode();
      EXPECT_TRUE(why == StatusCode::DataLoss || why == StatusCode::Unsupported)
          << parsed.getStatus().getMessage();
    }
  }
}

//===----------------------------------------------------------------------===//
// Loading the driver
//===----------------------------------------------------------------------===//

/// Sets an environment variable for a scope.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name(name) {
    if (const char *old = std::getenv(name))
      saved = old;
    setenv(name, value, 1);
  }
  ~ScopedEnv() {
    if (saved)
      setenv(name, saved->c_str(), 1);
    else
      unsetenv(name);
  }

private:
  const char *name;
  std::optional<std::string> saved;
};

TEST(CUDADriverTest, SaysWhyThereIsNoGPU) {
  auto device = createDevice("cuda:0");
  if (device)
    GTEST_SKIP() << "this machine has a CUDA device";
  const std::string &message = device.getStatus().getMessage();
  EXPECT_EQ(message.rfind("cuda:0", 0), 0u) << message;
  EXPECT_TRUE(device.getStatus().getCode() == StatusCode::NotFound ||
              device.getStatus().getCode() == StatusCode::Unsupported)
      << message;
  // The reason, in words: no driver, no library, no GPU.
  EXPECT_TRUE(message.find("driver") != std::string::npos ||
              message.find("GPU") != std::string::npos)
      << message;
}

TEST(CUDADriverTest, NamesTheLibraryTheEnvironmentChose) {
  {
    ScopedEnv env("WEFT_CUDA_DRIVER", "/nonexistent/libweft_cuda.so");
    auto device = createDevice("cuda:0");
    ASSERT_FALSE(device);
    EXPECT_EQ(device.getStatus().getCode(), StatusCode::NotFound);
    EXPECT_EQ(device.getStatus().getMessage(),
              "cuda:0: the CUDA driver library /nonexistent/libweft_cuda.so "
              "(from WEFT_CUDA_DRIVER) does not exist");
  }
  // A library that is not a driver.
  ScopedEnv env("WEFT_CUDA_DRIVER", WEFT_TEST_AFFINE_MODEL);
  auto device = createDevice("cuda:1");
  ASSERT_FALSE(device);
  EXPECT_NE(device.getStatus().getMessage().find(
                std::string("cuda:1: ") + WEFT_TEST_AFFINE_MODEL +
                " is not a Weft CUDA driver library"),
            std::string::npos)
      << device.getStatus().getMessage();
}

//===----------------------------------------------------------------------===//
// On a GPU
//===----------------------------------------------------------------------===//

/// Tests on cuda:0, skipped where there is none.
class CUDADeviceTest : public ::testing::Test {
protected:
  void SetUp() override {
    auto opened = createDevice("cuda:0");
    if (!opened)
      GTEST_SKIP() << "no CUDA device: " << opened.getStatus().getMessage();
    device = std::move(*opened);
  }

  void *allocate(size_t bytes) {
    auto pointer = device->allocate(bytes);
    EXPECT_TRUE(pointer) << pointer.getStatus().getMessage();
    return pointer ? *pointer : nullptr;
  }

  /// Device memory holding `values`.
  void *upload(const std::vector<float> &values) {
    void *pointer = allocate(values.size() * sizeof(float));
    Status status = device->copyFromHost(pointer, values.data(),
                                         values.size() * sizeof(float));
    EXPECT_TRUE(status) << status.getMessage();
    return pointer;
  }

  std::vector<float> download(const void *pointer, size_t count) {
    std::vector<float> values(count);
    Status status =
        device->copyToHost(values.data(), pointer, count * sizeof(float));
    EXPECT_TRUE(status) << status.getMessage();
    return values;
  }

  std::unique_ptr<Device> device;
};

/// A kernel adding 1 to `count` floats at `data`.
const char *const kAddOnePTX = R"(.version 7.0
.target sm_75
.address_size 64

.visible .entry add_one(.param .u64 data, .param .u64 count)
{
  .reg .pred %p<2>;
  .reg .b32 %r<5>;
  .reg .b64 %rd<6>;
  .reg .f32 %f<3>;
  ld.param.u64 %rd1, [data];
  ld.param.u64 %rd2, [count];
  mov.u32 %r1, %ctaid.x;
  mov.u32 %r2, %ntid.x;
  mov.u32 %r3, %tid.x;
  mad.lo.s32 %r4, %r1, %r2, %r3;
  cvt.s64.s32 %rd3, %r4;
  setp.ge.s64 %p1, %rd3, %rd2;
  @%p1 bra DONE;
  cvta.to.global.u64 %rd4, %rd1;
  shl.b64 %rd5, %rd3, 2;
  add.s64 %rd4, %rd4, %rd5;
  ld.global.f32 %f1, [%rd4];
  add.f32 %f2, %f1, 0f3F800000;
  st.global.f32 [%rd4], %f2;
DONE:
  ret;
}
)";

TEST_F(CUDADeviceTest, CopiesRoundTripAndReusesFreedMemory) {
  EXPECT_FALSE(device->usesHostMemory());
  EXPECT_NE(device->getMemorySpace(), 0);
  // 20 MiB goes through the staging buffer in chunks.
  for (size_t count : {size_t(1), size_t(1000), size_t(5) << 20}) {
    std::vector<float> values(count);
    for (size_t i = 0; i < count; ++i)
      values[i] = float(i % 1000) - 500.0f;
    void *pointer = upload(values);
    EXPECT_EQ(download(pointer, count), values);
    device->deallocate(pointer);
  }
  void *first = allocate(1000);
  device->deallocate(first);
  EXPECT_EQ(allocate(1000), first);
  device->deallocate(first);
}

TEST_F(CUDADeviceTest, RunsAHandWrittenKernel) {
  std::vector<float> weights(100);
  for (size_t i = 0; i < weights.size(); ++i)
    weights[i] = 0.5f * float(i);
  std::string code = "weft-cuda 1\n" + moduleText("k", "sm_75", kAddOnePTX) +
                     // Newer than any GPU: picking it would fail to load.
                     moduleText("k", "sm_999", "not PTX") +
                     "weight 0 0 400\n"
                     "program add 2 512\n"
                     "launch k add_one 1 1 1 128 1 1 p:a0+0 i:100\n"
                     "copy t+0 w0+0 400\n"
                     "launch k add_one 1 1 1 128 1 1 p:t+0 i:100\n"
                     "copy a1+0 t+0 400\n"
                     "end\n";
  auto program = device->loadProgram(
      code, "add",
      std::string_view(reinterpret_cast<const char *>(weights.data()), 400));
  ASSERT_TRUE(program) << program.getStatus().getMessage();

  std::vector<float> input(100, 3.0f);
  void *in = upload(input);
  void *out = allocate(400);
  for (int run = 0; run < 2; ++run) {
    Status status = (*program)->run({in, out});
    ASSERT_TRUE(status) << status.getMessage();
  }
  EXPECT_EQ(download(in, 100), std::vector<float>(100, 5.0f));
  std::vector<float> expected(100);
  for (size_t i = 0; i < expected.size(); ++i)
    expected[i] = weights[i] + 1.0f;
  EXPECT_EQ(download(out, 100), expected);

  Status wrongArgs = (*program)->run({in});
  EXPECT_EQ(wrongArgs.getCode(), StatusCode::InvalidArgument);
  device->deallocate(in);
  device->deallocate(out);

  // A kernel the module does not have.
  std::string missing = "weft-cuda 1\n" + moduleText("k", "sm_75", kAddOnePTX) +
                        "program p 1 0\n"
                        "launch k nothing 1 1 1 1 1 1 p:a0+0 i:1\n"
                        "end\n";
  auto refused = device->loadProgram(missing, "p", "");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.getStatus().getMessage().find(
                "cuda:0: kernel module k has no kernel nothing"),
            std::string::npos)
      << refused.getStatus().getMessage();
}

TEST_F(CUDADeviceTest, RefusesAnArtifactWithoutItsArch) {
  std::string code = "weft-cuda 1\n" + moduleText("k", "sm_999", "x") +
                     "program p 1 0\n"
                     "launch k add_one 1 1 1 1 1 1 p:a0+0 i:1\n"
                     "end\n";
  auto program = device->loadProgram(code, "p", "");
  ASSERT_FALSE(program);
  EXPECT_EQ(program.getStatus().getCode(), StatusCode::Unsupported);
  EXPECT_NE(program.getStatus().getMessage().find(
                "; the artifact has PTX for sm_999 only"),
            std::string::npos)
      << program.getStatus().getMessage();
}

TEST_F(CUDADeviceTest, GemmMatchesALoop) {
  const int64_t m = 3, n = 4, k = 5, batch = 2;
  for (int ta = 0; ta < 2; ++ta)
    for (int tb = 0; tb < 2; ++tb) {
      SCOPED_TRACE("ta " + std::to_string(ta) + " tb " + std::to_string(tb));
      // Padded leading dimensions and batch strides.
      int64_t lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 2, ldc = n + 1;
      int64_t sa = (ta ? k : m) * lda + 3, sb = (tb ? n : k) * ldb,
              sc = m * ldc + 1;
      std::vector<float> a(batch * sa), b(batch * sb), c(batch * sc);
      for (size_t i = 0; i < a.size(); ++i)
        a[i] = float(int(i % 7) - 3);
      for (size_t i = 0; i < b.size(); ++i)
        b[i] = float(int(i % 5) - 2);
      for (size_t i = 0; i < c.size(); ++i)
        c[i] = float(i % 3);
      std::vector<float> expected = c;
      for (int64_t p = 0; p < batch; ++p)
        for (int64_t i = 0; i < m; ++i)
          for (int64_t j = 0; j < n; ++j)
            for (int64_t l = 0; l < k; ++l)
              expected[p * sc + i * ldc + j] +=
                  a[p * sa + (ta ? l * lda + i : i * lda + l)] *
                  b[p * sb + (tb ? j * ldb + l : l * ldb + j)];

      std::string code = "weft-cuda 1\nprogram g 3 0\ngemm " +
                         std::to_string(ta) + " " + std::to_string(tb) +
                         " 3 4 5 " + std::to_string(lda) + " " +
                         std::to_string(ldb) + " " + std::to_string(ldc) +
                         " 2 " + std::to_string(sa) + " " + std::to_string(sb) +
                         " " + std::to_string(sc) + " a0+0 a1+0 a2+0\nend\n";
      auto program = device->loadProgram(code, "g", "");
      ASSERT_TRUE(program) << program.getStatus().getMessage();
      void *da = upload(a), *db = upload(b), *dc = upload(c);
      Status status = (*program)->run({da, db, dc});
      ASSERT_TRUE(status) << status.getMessage();
      std::vector<float> result = download(dc, c.size());
      for (size_t i = 0; i < c.size(); ++i)
        EXPECT_NEAR(result[i], expected[i], 1e-4) << "at " << i;
      device->deallocate(da);
      device->deallocate(db);
      device->deallocate(dc);
    }
}

TEST_F(CUDADeviceTest, OutOfMemoryLeavesTheDeviceUsable) {
  auto huge = device->allocate(size_t(1) << 50); // 1 PiB
  ASSERT_FALSE(huge);
  EXPECT_EQ(huge.getStatus().getCode(), StatusCode::ResourceExhausted);
  EXPECT_NE(huge.getStatus().getMessage().find(
                "cuda:0: out of memory allocating 1125899906842624 bytes"),
            std::string::npos)
      << huge.getStatus().getMessage();
  std::vector<float> values = {1, 2, 3};
  void *pointer = upload(values);
  EXPECT_EQ(download(pointer, 3), values);
  device->deallocate(pointer);
}

} // namespace
