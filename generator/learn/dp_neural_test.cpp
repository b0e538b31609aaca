// CTGAN and TVAE under differential privacy (FitOptions::dp; DP-SGD,
// docs/privacy-neural.md): what a private fit spends, what it refuses, that
// it still learns, and that its account survives the model file.
// learn/per_example_test.cpp (seedforge_neural_tests) checks the clipping
// itself against per-example autograd.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "learn/serialize.h"
#include "learn/test_tables.h"
#include "seedforge/error.h"
#include "seedforge/rdp_accountant.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

using testing::GroundTruthTable;
using testing::Median;

// x with public bounds wide of its data (mean 50, sd 10) and segment with
// its public categories: what a domain declares.
DpOptions PublicXAndSegment(double epsilon) {
  DpOptions dp;
  dp.epsilon = epsilon;
  dp.public_columns["x"].min = 0;
  dp.public_columns["x"].max = 100;
  dp.public_columns["segment"].categories = {"A", "B", "C"};
  return dp;
}

std::unique_ptr<Synthesizer> FitPrivate(const std::string& name, const DataTable& table, const DpOptions& dp,
                                        int epochs, int batch, uint64_t seed) {
  auto model = MakeSynthesizer(name);
  FitOptions options;
  options.epochs = epochs;
  options.batch_size = batch;
  options.seed = seed;
  options.threads = 1;
  options.dp = dp;
  model->Fit(table, options);
  return model;
}

// The account against the plan: q = batch / rows, steps = epochs / q (TVAE;
// CTGAN's discriminator steps, one per generator step by default), delta
// 1 / (10 rows) capped at 1e-5, and the accountant's epsilon for exactly
// those steps at the recorded noise: at most the budget and within the
// solver's tolerance (0.01) of it, so the planned epochs spend it all.
TEST(DpNeuralTest, SpendsTheBudgetAndNoMore) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(1000), {"x", "segment"});
  for (const char* name : {"tvae", "ctgan"}) {
    for (double epsilon : {1.0, 10.0}) {
      SCOPED_TRACE(std::string(name) + " at epsilon " + std::to_string(epsilon));
      auto model = FitPrivate(name, table, PublicXAndSegment(epsilon), 2, 100, 1);
      const DpAccount& a = model->privacy();
      EXPECT_EQ(a.mechanism, "dp-sgd");
      EXPECT_EQ(a.accountant, "rdp");
      EXPECT_DOUBLE_EQ(a.sample_rate, 0.1);
      EXPECT_EQ(a.steps, 20);
      EXPECT_DOUBLE_EQ(a.delta, 1e-5);
      EXPECT_DOUBLE_EQ(a.target_epsilon, epsilon);
      EXPECT_DOUBLE_EQ(a.max_grad_norm, 1.0);
      EXPECT_GT(a.noise_multiplier, 0);
      dp::RdpAccountant accountant;
      accountant.Add(a.sample_rate, a.noise_multiplier, a.steps);
      const double spent = accountant.EpsilonSpent(a.delta).epsilon;
      EXPECT_DOUBLE_EQ(a.epsilon, spent);
      EXPECT_LE(spent, epsilon);
      EXPECT_GE(spent, epsilon - 0.01);
      EXPECT_EQ(a.public_columns, (std::vector<std::string>{"x: [0, 100]", "segment: 3 categories"}));
      // The model keeps only public bounds: its range is the declared one.
      EXPECT_EQ(model->columns()[0].min, 0);
      EXPECT_EQ(model->columns()[0].max, 100);
    }
  }
}

TEST(DpNeuralTest, CtganCountsDiscriminatorSteps) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(1000), {"x", "segment"});
  auto model = MakeSynthesizer("ctgan");
  FitOptions options;
  options.epochs = 2;
  options.batch_size = 300;
  options.threads = 1;
  options.ctgan.discriminator_steps = 5;
  options.dp = PublicXAndSegment(3);
  model->Fit(table, options);
  // q = 0.3: 2 / 0.3 = 6.67 steps, rounded up to whole generator steps of 5.
  EXPECT_EQ(model->privacy().steps, 10);
  EXPECT_DOUBLE_EQ(model->privacy().sample_rate, 0.3);
}

TEST(DpNeuralTest, RefusesWhatWouldLeakOrMeanNothing) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(200), {"x", "segment"});
  for (const char* name : {"tvae", "ctgan"}) {
    SCOPED_TRACE(name);
    DpOptions no_bounds = PublicXAndSegment(1);
    no_bounds.public_columns.erase("x");
    EXPECT_THROW(FitPrivate(name, table, no_bounds, 1, 50, 1), UsageError);
    DpOptions no_categories = PublicXAndSegment(1);
    no_categories.public_columns.erase("segment");
    EXPECT_THROW(FitPrivate(name, table, no_categories, 1, 50, 1), UsageError);
    DpOptions half_bounds = PublicXAndSegment(1);
    half_bounds.public_columns["x"].max.reset();
    EXPECT_THROW(FitPrivate(name, table, half_bounds, 1, 50, 1), UsageError);
    DpOptions unknown = PublicXAndSegment(1);
    unknown.public_columns["nope"].min = 0;
    EXPECT_THROW(FitPrivate(name, table, unknown, 1, 50, 1), UsageError);
    EXPECT_THROW(FitPrivate(name, table, PublicXAndSegment(0.001), 1, 50, 1), UsageError);
    EXPECT_THROW(FitPrivate(name, table, PublicXAndSegment(1000), 1, 50, 1), UsageError);
    DpOptions bad_delta = PublicXAndSegment(1);
    bad_delta.delta = -1e-5;
    EXPECT_THROW(FitPrivate(name, table, bad_delta, 1, 50, 1), UsageError);
    bad_delta.delta = 1;
    EXPECT_THROW(FitPrivate(name, table, bad_delta, 1, 50, 1), UsageError);
  }
}

// With --bounds-budget 0.2 at epsilon 10 (1,000 rows), x's bounds and
// segment's categories, declared nowhere, are estimated as the copula does
// (learn/public_columns.h): 0.2 x 10 = 2 of epsilon in all, 1 per column,
// by basic composition with DP-SGD, which gets the rest (8 at 0.8 delta).
// - The account: epsilon = 2 + the accountant's figure for the steps at
//   0.8 delta, at most the budget and within the solver's 0.01 of it.
// - The bounds hold at least 95% of x (mean 50, sd 10): they aim at the
//   0.5% and 99.5% quantiles; each stage has Laplace noise of scale 2 per
//   cell, so the noisy cumulative count over the 64 cells of the fine
//   histogram is off by at most a few sd of 2 sqrt(2 x 64) = 23 rows
//   (2.3%) at either end, and the bracket of powers of two, [16, 128)
//   (cells of 36 and 80 rows against a threshold of 18), cuts off no row.
// - The categories are A, B and C: each has hundreds of rows against a
//   release threshold of 1 + ln(1 / (2 x 1e-6)) = 14.1 at Laplace scale 1.
TEST(DpNeuralTest, EstimatesUndeclaredBoundsAndCategoriesWithABudget) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(1000), {"x", "segment"});
  for (const char* name : {"tvae", "ctgan"}) {
    SCOPED_TRACE(name);
    DpOptions dp;
    dp.epsilon = 10;
    dp.preprocessing_share = 0.2;
    auto model = FitPrivate(name, table, dp, 2, 100, 1);
    const DpAccount& a = model->privacy();
    EXPECT_DOUBLE_EQ(a.target_epsilon, 10);
    EXPECT_DOUBLE_EQ(a.preprocessing_epsilon, 0.2 * 10);
    EXPECT_DOUBLE_EQ(a.delta, 1e-5);
    dp::RdpAccountant accountant;
    accountant.Add(a.sample_rate, a.noise_multiplier, a.steps);
    const double sgd = accountant.EpsilonSpent(a.delta * (1 - 0.2)).epsilon;
    EXPECT_DOUBLE_EQ(a.epsilon, a.preprocessing_epsilon + sgd);
    EXPECT_LE(a.epsilon, 10);
    EXPECT_GE(a.epsilon, 10 - 0.01);
    ASSERT_EQ(a.public_columns.size(), 2u);
    EXPECT_NE(a.public_columns[0].find("x: ["), std::string::npos) << a.public_columns[0];
    EXPECT_NE(a.public_columns[0].find("DP-estimated"), std::string::npos) << a.public_columns[0];
    EXPECT_NE(a.public_columns[1].find("segment: 3 categories (DP-estimated"), std::string::npos)
        << a.public_columns[1];

    const ModelColumn& x = model->columns()[0];
    ASSERT_LT(x.min, x.max);
    size_t inside = 0, present = 0;
    for (size_t i = 0; i < table.rows; ++i) {
      if (table.columns[0].IsNull(i)) continue;
      ++present;
      const double v = table.columns[0].floats[i];
      if (v >= x.min && v <= x.max) ++inside;
    }
    EXPECT_GE(static_cast<double>(inside), 0.95 * static_cast<double>(present))
        << "[" << x.min << ", " << x.max << "]";
    std::vector<std::string> categories = model->columns()[1].categories;
    std::sort(categories.begin(), categories.end());
    EXPECT_EQ(categories, (std::vector<std::string>{"A", "B", "C"}));
  }
}

// At epsilon = 10 (delta 1e-5) TVAE still learns a category marginal:
// 5,000 rows, batches of 250 expected (q = 0.05), 10 epochs = 200 DP-SGD
// steps at noise multiplier 0.755, 20,000 rows sampled per seed; the
// median over seeds 1-3.
// - Shares of A and C within 0.08 of the data's (0.50 and 0.20): their
//   sampling sd over 20,000 rows is 0.0035, so 0.07 is left for the model's
//   error (clipping and noise bias the fit). A model that learned nothing
//   of the segment knows only the public list, and its uniform 1/3 is 0.17
//   off for A and 0.13 for C.
// - NULL segments under 0.05: the column has none, but under DP every
//   column gets a NULL flag that the model must learn to leave off (an
//   untrained flag is NULL half the time).
// The noise is secret (NoiseIsSecretNotSeeded), so each run differs.
// Measured over 5 runs of seeds 1-3 (15 fits; the data has A 0.502, C
// 0.195): A 0.483-0.509, C 0.174-0.189, NULL 0.015-0.019.
TEST(DpNeuralTest, TvaeAtEpsilonTenStillLearnsAMarginal) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(5000), {"x", "segment"});
  const double data_a = testing::Share(table.columns[1], "A"), data_c = testing::Share(table.columns[1], "C");
  std::vector<double> a, c, nulls;
  for (uint64_t seed : {1, 2, 3}) {
    auto model = FitPrivate("tvae", table, PublicXAndSegment(10), 10, 250, seed);
    ASSERT_LE(model->privacy().epsilon, 10);
    const std::vector<BatchColumn> out = testing::SampleAll(*model->MakeSampler(), 20000, 11);
    a.push_back(testing::Share(out[1], "A"));
    c.push_back(testing::Share(out[1], "C"));
    nulls.push_back(testing::NullShare(out[1]));
    // The model's column statistics are its own samples' (10,000 other
    // rows): the share of A within 0.025 (4 sd of the difference).
    EXPECT_NEAR(model->columns()[1].frequencies[0], a.back() / (1 - nulls.back()), 0.025);
    std::printf("seed %llu: share of A %.4f (data %.4f), C %.4f (data %.4f), NULL %.4f\n",
                static_cast<unsigned long long>(seed), a.back(), data_a, c.back(), data_c, nulls.back());
  }
  EXPECT_NEAR(Median(a), data_a, 0.08);
  EXPECT_NEAR(Median(c), data_c, 0.08);
  EXPECT_LT(Median(nulls), 0.05);
}

// A value outside its column's public list counts as NULL (as the private
// copula counts it): with C left out of the list, the 20% of C rows are
// NULLs to the model. TVAE at epsilon 10 (the setting of the test above,
// whose NULL share stays under 0.02 without them) makes the share of NULL
// segments over 0.1: a model that dropped those rows, or mapped them to a
// category, makes about 0.02 or fewer. Measured over 3 runs: 0.176-0.189.
TEST(DpNeuralTest, ValuesOutsideThePublicListCountAsNull) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(5000), {"x", "segment"});
  DpOptions dp = PublicXAndSegment(10);
  dp.public_columns["segment"].categories = {"A", "B"};
  auto model = FitPrivate("tvae", table, dp, 10, 250, 1);
  const std::vector<BatchColumn> out = testing::SampleAll(*model->MakeSampler(), 20000, 11);
  std::printf("NULL share %.4f, A %.4f, B %.4f\n", testing::NullShare(out[1]), testing::Share(out[1], "A"),
              testing::Share(out[1], "B"));
  EXPECT_GT(testing::NullShare(out[1]), 0.1);
  EXPECT_EQ(testing::Share(out[1], "C"), 0.0);
}

TEST(DpNeuralTest, AccountSurvivesTheModelFile) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(300), {"x", "segment"});
  for (const char* name : {"tvae", "ctgan"}) {
    SCOPED_TRACE(name);
    auto model = FitPrivate(name, table, PublicXAndSegment(2), 1, 100, 1);
    auto loaded = MakeSynthesizer(name);
    loaded->LoadPayload(model->SavePayload(), "model");
    const DpAccount& a = model->privacy();
    const DpAccount& b = loaded->privacy();
    EXPECT_EQ(a.mechanism, b.mechanism);
    EXPECT_EQ(a.epsilon, b.epsilon);
    EXPECT_EQ(a.delta, b.delta);
    EXPECT_EQ(a.noise_multiplier, b.noise_multiplier);
    EXPECT_EQ(a.sample_rate, b.sample_rate);
    EXPECT_EQ(a.steps, b.steps);
    EXPECT_EQ(a.public_columns, b.public_columns);
    EXPECT_EQ(model->SavePayload(), loaded->SavePayload());
    EXPECT_NE(loaded->Summary().find("private: dp-sgd"), std::string::npos);
    // A private CTGAN samples unconditionally, and still takes a condition.
    SampleSpec spec;
    spec.conditions = {Condition::Parse("segment=C")};
    std::vector<BatchColumn> out = testing::SampleAll(*loaded->MakeSampler(spec), 200, 3);
    EXPECT_EQ(testing::Share(out[1], "C"), 1.0);
  }
}

// The noise and the Poisson batches come from a secret drawn for each fit,
// not from the seed (a public setting: knowing it, anyone could recompute
// the noise): the same private fit twice gives two different models. Two
// equal payloads would need the same 64-bit secret.
TEST(DpNeuralTest, NoiseIsSecretNotSeeded) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(300), {"x", "segment"});
  for (const char* name : {"tvae", "ctgan"}) {
    SCOPED_TRACE(name);
    EXPECT_NE(FitPrivate(name, table, PublicXAndSegment(3), 2, 100, 5)->SavePayload(),
              FitPrivate(name, table, PublicXAndSegment(3), 2, 100, 5)->SavePayload());
  }
}

// A model saved before DP existed (payload version 1: no account) loads as
// not private. The version-1 payload is today's, without the (empty)
// account of a model that is not private after the epochs, and with
// version 1.
TEST(DpNeuralTest, VersionOnePayloadsStillLoad) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(200), {"x", "segment"});
  for (const char* name : {"tvae", "ctgan"}) {
    SCOPED_TRACE(name);
    auto model = MakeSynthesizer(name);
    FitOptions options;
    options.epochs = 3;
    options.batch_size = 100;
    options.threads = 1;
    model->Fit(table, options);
    std::string payload = model->SavePayload();
    ASSERT_EQ(payload.substr(0, 4), std::string("\x02\0\0\0", 4));
    // epochs (3), the empty account, the embedding size (128)
    internal::ByteWriter empty;
    internal::WriteDpAccount(empty, DpAccount{});
    const std::string account = empty.bytes();
    const std::string marker = std::string("\x03\0\0\0", 4) + account + std::string("\x80\0\0\0", 4);
    const size_t at = payload.find(marker);
    ASSERT_NE(at, std::string::npos);
    ASSERT_EQ(payload.find(marker, at + 1), std::string::npos);
    std::string v1 = std::string("\x01\0\0\0", 4) + payload.substr(4, at) + payload.substr(at + 4 + account.size());
    auto loaded = MakeSynthesizer(name);
    loaded->LoadPayload(v1, "old-model");
    EXPECT_TRUE(loaded->privacy().mechanism.empty());
    EXPECT_EQ(loaded->SavePayload(), payload);
  }
}

}  // namespace
}  // namespace seedforge

