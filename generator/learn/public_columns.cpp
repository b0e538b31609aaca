#include "learn/public_columns.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <string_view>

#include "learn/values.h"
#include "seedforge/error.h"

namespace seedforge::internal {

namespace {

uint64_t SecretKey() {
  std::random_device device;  // the OS's generator (getrandom) in libstdc++
  return (static_cast<uint64_t>(device()) << 32) ^ device();
}

}  // namespace

DpNoise::DpNoise() : stream_(SecretKey(), 0) {}

double DpNoise::Laplace(double scale) {
  const double u = Open() - 0.5;
  return -scale * (u < 0 ? -1.0 : 1.0) * std::log(1 - 2 * std::fabs(u));
}

// Half of `epsilon` per stage. Both stages are histograms with Laplace
// noise on every cell of a fixed grid (a row sits in one cell: L1
// sensitivity 1), so the noise never depends on where the data is.
// 1. Magnitude: cells by sign and floor(log2 |x|) (2^-20 .. 2^63, and 0).
//    The cells whose noisy count clears ln(cells / 0.02) / epsilon (an
//    empty cell does so with probability 1% over all of them) span the
//    bracket; with none, the fullest cell.
// 2. Within the bracket: 64 even cells; the bounds are the cell edges where
//    the noisy cumulative count reaches the 0.5% and 99.5% quantiles.
std::pair<double, double> DpBounds(const std::vector<double>& x, std::optional<double> lo, std::optional<double> hi,
                                   double epsilon, DpNoise& noise) {
  const double each = epsilon / 2;
  constexpr int kMinExp = -20, kMaxExp = 63;
  constexpr int kSide = kMaxExp - kMinExp + 1;
  // Cell k: 0 .. kSide-1 negative (largest magnitude first), kSide zero,
  // then positive by magnitude.
  auto cell_of = [&](double v) {
    if (v == 0 || std::fabs(v) < std::exp2(kMinExp)) return kSide;
    const int e = std::clamp(static_cast<int>(std::floor(std::log2(std::fabs(v)))), kMinExp, kMaxExp);
    return v > 0 ? kSide + 1 + (e - kMinExp) : kMaxExp - e;
  };
  auto lower_edge = [&](int k) {
    if (k == kSide) return 0.0;
    return k > kSide ? std::exp2(k - kSide - 1 + kMinExp) : -std::exp2(kMaxExp - k + 1);
  };
  auto upper_edge = [&](int k) {
    if (k == kSide) return 0.0;
    return k > kSide ? std::exp2(k - kSide + kMinExp) : -std::exp2(kMaxExp - k);
  };
  std::vector<double> coarse(2 * kSide + 1, 0.0);
  for (double v : x) coarse[cell_of(v)] += 1;
  for (double& c : coarse) c += noise.Laplace(1 / each);
  const double threshold = std::log(static_cast<double>(coarse.size()) / 0.02) / each;
  int first = -1, last = -1;
  for (int k = 0; k < static_cast<int>(coarse.size()); ++k) {
    if (coarse[k] <= threshold) continue;
    if (first < 0) first = k;
    last = k;
  }
  if (first < 0) first = last = static_cast<int>(std::max_element(coarse.begin(), coarse.end()) - coarse.begin());
  double a = lo ? *lo : lower_edge(first);
  double b = hi ? *hi : upper_edge(last);
  if (!(b > a)) b = a + 1;

  constexpr int kFine = 64;
  std::vector<double> fine(kFine, 0.0);
  for (double v : x) {
    fine[std::clamp(static_cast<int>((v - a) / (b - a) * kFine), 0, kFine - 1)] += 1;
  }
  for (double& c : fine) c = std::max(0.0, c + noise.Laplace(1 / each));
  const double total = std::accumulate(fine.begin(), fine.end(), 0.0);
  const double width = (b - a) / kFine;
  double out_lo = a, out_hi = b;
  if (total > 0) {
    double cum = 0;
    int k_lo = -1, k_hi = kFine - 1;
    for (int k = 0; k < kFine; ++k) {
      cum += fine[k];
      if (k_lo < 0 && cum >= kDpLowQuantile * total) k_lo = k;
      if (cum >= kDpHighQuantile * total) {
        k_hi = k;
        break;
      }
    }
    if (!lo) out_lo = a + width * std::max(k_lo, 0);
    if (!hi) out_hi = a + width * (k_hi + 1);
  }
  return {out_lo, out_hi};
}

// A category list is the labels whose Laplace-noised count clears
// 1 + ln(1 / (2 delta)) / epsilon (the stability histogram: a label only
// one row holds is released with probability at most delta), most frequent
// first.
void EstimateDpColumn(const DataTable& table, int column, DataType type, DpColumnPlan& plan, double epsilon,
                      double delta, DpNoise& noise) {
  const BatchColumn& tc = table.columns[column];
  const std::string& name = table.names[column];
  const size_t n = table.rows;
  if (type == DataType::kCategorical) {
    std::map<std::string_view, size_t> counts;
    for (size_t i = 0; i < n; ++i) {
      if (!tc.IsNull(i)) ++counts[tc.texts[i]];
    }
    const double threshold = 1 + std::log(1 / (2 * delta)) / epsilon;
    std::vector<std::pair<double, std::string>> kept;
    for (const auto& [label, count] : counts) {
      const double noisy = static_cast<double>(count) + noise.Laplace(1 / epsilon);
      if (noisy > threshold) kept.emplace_back(-noisy, std::string(label));
    }
    if (kept.empty()) {
      throw UsageError(fmt::format(
          "no category of '{}' is frequent enough to release at epsilon {:g} (a label needs about {:.0f} rows); "
          "declare its categories (--public-categories) or raise the budget",
          name, epsilon, threshold));
    }
    std::sort(kept.begin(), kept.end());
    for (auto& [neg, label] : kept) plan.categories.push_back(std::move(label));
    plan.source = fmt::format("DP-estimated: {} labels above a noisy threshold, epsilon {:g}, delta {:g}",
                              plan.categories.size(), epsilon, delta);
    return;
  }
  std::vector<double> x;
  for (size_t i = 0; i < n; ++i) {
    if (!tc.IsNull(i)) x.push_back(TableValue(table, column, i));
  }
  auto [lo, hi] = DpBounds(x, plan.lo, plan.hi, epsilon, noise);
  if (type != DataType::kContinuous) {
    lo = std::floor(lo);
    hi = std::ceil(hi);
  }
  if (!(hi > lo)) hi = lo + 1;
  plan.lo = lo;
  plan.hi = hi;
  plan.source = fmt::format("DP-estimated {:g}% and {:g}% quantiles, epsilon {:g}", kDpLowQuantile * 100,
                            kDpHighQuantile * 100, epsilon);
}

std::vector<ModelColumn> PublicModelColumns(const DataTable& table, const DpOptions& dp, const std::string& model,
                                           double delta, DpPreprocessing* pre) {
  std::vector<ModelColumn> columns = LearnColumns(table);
  std::set<std::string> learned;
  for (const ModelColumn& c : columns) learned.insert(c.name);
  for (const auto& [name, _] : dp.public_columns) {
    if (!learned.count(name)) {
      throw UsageError(fmt::format("{} --dp: public bounds are given for '{}', which is not a learned column of {}",
                                   model, name, table.source));
    }
  }
  // The columns that lack a public side: estimated with the budget set
  // aside for them, if any, else refused below.
  auto lacks = [&](const ModelColumn& c) {
    const auto it = dp.public_columns.find(c.name);
    const PublicColumn* pub = it == dp.public_columns.end() ? nullptr : &it->second;
    if (c.type == DataType::kBoolean) return false;
    if (c.type == DataType::kCategorical) return !pub || pub->categories.empty();
    return !pub || !pub->min || !pub->max;
  };
  const size_t missing = static_cast<size_t>(std::count_if(columns.begin(), columns.end(), lacks));
  const bool estimate = pre != nullptr && missing > 0 && dp.preprocessing_share > 0;
  std::optional<DpNoise> noise;
  double col_epsilon = 0, col_delta = 0;
  if (estimate) {
    if (!(dp.preprocessing_share < 1) || !(delta > 0 && delta < 1)) {
      throw UsageError(fmt::format("{} --dp: the preprocessing share must be in [0, 1) and delta in (0, 1)", model));
    }
    *pre = DpPreprocessing{};
    pre->epsilon = dp.preprocessing_share * dp.epsilon;
    pre->delta = dp.preprocessing_share * delta;
    col_epsilon = pre->epsilon / static_cast<double>(missing);
    col_delta = pre->delta / static_cast<double>(missing);
    noise.emplace();
  }
  std::map<std::string, int> index;
  for (size_t c = 0; c < table.names.size(); ++c) index.emplace(table.names[c], static_cast<int>(c));
  for (ModelColumn& c : columns) {
    const auto it = dp.public_columns.find(c.name);
    const PublicColumn* pub = it == dp.public_columns.end() ? nullptr : &it->second;
    if (estimate && lacks(c)) {
      DpColumnPlan plan;
      if (pub) {
        plan.lo = pub->min;
        plan.hi = pub->max;
      }
      if (c.type != DataType::kContinuous && c.type != DataType::kCategorical) {
        if (plan.lo) plan.lo = std::floor(*plan.lo);
        if (plan.hi) plan.hi = std::ceil(*plan.hi);
      }
      EstimateDpColumn(table, index.at(c.name), c.type, plan, col_epsilon, col_delta, *noise);
      c.null_rate = 0;
      if (c.type == DataType::kCategorical) {
        c.categories = plan.categories;
        c.frequencies.assign(c.categories.size(), 1.0 / static_cast<double>(c.categories.size()));
        c.min = 0;
        c.max = static_cast<double>(c.categories.size() - 1);
        pre->estimated.emplace(c.name, fmt::format("{}: {} categories ({})", c.name, c.categories.size(), plan.source));
      } else {
        c.min = *plan.lo;
        c.max = *plan.hi;
        pre->estimated.emplace(c.name, fmt::format("{}: [{:g}, {:g}] ({})", c.name, c.min, c.max, plan.source));
      }
      continue;
    }
    c.null_rate = 0;
    switch (c.type) {
      case DataType::kBoolean:
        c.min = 0;
        c.max = 1;
        c.frequencies = {0.5, 0.5};
        break;
      case DataType::kCategorical: {
        if (!pub || pub->categories.empty()) {
          throw UsageError(fmt::format(
              "{} --dp: column '{}' has no public category list: a list read from the data would reveal its rare "
              "values (give every value it can take, from the domain or the user, or spend a share of epsilon on "
              "estimating it: --bounds-budget SHARE)",
              model, c.name));
        }
        c.categories = pub->categories;
        const std::set<std::string> known(c.categories.begin(), c.categories.end());
        if (known.size() != c.categories.size()) {
          throw UsageError(fmt::format("{} --dp: the public categories of column '{}' repeat a value", model, c.name));
        }
        c.frequencies.assign(c.categories.size(), 1.0 / static_cast<double>(c.categories.size()));
        c.min = 0;
        c.max = static_cast<double>(c.categories.size() - 1);
        break;
      }
      default:
        if (!pub || !pub->min || !pub->max) {
          throw UsageError(fmt::format(
              "{} --dp: column '{}' has no public bounds: the range of the data would reveal its extreme rows "
              "(give its min and max, from the domain or the user, or spend a share of epsilon on estimating "
              "them: --bounds-budget SHARE)",
              model, c.name));
        }
        if (!std::isfinite(*pub->min) || !std::isfinite(*pub->max) || *pub->min > *pub->max) {
          throw UsageError(fmt::format("{} --dp: the public bounds of column '{}' are not a range", model, c.name));
        }
        c.min = *pub->min;
        c.max = *pub->max;
    }
  }
  return columns;
}

std::vector<std::string> DescribePublicColumns(const std::vector<ModelColumn>& columns) {
  std::vector<std::string> out;
  for (const ModelColumn& c : columns) {
    switch (c.type) {
      case DataType::kBoolean: out.push_back(c.name + ": boolean"); break;
      case DataType::kCategorical: out.push_back(fmt::format("{}: {} categories", c.name, c.categories.size())); break;
      default: out.push_back(fmt::format("{}: [{:g}, {:g}]", c.name, c.min, c.max));
    }
  }
  return out;
}

}  // namespace seedforge::internal
