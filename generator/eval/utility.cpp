// Only this file includes Eigen: the linear algebra of the two models.
#include "eval/utility.h"

#include <Eigen/Dense>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <unordered_map>

#include "eval/metrics.h"
#include "seedforge/error.h"
#include "seedforge/random.h"

namespace seedforge::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr size_t kTopCategories = 20;   // one-hot columns per categorical feature
constexpr size_t kMaxClasses = 20;      // larger targets are not modelled
constexpr double kL2 = 1.0;             // ½‖w‖², scikit-learn's C = 1
constexpr int kMaxNewtonSteps = 30;
constexpr double kRidge = 1e-8;         // keeps XᵀX invertible for OLS

using Eigen::MatrixXd;
using Eigen::VectorXd;

struct Rows {
  const TableData* data;
  std::vector<size_t> rows;
};

// Seeded shuffle of `rows` (Fisher–Yates).
void Shuffle(std::vector<size_t>& rows, uint64_t key) {
  RandomStream rng(key, 0);
  for (size_t i = rows.size(); i > 1; --i) std::swap(rows[i - 1], rows[rng.Below(i)]);
}

// Features of a table: standardised numbers and one-hot categories, with an
// intercept column first.
class Preprocessor {
 public:
  Preprocessor(const TableSet& table, const std::vector<size_t>& features, const Rows& train) {
    names_.push_back("(intercept)");
    for (size_t c : features) {
      const ColumnEncoding& info = table.columns[c];
      const EncodedValues& column = train.data->columns[c];
      Feature f;
      f.column = c;
      f.first = names_.size();
      if (IsContinuous(info.kind)) {
        double sum = 0, sum2 = 0;
        size_t n = 0;
        for (size_t r : train.rows) {
          double v = column.values[r];
          if (std::isnan(v)) {
            f.has_missing = true;
            continue;
          }
          sum += v;
          ++n;
        }
        f.mean = n ? sum / n : 0;
        for (size_t r : train.rows) {
          double v = column.values[r];
          if (!std::isnan(v)) sum2 += (v - f.mean) * (v - f.mean);
        }
        f.sd = n > 1 ? std::sqrt(sum2 / (n - 1)) : 0;
        if (!(f.sd > 0)) f.sd = 1;
        names_.push_back(info.name);
        if (f.has_missing) names_.push_back(info.name + " (missing)");
      } else {
        f.continuous = false;
        std::vector<double> counts;
        size_t missing = 0;
        for (size_t r : train.rows) {
          int32_t code = column.codes[r];
          if (code < 0) {
            ++missing;
            continue;
          }
          if (static_cast<size_t>(code) >= counts.size()) counts.resize(code + 1, 0);
          counts[code] += 1;
        }
        std::vector<int32_t> order;
        for (size_t code = 0; code < counts.size(); ++code) {
          if (counts[code] > 0) order.push_back(static_cast<int32_t>(code));
        }
        std::stable_sort(order.begin(), order.end(), [&](int32_t x, int32_t y) { return counts[x] > counts[y]; });
        bool other = order.size() > kTopCategories;
        if (other) order.resize(kTopCategories);
        // The most frequent category is the reference level (no column), so
        // the one-hot block is not collinear with the intercept.
        if (!order.empty()) f.reference = order[0];
        for (size_t i = 1; i < order.size(); ++i) {
          f.slot[order[i]] = static_cast<int>(names_.size() - f.first);
          names_.push_back(info.name + "=" + info.labels[order[i]]);
        }
        if (other || missing > 0) {
          f.other_slot = static_cast<int>(names_.size() - f.first);
          names_.push_back(info.name + "=(other)");
        }
      }
      features_.push_back(std::move(f));
    }
  }

  MatrixXd Transform(const Rows& rows) const {
    MatrixXd x = MatrixXd::Zero(static_cast<Eigen::Index>(rows.rows.size()), static_cast<Eigen::Index>(names_.size()));
    x.col(0).setOnes();
    for (const Feature& f : features_) {
      const EncodedValues& column = rows.data->columns[f.column];
      for (size_t i = 0; i < rows.rows.size(); ++i) {
        const Eigen::Index row = static_cast<Eigen::Index>(i);
        if (f.continuous) {
          double v = column.values[rows.rows[i]];
          if (std::isnan(v)) {
            if (f.has_missing) x(row, f.first + 1) = 1;
          } else {
            x(row, f.first) = (v - f.mean) / f.sd;
          }
        } else {
          int32_t code = column.codes[rows.rows[i]];
          auto it = f.slot.find(code);
          if (it != f.slot.end()) {
            x(row, f.first + it->second) = 1;
          } else if (f.other_slot >= 0 && code != f.reference) {
            x(row, f.first + f.other_slot) = 1;
          }
        }
      }
    }
    return x;
  }

  size_t width() const { return names_.size(); }

 private:
  struct Feature {
    size_t column = 0, first = 0;
    bool continuous = true, has_missing = false;
    double mean = 0, sd = 1;
    std::unordered_map<int32_t, int> slot;  // code -> column offset
    int other_slot = -1;
    int32_t reference = -2;  // the most frequent category: no column of its own
  };

  std::vector<Feature> features_;
  std::vector<std::string> names_;
};

double PenalizedLogLoss(const MatrixXd& x, const VectorXd& y, const VectorXd& w) {
  VectorXd eta = x * w;
  double loss = 0;
  for (Eigen::Index i = 0; i < eta.size(); ++i) {
    // log(1 + e^eta) - y eta, computed without overflow.
    double e = eta(i);
    loss += (e > 0 ? e + std::log1p(std::exp(-e)) : std::log1p(std::exp(e))) - y(i) * e;
  }
  return loss + 0.5 * kL2 * w.tail(w.size() - 1).squaredNorm();
}

// Binary L2 logistic regression by Newton's method with step halving.
VectorXd FitLogistic(const MatrixXd& x, const VectorXd& y) {
  const Eigen::Index d = x.cols();
  VectorXd w = VectorXd::Zero(d);
  VectorXd penalty = VectorXd::Constant(d, kL2);
  penalty(0) = 0;  // the intercept is not penalised
  double loss = PenalizedLogLoss(x, y, w);
  for (int step = 0; step < kMaxNewtonSteps; ++step) {
    VectorXd p = (-(x * w)).array().exp().matrix();
    p = (1.0 + p.array()).inverse().matrix();
    VectorXd g = x.transpose() * (p - y) + penalty.cwiseProduct(w);
    VectorXd weight = (p.array() * (1.0 - p.array())).max(1e-10).sqrt().matrix();
    MatrixXd xs = x.array().colwise() * weight.array();
    MatrixXd h = MatrixXd::Zero(d, d);
    h.selfadjointView<Eigen::Lower>().rankUpdate(xs.transpose());
    h.diagonal() += penalty + VectorXd::Constant(d, 1e-10);
    VectorXd delta = h.selfadjointView<Eigen::Lower>().ldlt().solve(g);
    double scale = 1.0;
    VectorXd next = w - delta;
    double next_loss = PenalizedLogLoss(x, y, next);
    for (int halving = 0; halving < 20 && !(next_loss <= loss); ++halving) {
      scale /= 2;
      next = w - scale * delta;
      next_loss = PenalizedLogLoss(x, y, next);
    }
    if (!(next_loss <= loss)) break;
    w = next;
    double change = (scale * delta).cwiseAbs().maxCoeff();
    loss = next_loss;
    if (change < 1e-7) break;
  }
  return w;
}

UtilityScores ClassificationScores(const std::vector<int>& truth, const MatrixXd& proba, size_t classes) {
  UtilityScores s{kNaN, kNaN, kNaN, kNaN, kNaN};
  const size_t n = truth.size();
  if (n == 0) return s;
  std::vector<int> predicted(n);
  size_t correct = 0;
  for (size_t i = 0; i < n; ++i) {
    Eigen::Index best;
    proba.row(static_cast<Eigen::Index>(i)).maxCoeff(&best);
    predicted[i] = static_cast<int>(best);
    correct += predicted[i] == truth[i];
  }
  s.accuracy = static_cast<double>(correct) / n;
  // Macro F1 over the classes that occur in the truth or the predictions
  // (scikit-learn's f1_score(average="macro")).
  double f1_sum = 0;
  size_t f1_classes = 0;
  for (size_t c = 0; c < classes; ++c) {
    size_t tp = 0, fp = 0, fn = 0;
    for (size_t i = 0; i < n; ++i) {
      bool t = truth[i] == static_cast<int>(c), p = predicted[i] == static_cast<int>(c);
      tp += t && p;
      fp += !t && p;
      fn += t && !p;
    }
    if (tp + fp + fn == 0) continue;
    f1_sum += 2.0 * tp / (2.0 * tp + fp + fn);
    ++f1_classes;
  }
  s.f1_macro = f1_classes ? f1_sum / f1_classes : kNaN;
  // ROC AUC: binary on the positive class; else the macro mean of one-vs-rest.
  auto auc_for = [&](size_t c) {
    std::vector<double> pos, neg;
    for (size_t i = 0; i < n; ++i) {
      (truth[i] == static_cast<int>(c) ? pos : neg).push_back(proba(static_cast<Eigen::Index>(i), c));
    }
    return RocAuc(pos, neg);
  };
  if (classes == 2) {
    s.roc_auc = auc_for(1);
  } else {
    double sum = 0;
    size_t used = 0;
    for (size_t c = 0; c < classes; ++c) {
      double auc = auc_for(c);
      if (std::isnan(auc)) continue;
      sum += auc;
      ++used;
    }
    s.roc_auc = used ? sum / used : kNaN;
  }
  return s;
}

}  // namespace

UtilityResult EvaluateUtility(const TableSet& table, const UtilityOptions& options) {
  UtilityResult result;
  result.table = table.name;
  result.target = options.target;
  const int target = table.Find(options.target);
  if (target < 0) throw UsageError("--target: table '" + table.name + "' has no column '" + options.target + "'");
  const ColumnEncoding& target_info = table.columns[target];
  if (target_info.kind == ColumnKind::kId || target_info.kind == ColumnKind::kText) {
    result.note = "the target '" + options.target + "' is an " + KindName(target_info.kind) +
                  " column; ML utility needs a categorical, boolean or numerical target";
    return result;
  }
  const bool classification = !IsContinuous(target_info.kind);
  result.task = classification ? "classification" : "regression";
  result.model = classification ? "logistic regression (L2, C = 1; one-vs-rest for more than two classes)"
                                : "linear regression (ordinary least squares)";
  std::vector<size_t> features;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (static_cast<int>(c) != target && IsScored(table.columns[c].kind)) {
      features.push_back(c);
      result.features.push_back(table.columns[c].name);
    }
  }
  auto with_target = [&](const TableData& data) {
    std::vector<size_t> rows;
    for (size_t r = 0; r < data.rows; ++r) {
      if (!data.columns[target].IsMissing(r)) rows.push_back(r);
    }
    return rows;
  };
  const std::string scope = "report/utility/" + table.name;
  Rows real_train{&table.real, with_target(table.real)};
  Rows test;
  if (table.holdout) {
    test = {&*table.holdout, with_target(*table.holdout)};
    result.test_source = "the holdout rows";
  } else {
    Shuffle(real_train.rows, DeriveKey(options.seed, scope, "split"));
    size_t n_test = real_train.rows.size() / 5;
    test = {&table.real, std::vector<size_t>(real_train.rows.begin(), real_train.rows.begin() + n_test)};
    real_train.rows.erase(real_train.rows.begin(), real_train.rows.begin() + n_test);
    std::sort(test.rows.begin(), test.rows.end());
    std::sort(real_train.rows.begin(), real_train.rows.end());
    result.test_source = "a seeded 20% of the real rows (the other 80% train the real model)";
  }
  Rows syn_train{&table.synthetic, with_target(table.synthetic)};
  auto cap = [&](Rows& rows, const char* name) {
    if (rows.rows.size() <= options.max_train_rows) return;
    Shuffle(rows.rows, DeriveKey(options.seed, scope, name));
    rows.rows.resize(options.max_train_rows);
    std::sort(rows.rows.begin(), rows.rows.end());
  };
  cap(real_train, "cap-real");
  cap(syn_train, "cap-synthetic");

  // Classes: the target's categories in the real training and test rows.
  std::vector<int32_t> class_codes;
  if (classification) {
    std::vector<char> seen(target_info.labels.size(), 0);
    for (const Rows* rows : {&real_train, &test}) {
      for (size_t r : rows->rows) seen[rows->data->columns[target].codes[r]] = 1;
    }
    for (size_t code = 0; code < seen.size(); ++code) {
      if (seen[code]) class_codes.push_back(static_cast<int32_t>(code));
    }
    for (int32_t code : class_codes) result.classes.push_back(target_info.labels[code]);
    if (class_codes.size() < 2) {
      result.note = "the target has fewer than two classes in the real data";
      return result;
    }
    if (class_codes.size() > kMaxClasses) {
      result.note = "the target has " + std::to_string(class_codes.size()) + " classes; at most " +
                    std::to_string(kMaxClasses) + " are modelled";
      return result;
    }
    // Synthetic rows of a class the real data lacks cannot be scored: drop them.
    std::vector<char> known(target_info.labels.size(), 0);
    for (int32_t code : class_codes) known[code] = 1;
    size_t before = syn_train.rows.size();
    std::erase_if(syn_train.rows, [&](size_t r) { return !known[table.synthetic.columns[target].codes[r]]; });
    if (syn_train.rows.size() < before) {
      result.note = std::to_string(before - syn_train.rows.size()) +
                    " synthetic rows have a target class the real data lacks and were left out";
    }
  }
  if (real_train.rows.size() < 2 || syn_train.rows.size() < 2 || test.rows.empty()) {
    result.note = "too few rows with a target value to train and test";
    return result;
  }
  result.train_real_rows = real_train.rows.size();
  result.train_synthetic_rows = syn_train.rows.size();
  result.test_rows = test.rows.size();

  auto train_and_score = [&](const Rows& train) {
    Preprocessor prep(table, features, train);
    MatrixXd x = prep.Transform(train), xt = prep.Transform(test);
    const EncodedValues& y_train = train.data->columns[target];
    const EncodedValues& y_test = test.data->columns[target];
    if (!classification) {
      VectorXd y(x.rows());
      for (Eigen::Index i = 0; i < y.size(); ++i) y(i) = y_train.values[train.rows[i]];
      MatrixXd xtx = MatrixXd::Zero(x.cols(), x.cols());
      xtx.selfadjointView<Eigen::Lower>().rankUpdate(x.transpose());
      xtx.diagonal().array() += kRidge * std::max<double>(1.0, static_cast<double>(x.rows()));
      VectorXd w = xtx.selfadjointView<Eigen::Lower>().ldlt().solve(x.transpose() * y);
      VectorXd pred = xt * w;
      double mean = 0;
      for (size_t i = 0; i < test.rows.size(); ++i) mean += y_test.values[test.rows[i]];
      mean /= test.rows.size();
      double ss_res = 0, ss_tot = 0, abs_err = 0;
      for (size_t i = 0; i < test.rows.size(); ++i) {
        double truth = y_test.values[test.rows[i]], e = truth - pred(static_cast<Eigen::Index>(i));
        ss_res += e * e;
        ss_tot += (truth - mean) * (truth - mean);
        abs_err += std::fabs(e);
      }
      UtilityScores s{kNaN, kNaN, kNaN, kNaN, kNaN};
      s.r2 = ss_tot > 0 ? 1 - ss_res / ss_tot : kNaN;
      s.mae = abs_err / test.rows.size();
      return s;
    }
    const size_t k = class_codes.size();
    std::vector<int> class_of(target_info.labels.size(), -1);
    for (size_t c = 0; c < k; ++c) class_of[class_codes[c]] = static_cast<int>(c);
    MatrixXd proba = MatrixXd::Zero(xt.rows(), static_cast<Eigen::Index>(k));
    // Binary: one model for the second class. More: one model per class.
    const size_t first = k == 2 ? 1 : 0;
    for (size_t c = first; c < k; ++c) {
      VectorXd y(x.rows());
      double positives = 0;
      for (Eigen::Index i = 0; i < y.size(); ++i) {
        y(i) = class_of[y_train.codes[train.rows[i]]] == static_cast<int>(c);
        positives += y(i);
      }
      VectorXd p;
      if (positives == 0 || positives == y.size()) {
        p = VectorXd::Constant(xt.rows(), positives == 0 ? 0.0 : 1.0);  // nothing to learn
      } else {
        VectorXd w = FitLogistic(x, y);
        p = (1.0 + (-(xt * w)).array().exp()).inverse().matrix();
      }
      proba.col(static_cast<Eigen::Index>(c)) = p;
    }
    if (k == 2) {
      proba.col(0) = (1.0 - proba.col(1).array()).matrix();
    } else {
      // One-vs-rest probabilities normalised to sum to one, as scikit-learn's
      // OneVsRestClassifier.predict_proba does.
      for (Eigen::Index i = 0; i < proba.rows(); ++i) {
        double sum = proba.row(i).sum();
        if (sum > 0) proba.row(i) /= sum;
      }
    }
    std::vector<int> truth(test.rows.size());
    for (size_t i = 0; i < test.rows.size(); ++i) truth[i] = class_of[y_test.codes[test.rows[i]]];
    return ClassificationScores(truth, proba, k);
  };
  result.real = train_and_score(real_train);
  result.synthetic = train_and_score(syn_train);
  result.computed = true;
  return result;
}

}  // namespace seedforge::eval
