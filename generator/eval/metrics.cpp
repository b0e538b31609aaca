#include "eval/metrics.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <unordered_map>

namespace seedforge::eval {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> SortedPresent(std::span<const double> values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double v : values) {
    if (!std::isnan(v)) out.push_back(v);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Number of distinct non-missing values, stopping at 2.
int DistinctUpToTwo(std::span<const double> values) {
  bool seen = false;
  double first = 0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    if (!seen) {
      seen = true;
      first = v;
    } else if (v != first) {
      return 2;
    }
  }
  return seen ? 1 : 0;
}

}  // namespace

double KsComplement(std::span<const double> real, std::span<const double> synthetic) {
  std::vector<double> a = SortedPresent(real), b = SortedPresent(synthetic);
  if (a.empty() || b.empty()) return kNaN;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double d = 0;
  // Walk the merged order; after consuming every value <= x on both sides,
  // i/na and j/nb are the two empirical CDFs at x.
  while (i < a.size() && j < b.size()) {
    double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    d = std::max(d, std::fabs(i / na - j / nb));
  }
  return 1.0 - d;
}

double TvComplement(std::span<const int32_t> real, std::span<const int32_t> synthetic) {
  int32_t max_code = -1;
  for (int32_t c : real) max_code = std::max(max_code, c);
  for (int32_t c : synthetic) max_code = std::max(max_code, c);
  std::vector<double> p = CodeCounts(real, max_code + 1), q = CodeCounts(synthetic, max_code + 1);
  double np = 0, nq = 0;
  for (double v : p) np += v;
  for (double v : q) nq += v;
  if (np == 0 || nq == 0) return kNaN;
  double tv = 0;
  for (size_t c = 0; c < p.size(); ++c) tv += std::fabs(p[c] / np - q[c] / nq);
  return 1.0 - 0.5 * tv;
}

double Pearson(std::span<const double> a, std::span<const double> b) {
  const size_t n = a.size();
  if (n == 0) return kNaN;
  double ma = 0, mb = 0;
  for (size_t i = 0; i < n; ++i) {
    ma += a[i];
    mb += b[i];
  }
  ma /= n;
  mb /= n;
  double sab = 0, saa = 0, sbb = 0;
  for (size_t i = 0; i < n; ++i) {
    double da = a[i] - ma, db = b[i] - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa == 0 || sbb == 0) return kNaN;
  return std::clamp(sab / std::sqrt(saa * sbb), -1.0, 1.0);
}

CorrelationResult CorrelationSimilarity(std::span<const double> real_a, std::span<const double> real_b,
                                        std::span<const double> syn_a, std::span<const double> syn_b) {
  if (DistinctUpToTwo(real_a) == 1 || DistinctUpToTwo(real_b) == 1 || DistinctUpToTwo(syn_a) == 1 ||
      DistinctUpToTwo(syn_b) == 1) {
    return {kNaN, kNaN, kNaN};
  }
  auto filled = [](std::span<const double> v) {
    std::vector<double> out(v.begin(), v.end());
    for (double& x : out) {
      if (std::isnan(x)) x = 0.0;
    }
    return out;
  };
  double r = Pearson(filled(real_a), filled(real_b));
  double s = Pearson(filled(syn_a), filled(syn_b));
  if (std::isnan(r)) r = 0;
  if (std::isnan(s)) s = 0;
  return {1.0 - std::fabs(r - s) / 2.0, r, s};
}

double ContingencySimilarity(std::span<const int32_t> real_a, std::span<const int32_t> real_b,
                             std::span<const int32_t> syn_a, std::span<const int32_t> syn_b) {
  if (real_a.empty() || syn_a.empty()) return kNaN;
  int64_t width = 0;  // codes of b shifted by one so that missing (-1) is 0
  for (int32_t c : real_b) width = std::max<int64_t>(width, c + 2);
  for (int32_t c : syn_b) width = std::max<int64_t>(width, c + 2);
  int64_t height = 0;
  for (int32_t c : real_a) height = std::max<int64_t>(height, c + 2);
  for (int32_t c : syn_a) height = std::max<int64_t>(height, c + 2);
  const double nr = static_cast<double>(real_a.size()), ns = static_cast<double>(syn_a.size());
  double tv = 0;
  if (width * height <= (1 << 20)) {  // dense table up to 8 MB, else a hash map
    std::vector<double> diff(static_cast<size_t>(width * height), 0.0);
    for (size_t i = 0; i < real_a.size(); ++i) diff[(real_a[i] + 1) * width + real_b[i] + 1] += 1.0 / nr;
    for (size_t i = 0; i < syn_a.size(); ++i) diff[(syn_a[i] + 1) * width + syn_b[i] + 1] -= 1.0 / ns;
    for (double d : diff) tv += std::fabs(d);
  } else {
    std::unordered_map<int64_t, double> diff;
    for (size_t i = 0; i < real_a.size(); ++i) diff[(real_a[i] + 1) * width + real_b[i] + 1] += 1.0 / nr;
    for (size_t i = 0; i < syn_a.size(); ++i) diff[(syn_a[i] + 1) * width + syn_b[i] + 1] -= 1.0 / ns;
    for (const auto& [key, d] : diff) tv += std::fabs(d);
  }
  return 1.0 - tv / 2.0;
}

std::vector<int32_t> SdmetricsDiscretize(std::span<const double> values) {
  return Digitize(values, SdmetricsBinEdges(values));
}

std::vector<double> SdmetricsBinEdges(std::span<const double> values, int bins) {
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : values) {
    if (std::isnan(v)) continue;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
  }
  if (lo > hi) {
    lo = 0;
    hi = 1;
  } else if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  std::vector<double> edges(bins + 1);
  const double step = (hi - lo) / bins;
  for (int i = 0; i < bins; ++i) edges[i] = lo + i * step;
  edges[bins] = hi;
  return edges;
}

std::vector<int32_t> Digitize(std::span<const double> values, const std::vector<double>& edges) {
  std::vector<int32_t> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    double v = values[i];
    out[i] = std::isnan(v) ? static_cast<int32_t>(edges.size())
                           : static_cast<int32_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
  }
  return out;
}

double WassersteinNormalized(std::span<const double> real, std::span<const double> synthetic) {
  std::vector<double> a = SortedPresent(real), b = SortedPresent(synthetic);
  if (a.empty() || b.empty()) return kNaN;
  double range = a.back() - a.front();
  if (range <= 0) range = 1.0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double x = std::min(a.front(), b.front());
  double area = 0;
  // Between consecutive distinct points of the merged samples both CDFs are
  // constant, so the integral is a sum of rectangles.
  while (i < a.size() || j < b.size()) {
    while (i < a.size() && a[i] <= x) ++i;
    while (j < b.size() && b[j] <= x) ++j;
    if (i == a.size() && j == b.size()) break;
    double next = std::min(i < a.size() ? a[i] : b[j], j < b.size() ? b[j] : a[i]);
    area += std::fabs(i / na - j / nb) * (next - x);
    x = next;
  }
  return area / range;
}

double JensenShannon(std::span<const double> p_counts, std::span<const double> q_counts) {
  double np = 0, nq = 0;
  for (double v : p_counts) np += v;
  for (double v : q_counts) nq += v;
  if (np == 0 || nq == 0) return kNaN;
  double js = 0;
  const size_t n = std::max(p_counts.size(), q_counts.size());
  for (size_t i = 0; i < n; ++i) {
    double p = i < p_counts.size() ? p_counts[i] / np : 0;
    double q = i < q_counts.size() ? q_counts[i] / nq : 0;
    double m = (p + q) / 2;
    if (p > 0) js += 0.5 * p * std::log2(p / m);
    if (q > 0) js += 0.5 * q * std::log2(q / m);
  }
  return std::clamp(js, 0.0, 1.0);
}

std::vector<double> Histogram(std::span<const double> values, double lo, double hi, int bins) {
  std::vector<double> counts(bins, 0.0);
  const double width = hi > lo ? (hi - lo) / bins : 1.0;
  for (double v : values) {
    if (std::isnan(v)) continue;
    int b = static_cast<int>(std::floor((v - lo) / width));
    counts[std::clamp(b, 0, bins - 1)] += 1;
  }
  return counts;
}

std::vector<double> CodeCounts(std::span<const int32_t> codes, size_t labels) {
  std::vector<double> counts(labels, 0.0);
  for (int32_t c : codes) {
    if (c < 0) continue;
    if (static_cast<size_t>(c) >= counts.size()) counts.resize(c + 1, 0.0);
    counts[c] += 1;
  }
  return counts;
}

ChiSquareResult ChiSquareHomogeneity(std::span<const double> real_counts, std::span<const double> syn_counts) {
  const size_t k = std::max(real_counts.size(), syn_counts.size());
  double nr = 0, ns = 0;
  for (double v : real_counts) nr += v;
  for (double v : syn_counts) ns += v;
  ChiSquareResult result;
  if (nr == 0 || ns == 0) return result;
  const double n = nr + ns;
  int used = 0;
  for (size_t c = 0; c < k; ++c) {
    double o_r = c < real_counts.size() ? real_counts[c] : 0;
    double o_s = c < syn_counts.size() ? syn_counts[c] : 0;
    double total = o_r + o_s;
    if (total == 0) continue;
    ++used;
    double e_r = nr * total / n, e_s = ns * total / n;
    result.statistic += (o_r - e_r) * (o_r - e_r) / e_r + (o_s - e_s) * (o_s - e_s) / e_s;
  }
  result.dof = std::max(used - 1, 0);
  result.p_value = result.dof == 0 ? 1.0 : ChiSquareSurvival(result.statistic, result.dof);
  return result;
}

double ChiSquareSurvival(double x, double dof) { return RegularizedGammaQ(dof / 2.0, x / 2.0); }

double MissingRate(std::span<const double> values) {
  if (values.empty()) return kNaN;
  size_t missing = 0;
  for (double v : values) missing += std::isnan(v);
  return static_cast<double>(missing) / values.size();
}

double MissingRate(std::span<const int32_t> codes) {
  if (codes.empty()) return kNaN;
  size_t missing = 0;
  for (int32_t c : codes) missing += c < 0;
  return static_cast<double>(missing) / codes.size();
}

double RangeCoverage(std::span<const double> real, std::span<const double> synthetic) {
  double min_r = std::numeric_limits<double>::infinity(), max_r = -min_r, min_s = min_r, max_s = max_r;
  for (double v : real) {
    if (std::isnan(v)) continue;
    min_r = std::min(min_r, v);
    max_r = std::max(max_r, v);
  }
  for (double v : synthetic) {
    if (std::isnan(v)) continue;
    min_s = std::min(min_s, v);
    max_s = std::max(max_s, v);
  }
  if (min_r >= max_r || min_s > max_s) return kNaN;
  const double range = max_r - min_r;
  double low_gap = std::max((min_s - min_r) / range, 0.0);
  double high_gap = std::max((max_r - max_s) / range, 0.0);
  return std::max(1.0 - (low_gap + high_gap), 0.0);
}

double CategoryCoverage(std::span<const int32_t> real, std::span<const int32_t> synthetic) {
  int32_t max_code = -1;
  for (int32_t c : real) max_code = std::max(max_code, c);
  std::vector<char> in_real(max_code + 1, 0), in_syn(max_code + 1, 0);
  for (int32_t c : real) {
    if (c >= 0) in_real[c] = 1;
  }
  for (int32_t c : synthetic) {
    if (c >= 0 && c <= max_code) in_syn[c] = 1;
  }
  size_t present = 0, covered = 0;
  for (int32_t c = 0; c <= max_code; ++c) {
    present += in_real[c];
    covered += in_real[c] && in_syn[c];
  }
  return present == 0 ? kNaN : static_cast<double>(covered) / present;
}

double RocAuc(std::span<const double> positive_scores, std::span<const double> negative_scores) {
  const size_t np = positive_scores.size(), nn = negative_scores.size();
  if (np == 0 || nn == 0) return kNaN;
  std::vector<std::pair<double, bool>> all;
  all.reserve(np + nn);
  for (double s : positive_scores) all.emplace_back(s, true);
  for (double s : negative_scores) all.emplace_back(s, false);
  std::sort(all.begin(), all.end(), [](const auto& x, const auto& y) { return x.first < y.first; });
  // Sum of the (1-based, tie-averaged) ranks of the positives.
  double rank_sum = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    size_t positives = 0;
    while (j < all.size() && all[j].first == all[i].first) positives += all[j++].second;
    double average_rank = (i + 1 + j) / 2.0;
    rank_sum += positives * average_rank;
    i = j;
  }
  double u = rank_sum - np * (np + 1) / 2.0;
  return u / (static_cast<double>(np) * nn);
}

double SortedQuantile(std::span<const double> sorted, double q) {
  if (sorted.empty()) return kNaN;
  double h = (sorted.size() - 1) * q;
  size_t lo = static_cast<size_t>(std::floor(h));
  if (lo + 1 >= sorted.size()) return sorted.back();
  return sorted[lo] + (h - lo) * (sorted[lo + 1] - sorted[lo]);
}

}  // namespace seedforge::eval
