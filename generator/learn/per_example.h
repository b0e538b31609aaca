// Per-example gradients, clipping and noise for DP-SGD (Abadi et al., "Deep
// Learning with Differential Privacy", CCS 2016) on the neural synthesizers'
// networks, which are made of matrix products only: linear layers, and the
// products of a per-example vector with a shared matrix that CTGAN's
// gradient penalty and TVAE's output noise use.
//
// LibTorch 1.13's C++ API has no vmap, and a backward pass per example costs
// a millisecond of operator overhead (a batch of 500, half a second). The
// networks' structure gives the per-example gradients far more cheaply (the
// hooks of Opacus, and the "ghost norm" of Goodfellow 2015 and Li et al.
// 2022): for each use k of a weight W in a forward pass, example i's
// gradient is an outer product outer(left_k[i], right_k[i]) of two vectors
// the pass has anyway:
//   y = x W^T + b (a linear layer):  left = dL/dy[i], right = x[i]; for b,
//                                     left = 1, right = dL/dy[i];
//   y = u W (a product):              left = u[i], right = dL/dy[i].
// Example i's gradient of W is the sum over its uses, so its squared norm is
//   sum over uses k, k' of (left_k[i] . left_k'[i]) (right_k[i] . right_k'[i]),
// and the clipped sum over examples, sum_i c_i g_i with c_i = min(1, C/|g_i|),
// is sum_k (c * left_k)^T right_k: nothing of the size of a per-example
// gradient is ever formed. The backward pass gets dL/dy from a hook on y, so
// the forward is the ordinary one with its outputs tapped.
//
// This is exact only when no operation mixes the examples of a batch: row i
// of every tapped tensor must depend on example i alone (and on randomness
// independent of the data), and the loss must be a sum of per-example
// losses. Batch norm breaks that, which is why the networks that see real
// rows have none (CTGAN's discriminator, TVAE's encoder and decoder; CTGAN's
// generator keeps its batch norm: it never sees a real row).
//
// Only the neural module includes this header: it pulls in torch.
// Thread safety: a PerExampleGradients belongs to one training loop.
#pragma once

#include <torch/torch.h>

#include <algorithm>
#include <cmath>
#include <utility>
#include <vector>

#include "seedforge/random.h"

namespace seedforge::internal {

// Poisson sampling of a batch: each of `rows` rows is in it independently
// with probability q, so the batch size varies (q rows on average). Drawn
// by geometric skips between the rows taken, O(batch) draws, not O(rows).
inline torch::Tensor PoissonBatch(int64_t rows, double q, RandomStream& random) {
  std::vector<int64_t> taken;
  if (q >= 1) {
    for (int64_t r = 0; r < rows; ++r) taken.push_back(r);
  } else if (q > 0) {
    const double log_miss = std::log1p(-q);
    for (int64_t r = -1;;) {
      const double skip = std::floor(std::log(1 - random.Uniform()) / log_miss);  // rows left out before the next
      if (!(skip < static_cast<double>(rows - r))) break;
      r += static_cast<int64_t>(skip) + 1;
      if (r >= rows) break;
      taken.push_back(r);
    }
  }
  return torch::tensor(taken, torch::kLong);
}

class PerExampleGradients {
 public:
  // The parameters whose gradients DP-SGD clips and noises: every
  // parameter of the networks that see real data, each 1- or 2-D.
  explicit PerExampleGradients(std::vector<torch::Tensor> params) : params_(std::move(params)), uses_(params_.size()) {}

  // Starts a batch: forgets the uses recorded so far.
  void Clear() {
    for (auto& u : uses_) u.clear();
  }

  // y = x W^T + b through `layer`, its uses of W and b tapped for the
  // backward pass. `layer` must be among the parameters' owners.
  torch::Tensor Linear(const torch::nn::LinearImpl& layer, const torch::Tensor& x) {
    torch::Tensor y = torch::addmm(layer.bias, x, layer.weight.t());
    const int w = Index(layer.weight), b = Index(layer.bias);
    y.register_hook([this, w, b, x](const torch::Tensor& grad) {
      uses_[w].push_back({grad, x});
      uses_[b].push_back({torch::ones({grad.size(0), 1}), grad});
    });
    return y;
  }

  // y = u W, per example u[i] W, the use of W tapped. W is a 2-D parameter
  // or a 1-D one read as a row ([1, n]; then u is [batch, 1]).
  torch::Tensor Product(const torch::Tensor& u, const torch::Tensor& param) {
    const int p = Index(param);
    torch::Tensor y = u.mm(param.dim() == 1 ? param.unsqueeze(0) : param);
    y.register_hook([this, p, u](const torch::Tensor& grad) { uses_[p].push_back({u, grad}); });
    return y;
  }

  // Each example's gradient norm over every parameter, after a backward
  // pass of a sum of per-example losses over `batch` examples.
  torch::Tensor Norms(int64_t batch) const {
    torch::NoGradGuard no_grad;
    torch::Tensor squared = torch::zeros({batch}, torch::kDouble);
    for (const auto& uses : uses_) {
      for (size_t k = 0; k < uses.size(); ++k) {
        for (size_t j = k; j < uses.size(); ++j) {
          torch::Tensor term = RowDot(uses[k].first, uses[j].first) * RowDot(uses[k].second, uses[j].second);
          squared += (j == k ? term : 2 * term).to(torch::kDouble);
        }
      }
    }
    return squared.clamp_min(0).sqrt();
  }

  // Sets each parameter's gradient to DP-SGD's
  //   (sum_i min(1, C / |g_i|) g_i + N(0, sigma^2 C^2 I)) / expected_batch
  // from the uses a backward pass of the batch's summed per-example losses
  // recorded (none for an empty batch: then the gradient is the noise).
  // The noise comes from `noise`, a generator seeded with a secret
  // (DpSgdOptions::secret).
  void ClipAndNoise(int64_t batch, double max_norm, double noise_multiplier, double expected_batch,
                    torch::Generator& noise) {
    torch::NoGradGuard no_grad;
    torch::Tensor scale;
    if (batch > 0) {
      torch::Tensor norms = Norms(batch);
      scale = (max_norm / (norms + 1e-6)).clamp_max(1.0).to(torch::kFloat).unsqueeze(1);
    }
    for (size_t p = 0; p < params_.size(); ++p) {
      const torch::Tensor& param = params_[p];
      torch::Tensor sum = torch::zeros(param.dim() == 1 ? std::vector<int64_t>{1, param.size(0)} : param.sizes().vec());
      for (const auto& [left, right] : uses_[p]) sum.addmm_((scale * left).t(), right);
      sum = sum.view(param.sizes());
      if (noise_multiplier > 0) sum.add_(torch::randn(param.sizes(), noise), noise_multiplier * max_norm);
      sum.div_(expected_batch);
      torch::Tensor& grad = const_cast<torch::Tensor&>(param).mutable_grad();
      if (grad.defined()) {
        grad.copy_(sum);
      } else {
        grad = sum;
      }
    }
    Clear();
  }

  const std::vector<torch::Tensor>& params() const { return params_; }

 private:
  static torch::Tensor RowDot(const torch::Tensor& a, const torch::Tensor& b) { return (a * b).sum(1); }

  int Index(const torch::Tensor& param) const {
    for (size_t i = 0; i < params_.size(); ++i) {
      if (params_[i].unsafeGetTensorImpl() == param.unsafeGetTensorImpl()) return static_cast<int>(i);
    }
    TORCH_CHECK(false, "a tapped parameter is not among the clipped ones");
    return -1;
  }

  std::vector<torch::Tensor> params_;
  // Per parameter: (left, right) of each use in the last backward pass.
  std::vector<std::vector<std::pair<torch::Tensor, torch::Tensor>>> uses_;
};

}  // namespace seedforge::internal
