//===- SessionTest.cpp - Sessions through the C++ and the C API -----------===//
//
// The host code is a small shared object built with the tests
// (Inputs/affine_model.c, y = 2x + 1), packed into an artifact here: the
// runtime is tested without the compiler.
//
//===----------------------------------------------------------------------===//

#include "weft/Runtime/Session/Session.h"
#include "weft/Runtime/Artifact/Artifact.h"
#include "weft/Runtime/weft_runtime.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <thread>
#include <unistd.h>

using namespace weft::runtime;
using format::SectionKind;

namespace {

/// The target section of code compiled for this machine.
const char *kHostTarget = "triple x86_64-pc-linux-gnu\n";

/// Writes an artifact holding the affine model with `manifest` and a target
/// section ("" leaves it out).
std::string writeArtifact(const std::string &manifest,
                          const std::string &target = kHostTarget,
                          const char *hostCode = WEFT_TEST_AFFINE_MODEL) {
  std::ifstream in(hostCode, std::ios::binary);
  std::string code((std::istreambuf_iterator<char>(in)),
                   std::istreambuf_iterator<char>());
  ArtifactWriter writer;
  writer.addSection(SectionKind::Manifest, manifest);
  if (!target.empty())
    writer.addSection(SectionKind::Target, target);
  writer.addSection(SectionKind::HostCode, code, format::kRequired, 4096);
  std::string path =
      ::testing::TempDir() + "affine-" + std::to_string(getpid()) + "-" +
      std::to_string(std::hash<std::string>()(manifest + target + hostCode)) +
      ".weft";
  EXPECT_TRUE(bool(writer.writeFile(path)));
  return path;
}

const char *kManifest = "weft-manifest 1\n"
                        "entry weft_main\n"
                        "arena 64\n"
                        "input x f32 2,3\n"
                        "output y f32 2,3\n";

TEST(SessionTest, RunsThroughTheCAPI) {
  std::string path = writeArtifact(kManifest);
  weft_session *session = nullptr;
  ASSERT_EQ(weft_session_create(path.c_str(), &session), WEFT_OK)
      << weft_last_error();
  ASSERT_EQ(weft_session_input_count(session), 1u);
  ASSERT_EQ(weft_session_output_count(session), 1u);
  weft_tensor_info info;
  ASSERT_EQ(weft_session_input_info(session, 0, &info), WEFT_OK);
  EXPECT_STREQ(info.name, "x");
  EXPECT_EQ(info.dtype, WEFT_F32);
  ASSERT_EQ(info.rank, 2u);
  EXPECT_EQ(info.shape[0], 2);
  EXPECT_EQ(info.shape[1], 3);
  ASSERT_EQ(weft_session_output_info(session, 0, &info), WEFT_OK);
  EXPECT_STREQ(info.name, "y");

  int64_t shape[2] = {2, 3};
  float x[6] = {0, 1, 2, 3, 4, 5}, y[6] = {};
  weft_tensor input = {WEFT_F32, 2, shape, x};
  weft_tensor output = {WEFT_F32, 2, shape, y};
  ASSERT_EQ(weft_session_run(session, &input, 1, &output, 1), WEFT_OK)
      << weft_last_error();
  for (int i = 0; i < 6; ++i)
    EXPECT_EQ(y[i], 2 * x[i] + 1);
  weft_session_destroy(session);
  unlink(path.c_str());
}

TEST(SessionTest, CAPIRefusesBadCallsWithAMessage) {
  std::string path = writeArtifact(kManifest);
  weft_session *session = nullptr;
  ASSERT_EQ(weft_session_create(path.c_str(), &session), WEFT_OK);
  int64_t wrongShape[2] = {3, 2}, shape[2] = {2, 3};
  float x[6] = {}, y[6] = {};
  weft_tensor input = {WEFT_F32, 2, wrongShape, x};
  weft_tensor output = {WEFT_F32, 2, shape, y};
  EXPECT_EQ(weft_session_run(session, &input, 1, &output, 1),
            WEFT_INVALID_ARGUMENT);
  EXPECT_STREQ(weft_last_error(),
               "input 'x': expected shape [2,3] f32, got [3,2] f32");
  input = {WEFT_I64, 2, shape, x};
  EXPECT_EQ(weft_session_run(session, &input, 1, &output, 1),
            WEFT_INVALID_ARGUMENT);
  EXPECT_STREQ(weft_last_error(),
               "input 'x': expected shape [2,3] f32, got [2,3] i64");
  EXPECT_EQ(weft_session_run(session, nullptr, 0, &output, 1),
            WEFT_INVALID_ARGUMENT);
  EXPECT_STREQ(weft_last_error(),
               "the model takes 1 inputs and 1 outputs, got 0 and 1");
  input = {weft_dtype(99), 2, shape, x};
  EXPECT_EQ(weft_session_run(session, &input, 1, &output, 1),
            WEFT_INVALID_ARGUMENT);
  EXPECT_STREQ(weft_last_error(), "input #0 has an unknown element type 99");
  weft_tensor_info info;
  EXPECT_EQ(weft_session_output_info(session, 5, &info), WEFT_INVALID_ARGUMENT);
  EXPECT_EQ(weft_session_run(nullptr, &input, 1, &output, 1),
            WEFT_INVALID_ARGUMENT);
  weft_session_destroy(session);

  weft_session *missing = nullptr;
  EXPECT_EQ(weft_session_create("/nonexistent/model.weft", &missing),
            WEFT_NOT_FOUND);
  EXPECT_EQ(missing, nullptr);
  EXPECT_NE(std::string(weft_last_error()).find("/nonexistent/model.weft"),
            std::string::npos);
  unlink(path.c_str());
}

TEST(SessionTest, ManyThreadsShareOneSession) {
  std::string path = writeArtifact(kManifest);
  auto session = Session::create(path);
  ASSERT_TRUE(session) << session.getStatus().getMessage();
  EXPECT_EQ((*session)->getArenaBytes(), 64u);
  std::vector<std::thread> threads;
  std::vector<int> wrong(8, 0);
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int run = 0; run < 200; ++run) {
        Tensor x = *Tensor::allocate(DType::F32, {2, 3}, "x");
        for (int i = 0; i < 6; ++i)
          x.as<float>()[i] = float(t * 1000 + run + i);
        std::vector<Tensor> results;
        Status s = (*session)->run({{"x", x}}, results);
        if (!s || results.size() != 1) {
          ++wrong[t];
          continue;
        }
        for (int i = 0; i < 6; ++i)
          wrong[t] += results[0].as<float>()[i] != 2 * x.as<float>()[i] + 1;
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < 8; ++t)
    EXPECT_EQ(wrong[t], 0) << "thread " << t;
  unlink(path.c_str());
}

TEST(SessionTest, SessionsOfDifferentModelsLiveSideBySide) {
  // Both host codes are loaded from memory at once; each session must run
  // its own (y = 2x + 1 and y = 3x + 1).
  std::string twice = writeArtifact(kManifest);
  std::string thrice =
      writeArtifact(kManifest, kHostTarget, WEFT_TEST_AFFINE_MODEL_3);
  auto a = Session::create(twice);
  auto b = Session::create(thrice);
  ASSERT_TRUE(a && b);
  Tensor x = *Tensor::allocate(DType::F32, {2, 3}, "x");
  for (int i = 0; i < 6; ++i)
    x.as<float>()[i] = float(i);
  std::vector<Tensor> ya, yb;
  ASSERT_TRUE(bool((*a)->run({{"x", x}}, ya)));
  ASSERT_TRUE(bool((*b)->run({{"x", x}}, yb)));
  for (int i = 0; i < 6; ++i) {
    EXPECT_EQ(ya[0].as<float>()[i], 2 * i + 1);
    EXPECT_EQ(yb[0].as<float>()[i], 3 * i + 1);
  }
  unlink(twice.c_str());
  unlink(thrice.c_str());
}

TEST(SessionTest, BatchSamplesRunAsTasksThroughTheCAPI) {
  // A dynamic batch: "?" in dim 0; the affine code handles one [1,6] sample.
  std::string path = writeArtifact("weft-manifest 1\nentry weft_main\n"
                                   "arena 64\ninput x f32 ?,6\n"
                                   "output y f32 ?,6\n");
  weft_session *session = nullptr;
  ASSERT_EQ(weft_session_create(path.c_str(), &session), WEFT_OK)
      << weft_last_error();
  const char *specs[] = {"cpu:0", "cpu:1:cores=any"};
  const char *faults[] = {nullptr, "fail-after=2"};
  weft_scheduler *scheduler = nullptr;
  ASSERT_EQ(weft_scheduler_create(specs, 2, faults, &scheduler), WEFT_OK)
      << weft_last_error();
  int64_t shape[2] = {8, 6};
  std::vector<float> x(48), y(48, 0), plain(48, 0);
  for (int i = 0; i < 48; ++i)
    x[i] = float(i);
  weft_tensor input = {WEFT_F32, 2, shape, x.data()};
  weft_tensor output = {WEFT_F32, 2, shape, y.data()};
  for (weft_schedule_mode mode :
       {WEFT_SCHEDULE_STATIC, WEFT_SCHEDULE_DYNAMIC}) {
    std::fill(y.begin(), y.end(), 0.0f);
    ASSERT_EQ(weft_session_run_scheduled(session, scheduler, mode, &input, 1,
                                         &output, 1),
              WEFT_OK)
        << weft_last_error();
    for (int i = 0; i < 48; ++i)
      EXPECT_EQ(y[i], 2 * x[i] + 1);
  }
  weft_tensor plainOutput = {WEFT_F32, 2, shape, plain.data()};
  ASSERT_EQ(weft_session_run(session, &input, 1, &plainOutput, 1), WEFT_OK);
  EXPECT_EQ(plain, y);
  const char *bad[] = {"tpu:0"};
  weft_scheduler *none = nullptr;
  EXPECT_EQ(weft_scheduler_create(bad, 1, nullptr, &none), WEFT_NOT_FOUND);
  EXPECT_STREQ(weft_last_error(),
               "no driver for device kind 'tpu' (drivers: cpu, cuda)");
  weft_scheduler_destroy(scheduler);
  weft_session_destroy(session);
  unlink(path.c_str());
}

TEST(SessionTest, RefusesCodeForAnotherMachine) {
  std::string path = writeArtifact(kManifest, "triple aarch64-linux-gnu\n");
  auto session = Session::create(path);
  ASSERT_FALSE(session);
  EXPECT_NE(session.getStatus().getMessage().find(
                "compiled for aarch64-linux-gnu, this machine is x86_64"),
            std::string::npos)
      << session.getStatus().getMessage();
  unlink(path.c_str());
  path = writeArtifact(kManifest, "triple x86_64-pc-linux-gnu\ncpu future\n"
                                  "requires sse4.2,quantum-fma\n");
  session = Session::create(path);
  ASSERT_FALSE(session);
  EXPECT_NE(session.getStatus().getMessage().find(
                "compiled for a CPU with quantum-fma, which this runtime "
                "cannot test for"),
            std::string::npos)
      << session.getStatus().getMessage();
  unlink(path.c_str());
  path = writeArtifact(kManifest, "triple x86_64-pc-linux-gnu\ncpu x\n"
                                  "requires sse4.2\n");
  EXPECT_TRUE(bool(Session::create(path)));
  unlink(path.c_str());
}

TEST(SessionTest, RefusesABadManifest) {
  std::string path = writeArtifact("weft-manifest 1\nentry weft_main\n"
                                   "arena -5\ninput x f32 2,3\n");
  auto session = Session::create(path);
  ASSERT_FALSE(session);
  EXPECT_NE(session.getStatus().getMessage().find("bad arena size"),
            std::string::npos);
  unlink(path.c_str());
  path = writeArtifact("weft-manifest 1\nentry not_there\n"
                       "input x f32 2,3\noutput y f32 2,3\n");
  session = Session::create(path);
  ASSERT_FALSE(session);
  EXPECT_NE(session.getStatus().getMessage().find("no entry point 'not_there'"),
            std::string::npos);
  unlink(path.c_str());
}

/// The message of the failure to open an artifact with `manifest` and
/// `target`, or "" if it opens.
std::string openFailure(const std::string &manifest,
                        const std::string &target = kHostTarget) {
  std::string path = writeArtifact(manifest, target);
  auto session = Session::create(path);
  unlink(path.c_str());
  return session ? "" : session.getStatus().getMessage();
}

// A manifest edited with its checksums recomputed: what can be checked
// against the code is, and the runtime refuses rather than crash.
TEST(SessionTest, ChecksTheManifestAgainstTheCode) {
  // The arena the code declares it needs (24 bytes) is more than given.
  EXPECT_NE(openFailure("weft-manifest 1\nentry weft_main\narena 8\n"
                        "input x f32 2,3\noutput y f32 2,3\n")
                .find("the manifest gives weft_main an arena of 8 bytes; its "
                      "code needs 24"),
            std::string::npos);
  EXPECT_EQ(openFailure("weft-manifest 1\nentry weft_main\narena 24\n"
                        "input x f32 2,3\noutput y f32 2,3\n"),
            "");
  // Entry points are found in the artifact's code only, never in the
  // libraries it links.
  for (const char *symbol : {"system", "malloc", "exit"})
    EXPECT_NE(openFailure(std::string("weft-manifest 1\nentry ") + symbol +
                          "\narena 64\ninput x f32 2,3\noutput y f32 2,3\n")
                  .find(std::string("no entry point '") + symbol + "'"),
              std::string::npos)
        << symbol;
  // Dims whose product overflows.
  EXPECT_NE(openFailure("weft-manifest 1\nentry weft_main\narena 64\n"
                        "input x f32 1099511627776,1099511627776\n"
                        "output y f32 2,3\n")
                .find("a tensor larger than 2^40 elements"),
            std::string::npos);
  // Host code without a target section is not run.
  EXPECT_NE(openFailure(kManifest, "").find("no target section"),
            std::string::npos);
  EXPECT_NE(openFailure(kManifest, "cpu x\n").find("names no triple"),
            std::string::npos);
}

} // namespace
