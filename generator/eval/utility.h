// Machine-learning utility: does a model trained on the synthetic data do
// as well on real data as one trained on real data? (TSTR, "train on
// synthetic, test on real", against TRTR, "train on real, test on real";
// Esteban, Hyland and Rätsch 2017, "Real-valued (medical) time series
// generation with recurrent conditional GANs", arXiv:1706.02633.)
//
// Test rows: the holdout when given, else a seeded 20% of the real rows (the
// other 80% then train the real model). Training rows: the real (or
// remaining real) rows and the synthetic rows, each capped at
// `max_train_rows` by a seeded sample. Rows with a missing target are
// dropped.
//
// Task: classification when the target is categorical or boolean, regression
// when it is numerical. Models, simple and well known on purpose:
//   classification  L2-regularised logistic regression (penalty ½‖w‖², as
//                   scikit-learn's default C = 1), fitted by Newton's method
//                   (IRLS); one-vs-rest for more than two classes
//   regression      ordinary least squares (a 1e-8 ridge for stability)
// Features: every other numerical, datetime, categorical and boolean column;
// numbers standardised with the training rows' mean and deviation, missing
// numbers imputed with the mean plus a missing-indicator column, categories
// one-hot over the 20 most frequent training categories (others share one
// column). Preprocessing is fitted on each model's own training rows.
// Scores on the test rows: accuracy, macro F1 and ROC AUC (binary, or the
// macro average of one-vs-rest AUCs) for classification; R² and MAE for
// regression.
//
// Thread safety: EvaluateUtility only reads the table.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "eval/table.h"

namespace seedforge::eval {

struct UtilityScores {
  double accuracy, f1_macro, roc_auc;  // classification; NaN otherwise
  double r2, mae;                      // regression; NaN otherwise
};

struct UtilityResult {
  bool computed = false;
  std::string note;  // why not computed, or remarks
  std::string table, target;
  std::string task;   // "classification" or "regression"
  std::string model;  // in words
  std::string test_source;
  size_t train_real_rows = 0, train_synthetic_rows = 0, test_rows = 0;
  std::vector<std::string> features;
  std::vector<std::string> classes;
  UtilityScores real{}, synthetic{};  // TRTR, TSTR
};

struct UtilityOptions {
  std::string target;
  uint64_t seed = 1;
  size_t max_train_rows = 50000;
};

// REQUIRES: options.target names a column of `table` (UsageError otherwise).
UtilityResult EvaluateUtility(const TableSet& table, const UtilityOptions& options);

}  // namespace seedforge::eval
