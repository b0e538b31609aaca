// LibTorch layers into the plain weights that seedforge's own dense kernels
// sample with (LinearWeights, neural_train.h), so that sampling needs no
// torch. Only the neural module's files include this header: it pulls in
// torch.
#pragma once

#include <torch/torch.h>

#include "learn/neural_train.h"

namespace seedforge::internal {

// A linear layer's weights, row-major [out][in], and its bias. A batch norm
// that follows the layer is folded in as evaluation applies it (running mean
// and variance), so sampling runs one affine map instead of two.
inline LinearWeights ExportLinear(const torch::nn::Linear& linear, const torch::nn::BatchNorm1d* bn = nullptr) {
  torch::NoGradGuard no_grad;
  torch::Tensor w = linear->weight.detach().clone();
  torch::Tensor b = linear->bias.detach().clone();
  if (bn) {
    const auto& norm = *bn;
    torch::Tensor scale = norm->weight / torch::sqrt(norm->running_var + norm->options.eps());
    w = w * scale.unsqueeze(1);
    b = (b - norm->running_mean) * scale + norm->bias;
  }
  w = w.contiguous();
  b = b.contiguous();
  LinearWeights out;
  out.out = static_cast<int>(w.size(0));
  out.in = static_cast<int>(w.size(1));
  out.w.assign(w.data_ptr<float>(), w.data_ptr<float>() + w.numel());
  out.b.assign(b.data_ptr<float>(), b.data_ptr<float>() + b.numel());
  return out;
}

}  // namespace seedforge::internal
