// Dense layers for sampling the neural synthesizers without LibTorch.
//
// y = W x + b for a block of rows, as a blocked matrix-matrix product: a
// register tile of rows x 32 outputs accumulates over the inputs while each
// weight vector loaded feeds every row of the tile. Every output is still
// one chain of fused multiply-adds (one rounding each), started from the
// bias and running over the inputs in ascending order, inside one vector
// lane: a row's result is bit-for-bit the same whichever rows share its
// block or tile, on any thread, and whichever kernel runs (AVX-512, AVX2 +
// FMA, or std::fma on any x86-64). BLAS, Eigen and LibTorch kernels choose
// blockings of the input dimension by matrix size, so their sums are not.
//
// A zero input (ReLU's zeros) adds an exact zero, which changes no bit (the
// bias is +0 rather than -0, so a sum is -0 only after a product underflows,
// which trained weights never give), so the dense product has the bits of
// the earlier per-row kernel's sum over the non-zero inputs alone. A one-hot
// tail (CTGAN's conditional vector) is not multiplied at all: its single 1
// adds its weight row last, as its position last in the input order says.
//
// Thread safety: layers are immutable; Forward is reentrant.
#pragma once

#include <cstddef>
#include <memory>
#include <vector>

#include "learn/neural_train.h"

namespace seedforge::internal {

struct DenseLayer {
  static constexpr int kPanel = 32;  // outputs per weight panel

  int in = 0, out = 0;
  int panels = 0;  // ceil(out / kPanel)
  // panels x in x kPanel: W transposed in panels of kPanel outputs, each
  // contiguous over the inputs, zero-padded, 64-byte aligned.
  std::shared_ptr<const float[]> packed;
  std::vector<float> b;  // panels * kPanel values, zero-padded

  static DenseLayer From(const LinearWeights& weights);
  // The weight of input k for output j.
  float Weight(int k, int j) const {
    return packed[(static_cast<size_t>(j / kPanel) * in + k) * kPanel + j % kPanel];
  }
};

// A one-hot tail of the input: inputs [layer.in - dim, layer.in) of row r
// are all zero but input layer.in - dim + hot[r], which is 1 (none when
// hot[r] < 0). x is not read there.
struct OneHotTail {
  int dim = 0;
  const int* hot = nullptr;  // per row
};

// For r in [0, rows): y[r * y_stride + j] = b[j] + sum_k x[r * x_stride + k] * W[j][k],
// then max(0, .) when relu. x and y must not overlap.
void Forward(const DenseLayer& layer, const float* x, size_t x_stride, size_t rows, float* y, size_t y_stride,
             bool relu, const OneHotTail& tail = {});

// The kernels, for tests: every one gives the same bits.
enum class DenseKernel { kPortable, kAvx2, kAvx512 };
bool DenseKernelSupported(DenseKernel kernel);
void ForwardWith(DenseKernel kernel, const DenseLayer& layer, const float* x, size_t x_stride, size_t rows,
                 float* y, size_t y_stride, bool relu, const OneHotTail& tail = {});

}  // namespace seedforge::internal
