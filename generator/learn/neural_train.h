// The torch-free boundary between the neural synthesizers and LibTorch.
//
// learn/neural.cpp encodes the table (learn/transformer.h) and calls
// TrainCtgan or TrainTvae (learn/ctgan.cpp, learn/tvae.cpp: the only files
// that include torch). Training returns the weights of the sampling network
// as plain arrays; sampling runs them in learn/dense.h, so nothing but
// training links against LibTorch's API and sampling stays a pure function
// of (model, key, row).
//
// Thread safety: training functions are not reentrant (they set torch's
// global thread count and seed).
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "learn/transformer.h"

namespace seedforge::internal {

// Training data: encoded rows and the layout of each row.
struct EncodedData {
  int rows = 0;
  int dim = 0;
  std::vector<float> data;  // rows x dim, row-major
  std::vector<Span> spans;
};

// DP-SGD (docs/privacy.md), set by learn/neural.cpp when FitOptions::dp is
// on: each step draws its batch by Poisson sampling (every row with
// probability sample_rate), clips each example's gradient to max_grad_norm,
// adds N(0, noise_multiplier^2 max_grad_norm^2) to the sum and divides by
// the expected batch. Training stops after `steps` such steps, the number
// the accountant was given: CTGAN counts its discriminator's steps (the
// only network that sees real rows), TVAE its encoder-decoder steps.
struct DpSgdOptions {
  bool enabled = false;
  double sample_rate = 0;
  double noise_multiplier = 0;
  double max_grad_norm = 1;
  int64_t steps = 0;
  // Seeds every draw of the training steps (the Poisson sampling, the
  // noise, and the draws inside each step): drawn from the operating
  // system's random source for each fit and never stored. Were they drawn
  // from TrainOptions::seed, which is a public setting, anyone could
  // recompute the noise and subtract it. The seed still draws the initial
  // weights.
  uint64_t secret = 0;
};

struct TrainOptions {
  int epochs = 300;
  int batch_size = 500;
  uint64_t seed = 1;
  int threads = 0;  // 0 = every core
  DpSgdOptions dp;
  // Called after each epoch (under DP: after each 1 / sample_rate steps) with (epoch, losses by name, seconds so far).
  std::function<void(int, const std::vector<std::pair<std::string, double>>&, double)> progress;
};

// A linear layer y = W x + b; W is out x in, row-major (torch's layout).
struct LinearWeights {
  int in = 0, out = 0;
  std::vector<float> w, b;
};

// The CTGAN generator for sampling: input [z (embedding), conditional
// vector]; each residual layer h -> [relu(W h + b), h] (batch norm folded
// into W and b), then a linear output layer.
struct CtganNetwork {
  int embedding_dim = 128;
  int cond_dim = 0;
  std::vector<LinearWeights> residual;
  LinearWeights output;
  // Per conditional span: category frequencies in the data (sampling the
  // conditional vector as ctgan's sample_original_condvec does). Empty for
  // a model trained under DP: it samples with a zero conditional vector,
  // the unconditional mode it was trained with (learn/ctgan.cpp).
  std::vector<std::vector<double>> cond_frequencies;
};

struct CtganConfig {
  int embedding_dim = 128;
  std::vector<int> generator_dims = {256, 256};
  std::vector<int> discriminator_dims = {256, 256};
  double generator_lr = 2e-4, generator_decay = 1e-6;
  double discriminator_lr = 2e-4, discriminator_decay = 1e-6;
  int discriminator_steps = 1;
  int pac = 10;
  bool log_frequency = true;
};

// The TVAE decoder for sampling: hidden layers h -> relu(W h + b), a linear
// output layer, and the learned output noise sigma per output (tanh spans).
struct TvaeNetwork {
  int embedding_dim = 128;
  std::vector<LinearWeights> hidden;
  LinearWeights output;
  std::vector<float> sigmas;
};

struct TvaeConfig {
  int embedding_dim = 128;
  std::vector<int> compress_dims = {128, 128};
  std::vector<int> decompress_dims = {128, 128};
  double l2scale = 1e-5;
  double loss_factor = 2;
  double lr = 1e-3;
};

// Throw seedforge::Error (wrapping torch's c10::Error with context).
CtganNetwork TrainCtgan(const EncodedData& data, const CtganConfig& config, const TrainOptions& options);
TvaeNetwork TrainTvae(const EncodedData& data, const TvaeConfig& config, const TrainOptions& options);

}  // namespace seedforge::internal
