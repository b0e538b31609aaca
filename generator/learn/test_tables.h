// Tables with a known ground truth for the synthesizer tests, and the
// statistics the tests check learned models against.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

namespace seedforge::testing {

// Ground truth, n rows:
//   bimodal   0.4 N(-3, 0.7^2) + 0.6 N(4, 1), 2 decimals
//   x, y      bivariate normal, means 50 and 100, sds 10 and 20, rho 0.8
//   segment   A 50%, B 30%, C 20%
//   amount    N(mu_segment, 15^2) with mu = 100 (A), 250 (B), 180 (C):
//             the mean depends on the category, and not in frequency order
//   opened    a date uniform over 2020-2023
//   closed    opened + Exp(mean 200 days); NULL for 30% (still open)
//   flag      boolean, 30% true
inline DataTable GroundTruthTable(size_t n, uint64_t seed = 7) {
  DataTable t;
  t.source = "ground-truth";
  t.rows = n;
  auto add = [&](const char* name, DataType type, int digits) {
    t.names.push_back(name);
    t.types.push_back(type);
    t.digits.push_back(digits);
    BatchColumn c;
    c.kind = DataTypeKind(type);
    c.Resize(n);
    t.columns.push_back(std::move(c));
    return t.columns.size() - 1;
  };
  const size_t bimodal = add("bimodal", DataType::kContinuous, 2);
  const size_t x = add("x", DataType::kContinuous, 3);
  const size_t y = add("y", DataType::kContinuous, 3);
  const size_t segment = add("segment", DataType::kCategorical, 0);
  const size_t amount = add("amount", DataType::kContinuous, 2);
  const size_t opened = add("opened", DataType::kDate, 0);
  const size_t closed = add("closed", DataType::kDate, 0);
  const size_t flag = add("flag", DataType::kBoolean, 0);
  t.columns[closed].nulls.assign(n, 0);
  const int64_t start = DaysFromCivil(2020, 1, 1);
  for (size_t i = 0; i < n; ++i) {
    RandomStream r(seed, i);
    const double b = r.Chance(0.4) ? -3 + 0.7 * r.Normal() : 4 + r.Normal();
    t.columns[bimodal].floats[i] = std::round(b * 100) / 100;
    const double z1 = r.Normal(), z2 = r.Normal();
    t.columns[x].floats[i] = std::round((50 + 10 * z1) * 1000) / 1000;
    t.columns[y].floats[i] = std::round((100 + 20 * (0.8 * z1 + 0.6 * z2)) * 1000) / 1000;
    const double u = r.Uniform();
    const int s = u < 0.5 ? 0 : u < 0.8 ? 1 : 2;
    static const char* kSegments[] = {"A", "B", "C"};
    static const double kMeans[] = {100, 250, 180};
    t.columns[segment].texts[i] = kSegments[s];
    t.columns[amount].floats[i] = std::round((kMeans[s] + 15 * r.Normal()) * 100) / 100;
    const int64_t o = start + r.Between(0, 4 * 365 - 1);
    t.columns[opened].ints[i] = o;
    if (r.Chance(0.3)) {
      t.columns[closed].nulls[i] = 1;
    } else {
      t.columns[closed].ints[i] = o + static_cast<int64_t>(-200 * std::log(1 - r.Uniform()));
    }
    t.columns[flag].ints[i] = r.Chance(0.3);
  }
  return t;
}

// The table with only the named columns.
inline DataTable SelectColumns(const DataTable& table, const std::vector<std::string>& names) {
  DataTable out;
  out.source = table.source;
  out.rows = table.rows;
  for (const std::string& name : names) {
    const int c = table.Find(name);
    out.names.push_back(name);
    out.types.push_back(table.types[c]);
    out.digits.push_back(table.digits[c]);
    out.columns.push_back(table.columns[c]);
  }
  return out;
}

// The values of a column as doubles (NULLs dropped).
inline std::vector<double> Numbers(const BatchColumn& c) {
  std::vector<double> out;
  for (size_t i = 0; i < c.size(); ++i) {
    if (c.IsNull(i)) continue;
    out.push_back(c.kind == ValueKind::kFloat ? c.floats[i] : static_cast<double>(c.ints[i]));
  }
  return out;
}

// Two-sample Kolmogorov-Smirnov statistic.
inline double Ks(std::vector<double> a, std::vector<double> b) {
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double v = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == v) ++i;
    while (j < b.size() && b[j] == v) ++j;
    d = std::max(d, std::fabs(static_cast<double>(i) / a.size() - static_cast<double>(j) / b.size()));
  }
  return d;
}

inline double Correlation(const std::vector<double>& a, const std::vector<double>& b) {
  const size_t n = std::min(a.size(), b.size());
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; ++i) ma += a[i], mb += b[i];
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    sab += (a[i] - ma) * (b[i] - mb);
    saa += (a[i] - ma) * (a[i] - ma);
    sbb += (b[i] - mb) * (b[i] - mb);
  }
  return sab / std::sqrt(saa * sbb);
}

// Mean of `values` over the rows whose `labels` equal `label`.
inline double MeanWhere(const BatchColumn& values, const BatchColumn& labels, const std::string& label) {
  double sum = 0;
  size_t n = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    if (labels.texts[i] != label || values.IsNull(i)) continue;
    sum += values.kind == ValueKind::kFloat ? values.floats[i] : static_cast<double>(values.ints[i]);
    ++n;
  }
  return n ? sum / n : NAN;
}

inline double Share(const BatchColumn& labels, const std::string& label) {
  size_t n = 0;
  for (size_t i = 0; i < labels.size(); ++i) n += !labels.IsNull(i) && labels.texts[i] == label;
  return static_cast<double>(n) / labels.size();
}

inline double NullShare(const BatchColumn& c) {
  size_t n = 0;
  for (size_t i = 0; i < c.size(); ++i) n += c.IsNull(i);
  return static_cast<double>(n) / c.size();
}

// Samples rows [0, n) with one call.
inline std::vector<BatchColumn> SampleAll(const RowSampler& sampler, size_t n, uint64_t key) {
  std::vector<uint64_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = i;
  std::vector<BatchColumn> out;
  sampler.SampleRows(rows, key, out);
  return out;
}

inline int ColumnIndex(const RowSampler& sampler, const std::string& name) {
  const auto& columns = sampler.columns();
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

// What a model learned of GroundTruthTable, measured on n sampled rows.
struct GroundTruthFit {
  double ks_bimodal = 1, ks_x = 1, ks_y = 1, ks_amount = 1;
  double rho_xy = 0;
  double mean_a = 0, mean_b = 0, mean_c = 0;  // amount by segment
  double share_a = 0, null_closed = 0;

  std::string ToString() const {
    return "KS bimodal " + std::to_string(ks_bimodal) + ", x " + std::to_string(ks_x) + ", y " +
           std::to_string(ks_y) + ", amount " + std::to_string(ks_amount) + "; rho " + std::to_string(rho_xy) +
           "; amount by segment " + std::to_string(mean_a) + " " + std::to_string(mean_b) + " " +
           std::to_string(mean_c) + "; share A " + std::to_string(share_a) + "; closed NULL " +
           std::to_string(null_closed);
  }
};

// The median of values (an odd count, at least one).
inline double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  return values[values.size() / 2];
}

// Each measure's median over several fits: what the statistical tests of the
// neural synthesizers assert on (see neural_test.cpp).
inline GroundTruthFit MedianFit(const std::vector<GroundTruthFit>& fits) {
  auto median = [&](double GroundTruthFit::*measure) {
    std::vector<double> values;
    for (const GroundTruthFit& f : fits) values.push_back(f.*measure);
    return Median(values);
  };
  GroundTruthFit m;
  for (double GroundTruthFit::*measure :
       {&GroundTruthFit::ks_bimodal, &GroundTruthFit::ks_x, &GroundTruthFit::ks_y, &GroundTruthFit::ks_amount,
        &GroundTruthFit::rho_xy, &GroundTruthFit::mean_a, &GroundTruthFit::mean_b, &GroundTruthFit::mean_c,
        &GroundTruthFit::share_a, &GroundTruthFit::null_closed}) {
    m.*measure = median(measure);
  }
  return m;
}

inline GroundTruthFit MeasureGroundTruth(const DataTable& real, const RowSampler& sampler, size_t n, uint64_t key) {
  std::vector<BatchColumn> out = SampleAll(sampler, n, key);
  auto col = [&](const char* name) -> const BatchColumn& { return out[ColumnIndex(sampler, name)]; };
  auto ks = [&](const char* name) { return Ks(Numbers(real.columns[real.Find(name)]), Numbers(col(name))); };
  GroundTruthFit fit;
  fit.ks_bimodal = ks("bimodal");
  fit.ks_x = ks("x");
  fit.ks_y = ks("y");
  fit.ks_amount = ks("amount");
  fit.rho_xy = Correlation(Numbers(col("x")), Numbers(col("y")));
  fit.mean_a = MeanWhere(col("amount"), col("segment"), "A");
  fit.mean_b = MeanWhere(col("amount"), col("segment"), "B");
  fit.mean_c = MeanWhere(col("amount"), col("segment"), "C");
  fit.share_a = Share(col("segment"), "A");
  if (ColumnIndex(sampler, "closed") >= 0) fit.null_closed = NullShare(col("closed"));
  return fit;
}

}  // namespace seedforge::testing
