// Gaussian copula: recovers known marginals, correlations and a
// category-dependent mean; conditions and constraints; determinism.
#include <gtest/gtest.h>

#include "learn/test_tables.h"
#include "seedforge/error.h"
#include "seedforge/synthesizer.h"

namespace seedforge {
namespace {

using testing::ColumnIndex;
using testing::GroundTruthTable;
using testing::Ks;
using testing::Numbers;
using testing::SampleAll;

constexpr size_t kRows = 5000;

// Two samples of 5,000 from one distribution have a KS statistic above
// 1.95 * sqrt(2 / 5000) = 0.039 with probability 0.001 (Smirnov's
// asymptotic distribution). The copula's empirical marginals add almost no
// error of their own, so 0.04 fails only a real misfit; a single normal fitted
// to the bimodal column is off by more than 0.15.
constexpr double kCopulaKs = 0.04;

class CopulaTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    table_ = new DataTable(GroundTruthTable(kRows));
    model_ = MakeSynthesizer("copula").release();
    model_->Fit(*table_, FitOptions{});
  }
  static void TearDownTestSuite() {
    delete model_;
    delete table_;
  }
  static DataTable* table_;
  static Synthesizer* model_;
};
DataTable* CopulaTest::table_ = nullptr;
Synthesizer* CopulaTest::model_ = nullptr;

TEST_F(CopulaTest, RecoversMarginals) {
  auto sampler = model_->MakeSampler();
  std::vector<Column> out = SampleAll(*sampler, kRows, 99);
  for (const char* name : {"bimodal", "x", "y", "amount", "opened", "closed"}) {
    const double ks = Ks(Numbers(table_->columns[table_->Find(name)]), Numbers(out[ColumnIndex(*sampler, name)]));
    EXPECT_LT(ks, kCopulaKs) << name;
  }
  const Column& segment = out[ColumnIndex(*sampler, "segment")];
  EXPECT_NEAR(testing::Share(segment, "A"), 0.5, 0.03);
  EXPECT_NEAR(testing::Share(segment, "C"), 0.2, 0.03);
  EXPECT_NEAR(testing::NullShare(out[ColumnIndex(*sampler, "closed")]), 0.3, 0.03);
  EXPECT_NEAR(testing::NullShare(out[ColumnIndex(*sampler, "x")]), 0.0, 0.0);
}

TEST_F(CopulaTest, RecoversCorrelation) {
  auto sampler = model_->MakeSampler();
  std::vector<Column> out = SampleAll(*sampler, kRows, 5);
  const double rho = testing::Correlation(Numbers(out[ColumnIndex(*sampler, "x")]),
                                          Numbers(out[ColumnIndex(*sampler, "y")]));
  EXPECT_NEAR(rho, 0.8, 0.1);
  EXPECT_NEAR(rho, 0.8, 0.03);  // the copula should do much better than the bound
  const double unrelated = testing::Correlation(Numbers(out[ColumnIndex(*sampler, "x")]),
                                                Numbers(out[ColumnIndex(*sampler, "bimodal")]));
  EXPECT_NEAR(unrelated, 0.0, 0.05);
}

TEST_F(CopulaTest, RecoversCategoryDependentMean) {
  auto sampler = model_->MakeSampler();
  std::vector<Column> out = SampleAll(*sampler, kRows, 6);
  const Column& amount = out[ColumnIndex(*sampler, "amount")];
  const Column& segment = out[ColumnIndex(*sampler, "segment")];
  // True means 100, 250, 180 with sd 15. The standard error of a segment
  // mean over ~1,000 rows is 0.5; 5 (a third of the sd) leaves room for the
  // Gaussian approximation while failing a model that ignores the segment
  // (every mean near the overall 163) or mixes two of them up.
  EXPECT_NEAR(testing::MeanWhere(amount, segment, "A"), 100, 5);
  EXPECT_NEAR(testing::MeanWhere(amount, segment, "B"), 250, 5);
  EXPECT_NEAR(testing::MeanWhere(amount, segment, "C"), 180, 5);
}

TEST_F(CopulaTest, ConditionOnCategoryIsExactAndConditional) {
  SampleSpec spec;
  spec.conditions = {Condition::Parse("segment=C")};
  auto sampler = model_->MakeSampler(spec);
  std::vector<Column> out = SampleAll(*sampler, 2000, 8);
  const Column& segment = out[ColumnIndex(*sampler, "segment")];
  EXPECT_EQ(testing::Share(segment, "C"), 1.0);
  std::vector<double> amounts = Numbers(out[ColumnIndex(*sampler, "amount")]);
  double mean = 0;
  for (double a : amounts) mean += a / amounts.size();
  EXPECT_NEAR(mean, 180, 20);
}

TEST_F(CopulaTest, ConditionOnContinuousValueShiftsCorrelatedColumn) {
  SampleSpec spec;
  spec.conditions = {Condition::Parse("x=70")};  // two sds above the mean
  auto sampler = model_->MakeSampler(spec);
  std::vector<Column> out = SampleAll(*sampler, 2000, 8);
  for (double v : Numbers(out[ColumnIndex(*sampler, "x")])) ASSERT_EQ(v, 70);
  std::vector<double> y = Numbers(out[ColumnIndex(*sampler, "y")]);
  double mean = 0;
  for (double v : y) mean += v / y.size();
  EXPECT_NEAR(mean, 100 + 0.8 * 2 * 20, 5);  // E[y | x] of the bivariate normal
}

TEST_F(CopulaTest, ConditionOnNull) {
  SampleSpec spec;
  spec.conditions = {Condition::Parse("closed=")};
  auto sampler = model_->MakeSampler(spec);
  std::vector<Column> out = SampleAll(*sampler, 500, 8);
  EXPECT_EQ(testing::NullShare(out[ColumnIndex(*sampler, "closed")]), 1.0);
}

TEST_F(CopulaTest, UnknownConditionsAreUsageErrors) {
  SampleSpec spec;
  spec.conditions = {Condition::Parse("segment=Z")};
  EXPECT_THROW(model_->MakeSampler(spec), UsageError);
  spec.conditions = {Condition::Parse("nope=1")};
  EXPECT_THROW(model_->MakeSampler(spec), UsageError);
  EXPECT_THROW(Condition::Parse("novalue"), UsageError);
  EXPECT_THROW(Constraint::Parse("a ~ b"), UsageError);
}

TEST_F(CopulaTest, ConstraintsHoldOnEveryRow) {
  SampleSpec spec;
  spec.constraints = {Constraint::Parse("closed >= opened"), Constraint::Parse("amount > 120"),
                      Constraint::Parse("x <= 55"), Constraint::Parse("y < x"),
                      Constraint::Parse("opened >= 2021-06-01")};
  auto sampler = model_->MakeSampler(spec);
  std::vector<Column> out = SampleAll(*sampler, 5000, 3);
  const Column& opened = out[ColumnIndex(*sampler, "opened")];
  const Column& closed = out[ColumnIndex(*sampler, "closed")];
  const Column& amount = out[ColumnIndex(*sampler, "amount")];
  const Column& x = out[ColumnIndex(*sampler, "x")];
  const Column& y = out[ColumnIndex(*sampler, "y")];
  const int64_t june = DaysFromCivil(2021, 6, 1);
  size_t violations = 0;
  for (size_t i = 0; i < 5000; ++i) {
    violations += !closed.IsNull(i) && closed.ints[i] < opened.ints[i];
    violations += amount.floats[i] <= 120;
    violations += x.floats[i] > 55;
    violations += y.floats[i] >= x.floats[i];
    violations += opened.ints[i] < june;
  }
  EXPECT_EQ(violations, 0u);
}

TEST_F(CopulaTest, ConstraintsGivenAtFitAreKept) {
  FitOptions options;
  options.constraints = {Constraint::Parse("closed >= opened")};
  auto model = MakeSynthesizer("copula");
  model->Fit(*table_, options);
  ASSERT_EQ(model->constraints().size(), 1u);
  auto sampler = model->MakeSampler();
  std::vector<Column> out = SampleAll(*sampler, 5000, 3);
  const Column& opened = out[ColumnIndex(*sampler, "opened")];
  const Column& closed = out[ColumnIndex(*sampler, "closed")];
  for (size_t i = 0; i < 5000; ++i) {
    if (!closed.IsNull(i)) {
      ASSERT_GE(closed.ints[i], opened.ints[i]) << i;
    }
  }
}

TEST_F(CopulaTest, RowsArePureFunctionsOfKeyAndRow) {
  auto sampler = model_->MakeSampler();
  std::vector<Column> all = SampleAll(*sampler, 1000, 42);
  std::vector<Column> again = SampleAll(*sampler, 1000, 42);
  std::vector<uint64_t> rows = {999, 3, 500};
  std::vector<Column> some;
  sampler->SampleRows(rows, 42, some);
  for (size_t c = 0; c < all.size(); ++c) {
    for (size_t i = 0; i < rows.size(); ++i) {
      EXPECT_EQ(all[c].Text(rows[i]), some[c].Text(i)) << c;
    }
    for (size_t i = 0; i < 1000; ++i) {
      ASSERT_EQ(all[c].IsNull(i), again[c].IsNull(i));
      if (!all[c].IsNull(i)) {
        ASSERT_EQ(all[c].Text(i), again[c].Text(i));
      }
    }
  }
  std::vector<Column> other = SampleAll(*sampler, 10, 43);
  EXPECT_NE(all[1].Text(0) + all[1].Text(1), other[1].Text(0) + other[1].Text(1));
}

TEST_F(CopulaTest, SameSeedSameModel) {
  auto a = MakeSynthesizer("copula");
  a->Fit(*table_, FitOptions{});
  EXPECT_EQ(a->SavePayload(), model_->SavePayload());
}

TEST_F(CopulaTest, LeavesOutIdColumnsAndNeedsRows) {
  DataTable t = ParseCsvTable("id,name,v\n1,Ann,1.5\n2,Bob,2.5\n3,Cy,2.0\n", "t.csv");
  auto model = MakeSynthesizer("copula");
  model->Fit(t, FitOptions{});
  ASSERT_EQ(model->columns().size(), 2u);  // id left out; 3 names are too few to be id-like
  EXPECT_EQ(model->columns()[0].name, "name");
  DataTable empty = ParseCsvTable("a,b\n", "empty.csv");
  EXPECT_THROW(model->Fit(empty, FitOptions{}), InputError);
}

}  // namespace
}  // namespace seedforge
