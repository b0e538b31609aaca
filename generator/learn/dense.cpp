#include "learn/dense.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>

namespace seedforge::internal {

namespace {

constexpr int kLanes = 8;  // floats in an AVX register
constexpr int kBlock = 8;  // registers of accumulators: 64 outputs at a time

// The non-zero inputs of a row (one-hot inputs and ReLU zeros add nothing;
// skipping them inside the loop would cost a branch miss each).
int NonZero(const float* x, int in, int* index, float* value) {
  int n = 0;
  for (int k = 0; k < in; ++k) {
    index[n] = k;
    value[n] = x[k];
    n += x[k] != 0.0f;
  }
  return n;
}

void Store(const float* block, int n, bool relu, float* y) {
  for (int j = 0; j < n; ++j) y[j] = relu ? std::max(block[j], 0.0f) : block[j];
}

// AVX2 + FMA: per row, up to 64 outputs accumulate in registers over the
// row's non-zero inputs, in input order, one fused multiply-add per lane
// and step.
__attribute__((target("avx2,fma"))) void ForwardFma(const DenseLayer& layer, const float* x, size_t x_stride,
                                                     size_t rows, float* y, size_t y_stride, bool relu) {
  const int in = layer.in, out = layer.out, stride = layer.stride;
  const float* wt = layer.wt.data();
  std::vector<int> index(in);
  std::vector<float> value(in);
  for (size_t r = 0; r < rows; ++r) {
    const int nonzero = NonZero(x + r * x_stride, in, index.data(), value.data());
    for (int j0 = 0; j0 < stride; j0 += kLanes * kBlock) {
      const int vectors = std::min(kBlock, (stride - j0) / kLanes);
      __m256 acc[kBlock];
      for (int t = 0; t < kBlock; ++t) {
        acc[t] = t < vectors ? _mm256_loadu_ps(&layer.b[j0 + t * kLanes]) : _mm256_setzero_ps();
      }
      if (vectors == kBlock) {
        for (int i = 0; i < nonzero; ++i) {
          const __m256 xv = _mm256_set1_ps(value[i]);
          const float* w = wt + static_cast<size_t>(index[i]) * stride + j0;
          for (int t = 0; t < kBlock; ++t) acc[t] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w + t * kLanes), acc[t]);
        }
      } else {
        for (int i = 0; i < nonzero; ++i) {
          const __m256 xv = _mm256_set1_ps(value[i]);
          const float* w = wt + static_cast<size_t>(index[i]) * stride + j0;
          for (int t = 0; t < vectors; ++t) acc[t] = _mm256_fmadd_ps(xv, _mm256_loadu_ps(w + t * kLanes), acc[t]);
        }
      }
      alignas(32) float block[kLanes * kBlock];
      for (int t = 0; t < vectors; ++t) _mm256_store_ps(block + t * kLanes, acc[t]);
      Store(block, std::min(out - j0, vectors * kLanes), relu, y + r * y_stride + j0);
    }
  }
}

// Any x86-64: the same sums with std::fma, which rounds once as the FMA
// instruction does, so both paths give the same bits (slowly, on CPUs
// older than 2013).
void ForwardPortable(const DenseLayer& layer, const float* x, size_t x_stride, size_t rows, float* y,
                     size_t y_stride, bool relu) {
  const int in = layer.in, out = layer.out, stride = layer.stride;
  std::vector<int> index(in);
  std::vector<float> value(in);
  std::vector<float> block(out);
  for (size_t r = 0; r < rows; ++r) {
    const int nonzero = NonZero(x + r * x_stride, in, index.data(), value.data());
    for (int j = 0; j < out; ++j) {
      float sum = layer.b[j];
      for (int i = 0; i < nonzero; ++i) sum = std::fma(value[i], layer.wt[static_cast<size_t>(index[i]) * stride + j], sum);
      block[j] = sum;
    }
    Store(block.data(), out, relu, y + r * y_stride);
  }
}

bool HasFma() {
  static const bool has = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return has;
}

}  // namespace

DenseLayer DenseLayer::From(const LinearWeights& weights) {
  DenseLayer layer;
  layer.in = weights.in;
  layer.out = weights.out;
  layer.stride = (weights.out + kLanes - 1) / kLanes * kLanes;
  layer.b.assign(layer.stride, 0.0f);
  // + 0.0f turns a -0 bias into +0, so a sum is never -0 and skipping a
  // zero input changes no bit.
  for (int j = 0; j < weights.out; ++j) layer.b[j] = weights.b[j] + 0.0f;
  layer.wt.assign(static_cast<size_t>(weights.in) * layer.stride, 0.0f);
  for (int j = 0; j < weights.out; ++j) {
    for (int k = 0; k < weights.in; ++k) {
      layer.wt[static_cast<size_t>(k) * layer.stride + j] = weights.w[static_cast<size_t>(j) * weights.in + k];
    }
  }
  return layer;
}

void Forward(const DenseLayer& layer, const float* x, size_t x_stride, size_t rows, float* y, size_t y_stride,
             bool relu) {
  if (HasFma()) {
    ForwardFma(layer, x, x_stride, rows, y, y_stride, relu);
  } else {
    ForwardPortable(layer, x, x_stride, rows, y, y_stride, relu);
  }
}

}  // namespace seedforge::internal
