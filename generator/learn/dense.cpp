#include "learn/dense.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <new>

namespace seedforge::internal {

namespace {

constexpr int kPanel = DenseLayer::kPanel;

// Writes n <= kPanel outputs of one row, with the ReLU when asked.
// std::max(v, 0.0f) keeps -0 and NaN as they are; so does max_ps(0, v) below.
void StoreRow(const float* v, int n, bool relu, float* y) {
  for (int j = 0; j < n; ++j) y[j] = relu ? std::max(v[j], 0.0f) : v[j];
}

// ---------------------------------------------------------------------------
// AVX2 + FMA: tiles of MR rows x 16 outputs (12 accumulators for MR = 6):
// per input, two weight vectors and MR broadcasts feed 2 MR fused
// multiply-adds.

template <int MR>
__attribute__((target("avx2,fma"))) void TileAvx2(const float* x, size_t x_stride, int dense, const float* w,
                                                   const float* bias, const int* hot, int tail_at, float* y,
                                                   size_t y_stride, int width, bool relu) {
  __m256 acc[MR][2];
  const __m256 b0 = _mm256_loadu_ps(bias), b1 = _mm256_loadu_ps(bias + 8);
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
  for (int k = 0; k < dense; ++k) {
    const __m256 w0 = _mm256_load_ps(w + static_cast<size_t>(k) * kPanel);
    const __m256 w1 = _mm256_load_ps(w + static_cast<size_t>(k) * kPanel + 8);
    for (int r = 0; r < MR; ++r) {
      const __m256 xv = _mm256_set1_ps(x[r * x_stride + k]);
      acc[r][0] = _mm256_fmadd_ps(xv, w0, acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(xv, w1, acc[r][1]);
    }
  }
  const __m256 zero = _mm256_setzero_ps();
  const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  const __m256i m0 = _mm256_cmpgt_epi32(_mm256_set1_epi32(width), lane);
  const __m256i m1 = _mm256_cmpgt_epi32(_mm256_set1_epi32(width - 8), lane);
  for (int r = 0; r < MR; ++r) {
    __m256 v0 = acc[r][0], v1 = acc[r][1];
    if (hot && hot[r] >= 0) {
      const float* wh = w + static_cast<size_t>(tail_at + hot[r]) * kPanel;
      v0 = _mm256_add_ps(v0, _mm256_load_ps(wh));
      v1 = _mm256_add_ps(v1, _mm256_load_ps(wh + 8));
    }
    if (relu) {
      v0 = _mm256_max_ps(zero, v0);  // (0 > v) ? 0 : v, as std::max(v, 0)
      v1 = _mm256_max_ps(zero, v1);
    }
    float* out = y + r * y_stride;
    if (width == 16) {
      _mm256_storeu_ps(out, v0);
      _mm256_storeu_ps(out + 8, v1);
    } else {
      _mm256_maskstore_ps(out, m0, v0);
      _mm256_maskstore_ps(out + 8, m1, v1);
    }
  }
}

using TileFn = void (*)(const float*, size_t, int, const float*, const float*, const int*, int, float*, size_t, int,
                        bool);
constexpr TileFn kTilesAvx2[] = {nullptr,     TileAvx2<1>, TileAvx2<2>, TileAvx2<3>,
                                 TileAvx2<4>, TileAvx2<5>, TileAvx2<6>};

__attribute__((target("avx2,fma"))) void ForwardAvx2(const DenseLayer& layer, const float* x, size_t x_stride,
                                                     size_t rows, float* y, size_t y_stride, bool relu,
                                                     const OneHotTail& tail) {
  constexpr int MR = 6;
  const int dense = layer.in - tail.dim, tail_at = dense;
  for (int p = 0; p < layer.panels; ++p) {
    const float* panel = layer.packed.get() + static_cast<size_t>(p) * layer.in * kPanel;
    for (int half = 0; half < 2; ++half) {
      const int j0 = p * kPanel + half * 16;
      if (j0 >= layer.out) break;
      const int width = std::min(16, layer.out - j0);
      const float* w = panel + half * 16;
      const float* bias = layer.b.data() + j0;
      const int* hot = tail.dim > 0 && tail.hot ? tail.hot : nullptr;
      for (size_t r = 0; r < rows; r += MR) {
        const size_t n = std::min<size_t>(MR, rows - r);
        kTilesAvx2[n](x + r * x_stride, x_stride, dense, w, bias, hot ? hot + r : nullptr, tail_at,
                      y + r * y_stride + j0, y_stride, width, relu);
      }
    }
  }
}

// ---------------------------------------------------------------------------
// AVX-512: tiles of MR rows x 32 outputs (24 accumulators for MR = 12).

template <int MR>
__attribute__((target("avx512f"))) void TileAvx512(const float* x, size_t x_stride, int dense, const float* w,
                                                   const float* bias, const int* hot, int tail_at, float* y,
                                                   size_t y_stride, int width, bool relu) {
  __m512 acc[MR][2];
  const __m512 b0 = _mm512_loadu_ps(bias), b1 = _mm512_loadu_ps(bias + 16);
  for (int r = 0; r < MR; ++r) {
    acc[r][0] = b0;
    acc[r][1] = b1;
  }
  for (int k = 0; k < dense; ++k) {
    const __m512 w0 = _mm512_load_ps(w + static_cast<size_t>(k) * kPanel);
    const __m512 w1 = _mm512_load_ps(w + static_cast<size_t>(k) * kPanel + 16);
    for (int r = 0; r < MR; ++r) {
      const __m512 xv = _mm512_set1_ps(x[r * x_stride + k]);
      acc[r][0] = _mm512_fmadd_ps(xv, w0, acc[r][0]);
      acc[r][1] = _mm512_fmadd_ps(xv, w1, acc[r][1]);
    }
  }
  const __m512 zero = _mm512_setzero_ps();
  const __mmask16 m0 = width >= 16 ? 0xffff : static_cast<__mmask16>((1u << width) - 1);
  const __mmask16 m1 = width >= 32 ? 0xffff : width <= 16 ? 0 : static_cast<__mmask16>((1u << (width - 16)) - 1);
  for (int r = 0; r < MR; ++r) {
    __m512 v0 = acc[r][0], v1 = acc[r][1];
    if (hot && hot[r] >= 0) {
      const float* wh = w + static_cast<size_t>(tail_at + hot[r]) * kPanel;
      v0 = _mm512_add_ps(v0, _mm512_load_ps(wh));
      v1 = _mm512_add_ps(v1, _mm512_load_ps(wh + 16));
    }
    if (relu) {
      v0 = _mm512_maskz_max_ps(0xffff, zero, v0);  // maskz: GCC 12 warns on max_ps
      v1 = _mm512_maskz_max_ps(0xffff, zero, v1);
    }
    float* out = y + r * y_stride;
    _mm512_mask_storeu_ps(out, m0, v0);
    _mm512_mask_storeu_ps(out + 16, m1, v1);
  }
}

constexpr TileFn kTilesAvx512[] = {nullptr,       TileAvx512<1>,  TileAvx512<2>,  TileAvx512<3>, TileAvx512<4>,
                                   TileAvx512<5>, TileAvx512<6>,  TileAvx512<7>,  TileAvx512<8>, TileAvx512<9>,
                                   TileAvx512<10>, TileAvx512<11>, TileAvx512<12>};

__attribute__((target("avx512f"))) void ForwardAvx512(const DenseLayer& layer, const float* x, size_t x_stride,
                                                      size_t rows, float* y, size_t y_stride, bool relu,
                                                      const OneHotTail& tail) {
  constexpr int MR = 12;
  const int dense = layer.in - tail.dim, tail_at = dense;
  for (int p = 0; p < layer.panels; ++p) {
    const float* w = layer.packed.get() + static_cast<size_t>(p) * layer.in * kPanel;
    const int j0 = p * kPanel;
    const int width = std::min(kPanel, layer.out - j0);
    const float* bias = layer.b.data() + j0;
    const int* hot = tail.dim > 0 && tail.hot ? tail.hot : nullptr;
    for (size_t r = 0; r < rows; r += MR) {
      const size_t n = std::min<size_t>(MR, rows - r);
      kTilesAvx512[n](x + r * x_stride, x_stride, dense, w, bias, hot ? hot + r : nullptr, tail_at,
                      y + r * y_stride + j0, y_stride, width, relu);
    }
  }
}

// ---------------------------------------------------------------------------
// Any x86-64: the same chains with std::fma, which rounds once as the FMA
// instruction does (slowly, on CPUs older than 2013).

void ForwardPortable(const DenseLayer& layer, const float* x, size_t x_stride, size_t rows, float* y,
                     size_t y_stride, bool relu, const OneHotTail& tail) {
  const int dense = layer.in - tail.dim;
  float sums[kPanel];
  for (size_t r = 0; r < rows; ++r) {
    const float* xr = x + r * x_stride;
    const int hot = tail.dim > 0 && tail.hot ? tail.hot[r] : -1;
    for (int p = 0; p < layer.panels; ++p) {
      const float* w = layer.packed.get() + static_cast<size_t>(p) * layer.in * kPanel;
      const int j0 = p * kPanel;
      std::copy(layer.b.begin() + j0, layer.b.begin() + j0 + kPanel, sums);
      for (int k = 0; k < dense; ++k) {
        for (int j = 0; j < kPanel; ++j) sums[j] = std::fma(xr[k], w[static_cast<size_t>(k) * kPanel + j], sums[j]);
      }
      if (hot >= 0) {
        for (int j = 0; j < kPanel; ++j) sums[j] += w[static_cast<size_t>(dense + hot) * kPanel + j];
      }
      StoreRow(sums, std::min(kPanel, layer.out - j0), relu, y + r * y_stride + j0);
    }
  }
}

bool Supported(DenseKernel kernel) {
  switch (kernel) {
    case DenseKernel::kPortable: return true;
    case DenseKernel::kAvx2: return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case DenseKernel::kAvx512: return __builtin_cpu_supports("avx512f");
  }
  return false;
}

DenseKernel Best() {
  static const DenseKernel best = Supported(DenseKernel::kAvx512) ? DenseKernel::kAvx512
                                  : Supported(DenseKernel::kAvx2) ? DenseKernel::kAvx2
                                                                  : DenseKernel::kPortable;
  return best;
}

}  // namespace

DenseLayer DenseLayer::From(const LinearWeights& weights) {
  DenseLayer layer;
  layer.in = weights.in;
  layer.out = weights.out;
  layer.panels = (weights.out + kPanel - 1) / kPanel;
  layer.b.assign(static_cast<size_t>(layer.panels) * kPanel, 0.0f);
  // + 0.0f turns a -0 bias into +0, so a sum is never -0 and a zero input
  // changes no bit.
  for (int j = 0; j < weights.out; ++j) layer.b[j] = weights.b[j] + 0.0f;
  const size_t size = static_cast<size_t>(layer.panels) * weights.in * kPanel;
  float* packed = static_cast<float*>(::operator new[](size * sizeof(float), std::align_val_t(64)));
  std::fill(packed, packed + size, 0.0f);
  for (int j = 0; j < weights.out; ++j) {
    for (int k = 0; k < weights.in; ++k) {
      packed[(static_cast<size_t>(j / kPanel) * weights.in + k) * kPanel + j % kPanel] =
          weights.w[static_cast<size_t>(j) * weights.in + k];
    }
  }
  layer.packed = std::shared_ptr<const float[]>(
      packed, [](const float* p) { ::operator delete[](const_cast<float*>(p), std::align_val_t(64)); });
  return layer;
}

bool DenseKernelSupported(DenseKernel kernel) { return Supported(kernel); }

void ForwardWith(DenseKernel kernel, const DenseLayer& layer, const float* x, size_t x_stride, size_t rows,
                 float* y, size_t y_stride, bool relu, const OneHotTail& tail) {
  switch (kernel) {
    case DenseKernel::kAvx512: ForwardAvx512(layer, x, x_stride, rows, y, y_stride, relu, tail); return;
    case DenseKernel::kAvx2: ForwardAvx2(layer, x, x_stride, rows, y, y_stride, relu, tail); return;
    case DenseKernel::kPortable: ForwardPortable(layer, x, x_stride, rows, y, y_stride, relu, tail); return;
  }
}

void Forward(const DenseLayer& layer, const float* x, size_t x_stride, size_t rows, float* y, size_t y_stride,
             bool relu, const OneHotTail& tail) {
  ForwardWith(Best(), layer, x, x_stride, rows, y, y_stride, relu, tail);
}

}  // namespace seedforge::internal
