// The differentially private copula (FitOptions::dp): what it recovers at a
// generous budget, that it stays valid at a tiny one, that nothing outside
// the public lists appears, that data-derived bounds are paid for or
// refused, and that the privacy record survives the model file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>

#include "learn/test_tables.h"
#include "seedforge/calendar.h"
#include "seedforge/error.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

using testing::ColumnIndex;
using testing::GroundTruthTable;
using testing::Ks;
using testing::Numbers;
using testing::SampleAll;

constexpr size_t kRows = 20000;

// Public descriptions of every GroundTruthTable column: wide bounds (the
// truth lies well inside) and the category list.
DpOptions PublicOptions(double epsilon) {
  DpOptions dp;
  dp.epsilon = epsilon;
  dp.delta = 1e-6;
  auto bounds = [&](const char* name, double lo, double hi) {
    PublicColumn& p = dp.public_columns[name];
    p.min = lo;
    p.max = hi;
    p.source = "test";
  };
  bounds("bimodal", -8, 10);
  bounds("x", 0, 100);
  bounds("y", 0, 200);
  bounds("amount", 0, 400);
  bounds("opened", static_cast<double>(DaysFromCivil(2020, 1, 1)), static_cast<double>(DaysFromCivil(2023, 12, 31)));
  bounds("closed", static_cast<double>(DaysFromCivil(2020, 1, 1)), static_cast<double>(DaysFromCivil(2027, 12, 31)));
  dp.public_columns["segment"].categories = {"A", "B", "C"};
  dp.public_columns["segment"].source = "test";
  return dp;
}

std::unique_ptr<Synthesizer> FitDp(const DataTable& table, const DpOptions& dp) {
  std::unique_ptr<Synthesizer> model = MakeSynthesizer("copula");
  FitOptions options;
  options.dp = dp;
  model->Fit(table, options);
  return model;
}

// At epsilon 10 (delta 1e-6) the Gaussian part has multiplier ~0.57. The
// correlation entries then get noise of sd C^2 x 0.57 x sqrt(2) ~ 17.5
// (C^2 = p + 3 sqrt(2p) = 21.7 for p = 9 scores) against a diagonal of
// ~20,000: 0.0009 in the correlation. The sample of 20,000 rows adds sd
// (1 - rho^2) / sqrt(n) = 0.0025. 4 sd of both is 0.011; clipping the
// scores' norm and the 32-bin marginals shrink rho by a little more
// (measured 0.006), so 0.02 from the table's own correlation.
// Histogram cells get noise of sd sqrt(8) x 0.57 x sqrt(2) ~ 2.3 rows: the
// shares are off by 1e-4, and the sample's binomial sd is <= 0.0035, so
// 0.02 (5.7 sd). KS: two samples of 20,000 exceed 1.95 sqrt(2 / 20000) =
// 0.0195 with probability 0.001; 32 bins with linear interpolation add
// under 0.005 for these smooth densities (measured 0.006-0.011 in all), so 0.03.
TEST(DpCopula, RecoversCorrelationAndMarginalsAtEpsilon10) {
  const DataTable table = GroundTruthTable(kRows);
  std::unique_ptr<Synthesizer> model = FitDp(table, PublicOptions(10));
  const DpAccount& account = model->privacy();
  EXPECT_EQ(account.mechanism, "noisy-copula");
  EXPECT_EQ(account.accountant, "rdp");
  EXPECT_LE(account.epsilon, 10.0);
  EXPECT_GT(account.epsilon, 9.99);
  EXPECT_EQ(account.delta, 1e-6);
  EXPECT_EQ(account.preprocessing_epsilon, 0.0);
  EXPECT_NEAR(account.noise_multiplier, 0.57, 0.01);

  auto sampler = model->MakeSampler();
  std::vector<BatchColumn> out = SampleAll(*sampler, kRows, 5);
  auto sampled = [&](const char* name) -> const BatchColumn& { return out[ColumnIndex(*sampler, name)]; };
  auto real = [&](const char* name) -> const BatchColumn& { return table.columns[table.Find(name)]; };
  EXPECT_NEAR(testing::Correlation(Numbers(sampled("x")), Numbers(sampled("y"))),
              testing::Correlation(Numbers(real("x")), Numbers(real("y"))), 0.02);
  for (const char* name : {"x", "y", "bimodal", "opened"}) {
    EXPECT_LT(Ks(Numbers(real(name)), Numbers(sampled(name))), 0.03) << name;
  }
  for (const char* label : {"A", "B", "C"}) {
    EXPECT_NEAR(testing::Share(sampled("segment"), label), testing::Share(real("segment"), label), 0.02) << label;
  }
  EXPECT_NEAR(testing::NullShare(sampled("closed")), testing::NullShare(real("closed")), 0.02);
  // No NULLs in columns without any: a NULL share within 2 noise sd of 0
  // is read as none.
  EXPECT_EQ(testing::NullShare(sampled("x")), 0.0);
  EXPECT_NE(model->Summary().find("noisy histogram"), std::string::npos) << model->Summary();
}

// At epsilon 0.01 the multiplier is in the hundreds: each histogram cell
// gets noise of sd ~2,000 rows against ~600 per bin, and the correlation is
// mostly noise. Whatever the draw, the model must be valid: every value
// inside the public bounds, only public labels, a usable correlation
// matrix; and the spend within the budget.
TEST(DpCopula, TinyEpsilonIsNoisyButValid) {
  const DataTable table = GroundTruthTable(kRows);
  const DpOptions dp = PublicOptions(0.01);
  std::unique_ptr<Synthesizer> model = FitDp(table, dp);
  EXPECT_LE(model->privacy().epsilon, 0.01);
  EXPECT_GT(model->privacy().noise_multiplier, 100);
  auto sampler = model->MakeSampler();
  std::vector<BatchColumn> out = SampleAll(*sampler, 5000, 3);
  for (const auto& [name, column] : dp.public_columns) {
    const BatchColumn& values = out[ColumnIndex(*sampler, name)];
    if (!column.categories.empty()) {
      for (size_t i = 0; i < values.size(); ++i) {
        if (!values.IsNull(i)) {
          EXPECT_TRUE(std::count(column.categories.begin(), column.categories.end(), values.texts[i]) == 1)
              << name << " " << values.texts[i];
        }
      }
      continue;
    }
    for (double v : Numbers(values)) {
      ASSERT_TRUE(std::isfinite(v)) << name;
      ASSERT_GE(v, *column.min) << name;
      ASSERT_LE(v, *column.max) << name;
    }
  }
  // The noise is there: x's histogram is mostly noise, so its KS distance
  // from the real column is large. A KS below 0.05 would need the 32 cells'
  // noise (sd ~2,000 each) to cancel to within ~1,000 rows in every
  // cumulative sum, which has probability far below 1e-9.
  EXPECT_GT(Ks(Numbers(table.columns[table.Find("x")]), Numbers(out[ColumnIndex(*sampler, "x")])), 0.05);
}

// The noise comes from the OS, not the seed: two fits with the same seed
// differ (their noisy counts are continuous, so equal payloads have
// probability 0).
TEST(DpCopula, NoiseDoesNotComeFromTheSeed) {
  const DataTable table = GroundTruthTable(2000);
  EXPECT_NE(FitDp(table, PublicOptions(1))->SavePayload(), FitDp(table, PublicOptions(1))->SavePayload());
}

TEST(DpCopula, NoLabelOutsideThePublicListAppears) {
  const DataTable table = GroundTruthTable(kRows);
  DpOptions dp = PublicOptions(10);
  dp.public_columns["segment"].categories = {"A", "B", "D"};  // the data's C is not public
  std::unique_ptr<Synthesizer> model = FitDp(table, dp);
  ASSERT_EQ(model->columns()[3].name, "segment");
  EXPECT_EQ(model->columns()[3].categories, (std::vector<std::string>{"A", "B", "D"}));
  auto sampler = model->MakeSampler();
  std::vector<BatchColumn> out = SampleAll(*sampler, kRows, 11);
  const BatchColumn& segment = out[ColumnIndex(*sampler, "segment")];
  EXPECT_EQ(testing::Share(segment, "C"), 0.0);
  // C's rows (20%) count as NULL; binomial sd 0.003, so 0.02 is 6.6 sd.
  EXPECT_NEAR(testing::NullShare(segment), testing::Share(table.columns[table.Find("segment")], "C"), 0.02);
  // D is in no row: only its noise (sd ~2.3 rows) can give it a share.
  EXPECT_LT(testing::Share(segment, "D"), 0.002);
}

TEST(DpCopula, DataDerivedBoundsAreRefusedWithoutABudget) {
  const DataTable table = GroundTruthTable(2000);
  DpOptions dp = PublicOptions(5);
  dp.public_columns.erase("x");
  dp.public_columns.erase("segment");
  try {
    FitDp(table, dp);
    FAIL() << "a private fit used data-derived bounds without a budget";
  } catch (const UsageError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("x (bounds)"), std::string::npos) << message;
    EXPECT_NE(message.find("segment (categories)"), std::string::npos) << message;
    EXPECT_NE(message.find("--bounds-budget"), std::string::npos) << message;
  }
  // A column with one public bound is not public either.
  dp = PublicOptions(5);
  dp.public_columns["bimodal"].min.reset();
  try {
    FitDp(table, dp);
    FAIL() << "a private fit used a data-derived lower bound without a budget";
  } catch (const UsageError& e) {
    EXPECT_NE(std::string(e.what()).find("bimodal (bounds)"), std::string::npos) << e.what();
  }
}

// With a share of the budget, the bounds and the category list are
// estimated privately: epsilon 10 x 0.3 / 2 columns = 1.5 each. x's bounds
// come from two Laplace histograms at 0.75 each: the magnitude cell [16, 128)
// (the cells around it hold under 12 rows, the threshold
// ln(169 / 0.02) / 0.75), then 64 cells of 1.75 inside it. A bound is the
// edge of the cell where the noisy cumulative count reaches 0.5% (99.5%),
// so it lies within one cell of the quantile (24.2 and 75.8) plus the
// cumulative noise, sd ~10 rows, ~0.4 in x: 4 is two cells and 5 sd.
// Measured over 25 fits: 23-24.75 and 77.25-79. A label needs
// 1 + ln(1 / (2 x 1.5e-7)) / 1.5 ~ 11 rows to clear the threshold; A, B
// and C have thousands.
TEST(DpCopula, DataDerivedBoundsAndCategoriesWithABudget) {
  const DataTable table = GroundTruthTable(kRows);
  DpOptions dp = PublicOptions(10);
  dp.public_columns.erase("x");
  dp.public_columns.erase("segment");
  dp.preprocessing_share = 0.3;
  std::unique_ptr<Synthesizer> model = FitDp(table, dp);
  const DpAccount& account = model->privacy();
  EXPECT_DOUBLE_EQ(account.preprocessing_epsilon, 3.0);
  EXPECT_LE(account.epsilon, 10.0);
  EXPECT_GT(account.epsilon, 9.99);
  const ModelColumn& x = model->columns()[1];
  ASSERT_EQ(x.name, "x");
  EXPECT_NEAR(x.min, 24.2, 4.0);
  EXPECT_NEAR(x.max, 75.8, 4.0);
  std::vector<std::string> labels = model->columns()[3].categories;
  std::sort(labels.begin(), labels.end());
  EXPECT_EQ(labels, (std::vector<std::string>{"A", "B", "C"}));
  bool recorded = false;
  for (const std::string& line : account.public_columns) recorded |= line.rfind("x: bounds", 0) == 0 &&
                                                                      line.find("DP-estimated") != std::string::npos;
  EXPECT_TRUE(recorded);
}

TEST(DpCopula, PrivacyRecordSurvivesThePayloadAndOldPayloadsLoad) {
  const DataTable table = GroundTruthTable(2000);
  std::unique_ptr<Synthesizer> model = FitDp(table, PublicOptions(3));
  std::unique_ptr<Synthesizer> loaded = MakeSynthesizer("copula");
  loaded->LoadPayload(model->SavePayload(), "dp.model");
  const DpAccount& a = model->privacy();
  const DpAccount& b = loaded->privacy();
  EXPECT_EQ(b.mechanism, a.mechanism);
  EXPECT_EQ(b.epsilon, a.epsilon);
  EXPECT_EQ(b.delta, a.delta);
  EXPECT_EQ(b.noise_multiplier, a.noise_multiplier);
  EXPECT_EQ(b.public_columns, a.public_columns);
  EXPECT_EQ(loaded->SavePayload(), model->SavePayload());

  // A version-2 payload (before the privacy record): a version-3 payload of
  // a model that is not private, less its 96-byte empty record.
  std::unique_ptr<Synthesizer> plain = MakeSynthesizer("copula");
  plain->Fit(table, FitOptions{});
  std::string payload = plain->SavePayload();
  ASSERT_GT(payload.size(), 96u);
  payload.resize(payload.size() - 96);
  const uint32_t two = 2;
  std::memcpy(payload.data(), &two, 4);
  std::unique_ptr<Synthesizer> old = MakeSynthesizer("copula");
  old->LoadPayload(payload, "v2.model");
  EXPECT_TRUE(old->privacy().mechanism.empty());
  EXPECT_EQ(old->columns().size(), plain->columns().size());
}

}  // namespace
}  // namespace seedforge
