// CTGAN and TVAE on the ground-truth table: small data and few epochs, so
// the suite stays fast; the bounds are set for that budget (see each).
#include <gtest/gtest.h>

#include <chrono>

#include "learn/test_tables.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

using testing::GroundTruthFit;
using testing::GroundTruthTable;
using testing::MeasureGroundTruth;

std::unique_ptr<Synthesizer> Train(const std::string& name, const DataTable& table, int epochs, int batch,
                                   double* seconds) {
  auto model = MakeSynthesizer(name);
  FitOptions options;
  options.epochs = epochs;
  options.batch_size = batch;
  options.seed = 3;
  options.threads = 1;
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

// CTGAN converges far more slowly than TVAE (see LearnsTheCorrelationSlowly
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

// The bound, rho(x, y) within 0.1 of 0.8, is out of a unit test's
// reach for CTGAN, ours and the reference alike: with sdv-dev/CTGAN's
// defaults, on x and y alone (2,000 rows, batches of 500), one run each:
// rho 0.22 after 1,000 steps, 0.57 after 4,000, 0.67 after 6,000 and 0.75
// after 12,000 (the reference: 0.21, 0.59, 0.63, 0.68); 12,000 such steps
// take about 130 s on one core. This test, 6,000 steps of batches of 100
// on x and y (about 20 s on one core), checks that the correlation is
// being learned: seeds 1 to 5 give rho 0.41 to 0.70, where columns learned
// independently give 0 +- 0.05 (3 standard errors on the 4,000 sampled
// rows). And that the marginals are close: KS 0.03 to 0.13 over those
// seeds, where a collapsed or single-mode column scores 0.5 or more.
TEST(CtganTest, LearnsTheCorrelationSlowly) {
  const DataTable table = testing::SelectColumns(GroundTruthTable(2000), {"x", "y"});
  double seconds;
  auto model = Train("ctgan", table, 300, 100, &seconds);
  auto sampler = model->MakeSampler();
  std::vector<Column> out = testing::SampleAll(*sampler, 4000, 11);
  const std::vector<double> x = testing::Numbers(out[testing::ColumnIndex(*sampler, "x")]);
  const std::vector<double> y = testing::Numbers(out[testing::ColumnIndex(*sampler, "y")]);
  const double rho = testing::Correlation(x, y);
  const double ks_x = testing::Ks(testing::Numbers(table.columns[0]), x);
  const double ks_y = testing::Ks(testing::Numbers(table.columns[1]), y);
  SCOPED_TRACE("rho " + std::to_string(rho) + ", KS x " + std::to_string(ks_x) + ", y " + std::to_string(ks_y) +
               " (" + std::to_string(seconds) + " s)");
  EXPECT_GT(rho, 0.3);
  EXPECT_LT(ks_x, 0.2);
  EXPECT_LT(ks_y, 0.2);
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
