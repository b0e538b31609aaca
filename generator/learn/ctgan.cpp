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
// The learning rates, discriminator steps per generator step and pac are
// the caller's (CtganConfig, from FitOptions::ctgan), as ctgan's arguments
// of those names; the defaults are the ones above.
// What differs from the reference is how, not what, it computes (each
// changes the random draws, not their distributions, nor the update):
//   - the discriminator step runs the generator without gradients (the
//     reference back-propagates into the generator and then zeroes those
//     gradients), and the generator step asks backward for the generator's
//     gradients only (the reference also computes the discriminator's and
//     zeroes them before using them);
//   - the gradient penalty's input gradient is written out for the
//     piecewise-linear discriminator instead of taken by a double backward
//     (Discriminator::GradientPenalty; it matches autograd's to float
//     rounding), and penalty and Wasserstein loss share one backward pass;
//   - fake and real packs go through the discriminator in one pass;
//   - dropout masks, Gumbel noise and the real rows come from seedforge's
//     counter-based streams, one random word per 64 mask entries;
//   - matrix products go through oneDNN's sgemm where LibTorch's BLAS is
//     slow (Gemm);
//   - Adam updates each network's parameters as one flat tensor (FlatAdam);
//   - freed memory is kept for reuse while training (KeepFreedMemory).
// Together they cut an epoch to 0.2x the reference's time on the
// development VM, 0.33-0.43x when its OpenBLAS is told the CPU model
// (bench/ctgan_reference.sh, docs/synthesizers.md).
// After training, the batch-norm statistics are recomputed as exact
// averages over 50 batches, so sampling can use them (learn/neural.cpp);
// the reference samples with each batch's own statistics.
// Under DP (TrainOptions::dp; docs/privacy-neural.md) the discriminator, the
// only network that sees real rows, trains by DP-SGD (learn/per_example.h)
// with pac 1, and the conditional vector is drawn without the data's
// frequencies or its rows per category (ConditionSampler::SampleUniform,
// OwnConditions); the generator learns from the discriminator alone.
#include <ATen/CPUGeneratorImpl.h>
#include <torch/torch.h>

#include <dlfcn.h>

#include <chrono>
#include <cmath>

#ifdef __GLIBC__
#include <malloc.h>
#endif

#include "learn/neural_train.h"
#include "learn/per_example.h"
#include "learn/torch_export.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/worker_threads.h"

namespace seedforge::internal {

namespace {

namespace nn = torch::nn;

constexpr double kGradientPenalty = 10;  // lambda of WGAN-GP
constexpr double kGumbelTau = 0.2;       // ctgan's _apply_activate
constexpr int kBatchNormBatches = 50;    // batches the final statistics average

// glibc hands blocks over 128 KiB back to the kernel when they are freed
// (mmap, and trimming the heap's top), so the tensors of every step, a few
// hundred KiB to a few MiB each, came back as fresh zero-filled pages: a
// quarter of the training time went to page faults. While training, freed
// memory stays in the heap for the next step; then the default thresholds
// are set again (as fixed values: glibc's dynamic mmap threshold stays off)
// and the heap is trimmed.
class KeepFreedMemory {
 public:
#ifdef __GLIBC__
  KeepFreedMemory() {
    mallopt(M_MMAP_THRESHOLD, kKeep);
    mallopt(M_TRIM_THRESHOLD, kKeep);
  }
  ~KeepFreedMemory() {
    mallopt(M_MMAP_THRESHOLD, kDefault);
    mallopt(M_TRIM_THRESHOLD, kDefault);
    malloc_trim(0);
  }

 private:
  static constexpr int kKeep = 1 << 30;
  static constexpr int kDefault = 128 * 1024;  // glibc's M_MMAP_THRESHOLD and M_TRIM_THRESHOLD
#endif
};

// Matrix products through oneDNN's sgemm when LibTorch brings oneDNN as a
// shared library (Debian's LibTorch links libdnnl.so.2), else through
// LibTorch's own matmul. LibTorch sends float matmuls to its BLAS, and
// Debian's OpenBLAS (0.3.21) picks its kernels by CPU model: on CPUs it does
// not know, such as virtual machines reporting a generic model, it falls
// back to SSE3 kernels, four to five times slower than oneDNN's, which
// chooses by the instruction sets the CPU reports (AVX-512, AVX2).
using SgemmFunction = int (*)(char transa, char transb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
                              int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc);

SgemmFunction DnnlSgemm() {
  static const SgemmFunction sgemm = []() -> SgemmFunction {
    void* library = dlopen("libdnnl.so.2", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);  // only if LibTorch loaded it
    return library ? reinterpret_cast<SgemmFunction>(dlsym(library, "dnnl_sgemm")) : nullptr;
  }();
  return sgemm;
}

// out = op(a) op(b) (+ out when accumulate), row-major, op = transpose or
// not; a and b contiguous float matrices, out contiguous of the product's
// shape.
void Gemm(const torch::Tensor& a, bool transpose_a, const torch::Tensor& b, bool transpose_b, torch::Tensor& out,
          bool accumulate) {
  const int64_t m = transpose_a ? a.size(1) : a.size(0), k = transpose_a ? a.size(0) : a.size(1);
  const int64_t n = transpose_b ? b.size(0) : b.size(1);
  const int status = DnnlSgemm()(transpose_a ? 'T' : 'N', transpose_b ? 'T' : 'N', m, n, k, 1.0f, a.data_ptr<float>(),
                                 a.size(1), b.data_ptr<float>(), b.size(1), accumulate ? 1.0f : 0.0f,
                                 out.data_ptr<float>(), n);
  TORCH_CHECK(status == 0, "dnnl_sgemm failed with status ", status);
}

// y = x W^T + b, as torch's linear, with its gradients by Gemm.
struct GemmLinear : torch::autograd::Function<GemmLinear> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& input,
                               const torch::Tensor& weight, const torch::Tensor& bias) {
    const torch::Tensor x = input.contiguous(), w = weight.contiguous();
    torch::Tensor y = bias.unsqueeze(0).expand({x.size(0), w.size(0)}).contiguous();
    Gemm(x, false, w, true, y, /*accumulate=*/true);
    ctx->save_for_backward({x, w});
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const torch::autograd::variable_list saved = ctx->get_saved_variables();
    const torch::Tensor& x = saved[0];
    const torch::Tensor& w = saved[1];
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor dx, dw, db;
    if (ctx->needs_input_grad(0)) {
      dx = torch::empty_like(x);
      Gemm(g, false, w, false, dx, false);
    }
    if (ctx->needs_input_grad(1)) {
      dw = torch::empty_like(w);
      Gemm(g, true, x, false, dw, false);
    }
    if (ctx->needs_input_grad(2)) db = g.sum(0);
    return {dx, dw, db};
  }
};

// a b, as torch's mm, with its gradients by Gemm.
struct GemmMatmul : torch::autograd::Function<GemmMatmul> {
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& left,
                               const torch::Tensor& right) {
    const torch::Tensor a = left.contiguous(), b = right.contiguous();
    torch::Tensor y = torch::empty({a.size(0), b.size(1)});
    Gemm(a, false, b, false, y, false);
    ctx->save_for_backward({a, b});
    return y;
  }
  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const torch::autograd::variable_list saved = ctx->get_saved_variables();
    const torch::Tensor& a = saved[0];
    const torch::Tensor& b = saved[1];
    const torch::Tensor g = grads[0].contiguous();
    torch::Tensor da, db;
    if (ctx->needs_input_grad(0)) {
      da = torch::empty_like(a);
      Gemm(g, false, b, true, da, false);
    }
    if (ctx->needs_input_grad(1)) {
      db = torch::empty_like(b);
      Gemm(a, true, g, false, db, false);
    }
    return {da, db};
  }
};

torch::Tensor Linear(nn::Linear layer, const torch::Tensor& x) {
  return DnnlSgemm() ? GemmLinear::apply(x, layer->weight, layer->bias) : layer->forward(x);
}

torch::Tensor Matmul(const torch::Tensor& a, const torch::Tensor& b) {
  return DnnlSgemm() ? GemmMatmul::apply(a, b) : a.mm(b);
}

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

  torch::Tensor forward(const torch::Tensor& x) { return torch::cat({torch::relu(bn(Linear(fc, x))), x}, 1); }

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
    return Linear(output, x);
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

// Dropout(0.5) masks: each entry 0 or 2 with probability 1/2 (torch's
// dropout scales the kept entries by 1 / (1 - p)), 64 entries per random
// word where torch's bernoulli_ draws one number per entry.
torch::Tensor DropoutMask(int64_t rows, int64_t cols, RandomStream& random) {
  torch::Tensor mask = torch::empty({rows, cols});
  float* m = mask.data_ptr<float>();
  const int64_t n = rows * cols;
  for (int64_t i = 0; i < n; i += 64) {
    const uint64_t bits = random.Next();
    const int64_t k = std::min<int64_t>(64, n - i);
    for (int64_t j = 0; j < k; ++j) m[i + j] = static_cast<float>((bits >> j) & 1) * 2.0f;
  }
  return mask;
}

// Linear -> LeakyReLU(0.2) -> Dropout(0.5) per hidden width, then a linear
// layer to one score per pack.
struct DiscriminatorImpl : nn::Module {
  explicit DiscriminatorImpl(const DiscriminatorOptions& options) : pacdim(options.in() * options.pac()) {
    int64_t dim = pacdim;
    for (size_t i = 0; i < options.dims().size(); ++i) {
      hidden.push_back(register_module("hidden" + std::to_string(i), nn::Linear(dim, options.dims()[i])));
      dim = options.dims()[i];
    }
    output = register_module("output", nn::Linear(dim, 1));
  }

  // One dropout mask per hidden layer for `packs` packs.
  std::vector<torch::Tensor> Masks(int64_t packs, RandomStream& random) const {
    std::vector<torch::Tensor> masks;
    for (const nn::Linear& layer : hidden) masks.push_back(DropoutMask(packs, layer->weight.size(0), random));
    return masks;
  }

  torch::Tensor forward(const torch::Tensor& x, const std::vector<torch::Tensor>& masks) {
    torch::Tensor h = x.view({-1, pacdim});
    for (size_t i = 0; i < hidden.size(); ++i) h = torch::leaky_relu(Linear(hidden[i], h), 0.2) * masks[i];
    return Linear(output, h);
  }
  torch::Tensor forward(const torch::Tensor& x, RandomStream& random) {
    return forward(x, Masks(x.numel() / pacdim, random));
  }

  // WGAN-GP's penalty on the gradients of the score at points between real
  // and fake packs (one mixing weight per pack): lambda (|grad_x D(x)| - 1)^2.
  // The gradient is written out rather than taken by autograd with
  // create_graph, which back-propagates the penalty through the
  // interpolated forward pass too: the network is piecewise linear, so
  //   grad_x D = ((w_out * s_L) W_L * s_(L-1) ... W_2 * s_1) W_1,
  // where s_l is the slope of layer l at x (LeakyReLU's 1 or 0.2, times the
  // dropout mask), constant in the weights. Autograd of the penalty through
  // this product gives the weights the same gradients as the double
  // backward (whose terms through the slopes are zero).
  torch::Tensor GradientPenalty(const torch::Tensor& real, const torch::Tensor& fake, RandomStream& random) {
    const int64_t packs = real.numel() / pacdim;
    const std::vector<torch::Tensor> masks = Masks(packs, random);
    std::vector<torch::Tensor> slopes;
    {
      torch::NoGradGuard no_grad;
      torch::Tensor alpha = torch::rand({packs, 1});
      torch::Tensor h = torch::lerp(fake.view({packs, pacdim}), real.view({packs, pacdim}), alpha);
      for (size_t i = 0; i < hidden.size(); ++i) {
        torch::Tensor a = Linear(hidden[i], h);
        slopes.push_back(torch::leaky_relu_backward(masks[i], a, 0.2, /*self_is_result=*/false));
        if (i + 1 < hidden.size()) h = torch::leaky_relu(a, 0.2) * masks[i];
      }
    }
    torch::Tensor gradients;
    if (hidden.empty()) {
      gradients = output->weight.expand({packs, pacdim});
    } else {
      torch::Tensor u = output->weight * slopes.back();
      for (size_t i = hidden.size() - 1; i > 0; --i) u = Matmul(u, hidden[i]->weight) * slopes[i - 1];
      gradients = Matmul(u, hidden[0]->weight);
    }
    return (gradients.norm(2, 1) - 1).pow(2).mean() * kGradientPenalty;
  }

  // DP-SGD's versions (pac 1: a row is an example): the same computations
  // with every use of a weight tapped for per-example gradients, the
  // penalty summed over examples rather than averaged.
  torch::Tensor forward(const torch::Tensor& x, RandomStream& random, PerExampleGradients& tap) {
    const std::vector<torch::Tensor> masks = Masks(x.size(0), random);
    torch::Tensor h = x;
    for (size_t i = 0; i < hidden.size(); ++i) h = torch::leaky_relu(tap.Linear(*hidden[i], h), 0.2) * masks[i];
    return tap.Linear(*output, h);
  }
  torch::Tensor GradientPenaltySum(const torch::Tensor& real, const torch::Tensor& fake, RandomStream& random,
                                   PerExampleGradients& tap) {
    const int64_t n = real.size(0);
    const std::vector<torch::Tensor> masks = Masks(n, random);
    std::vector<torch::Tensor> slopes;
    {
      torch::NoGradGuard no_grad;
      torch::Tensor h = torch::lerp(fake, real, torch::rand({n, 1}));
      for (size_t i = 0; i < hidden.size(); ++i) {
        torch::Tensor a = Linear(hidden[i], h);
        slopes.push_back(torch::leaky_relu_backward(masks[i], a, 0.2, /*self_is_result=*/false));
        if (i + 1 < hidden.size()) h = torch::leaky_relu(a, 0.2) * masks[i];
      }
    }
    // hidden is never empty (CtganConfig's discriminator_dims).
    torch::Tensor u = tap.Product(torch::ones({n, 1}), output->weight) * slopes.back();
    for (size_t i = hidden.size() - 1; i > 0; --i) u = tap.Product(u, hidden[i]->weight) * slopes[i - 1];
    const torch::Tensor gradients = tap.Product(u, hidden[0]->weight);
    return (gradients.norm(2, 1) - 1).pow(2).sum() * kGradientPenalty;
  }

  int64_t pacdim;
  std::vector<nn::Linear> hidden;
  nn::Linear output{nullptr};
};
TORCH_MODULE(Discriminator);

// Adam (Kingma and Ba, 2015, with torch's L2 weight decay added to the
// gradient: the same update as torch.optim.Adam) over every parameter of a
// network at once: the parameters become views into one flat tensor and
// their gradients views into another, which backward accumulates into in
// place, so a step is nine tensor operations in all instead of nine per
// parameter tensor.
class FlatAdam {
 public:
  FlatAdam(std::vector<torch::Tensor> params, double lr, double beta1, double beta2, double decay)
      : params_(std::move(params)), lr_(lr), beta1_(beta1), beta2_(beta2), decay_(decay) {
    torch::NoGradGuard no_grad;
    int64_t total = 0;
    for (const torch::Tensor& p : params_) total += p.numel();
    data_ = torch::empty({total});
    grad_ = torch::zeros({total});
    m_ = torch::zeros({total});
    v_ = torch::zeros({total});
    denom_ = torch::empty({total});
    int64_t at = 0;
    for (torch::Tensor& p : params_) {
      const int64_t n = p.numel();
      data_.narrow(0, at, n).copy_(p.detach().reshape({-1}));
      p.set_data(data_.narrow(0, at, n).view(p.sizes()));
      p.mutable_grad() = grad_.narrow(0, at, n).view(p.sizes());
      offsets_.push_back(at);
      at += n;
    }
  }

  const std::vector<torch::Tensor>& params() const { return params_; }
  void ZeroGrad() { grad_.zero_(); }

  void Step() {
    torch::NoGradGuard no_grad;
    // Backward adds into the existing gradient in place; should it ever
    // have replaced a gradient tensor, copy that one back.
    for (size_t i = 0; i < params_.size(); ++i) {
      torch::Tensor& g = params_[i].mutable_grad();
      if (g.data_ptr<float>() != grad_.data_ptr<float>() + offsets_[i]) {
        grad_.narrow(0, offsets_[i], g.numel()).copy_(g.reshape({-1}));
        g = grad_.narrow(0, offsets_[i], g.numel()).view(params_[i].sizes());
      }
    }
    ++step_;
    const double correction1 = 1 - std::pow(beta1_, step_), correction2 = 1 - std::pow(beta2_, step_);
    grad_.add_(data_, decay_);
    m_.mul_(beta1_).add_(grad_, 1 - beta1_);
    v_.mul_(beta2_).addcmul_(grad_, grad_, 1 - beta2_);
    torch::sqrt_out(denom_, v_);
    denom_.div_(std::sqrt(correction2)).add_(1e-8);
    data_.addcdiv_(m_, denom_, -lr_ / correction1);
  }

 private:
  std::vector<torch::Tensor> params_;
  std::vector<int64_t> offsets_;
  torch::Tensor data_, grad_, m_, v_, denom_;
  double lr_, beta1_, beta2_, decay_;
  int64_t step_ = 0;
};

// Training-by-sampling (ctgan's DataSampler): per discrete column, the rows
// of each category and the log-frequency probabilities of the categories.
class ConditionSampler {
 public:
  explicit ConditionSampler(const EncodedData& data, bool log_frequency) {
    for (const Span& s : data.spans) {
      if (!s.conditional) continue;
      CategorySpan c;
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
    for (const CategorySpan& c : columns_) out.push_back(c.frequencies);
    return out;
  }

  // A batch of conditions, as ctgan's sample_condvec: one-hot conditional
  // vectors (cond), the mask of the chosen column (mask) and, per discrete
  // column, the chosen category (targets; 0 where the column was not
  // chosen, as ctgan's argmax of a zero vector).
  struct Batch {
    torch::Tensor cond, mask, targets;
    std::vector<int> column, category;
  };
  Batch Sample(int batch, RandomStream& random) const {
    Batch b;
    b.cond = torch::zeros({batch, cond_dim_});
    b.mask = torch::zeros({batch, static_cast<int64_t>(columns_.size())});
    b.targets = torch::zeros({batch, static_cast<int64_t>(columns_.size())}, torch::kLong);
    b.column.resize(batch);
    b.category.resize(batch);
    float* c = b.cond.data_ptr<float>();
    float* m = b.mask.data_ptr<float>();
    int64_t* t = b.targets.data_ptr<int64_t>();
    for (int i = 0; i < batch; ++i) {
      const size_t col = random.Below(columns_.size());
      const CategorySpan& column = columns_[col];
      const double u = random.Uniform();
      size_t k = std::upper_bound(column.cumulative.begin(), column.cumulative.end(), u) - column.cumulative.begin();
      k = std::min(k, column.cumulative.size() - 1);
      while (column.rows[k].empty()) k = (k + 1) % column.rows.size();  // log(0 + 1) = 0: never, but be safe
      c[static_cast<size_t>(i) * cond_dim_ + column.cond_offset + k] = 1;
      m[static_cast<size_t>(i) * columns_.size() + col] = 1;
      t[static_cast<size_t>(i) * columns_.size() + col] = static_cast<int64_t>(k);
      b.column[i] = static_cast<int>(col);
      b.category[i] = static_cast<int>(k);
    }
    return b;
  }

  // Real rows for a batch of conditions, shuffled as ctgan shuffles them
  // (perm; c2 = c1[perm]): real row i has the condition of row perm[i],
  // returned as *cond.
  torch::Tensor RealRows(const Batch& b, RandomStream& random, torch::Tensor* cond) const {
    const int batch = static_cast<int>(b.column.size());
    std::vector<int> perm(batch);
    for (int i = 0; i < batch; ++i) perm[i] = i;
    for (int i = batch - 1; i > 0; --i) std::swap(perm[i], perm[random.Below(i + 1)]);
    torch::Tensor rows = torch::empty({batch}, torch::kLong);
    int64_t* r = rows.data_ptr<int64_t>();
    *cond = torch::zeros({batch, cond_dim_});
    float* c = cond->data_ptr<float>();
    for (int i = 0; i < batch; ++i) {
      const CategorySpan& column = columns_[b.column[perm[i]]];
      const std::vector<int64_t>& candidates = column.rows[b.category[perm[i]]];
      r[i] = candidates[random.Below(candidates.size())];
      c[static_cast<size_t>(i) * cond_dim_ + column.cond_offset + b.category[perm[i]]] = 1;
    }
    return rows;
  }

  // Under DP nothing may come from the data's frequencies or its rows per
  // category. Conditions are drawn without the data: each row is
  // unconditional (a zero vector, with probability 1/2: the mode a private
  // model samples in) or names a discrete column chosen uniformly and one
  // of its categories chosen uniformly (what the generator's own steps
  // train on; the public category list is all they know).
  Batch SampleUniform(int batch, RandomStream& random) const {
    Batch b;
    b.cond = torch::zeros({batch, cond_dim_});
    b.mask = torch::zeros({batch, static_cast<int64_t>(columns_.size())});
    b.targets = torch::zeros({batch, static_cast<int64_t>(columns_.size())}, torch::kLong);
    float* c = b.cond.data_ptr<float>();
    float* m = b.mask.data_ptr<float>();
    int64_t* t = b.targets.data_ptr<int64_t>();
    for (int i = 0; i < batch; ++i) {
      if (random.Chance(0.5)) continue;
      const size_t col = random.Below(columns_.size());
      const CategorySpan& column = columns_[col];
      const size_t k = random.Below(column.rows.size());
      c[static_cast<size_t>(i) * cond_dim_ + column.cond_offset + k] = 1;
      m[static_cast<size_t>(i) * columns_.size() + col] = 1;
      t[static_cast<size_t>(i) * columns_.size() + col] = static_cast<int64_t>(k);
    }
    return b;
  }
  // The conditions of real rows under DP, each a function of its own row
  // and of draws independent of the data: unconditional with probability
  // 1/2, else a discrete column chosen uniformly and the row's own category
  // in it. A fake row paired with the real one gets the same condition, so
  // the discriminator compares like with like.
  torch::Tensor OwnConditions(const torch::Tensor& real, RandomStream& random) const {
    const int64_t n = real.size(0), dim = real.size(1);
    torch::Tensor cond = torch::zeros({n, cond_dim_});
    float* c = cond.data_ptr<float>();
    const torch::Tensor rows = real.contiguous();
    const float* x = rows.data_ptr<float>();
    for (int64_t i = 0; i < n; ++i) {
      if (random.Chance(0.5)) continue;
      const CategorySpan& column = columns_[random.Below(columns_.size())];
      const float* v = x + i * dim + column.offset;
      const int64_t k = std::max_element(v, v + column.rows.size()) - v;
      c[i * cond_dim_ + column.cond_offset + k] = 1;
    }
    return cond;
  }

  // Conditional vectors from the data's own frequencies (for sampling and
  // for the final batch-norm statistics).
  torch::Tensor SampleOriginal(int batch, RandomStream& random) const {
    torch::Tensor out = torch::zeros({batch, cond_dim_});
    float* c = out.data_ptr<float>();
    for (int i = 0; i < batch; ++i) {
      const CategorySpan& column = columns_[random.Below(columns_.size())];
      const double u = random.Uniform();
      double acc = 0;
      size_t k = 0;
      for (; k + 1 < column.frequencies.size(); ++k) {
        acc += column.frequencies[k];
        if (u < acc) break;
      }
      c[static_cast<size_t>(i) * cond_dim_ + column.cond_offset + k] = 1;
    }
    return out;
  }

 private:
  struct CategorySpan {
    int offset = 0, cond_offset = 0;
    std::vector<std::vector<int64_t>> rows;
    std::vector<double> cumulative;   // log-frequency, for training
    std::vector<double> frequencies;  // raw, for sampling
  };
  std::vector<CategorySpan> columns_;
  int cond_dim_ = 0;
};

// Standard Gumbel noise, -log(-log(u)) with u uniform on (0, 1) (23 bits,
// offset by half a step so neither log sees 0 or 1): the uniforms come from the
// step's stream, the logs from torch's vectorised kernels, which is cheaper
// than torch's exponential_, one generator call and one scalar log per entry.
torch::Tensor GumbelNoise(int64_t rows, int64_t cols, RandomStream& random) {
  torch::Tensor u = torch::empty({rows, cols});
  float* p = u.data_ptr<float>();
  const int64_t n = rows * cols;
  for (int64_t i = 0; i < n; i += 2) {
    const uint64_t bits = random.Next();
    p[i] = (static_cast<float>(bits & 0x7fffff) + 0.5f) * 0x1.0p-23f;  // exact: 1 - 2^-24 at most
    if (i + 1 < n) p[i + 1] = (static_cast<float>((bits >> 32) & 0x7fffff) + 0.5f) * 0x1.0p-23f;
  }
  return u.log_().neg_().log_().neg_();
}

std::vector<int64_t> SpanSizes(const std::vector<Span>& spans) {
  std::vector<int64_t> sizes;
  for (const Span& s : spans) sizes.push_back(s.dim);
  return sizes;
}

// tanh for alphas, Gumbel-softmax (tau 0.2) for one-hot parts: the noise is
// drawn for the whole output at once, then each one-hot part is a softmax
// of its slice of (x + Gumbel noise) / tau, as torch's gumbel_softmax
// computes it part by part. The spans are split off in one operation
// rather than sliced one by one: the backward of a slice is a zero tensor
// the width of the whole row, so slicing cost O(spans x width) per
// backward pass, the split O(width).
torch::Tensor ApplyActivate(const torch::Tensor& x, const std::vector<Span>& spans, RandomStream& random) {
  const std::vector<int64_t> sizes = SpanSizes(spans);
  const std::vector<torch::Tensor> logits = torch::split_with_sizes(x, sizes, 1);
  const std::vector<torch::Tensor> noisy =
      torch::split_with_sizes((x + GumbelNoise(x.size(0), x.size(1), random)) / kGumbelTau, sizes, 1);
  std::vector<torch::Tensor> parts;
  parts.reserve(spans.size());
  for (size_t i = 0; i < spans.size(); ++i) parts.push_back(spans[i].softmax ? noisy[i].softmax(1) : torch::tanh(logits[i]));
  return torch::cat(parts, 1);
}

// Cross-entropy between the generated logits of each discrete column and
// the condition, counted only for the column the condition chose.
torch::Tensor ConditionLoss(const torch::Tensor& fake, const torch::Tensor& targets, const torch::Tensor& mask,
                            const std::vector<Span>& spans) {
  const std::vector<torch::Tensor> logits = torch::split_with_sizes(fake, SpanSizes(spans), 1);
  std::vector<torch::Tensor> losses;
  for (size_t i = 0; i < spans.size(); ++i) {
    if (!spans[i].conditional) continue;
    losses.push_back(nn::functional::cross_entropy(logits[i], targets.select(1, static_cast<int64_t>(losses.size())),
                                                   nn::functional::CrossEntropyFuncOptions().reduction(torch::kNone)));
  }
  return (torch::stack(losses, 1) * mask).sum() / fake.size(0);
}

}  // namespace

CtganNetwork TrainCtgan(const EncodedData& data, const CtganConfig& config, const TrainOptions& options) {
  try {
    const KeepFreedMemory keep_freed_memory;
    torch::manual_seed(options.seed);
    torch::set_num_threads(ThreadsOrCores(options.threads));
    int expected_offset = 0;
    for (const Span& s : data.spans) {
      if (s.offset != expected_offset) throw Error("ctgan: the encoded spans do not tile the row");
      expected_offset += s.dim;
    }
    if (expected_offset != data.dim) throw Error("ctgan: the encoded spans do not tile the row");
    const int pac = config.pac;
    const int batch = std::max(pac, (options.batch_size + pac - 1) / pac * pac);
    const ConditionSampler conditions(data, config.log_frequency);
    const int cond_dim = conditions.cond_dim();
    torch::Tensor table =
        torch::from_blob(const_cast<float*>(data.data.data()), {data.rows, data.dim}, torch::kFloat32);

    Generator generator(GeneratorOptions(config.embedding_dim + cond_dim, config.generator_dims, data.dim));
    Discriminator discriminator(DiscriminatorOptions(data.dim + cond_dim, config.discriminator_dims, pac));
    FlatAdam optimizer_g(generator->parameters(), config.generator_lr, 0.5, 0.9, config.generator_decay);
    FlatAdam optimizer_d(discriminator->parameters(), config.discriminator_lr, 0.5, 0.9, config.discriminator_decay);

    // Under DP every draw of training (the row sampling and the noise, but
    // also the latent vectors, dropout masks, conditions, Gumbel noise and
    // interpolations) comes from the secret, not the public seed: a draw an
    // attacker could compute would let a row's presence (which shifts every
    // later position in the streams) show through unnoised. The initial
    // weights, drawn above, may stay public.
    const uint64_t key = options.dp.enabled ? DeriveKey(options.dp.secret, "ctgan", "train")
                                            : DeriveKey(options.seed, "ctgan", "train");
    if (options.dp.enabled) torch::manual_seed(DeriveKey(options.dp.secret, "ctgan", "torch"));
    const int steps = std::max(data.rows / batch, 1);
    const auto start = std::chrono::steady_clock::now();
    uint64_t step_index = 0;
    // The generator's input: z ~ N(0, I), then the conditional vector.
    auto latent = [&](const ConditionSampler::Batch* conditions) {
      torch::Tensor z = torch::randn({batch, config.embedding_dim});
      return conditions ? torch::cat({z, conditions->cond}, 1) : z;
    };
    if (options.dp.enabled) {
      // DP-SGD on the discriminator, the only network that sees real rows;
      // the generator learns from the discriminator alone (post-processing).
      // Each discriminator step: a Poisson batch of real rows, each with its
      // own condition (OwnConditions), each paired with a fake row made for
      // that condition by the generator in evaluation mode (its batch norm
      // uses statistics from the generator's own steps, never a batch whose
      // size depends on the data); the loss is a sum of per-pair terms
      // D(fake_i) - D(real_i) + penalty_i, each pair's gradient clipped.
      const DpSgdOptions& dp = options.dp;
      if (pac != 1) throw Error("ctgan: DP-SGD needs pac 1 (a pack would mix the rows of a Poisson batch)");
      PerExampleGradients tap(optimizer_d.params());
      const double expected = dp.sample_rate * data.rows;
      const int64_t per_epoch =
          std::max<int64_t>(1, std::llround(1 / dp.sample_rate / config.discriminator_steps));
      const uint64_t batch_key = DeriveKey(dp.secret, "ctgan", "dp-batches");
      torch::Generator noise = at::detail::createCPUGenerator(DeriveKey(dp.secret, "ctgan", "dp-noise"));
      double sum_g = 0, sum_d = 0;
      int64_t taken = 0, iterations = 0, d_steps = 0;
      while (taken < dp.steps) {
        RandomStream random(key, step_index++);
        for (int n = 0; n < config.discriminator_steps && taken < dp.steps; ++n) {
          RandomStream batch_random(batch_key, static_cast<uint64_t>(taken));
          const torch::Tensor rows = PoissonBatch(data.rows, dp.sample_rate, batch_random);
          const int64_t b = rows.size(0);
          optimizer_d.ZeroGrad();
          if (b > 0) {
            torch::Tensor real_cat = table.index_select(0, rows), fake_cat;
            {
              torch::NoGradGuard no_grad;
              generator->eval();
              torch::Tensor z = torch::randn({b, config.embedding_dim});
              if (conditions.empty()) {
                fake_cat = ApplyActivate(generator->forward(z), data.spans, random);
              } else {
                const torch::Tensor cond = conditions.OwnConditions(real_cat, random);
                fake_cat = torch::cat({ApplyActivate(generator->forward(torch::cat({z, cond}, 1)), data.spans, random), cond}, 1);
                real_cat = torch::cat({real_cat, cond}, 1);
              }
              generator->train();
            }
            torch::Tensor y_fake = discriminator->forward(fake_cat, random, tap);
            torch::Tensor y_real = discriminator->forward(real_cat, random, tap);
            torch::Tensor penalty = discriminator->GradientPenaltySum(real_cat, fake_cat, random, tap);
            torch::Tensor loss = y_fake.sum() - y_real.sum();
            (loss + penalty).backward({}, /*retain_graph=*/false, /*create_graph=*/false, optimizer_d.params());
            sum_d += loss.item<double>() / static_cast<double>(b);
            ++d_steps;
          }
          tap.ClipAndNoise(b, dp.max_grad_norm, dp.noise_multiplier, expected, noise);
          optimizer_d.Step();
          ++taken;
        }
        torch::Tensor loss_g;
        if (conditions.empty()) {
          torch::Tensor fake_act = ApplyActivate(generator->forward(latent(nullptr)), data.spans, random);
          loss_g = -torch::mean(discriminator->forward(fake_act, random));
        } else {
          const ConditionSampler::Batch c = conditions.SampleUniform(batch, random);
          torch::Tensor fake = generator->forward(latent(&c));
          torch::Tensor fake_cat = torch::cat({ApplyActivate(fake, data.spans, random), c.cond}, 1);
          loss_g = -torch::mean(discriminator->forward(fake_cat, random)) +
                   ConditionLoss(fake, c.targets, c.mask, data.spans);
        }
        optimizer_g.ZeroGrad();
        loss_g.backward({}, /*retain_graph=*/false, /*create_graph=*/false, optimizer_g.params());
        optimizer_g.Step();
        sum_g += loss_g.item<double>();
        ++iterations;
        if (options.progress && (iterations % per_epoch == 0 || taken == dp.steps)) {
          const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
          const int64_t in_epoch = (iterations - 1) % per_epoch + 1;
          options.progress(static_cast<int>((iterations + per_epoch - 1) / per_epoch),
                           {{"G", sum_g / in_epoch}, {"D", d_steps ? sum_d / d_steps : 0}}, seconds);
          sum_g = sum_d = 0;
          d_steps = 0;
        }
      }
    }
    for (int epoch = 1; epoch <= (options.dp.enabled ? 0 : options.epochs); ++epoch) {
      double sum_g = 0, sum_d = 0;
      for (int step = 0; step < steps; ++step) {
        RandomStream random(key, step_index++);
        for (int n = 0; n < config.discriminator_steps; ++n) {
          torch::Tensor fake_cat, real_cat;
          if (conditions.empty()) {
            torch::Tensor rows = torch::empty({batch}, torch::kLong);
            int64_t* r = rows.data_ptr<int64_t>();
            for (int i = 0; i < batch; ++i) r[i] = static_cast<int64_t>(random.Below(data.rows));
            real_cat = table.index_select(0, rows);
            torch::NoGradGuard no_grad;
            fake_cat = ApplyActivate(generator->forward(latent(nullptr)), data.spans, random);
          } else {
            const ConditionSampler::Batch c = conditions.Sample(batch, random);
            torch::Tensor c2;
            const torch::Tensor rows = conditions.RealRows(c, random, &c2);
            real_cat = torch::cat({table.index_select(0, rows), c2}, 1);
            torch::NoGradGuard no_grad;
            fake_cat = torch::cat({ApplyActivate(generator->forward(latent(&c)), data.spans, random), c.cond}, 1);
          }
          // Fake and real packs in one pass (no pack mixes the two).
          torch::Tensor y = discriminator->forward(torch::cat({fake_cat, real_cat}, 0), random);
          torch::Tensor y_fake = y.slice(0, 0, y.size(0) / 2), y_real = y.slice(0, y.size(0) / 2);
          torch::Tensor penalty = discriminator->GradientPenalty(real_cat, fake_cat, random);
          torch::Tensor loss_d = -(torch::mean(y_real) - torch::mean(y_fake));
          optimizer_d.ZeroGrad();
          (penalty + loss_d).backward({}, /*retain_graph=*/false, /*create_graph=*/false, optimizer_d.params());
          optimizer_d.Step();
          sum_d += loss_d.item<double>();
        }
        torch::Tensor loss_g;
        if (conditions.empty()) {
          torch::Tensor fake_act = ApplyActivate(generator->forward(latent(nullptr)), data.spans, random);
          loss_g = -torch::mean(discriminator->forward(fake_act, random));
        } else {
          const ConditionSampler::Batch c = conditions.Sample(batch, random);
          torch::Tensor fake = generator->forward(latent(&c));
          torch::Tensor fake_cat = torch::cat({ApplyActivate(fake, data.spans, random), c.cond}, 1);
          loss_g = -torch::mean(discriminator->forward(fake_cat, random)) +
                   ConditionLoss(fake, c.targets, c.mask, data.spans);
        }
        optimizer_g.ZeroGrad();
        loss_g.backward({}, /*retain_graph=*/false, /*create_graph=*/false, optimizer_g.params());
        optimizer_g.Step();
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
        // A private model samples unconditionally (a zero vector): the data's
        // frequencies are not its to use.
        if (!conditions.empty()) {
          fakez = torch::cat({fakez, options.dp.enabled ? torch::zeros({batch, cond_dim})
                                                        : conditions.SampleOriginal(batch, random)}, 1);
        }
        generator->forward(fakez);
      }
      generator->eval();
    }

    CtganNetwork network;
    network.embedding_dim = config.embedding_dim;
    network.cond_dim = cond_dim;
    for (Residual& r : generator->residuals) network.residual.push_back(ExportLinear(r->fc, &r->bn));
    network.output = ExportLinear(generator->output, nullptr);
    if (!options.dp.enabled) network.cond_frequencies = conditions.Frequencies();
    return network;
  } catch (const c10::Error& e) {
    throw Error(std::string("ctgan: training failed in LibTorch: ") + e.what_without_backtrace());
  }
}

}  // namespace seedforge::internal
