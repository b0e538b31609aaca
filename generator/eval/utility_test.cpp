// ML utility: TSTR matches TRTR on data from the same distribution and falls
// when the synthetic data loses the relationship to the target.
#include "eval/utility.h"

#include <gtest/gtest.h>

#include <cmath>

#include "eval/eval_test_util.h"
#include "seedforge/error.h"

namespace seedforge::eval {
namespace {

using testing::MakeTableSet;
using testing::RandomCsv;
using testing::Shape;

TEST(EvalUtility, ClassificationSameDistributionMatchesReal) {
  TableSet t = MakeTableSet(RandomCsv(3000, 1), RandomCsv(3000, 2), RandomCsv(1500, 3));
  UtilityResult u = EvaluateUtility(t, {.target = "label"});
  ASSERT_TRUE(u.computed) << u.note;
  EXPECT_EQ(u.task, "classification");
  EXPECT_EQ(u.classes.size(), 2u);
  EXPECT_EQ(u.test_rows, 1500u);
  // label = (x + N(0, .5) > 0): the Bayes accuracy is P(|x| > |e|) ≈ 0.85,
  // and logistic regression on x reaches it.
  EXPECT_GT(u.real.accuracy, 0.8);
  EXPECT_GT(u.real.roc_auc, 0.9);
  EXPECT_NEAR(u.synthetic.accuracy, u.real.accuracy, 0.03);
  EXPECT_NEAR(u.synthetic.roc_auc, u.real.roc_auc, 0.02);
  EXPECT_NEAR(u.synthetic.f1_macro, u.real.f1_macro, 0.03);
  EXPECT_TRUE(std::isnan(u.real.r2));
}

TEST(EvalUtility, LostRelationshipScoresLow) {
  Shape broken;
  broken.shuffle_target = true;  // label independent of every feature
  TableSet t = MakeTableSet(RandomCsv(3000, 1), RandomCsv(3000, 2, broken), RandomCsv(1500, 3));
  UtilityResult u = EvaluateUtility(t, {.target = "label"});
  ASSERT_TRUE(u.computed);
  // A model of noise ranks test rows at random: AUC near 0.5.
  EXPECT_LT(u.synthetic.roc_auc, 0.65);
  EXPECT_LT(u.synthetic.accuracy, u.real.accuracy - 0.1);
}

TEST(EvalUtility, RegressionByLeastSquares) {
  // y = 2x + N(0, .5): R² = 4 / (4 + .25) = 0.941, MAE = .5 · sqrt(2/π) = 0.399.
  TableSet t = MakeTableSet(RandomCsv(3000, 1), RandomCsv(3000, 2));
  UtilityResult u = EvaluateUtility(t, {.target = "y"});
  ASSERT_TRUE(u.computed);
  EXPECT_EQ(u.task, "regression");
  EXPECT_NEAR(u.real.r2, 0.941, 0.02);
  EXPECT_NEAR(u.real.mae, 0.399, 0.03);
  EXPECT_NEAR(u.synthetic.r2, u.real.r2, 0.02);
  EXPECT_EQ(u.test_rows, 600u);  // no holdout: a seeded 20% of the real rows
  EXPECT_EQ(u.train_real_rows, 2400u);
}

TEST(EvalUtility, MulticlassIsOneVsRest) {
  TableSet t = MakeTableSet(RandomCsv(3000, 1), RandomCsv(3000, 2), RandomCsv(1500, 3));
  UtilityResult u = EvaluateUtility(t, {.target = "group"});
  ASSERT_TRUE(u.computed);
  EXPECT_EQ(u.classes.size(), 3u);
  // group follows x with 10% noise: about 90% + 10%/3 are predictable.
  EXPECT_GT(u.real.accuracy, 0.85);
  EXPECT_GT(u.real.roc_auc, 0.9);
  EXPECT_NEAR(u.synthetic.accuracy, u.real.accuracy, 0.03);
}

TEST(EvalUtility, PerfectSeparationScoresOne) {
  std::string csv = "v,cls\n";
  for (int i = 0; i < 200; ++i) csv += std::to_string(i * 0.37) + "," + (i < 100 ? "lo" : "hi") + "\n";
  TableSet t = MakeTableSet(csv, csv);
  UtilityResult u = EvaluateUtility(t, {.target = "cls"});
  ASSERT_TRUE(u.computed);
  EXPECT_DOUBLE_EQ(u.real.accuracy, 1.0);
  EXPECT_DOUBLE_EQ(u.real.f1_macro, 1.0);
  EXPECT_DOUBLE_EQ(u.real.roc_auc, 1.0);
}

TEST(EvalUtility, UnknownTargetIsAUsageError) {
  TableSet t = MakeTableSet(RandomCsv(50, 1), RandomCsv(50, 2));
  EXPECT_THROW(EvaluateUtility(t, {.target = "nope"}), UsageError);
}

}  // namespace
}  // namespace seedforge::eval
