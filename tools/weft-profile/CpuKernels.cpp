//===- CpuKernels.cpp - Kernels weft-profile measures on the CPU
//-----------===//
//
// Each kernel is timed as the median of several samples, each sample long
// enough (a few milliseconds) for the clock to resolve it. FLOPs and bytes
// use the formulas of the onnx ops' cost model, so that the fit calibrates
// exactly what placement predicts.
//
//===----------------------------------------------------------------------===//

#include "CpuKernels.h"

#include <cblas.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <random>
#include <string>

namespace weft {
namespace {

/// Median seconds of one call of `kernel`.
double timeKernel(const std::function<void()> &kernel, bool quick) {
  using Clock = std::chrono::steady_clock;
  kernel(); // warm caches and thread pools
  auto once = Clock::now();
  kernel();
  double single = std::chrono::duration<double>(Clock::now() - once).count();
  int repeat = std::max(1, int(0.003 / std::max(single, 1e-9)));
  std::vector<double> samples;
  for (int s = 0; s < (quick ? 3 : 9); ++s) {
    auto start = Clock::now();
    for (int r = 0; r < repeat; ++r)
      kernel();
    samples.push_back(
        std::chrono::duration<double>(Clock::now() - start).count() / repeat);
  }
  std::nth_element(samples.begin(), samples.begin() + samples.size() / 2,
                   samples.end());
  return samples[samples.size() / 2];
}

std::vector<float> randomBuffer(size_t n) {
  static std::mt19937 rng(1);
  std::uniform_real_distribution<float> dist(-1, 1);
  std::vector<float> v(n);
  for (float &x : v)
    x = dist(rng);
  return v;
}

Measurement matmul(int m, int n, int k, bool heldOut, bool quick) {
  auto a = randomBuffer(size_t(m) * k), b = randomBuffer(size_t(k) * n);
  std::vector<float> c(size_t(m) * n);
  Measurement r;
  r.label = "matmul " + std::to_string(m) + "x" + std::to_string(n) + "x" +
            std::to_string(k);
  r.cost.kind = "matmul";
  r.cost.flops = 2.0 * m * n * k;
  r.cost.bytes = 4.0 * (double(m) * k + double(k) * n + double(m) * n);
  r.heldOut = heldOut;
  r.seconds = timeKernel(
      [&] {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, n, k, 1.0f,
                    a.data(), k, b.data(), n, 0.0f, c.data(), n);
      },
      quick);
  return r;
}

/// 3x3 convolution, stride 1, padding 1, batch 1: im2col then sgemm.
Measurement conv3x3(int channels, int size, int filters, bool heldOut,
                    bool quick) {
  int hw = size * size, kdim = channels * 9;
  auto input = randomBuffer(size_t(channels) * hw);
  auto weights = randomBuffer(size_t(filters) * kdim);
  std::vector<float> columns(size_t(kdim) * hw), output(size_t(filters) * hw);
  Measurement r;
  r.label = "conv3x3 c" + std::to_string(channels) + " " +
            std::to_string(size) + "x" + std::to_string(size) + " f" +
            std::to_string(filters);
  r.cost.kind = "conv";
  r.cost.flops = 2.0 * filters * hw * kdim;
  r.cost.bytes = 4.0 * (double(channels) * hw + double(filters) * kdim +
                        double(filters) * hw);
  r.heldOut = heldOut;
  r.seconds = timeKernel(
      [&] {
        for (int c = 0; c < channels; ++c)
          for (int ky = 0; ky < 3; ++ky)
            for (int kx = 0; kx < 3; ++kx) {
              float *col = &columns[size_t((c * 9 + ky * 3 + kx)) * hw];
              for (int y = 0; y < size; ++y) {
                int iy = y + ky - 1;
                for (int x = 0; x < size; ++x) {
                  int ix = x + kx - 1;
                  col[y * size + x] =
                      iy < 0 || iy >= size || ix < 0 || ix >= size
                          ? 0.0f
                          : input[size_t(c) * hw + iy * size + ix];
                }
              }
            }
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, filters, hw,
                    kdim, 1.0f, weights.data(), kdim, columns.data(), hw, 0.0f,
                    output.data(), hw);
      },
      quick);
  return r;
}

Measurement add(size_t n, bool heldOut, bool quick) {
  auto a = randomBuffer(n), b = randomBuffer(n);
  std::vector<float> c(n);
  Measurement r;
  r.label = "add " + std::to_string(n);
  r.cost.kind = "elementwise";
  r.cost.flops = double(n);
  r.cost.bytes = 12.0 * double(n);
  r.heldOut = heldOut;
  r.seconds = timeKernel(
      [&] {
        for (size_t i = 0; i < n; ++i)
          c[i] = a[i] + b[i];
      },
      quick);
  return r;
}

Measurement softmax(int rows, int cols, bool heldOut, bool quick) {
  auto x = randomBuffer(size_t(rows) * cols);
  std::vector<float> y(x.size());
  Measurement r;
  r.label = "softmax " + std::to_string(rows) + "x" + std::to_string(cols);
  r.cost.kind = "reduction";
  r.cost.flops = 5.0 * rows * cols;
  r.cost.bytes = 8.0 * rows * cols;
  r.heldOut = heldOut;
  r.seconds = timeKernel(
      [&] {
        for (int i = 0; i < rows; ++i) {
          const float *in = &x[size_t(i) * cols];
          float *out = &y[size_t(i) * cols];
          float max = in[0], sum = 0;
          for (int j = 1; j < cols; ++j)
            max = std::max(max, in[j]);
          for (int j = 0; j < cols; ++j)
            sum += out[j] = std::exp(in[j] - max);
          for (int j = 0; j < cols; ++j)
            out[j] /= sum;
        }
      },
      quick);
  return r;
}

} // namespace

std::vector<Measurement> measureCpuKernels(bool quick) {
  std::vector<Measurement> all;
  // Training shapes, then held-out shapes the fit never sees.
  for (auto [m, n, k] : {std::tuple{64, 64, 64},
                         {128, 256, 128},
                         {256, 256, 256},
                         {512, 512, 512},
                         {1024, 512, 256}})
    all.push_back(matmul(m, n, k, false, quick));
  for (auto [m, n, k] : {std::tuple{96, 96, 96},
                         {384, 384, 384},
                         {768, 256, 512},
                         {200, 300, 400}})
    all.push_back(matmul(m, n, k, true, quick));
  for (auto [c, s, f] : {std::tuple{64, 56, 64}, {128, 28, 128}, {16, 64, 32}})
    all.push_back(conv3x3(c, s, f, false, quick));
  for (auto [c, s, f] : {std::tuple{32, 48, 32}, {256, 14, 256}})
    all.push_back(conv3x3(c, s, f, true, quick));
  for (size_t n :
       {size_t(1) << 14, size_t(1) << 17, size_t(1) << 20, size_t(1) << 22})
    all.push_back(add(n, false, quick));
  for (size_t n : {size_t(30000), size_t(300000), size_t(2000000)})
    all.push_back(add(n, true, quick));
  for (auto [r, c] : {std::pair{256, 1000}, {64, 4096}, {1024, 256}})
    all.push_back(softmax(r, c, false, quick));
  for (auto [r, c] : {std::pair{128, 2000}, {512, 512}})
    all.push_back(softmax(r, c, true, quick));
  return all;
}

} // namespace weft
