// Dense layers for sampling the neural synthesizers without LibTorch.
//
// y = W x + b for a block of rows, with every output summed in ascending
// input order, one row at a time: a row's result is bit-for-bit the same
// whichever rows share its block, on any thread (BLAS and LibTorch kernels
// choose blockings by matrix size, so their sums are not). Each step of a
// sum is one fused multiply-add (one rounding): with AVX2+FMA in vector
// lanes that run over independent outputs, never over one sum; elsewhere
// with std::fma. Both paths give the same bits on every x86-64.
//
// Thread safety: layers are immutable; Forward is reentrant.
#pragma once

#include <cstddef>
#include <vector>

#include "learn/neural_train.h"

namespace seedforge::internal {

struct DenseLayer {
  int in = 0, out = 0;
  int stride = 0;         // out rounded up to a multiple of 8
  std::vector<float> wt;  // in x stride: W transposed and zero-padded, so a row of it feeds every output
  std::vector<float> b;   // stride values, zero-padded

  static DenseLayer From(const LinearWeights& weights);
};

// For r in [0, rows): y[r * y_stride + j] = b[j] + sum_k x[r * x_stride + k] * W[j][k],
// then max(0, .) when relu. x and y must not overlap.
void Forward(const DenseLayer& layer, const float* x, size_t x_stride, size_t rows, float* y, size_t y_stride,
             bool relu);

}  // namespace seedforge::internal
