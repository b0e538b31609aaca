// TVAE training in LibTorch: the tabular variational autoencoder of Xu et
// al., "Modeling Tabular Data using Conditional GAN", NeurIPS 2019
// (section 5), following sdv-dev/CTGAN ctgan/synthesizers/tvae.py (0.7)
// and its defaults: embedding 128, encoder (128, 128), decoder (128, 128),
// Adam lr 1e-3 with weight decay 1e-5, batch 500, loss factor 2.
// The loss per batch is
//   factor / n * [ sum over alphas of (x - tanh(x^))^2 / (2 sigma^2) + n log sigma
//                  + sum over one-hot parts of cross-entropy(x^, argmax x) ]
//   + KL(N(mu, sigma_z) || N(0, I)) / n,
// with the decoder's output noise sigma learned and clamped to [0.01, 1].
//
// Under DP (TrainOptions::dp) both networks see real rows, so both train by
// DP-SGD (learn/per_example.h): Poisson-sampled batches, the loss a sum of
// per-example losses (the same terms, without the division by n), each
// example's gradient clipped, Gaussian noise added, the sum divided by the
// expected batch. Neither network has batch norm, so nothing else mixes
// the examples of a batch; Adam's moments and the weight decay are
// post-processing of the noisy gradients.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <chrono>

#include "learn/neural_train.h"
#include "learn/per_example.h"
#include "learn/torch_export.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/worker_threads.h"

namespace seedforge::internal {

namespace {

namespace nn = torch::nn;

struct CoderOptions {
  CoderOptions(int64_t in, std::vector<int> dims, int64_t out) : in_(in), dims_(std::move(dims)), out_(out) {}
  TORCH_ARG(int64_t, in);             ///< input width
  TORCH_ARG(std::vector<int>, dims);  ///< hidden widths
  TORCH_ARG(int64_t, out);            ///< encoder: embedding; decoder: encoded row width
};

nn::Sequential HiddenLayers(int64_t in, const std::vector<int>& dims, int64_t* width) {
  nn::Sequential seq;
  *width = in;
  for (int d : dims) {
    seq->push_back(nn::Linear(*width, d));
    seq->push_back(nn::ReLU());
    *width = d;
  }
  return seq;
}

// x -> (mu, std, logvar) of the embedding.
struct EncoderImpl : nn::Module {
  explicit EncoderImpl(const CoderOptions& options) {
    int64_t width;
    seq = register_module("seq", HiddenLayers(options.in(), options.dims(), &width));
    fc1 = register_module("fc1", nn::Linear(width, options.out()));
    fc2 = register_module("fc2", nn::Linear(width, options.out()));
  }

  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> forward(const torch::Tensor& x) {
    torch::Tensor feature = seq->forward(x);
    torch::Tensor mu = fc1(feature), logvar = fc2(feature);
    return {mu, torch::exp(0.5 * logvar), logvar};
  }

  // forward with every linear layer tapped for per-example gradients.
  std::tuple<torch::Tensor, torch::Tensor, torch::Tensor> forward(const torch::Tensor& x, PerExampleGradients& tap) {
    torch::Tensor h = x;
    for (const auto& module : seq->children()) {
      if (const auto* linear = module->as<nn::LinearImpl>()) {
        h = tap.Linear(*linear, h);
      } else {
        h = torch::relu(h);
      }
    }
    torch::Tensor mu = tap.Linear(*fc1, h), logvar = tap.Linear(*fc2, h);
    return {mu, torch::exp(0.5 * logvar), logvar};
  }

  nn::Sequential seq{nullptr};
  nn::Linear fc1{nullptr}, fc2{nullptr};
};
TORCH_MODULE(Encoder);

// z -> reconstruction logits; sigma is the learned noise of each output.
struct DecoderImpl : nn::Module {
  explicit DecoderImpl(const CoderOptions& options) {
    int64_t width = options.in();
    for (size_t i = 0; i < options.dims().size(); ++i) {
      hidden.push_back(register_module("hidden" + std::to_string(i), nn::Linear(width, options.dims()[i])));
      width = options.dims()[i];
    }
    output = register_module("output", nn::Linear(width, options.out()));
    sigma = register_parameter("sigma", torch::ones({options.out()}) * 0.1);
  }

  torch::Tensor forward(torch::Tensor z) {
    for (nn::Linear& layer : hidden) z = torch::relu(layer(z));
    return output(z);
  }
  torch::Tensor forward(torch::Tensor z, PerExampleGradients& tap) {
    for (nn::Linear& layer : hidden) z = torch::relu(tap.Linear(*layer, z));
    return tap.Linear(*output, z);
  }

  std::vector<nn::Linear> hidden;
  nn::Linear output{nullptr};
  torch::Tensor sigma;
};
TORCH_MODULE(Decoder);

}  // namespace

TvaeNetwork TrainTvae(const EncodedData& data, const TvaeConfig& config, const TrainOptions& options) {
  try {
    torch::manual_seed(options.seed);
    torch::set_num_threads(ThreadsOrCores(options.threads));
    torch::Tensor table =
        torch::from_blob(const_cast<float*>(data.data.data()), {data.rows, data.dim}, torch::kFloat32);
    Encoder encoder(CoderOptions(data.dim, config.compress_dims, config.embedding_dim));
    Decoder decoder(CoderOptions(config.embedding_dim, config.decompress_dims, data.dim));
    std::vector<torch::Tensor> parameters = encoder->parameters();
    for (const torch::Tensor& p : decoder->parameters()) parameters.push_back(p);
    torch::optim::Adam optimizer(parameters, torch::optim::AdamOptions(config.lr).weight_decay(config.l2scale));

    std::vector<int64_t> alphas;
    for (const Span& s : data.spans) {
      if (!s.softmax) alphas.push_back(s.offset);
    }
    torch::Tensor alpha_index = torch::tensor(alphas, torch::kLong);
    const int batch = std::max(1, options.batch_size);
    const auto start = std::chrono::steady_clock::now();
    // The summed loss of a batch's examples: reconstruction times the loss
    // factor, and KL (the DP path; the other divides both by the batch).
    auto batch_loss = [&](const torch::Tensor& real, const torch::Tensor& rec, const torch::Tensor& sig,
                          const torch::Tensor& mu, const torch::Tensor& logvar) {
      torch::Tensor loss = torch::zeros({});
      if (!alphas.empty()) {
        torch::Tensor eq = real.index_select(1, alpha_index) - torch::tanh(rec.index_select(1, alpha_index));
        loss = loss + (eq.pow(2) / 2 / sig.pow(2)).sum() + torch::log(sig).sum();
      }
      for (const Span& s : data.spans) {
        if (!s.softmax) continue;
        loss = loss + nn::functional::cross_entropy(
                          rec.slice(1, s.offset, s.offset + s.dim), real.slice(1, s.offset, s.offset + s.dim).argmax(1),
                          nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
      }
      return std::pair{loss * config.loss_factor, -0.5 * torch::sum(1 + logvar - mu.pow(2) - logvar.exp())};
    };
    if (options.dp.enabled) {
      // DP-SGD: steps of Poisson-sampled batches; progress every 1/q steps.
      const DpSgdOptions& dp = options.dp;
      PerExampleGradients tap(parameters);
      const double expected = dp.sample_rate * data.rows;
      const int64_t per_epoch = std::max<int64_t>(1, std::llround(1 / dp.sample_rate));
      // Every draw of training from the secret, the reparameterisation's
      // too (see ctgan.cpp); the initial weights above may stay public.
      torch::manual_seed(DeriveKey(dp.secret, "tvae", "torch"));
      const uint64_t key = DeriveKey(dp.secret, "tvae", "dp-batches");
      torch::Generator noise = at::detail::createCPUGenerator(DeriveKey(dp.secret, "tvae", "dp-noise"));
      double sum_rec = 0, sum_kl = 0;
      int64_t batches = 0;
      for (int64_t step = 0; step < dp.steps; ++step) {
        RandomStream random(key, static_cast<uint64_t>(step));
        const torch::Tensor rows = PoissonBatch(data.rows, dp.sample_rate, random);
        const int64_t n = rows.size(0);
        optimizer.zero_grad();
        if (n > 0) {
          torch::Tensor real = table.index_select(0, rows);
          auto [mu, std, logvar] = encoder->forward(real, tap);
          torch::Tensor emb = torch::randn_like(std) * std + mu;
          torch::Tensor rec = decoder->forward(emb, tap);
          // sigma per example (one row of the product per example), so its
          // per-example gradient is tapped like a weight's.
          torch::Tensor sig = tap.Product(torch::ones({n, 1}), decoder->sigma).index_select(1, alpha_index);
          auto [loss_rec, loss_kl] = batch_loss(real, rec, sig, mu, logvar);
          (loss_rec + loss_kl).backward();
          sum_rec += loss_rec.item<double>() / static_cast<double>(n);
          sum_kl += loss_kl.item<double>() / static_cast<double>(n);
          ++batches;
        }
        tap.ClipAndNoise(n, dp.max_grad_norm, dp.noise_multiplier, expected, noise);
        optimizer.step();
        {
          torch::NoGradGuard no_grad;
          decoder->sigma.clamp_(0.01, 1.0);
        }
        if (options.progress && ((step + 1) % per_epoch == 0 || step + 1 == dp.steps)) {
          const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const int epoch = static_cast<int>((step + per_epoch) / per_epoch);
          options.progress(epoch, {{"rec", batches ? sum_rec / batches : 0}, {"KL", batches ? sum_kl / batches : 0}},
                           seconds);
          sum_rec = sum_kl = 0;
          batches = 0;
        }
      }
    }
    for (int epoch = 1; epoch <= (options.dp.enabled ? 0 : options.epochs); ++epoch) {
      torch::Tensor order = torch::randperm(data.rows, torch::kLong);
      double sum_rec = 0, sum_kl = 0;
      int batches = 0;
      for (int first = 0; first < data.rows; first += batch) {  // drop_last=False
        const int n = std::min(batch, data.rows - first);
        torch::Tensor real = table.index_select(0, order.slice(0, first, first + n));
        auto [mu, std, logvar] = encoder->forward(real);
        torch::Tensor emb = torch::randn_like(std) * std + mu;
        torch::Tensor rec = decoder->forward(emb);
        torch::Tensor loss = torch::zeros({});
        if (!alphas.empty()) {
          torch::Tensor sig = decoder->sigma.index_select(0, alpha_index);
          torch::Tensor eq = real.index_select(1, alpha_index) - torch::tanh(rec.index_select(1, alpha_index));
          loss = loss + (eq.pow(2) / 2 / sig.pow(2)).sum() + torch::log(sig).sum() * n;
        }
        for (const Span& s : data.spans) {
          if (!s.softmax) continue;
          loss = loss + nn::functional::cross_entropy(
                            rec.slice(1, s.offset, s.offset + s.dim),
                            real.slice(1, s.offset, s.offset + s.dim).argmax(1),
                            nn::functional::CrossEntropyFuncOptions().reduction(torch::kSum));
        }
        torch::Tensor loss_rec = loss * config.loss_factor / n;
        torch::Tensor loss_kl = -0.5 * torch::sum(1 + logvar - mu.pow(2) - logvar.exp()) / n;
        optimizer.zero_grad();
        (loss_rec + loss_kl).backward();
        optimizer.step();
        {
          torch::NoGradGuard no_grad;
          decoder->sigma.clamp_(0.01, 1.0);
        }
        sum_rec += loss_rec.item<double>();
        sum_kl += loss_kl.item<double>();
        ++batches;
      }
      if (options.progress) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        options.progress(epoch, {{"rec", sum_rec / batches}, {"KL", sum_kl / batches}}, seconds);
      }
    }

    TvaeNetwork network;
    network.embedding_dim = config.embedding_dim;
    for (const nn::Linear& layer : decoder->hidden) network.hidden.push_back(ExportLinear(layer));
    network.output = ExportLinear(decoder->output);
    torch::Tensor sigma = decoder->sigma.detach().contiguous();
    network.sigmas.assign(sigma.data_ptr<float>(), sigma.data_ptr<float>() + sigma.numel());
    return network;
  } catch (const c10::Error& e) {
    throw Error(std::string("tvae: training failed in LibTorch: ") + e.what_without_backtrace());
  }
}

}  // namespace seedforge::internal
