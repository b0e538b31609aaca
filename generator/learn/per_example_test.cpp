// The per-example gradients of learn/per_example.h against autograd run
// one example at a time, on tiny networks shaped as the synthesizers' are:
// linear layers, and a weight used several times per example (CTGAN's
// gradient penalty reuses the discriminator's weights; TVAE's output noise
// is a per-example product). Built into seedforge_neural_tests, which links
// LibTorch as the neural module does.
#include "learn/per_example.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

namespace seedforge::internal {
namespace {

namespace nn = torch::nn;

torch::Generator noise = at::detail::createCPUGenerator(99);

// A network of the shapes DP-SGD meets: two linear layers, then the first
// layer's weight used again through a product (as the penalty's chain does)
// and a 1-D parameter broadcast per example (as TVAE's sigma).
struct Tiny {
  nn::Linear a{nn::LinearOptions(4, 3)}, b{nn::LinearOptions(3, 2)};
  torch::Tensor scale = torch::rand({4}) + 0.5;

  Tiny() { scale.set_requires_grad(true); }
  std::vector<torch::Tensor> params() const { return {a->weight, a->bias, b->weight, b->bias, scale}; }

  // Per-example losses (one per row of x), computed with `tap` when given.
  torch::Tensor Losses(const torch::Tensor& x, PerExampleGradients* tap) {
    auto linear = [&](const nn::Linear& l, const torch::Tensor& in) {
      return tap ? tap->Linear(*l, in) : torch::addmm(l->bias, in, l->weight.t());
    };
    auto product = [&](const torch::Tensor& u, const torch::Tensor& p) {
      return tap ? tap->Product(u, p) : u.mm(p.dim() == 1 ? p.unsqueeze(0) : p);
    };
    torch::Tensor h = torch::tanh(linear(a, x));
    torch::Tensor out = linear(b, h);
    torch::Tensor s = product(torch::ones({x.size(0), 1}), scale);   // [n, 4]
    torch::Tensor back = product(h * 0.7, a->weight);                  // [n, 4]: the reuse of a's weight
    return out.pow(2).sum(1) * 3 + (back * s).sum(1) + (x * s).pow(2).sum(1);
  }
};

// Example i's gradient by autograd on its loss alone, flattened.
torch::Tensor AutogradGradient(Tiny& net, const torch::Tensor& x, int64_t i) {
  std::vector<torch::Tensor> params = net.params();
  std::vector<torch::Tensor> grads = torch::autograd::grad({net.Losses(x.slice(0, i, i + 1), nullptr).sum()}, params);
  std::vector<torch::Tensor> flat;
  for (const torch::Tensor& g : grads) flat.push_back(g.reshape({-1}));
  return torch::cat(flat);
}

torch::Tensor FlatGrads(const std::vector<torch::Tensor>& params) {
  std::vector<torch::Tensor> flat;
  for (const torch::Tensor& p : params) flat.push_back(p.grad().reshape({-1}));
  return torch::cat(flat);
}

TEST(PerExampleGradients, NormsMatchAutogradPerRow) {
  torch::manual_seed(3);
  Tiny net;
  const int64_t n = 6;
  const torch::Tensor x = torch::randn({n, 4}) * 2;
  PerExampleGradients tap(net.params());
  net.Losses(x, &tap).sum().backward();
  const torch::Tensor norms = tap.Norms(n);
  for (int64_t i = 0; i < n; ++i) {
    const double expected = AutogradGradient(net, x, i).norm().item<double>();
    EXPECT_NEAR(norms[i].item<double>(), expected, 1e-4 * expected) << "example " << i;
  }
}

// The clipped sum is sum_i min(1, C / |g_i|) g_i with each g_i from
// autograd: C is set between the smallest and largest norms so that some
// examples are clipped and some are not, and the noise is off.
TEST(PerExampleGradients, ClippedSumMatchesAutogradPerRow) {
  torch::manual_seed(4);
  Tiny net;
  const int64_t n = 8;
  const torch::Tensor x = torch::randn({n, 4}) * 2;
  std::vector<torch::Tensor> per_row;
  std::vector<double> norms;
  for (int64_t i = 0; i < n; ++i) {
    per_row.push_back(AutogradGradient(net, x, i));
    norms.push_back(per_row.back().norm().item<double>());
  }
  std::vector<double> sorted = norms;
  std::sort(sorted.begin(), sorted.end());
  const double clip = sorted[n / 2];
  ASSERT_LT(sorted.front(), clip);
  torch::Tensor expected = torch::zeros_like(per_row[0]);
  for (int64_t i = 0; i < n; ++i) expected += per_row[i] * std::min(1.0, clip / (norms[i] + 1e-6));
  const double expected_batch = 5;
  expected /= expected_batch;

  PerExampleGradients tap(net.params());
  net.Losses(x, &tap).sum().backward();
  tap.ClipAndNoise(n, clip, /*noise_multiplier=*/0, expected_batch, noise);
  const torch::Tensor got = FlatGrads(net.params());
  EXPECT_LT((got - expected).abs().max().item<double>(), 1e-5 * expected.abs().max().item<double>());
}

// What DP rests on: one example, however large its gradient, moves the sum
// by at most C. A batch with and without an outlier example (inputs 1,000
// times larger) differs by at most C / expected batch.
TEST(PerExampleGradients, OneExampleMovesTheSumByAtMostTheClip) {
  torch::manual_seed(5);
  Tiny net;
  const torch::Tensor x = torch::randn({5, 4});
  const torch::Tensor outlier = torch::randn({1, 4}) * 1000;
  const double clip = 0.5, expected_batch = 2;
  auto clipped_sum = [&](const torch::Tensor& batch) {
    PerExampleGradients tap(net.params());
    net.Losses(batch, &tap).sum().backward();
    tap.ClipAndNoise(batch.size(0), clip, 0, expected_batch, noise);
    return FlatGrads(net.params()).clone();
  };
  const torch::Tensor without = clipped_sum(x);
  const torch::Tensor with = clipped_sum(torch::cat({x.slice(0, 0, 2), outlier, x.slice(0, 2)}, 0));
  const double moved = (with - without).norm().item<double>() * expected_batch;
  EXPECT_LE(moved, clip * (1 + 1e-5));
  EXPECT_GT(moved, clip * 0.99);  // the outlier's gradient is far over the clip: it is clipped, not dropped
  const torch::Tensor alone = clipped_sum(outlier);
  EXPECT_LE(alone.norm().item<double>() * expected_batch, clip * (1 + 1e-5));
}

// The noise is N(0, sigma^2 C^2) per coordinate, divided by the expected
// batch: over the 27 coordinates of an empty batch's gradient, the mean
// square times expected^2 / (sigma C)^2 is chi-square(27) / 27, between 0.36
// and 2.06 with probability 0.998 (Wilson-Hilferty); a noise off by a
// factor of 2 in sd scores 0.25 or 4.
TEST(PerExampleGradients, EmptyBatchGivesTheNoiseAlone) {
  torch::manual_seed(6);
  Tiny net;
  PerExampleGradients tap(net.params());
  const double sigma = 2, clip = 1.5, expected_batch = 10;
  tap.ClipAndNoise(0, clip, sigma, expected_batch, noise);
  const torch::Tensor g = FlatGrads(net.params()) * expected_batch / (sigma * clip);
  ASSERT_EQ(g.numel(), 27);
  const double ratio = g.pow(2).mean().item<double>();
  EXPECT_GT(ratio, 0.33);
  EXPECT_LT(ratio, 2.1);
}

TEST(PoissonBatch, TakesEachRowWithProbabilityQ) {
  // 200 batches of 1,000 rows at q = 0.05: 10,000 draws expected, sd 97;
  // each row taken about 10 times. Both within 5 sd.
  std::vector<int> taken(1000, 0);
  int64_t total = 0;
  for (uint64_t step = 0; step < 200; ++step) {
    RandomStream random(17, step);
    const torch::Tensor rows = PoissonBatch(1000, 0.05, random);
    int64_t previous = -1;
    for (int64_t i = 0; i < rows.size(0); ++i) {
      const int64_t r = rows[i].item<int64_t>();
      ASSERT_GT(r, previous);
      ASSERT_LT(r, 1000);
      previous = r;
      ++taken[r];
    }
    total += rows.size(0);
  }
  EXPECT_NEAR(static_cast<double>(total), 10000, 5 * 97.5);
  // First and last rows are as likely as any: the first 100 and the last
  // 100 rows each drawn about 1,000 times (sd 31).
  int first = 0, last = 0;
  for (int r = 0; r < 100; ++r) {
    first += taken[r];
    last += taken[999 - r];
  }
  EXPECT_NEAR(first, 1000, 5 * 31);
  EXPECT_NEAR(last, 1000, 5 * 31);
}

}  // namespace
}  // namespace seedforge::internal
