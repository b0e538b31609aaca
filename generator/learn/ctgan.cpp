// CTGAN training in LibTorch (Xu, Skoularidou, Cuesta-Infante and
// Veeramachaneni, "Modeling Tabular Data using Conditional GAN", NeurIPS
// 2019), following the reference implementation (sdv-dev/CTGAN,
// ctgan/synthesizers/ctgan.py, 0.7) and its defaults:
//   - conditional vector and training-by-sampling: each row of a batch picks
//     a discrete column uniformly and one of its categories by log frequency;
//     real rows are drawn among those with that category; the generator
//     pays a cross-entropy penalty when its output misses the condition;
//   - generator: residual layers (256, 256), each h -> [relu(bn(W h)), h],
//     then a linear layer; tanh for alphas and Gumbel-softmax (tau 0.2) for
//     one-hot parts;
//   - discriminator: PacGAN with pac 10 (Lin et al., NeurIPS 2018): 10 rows
//     are judged together; layers (256, 256) with LeakyReLU(0.2) and dropout
//     0.5;
//   - WGAN-GP loss (Gulrajani et al., NeurIPS 2017) with lambda 10;
//   - Adam, lr 2e-4, betas (0.5, 0.9), weight decay 1e-6; batch 500.
// Two departures, both outside the learning itself: the discriminator step
// detaches the generator's output (the reference back-propagates into the
// generator and then zeroes those gradients, so the update is the same);
// after training the batch-norm statistics are recomputed as exact averages
// over 50 batches, so sampling can use them (learn/neural.cpp).
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <thread>

#include "learn/neural_train.h"
#include "seedforge/error.h"
#include "seedforge/random.h"

namespace seedforge::internal {

namespace {

namespace nn = torch::nn;

constexpr double kGradientPenalty = 10;  // lambda of WGAN-GP
constexpr double kGumbelTau = 0.2;       // ctgan's _apply_activate
constexpr int kBatchNormBatches = 50;    // batches the final statistics average

struct ResidualOptions {
  ResidualOptions(int64_t in, int64_t out) : in_(in), out_(out) {}
  TORCH_ARG(int64_t, in);   ///< input features
  TORCH_ARG(int64_t, out);  ///< new features; the layer outputs out + in
};

// h -> [relu(batchnorm(W h + b)), h]
struct ResidualImpl : nn::Module {
  explicit ResidualImpl(const ResidualOptions& options)
      : fc(register_module("fc", nn::Linear(options.in(), options.out()))),
        bn(register_module("bn", nn::BatchNorm1d(options.out()))) {}

  torch::Tensor forward(const torch::Tensor& x) { return torch::cat({torch::relu(bn(fc(x))), x}, 1); }

  nn::Linear fc;
  nn::BatchNorm1d bn;
};
TORCH_MODULE(Residual);

struct GeneratorOptions {
  GeneratorOptions(int64_t in, std::vector<int> dims, int64_t data_dim) : in_(in), dims_(std::move(dims)), data_dim_(data_dim) {}
  TORCH_ARG(int64_t, in);             ///< embedding + conditional vector
  TORCH_ARG(std::vector<int>, dims);  ///< residual layer widths
  TORCH_ARG(int64_t, data_dim);       ///< encoded row width
};

struct GeneratorImpl : nn::Module {
  explicit GeneratorImpl(const GeneratorOptions& options) {
    int64_t dim = options.in();
    for (size_t i = 0; i < options.dims().size(); ++i) {
      residuals.push_back(register_module("residual" + std::to_string(i), Residual(ResidualOptions(dim, options.dims()[i]))));
      dim += options.dims()[i];
    }
    output = register_module("output", nn::Linear(dim, options.data_dim()));
  }

  torch::Tensor forward(torch::Tensor x) {
    for (Residual& r : residuals) x = r(x);
    return output(x);
  }

  std::vector<Residual> residuals;
  nn::Linear output{nullptr};
};
TORCH_MODULE(Generator);

struct DiscriminatorOptions {
  DiscriminatorOptions(int64_t in, std::vector<int> dims, int64_t pac) : in_(in), dims_(std::move(dims)), pac_(pac) {}
  TORCH_ARG(int64_t, in);             ///< encoded row + conditional vector
  TORCH_ARG(std::vector<int>, dims);  ///< hidden widths
  TORCH_ARG(int64_t, pac);            ///< rows judged together (PacGAN)
};

struct DiscriminatorImpl : nn::Module {
  explicit DiscriminatorImpl(const DiscriminatorOptions& options) : pacdim(options.in() * options.pac()) {
    int64_t dim = pacdim;
    for (int width : options.dims()) {
      seq->push_back(nn::Linear(dim, width));
      seq->push_back(nn::LeakyReLU(nn::LeakyReLUOptions().negative_slope(0.2)));
      seq->push_back(nn::Dropout(0.5));
      dim = width;
    }
    seq->push_back(nn::Linear(dim, 1));
    register_module("seq", seq);
  }

  torch::Tensor forward(const torch::Tensor& x) { return seq->forward(x.view({-1, pacdim})); }

  // WGAN-GP's penalty on gradients at points between real and fake packs.
  torch::Tensor GradientPenalty(const torch::Tensor& real, const torch::Tensor& fake, int64_t pac) {
    const int64_t width = real.size(1);
    torch::Tensor alpha = torch::rand({real.size(0) / pac, 1, 1}).repeat({1, pac, width}).view({-1, width});
    torch::Tensor interpolates = (alpha * real + (1 - alpha) * fake).requires_grad_(true);
    torch::Tensor out = forward(interpolates);
    torch::Tensor gradients = torch::autograd::grad({out}, {interpolates}, {torch::ones_like(out)},
                                                    /*retain_graph=*/true, /*create_graph=*/true)[0];
    torch::Tensor norms = gradients.view({-1, pac * width}).norm(2, 1) - 1;
    return norms.pow(2).mean() * kGradientPenalty;
  }

  int64_t pacdim;
  nn::Sequential seq;
};
TORCH_MODULE(Discriminator);

// Training-by-sampling (ctgan's DataSampler): per discrete column, the rows
// of each category and the log-frequency probabilities of the categories.
class ConditionSampler {
 public:
  explicit ConditionSampler(const EncodedData& data, bool log_frequency) {
    for (const Span& s : data.spans) {
      if (!s.conditional) continue;
      Column c;
      c.offset = s.offset;
      c.cond_offset = cond_dim_;
      c.rows.resize(s.dim);
      std::vector<double> counts(s.dim, 0.0);
      for (int r = 0; r < data.rows; ++r) {
        const float* v = &data.data[static_cast<size_t>(r) * data.dim + s.offset];
        const int k = static_cast<int>(std::max_element(v, v + s.dim) - v);
        c.rows[k].push_back(r);
        counts[k] += 1;
      }
      double total = 0, raw_total = 0;
      for (double n : counts) {
        total += log_frequency ? std::log(n + 1) : n;
        raw_total += n;
      }
      double acc = 0;
      for (double n : counts) {
        acc += (log_frequency ? std::log(n + 1) : n) / total;
        c.cumulative.push_back(acc);
        c.frequencies.push_back(n / raw_total);
      }
      c.cumulative.back() = 1;
      cond_dim_ += s.dim;
      columns_.push_back(std::move(c));
    }
  }

  int cond_dim() const { return cond_dim_; }
  bool empty() const { return columns_.empty(); }
  size_t columns() const { return columns_.size(); }
  std::vector<std::vector<double>> Frequencies() const {
    std::vector<std::vector<double>> out;
    for (const Column& c : columns_) out.push_back(c.frequencies);
    return out;
  }

  // A batch of conditions: one-hot conditional vectors, the mask of the
  // chosen column, and one real row per condition.
  void Sample(int batch, RandomStream& random, torch::Tensor* cond, torch::Tensor* mask,
              std::vector<int64_t>* real_rows) const {
    std::vector<float> c(static_cast<size_t>(batch) * cond_dim_, 0.0f);
    std::vector<float> m(static_cast<size_t>(batch) * columns_.size(), 0.0f);
    real_rows->resize(batch);
    for (int i = 0; i < batch; ++i) {
      const size_t col = random.Below(columns_.size());
      const Column& column = columns_[col];
      const double u = random.Uniform();
      size_t k = std::upper_bound(column.cumulative.begin(), column.cumulative.end(), u) - column.cumulative.begin();
      k = std::min(k, column.cumulative.size() - 1);
      while (column.rows[k].empty()) k = (k + 1) % column.rows.size();  // log(0 + 1) = 0: never, but be safe
      c[static_cast<size_t>(i) * cond_dim_ + column.cond_offset + k] = 1;
      m[static_cast<size_t>(i) * columns_.size() + col] = 1;
      (*real_rows)[i] = column.rows[k][random.Below(column.rows[k].size())];
    }
    *cond = torch::from_blob(c.data(), {batch, cond_dim_}).clone();
    *mask = torch::from_blob(m.data(), {batch, static_cast<int64_t>(columns_.size())}).clone();
  }

  // Conditional vectors from the data's own frequencies (for sampling and
  // for the final batch-norm statistics).
  torch::Tensor SampleOriginal(int batch, RandomStream& random) const {
    std::vector<float> c(static_cast<size_t>(batch) * cond_dim_, 0.0f);
    for (int i = 0; i < batch; ++i) {
      const Column& column = columns_[random.Below(columns_.size())];
      const double u = random.Uniform();
      double acc = 0;
      size_t k = 0;
      for (; k + 1 < column.frequencies.size(); ++k) {
        acc += column.frequencies[k];
        if (u < acc) break;
      }
      c[static_cast<size_t>(i) * cond_dim_ + column.cond_offset + k] = 1;
    }
    return torch::from_blob(c.data(), {batch, cond_dim_}).clone();
  }

 private:
  struct Column {
    int offset = 0, cond_offset = 0;
    std::vector<std::vector<int64_t>> rows;
    std::vector<double> cumulative;   // log-frequency, for training
    std::vector<double> frequencies;  // raw, for sampling
  };
  std::vector<Column> columns_;
  int cond_dim_ = 0;
};

// tanh for alphas, Gumbel-softmax for one-hot parts.
torch::Tensor ApplyActivate(const torch::Tensor& x, const std::vector<Span>& spans) {
  std::vector<torch::Tensor> parts;
  for (const Span& s : spans) {
    torch::Tensor part = x.slice(1, s.offset, s.offset + s.dim);
    parts.push_back(s.softmax ? nn::functional::gumbel_softmax(
                                    part, nn::functional::GumbelSoftmaxFuncOptions().tau(kGumbelTau).hard(false).dim(-1))
                              : torch::tanh(part));
  }
  return torch::cat(parts, 1);
}

// Cross-entropy between the generated logits of each discrete column and
// the condition, counted only for the column the condition chose.
torch::Tensor ConditionLoss(const torch::Tensor& fake, const torch::Tensor& cond, const torch::Tensor& mask,
                            const std::vector<Span>& spans) {
  std::vector<torch::Tensor> losses;
  int cond_offset = 0;
  for (const Span& s : spans) {
    if (!s.conditional) continue;
    torch::Tensor target = cond.slice(1, cond_offset, cond_offset + s.dim).argmax(1);
    losses.push_back(nn::functional::cross_entropy(
        fake.slice(1, s.offset, s.offset + s.dim), target,
        nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone)));
    cond_offset += s.dim;
  }
  return (torch::stack(losses, 1) * mask).sum() / fake.size(0);
}

LinearWeights Export(const nn::Linear& linear, const nn::BatchNorm1d* bn) {
  torch::NoGradGuard no_grad;
  torch::Tensor w = linear->weight.detach().clone();
  torch::Tensor b = linear->bias.detach().clone();
  if (bn) {
    const auto& b_norm = *bn;
    torch::Tensor scale = b_norm->weight / torch::sqrt(b_norm->running_var + b_norm->options.eps());
    w = w * scale.unsqueeze(1);
    b = (b - b_norm->running_mean) * scale + b_norm->bias;
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

}  // namespace

CtganNetwork TrainCtgan(const EncodedData& data, const CtganConfig& config, const TrainOptions& options) {
  try {
    torch::manual_seed(options.seed);
    torch::set_num_threads(options.threads > 0 ? options.threads
                                               : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
    const int pac = config.pac;
    const int batch = std::max(pac, (options.batch_size + pac - 1) / pac * pac);
    const ConditionSampler conditions(data, config.log_frequency);
    const int cond_dim = conditions.cond_dim();
    torch::Tensor table =
        torch::from_blob(const_cast<float*>(data.data.data()), {data.rows, data.dim}, torch::kFloat32);

    Generator generator(GeneratorOptions(config.embedding_dim + cond_dim, config.generator_dims, data.dim));
    Discriminator discriminator(DiscriminatorOptions(data.dim + cond_dim, config.discriminator_dims, pac));
    torch::optim::Adam optimizer_g(
        generator->parameters(),
        torch::optim::AdamOptions(config.generator_lr).betas({0.5, 0.9}).weight_decay(config.generator_decay));
    torch::optim::Adam optimizer_d(
        discriminator->parameters(),
        torch::optim::AdamOptions(config.discriminator_lr).betas({0.5, 0.9}).weight_decay(config.discriminator_decay));

    const uint64_t key = DeriveKey(options.seed, "ctgan", "train");
    const int steps = std::max(data.rows / batch, 1);
    const auto start = std::chrono::steady_clock::now();
    std::vector<int64_t> real_rows;
    uint64_t step_index = 0;
    for (int epoch = 1; epoch <= options.epochs; ++epoch) {
      double sum_g = 0, sum_d = 0;
      for (int step = 0; step < steps; ++step) {
        RandomStream random(key, step_index++);
        for (int n = 0; n < config.discriminator_steps; ++n) {
          torch::Tensor fakez = torch::randn({batch, config.embedding_dim});
          torch::Tensor real, c1, c2, m1;
          if (conditions.empty()) {
            real = table.index_select(0, torch::randint(data.rows, {batch}, torch::kLong));
          } else {
            conditions.Sample(batch, random, &c1, &m1, &real_rows);
            fakez = torch::cat({fakez, c1}, 1);
            // Real rows are matched to the conditions, then shuffled with
            // them, as ctgan does (c2 = c1[perm]).
            torch::Tensor perm = torch::randperm(batch, torch::kLong);
            torch::Tensor rows = torch::from_blob(real_rows.data(), {batch}, torch::kLong).clone();
            real = table.index_select(0, rows.index_select(0, perm));
            c2 = c1.index_select(0, perm);
          }
          torch::Tensor fake_act;
          {
            torch::NoGradGuard no_grad;
            fake_act = ApplyActivate(generator->forward(fakez), data.spans);
          }
          torch::Tensor fake_cat = conditions.empty() ? fake_act : torch::cat({fake_act, c1}, 1);
          torch::Tensor real_cat = conditions.empty() ? real : torch::cat({real, c2}, 1);
          torch::Tensor y_fake = discriminator->forward(fake_cat);
          torch::Tensor y_real = discriminator->forward(real_cat);
          torch::Tensor penalty = discriminator->GradientPenalty(real_cat, fake_cat, pac);
          torch::Tensor loss_d = -(torch::mean(y_real) - torch::mean(y_fake));
          optimizer_d.zero_grad();
          penalty.backward({}, /*retain_graph=*/true);
          loss_d.backward();
          optimizer_d.step();
          sum_d += loss_d.item<double>();
        }
        torch::Tensor fakez = torch::randn({batch, config.embedding_dim});
        torch::Tensor c1, m1;
        if (!conditions.empty()) {
          conditions.Sample(batch, random, &c1, &m1, &real_rows);
          fakez = torch::cat({fakez, c1}, 1);
        }
        torch::Tensor fake = generator->forward(fakez);
        torch::Tensor fake_act = ApplyActivate(fake, data.spans);
        torch::Tensor y_fake = discriminator->forward(conditions.empty() ? fake_act : torch::cat({fake_act, c1}, 1));
        torch::Tensor loss_g = -torch::mean(y_fake);
        if (!conditions.empty()) loss_g = loss_g + ConditionLoss(fake, c1, m1, data.spans);
        optimizer_g.zero_grad();
        loss_g.backward();
        optimizer_g.step();
        sum_g += loss_g.item<double>();
      }
      if (options.progress) {
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        options.progress(epoch, {{"G", sum_g / steps}, {"D", sum_d / steps / config.discriminator_steps}}, seconds);
      }
    }

    // Population batch-norm statistics: a cumulative average (momentum
    // unset) over fresh batches drawn as sampling draws them.
    {
      torch::NoGradGuard no_grad;
      generator->train();
      for (Residual& r : generator->residuals) {
        r->bn->options.momentum(c10::nullopt);
        r->bn->reset_running_stats();
      }
      RandomStream random(DeriveKey(options.seed, "ctgan", "batchnorm"), 0);
      for (int i = 0; i < kBatchNormBatches; ++i) {
        torch::Tensor fakez = torch::randn({batch, config.embedding_dim});
        if (!conditions.empty()) fakez = torch::cat({fakez, conditions.SampleOriginal(batch, random)}, 1);
        generator->forward(fakez);
      }
      generator->eval();
    }

    CtganNetwork network;
    network.embedding_dim = config.embedding_dim;
    network.cond_dim = cond_dim;
    for (Residual& r : generator->residuals) network.residual.push_back(Export(r->fc, &r->bn));
    network.output = Export(generator->output, nullptr);
    network.cond_frequencies = conditions.Frequencies();
    return network;
  } catch (const c10::Error& e) {
    throw Error(std::string("ctgan: training failed in LibTorch: ") + e.what_without_backtrace());
  }
}

}  // namespace seedforge::internal
