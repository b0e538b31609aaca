// The Gaussian copula synthesizer.
//
// Each column gets a marginal distribution; each value is mapped to a normal
// score z = Phi^-1(F(x)); the correlation of the normal scores is the
// copula. Sampling draws z ~ N(0, R) and maps each score back through
// x = F^-1(Phi(z)) (Nelsen, "An Introduction to Copulas", 2nd ed., 2006;
// the SDV GaussianCopulaSynthesizer follows the same scheme).
//
// Marginals. Numeric, date and timestamp columns with at most 64 distinct
// values, categorical and boolean columns, and the NULL indicator of every
// column with NULLs are discrete: their values have probabilities, and a
// value's normal score is drawn uniformly inside its probability interval
// (the randomised probability integral transform), the "frequency encoding"
// of SDV. Other numeric columns are fitted by normal, truncated normal,
// beta, gamma and uniform distributions (moment estimates); the family with
// the smallest Kolmogorov-Smirnov statistic is kept when a KS test at the 5%
// level does not reject it (D <= 1.36 / sqrt(n), Massey 1951), and the
// empirical distribution (quantiles of up to 100,000 values) otherwise.
// Every continuous marginal is stored as a table of x = F^-1(Phi(z)) on a
// grid of z in [-6, 6] (step 1/64), so sampling costs one interpolation per
// value whatever the family.
//
// Categories are ordered before encoding: by the mean normal score, within
// each category, of the numeric column they explain best (largest
// correlation ratio eta^2). A numeric column whose mean depends on the
// category then becomes a monotone, nearly linear relation in z that a
// correlation matrix captures; frequency order (SDV's) would scramble it.
//
// Conditions are exact: a fixed continuous value is a point in z, a fixed
// category an interval of z; the conditioned scores are drawn in turn from
// their (truncated) conditional normals and the others from the conditional
// Gaussian N(S_rc S_cc^-1 z_c, S_rr - S_rc S_cc^-1 S_cr).
#include <Eigen/Dense>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <mutex>
#include <numeric>
#include <random>
#include <unordered_map>

#include "learn/models.h"
#include "learn/numeric.h"
#include "learn/public_columns.h"
#include "learn/sampling.h"
#include "learn/serialize.h"
#include "learn/values.h"
#include "seedforge/calendar.h"
#include "seedforge/error.h"
#include "seedforge/random.h"
#include "seedforge/rdp_accountant.h"

namespace seedforge::internal {

namespace {

constexpr double kZMax = 6.0;          // Phi(-6) = 1e-9: beyond any sample we see
constexpr double kZSteps = 64.0;       // table points per unit of z
constexpr int kTableSize = 769;        // 2 * 6 * 64 + 1
constexpr size_t kMaxDiscrete = 64;    // distinct values up to which a numeric column is discrete
constexpr size_t kMarginalSample = 100000;  // values a continuous marginal is fitted on
constexpr size_t kKsSample = 10000;         // values the KS statistics are computed on
constexpr size_t kMaxCorrelationRows = 1000000;
constexpr uint32_t kPayloadVersion = 3;  // 2: segments; 3: the privacy record (DpAccount)
// A categorical column splits the copula into segments when it explains
// at least this share of a numeric column's rank variance (eta^2) ...
constexpr double kMinSegmentEta = 0.5;
// ... and at least two of its categories have this many rows; each such
// category gets its own copula.
constexpr size_t kMinSegmentRows = 50;
// At most this many segments (the model file holds each one's columns).
constexpr size_t kMaxSegments = 32;

// kHistogram: a differentially private fit's noisy histogram (FitPrivate).
enum class Family : uint8_t { kNormal, kTruncatedNormal, kBeta, kGamma, kUniform, kEmpirical, kDiscrete, kHistogram };

const char* FamilyName(Family f) {
  switch (f) {
    case Family::kNormal: return "normal";
    case Family::kTruncatedNormal: return "truncated normal";
    case Family::kBeta: return "beta";
    case Family::kGamma: return "gamma";
    case Family::kUniform: return "uniform";
    case Family::kEmpirical: return "empirical";
    case Family::kDiscrete: return "discrete";
    case Family::kHistogram: return "noisy histogram";
  }
  return "?";
}

double GridZ(int i) { return -kZMax + i / kZSteps; }

struct Marginal {
  Family family = Family::kDiscrete;
  std::vector<double> params;  // of the family, for the record
  std::vector<double> table;   // continuous: x at GridZ(i)
  std::vector<double> values;  // discrete: values in encoding order
  std::vector<double> cum;     // discrete: P(slot <= k)
  std::vector<int> rank;       // discrete categorical: category index -> slot

  bool discrete() const { return family == Family::kDiscrete; }

  double ToX(double z) const {
    if (discrete()) {
      const double u = NormalCdf(z);
      size_t k = std::upper_bound(cum.begin(), cum.end(), u) - cum.begin();
      return values[std::min(k, values.size() - 1)];
    }
    const double t = (z + kZMax) * kZSteps;
    if (!(t > 0)) return table.front();
    if (t >= kTableSize - 1) return table.back();
    const size_t i = static_cast<size_t>(t);
    const double f = t - static_cast<double>(i);
    return table[i] + f * (table[i + 1] - table[i]);
  }

  size_t Slot(double x) const {
    if (!rank.empty()) return rank[std::clamp<size_t>(static_cast<size_t>(x), 0, rank.size() - 1)];
    size_t k = std::lower_bound(values.begin(), values.end(), x) - values.begin();
    if (k == values.size()) return k - 1;
    if (k > 0 && x - values[k - 1] < values[k] - x) return k - 1;
    return k;
  }

  // The interval of z of a discrete slot.
  std::pair<double, double> SlotZ(size_t k) const {
    return {NormalQuantile(k == 0 ? 0.0 : cum[k - 1]), NormalQuantile(cum[k])};
  }

  // The normal score of x: randomised inside a probability interval when x
  // has positive probability; the interval's middle when random is null.
  double ToZ(double x, RandomStream* random) const {
    double u_lo, u_hi;
    if (discrete()) {
      const size_t k = Slot(x);
      u_lo = k == 0 ? 0.0 : cum[k - 1];
      u_hi = cum[k];
    } else {
      const size_t lo = std::lower_bound(table.begin(), table.end(), x) - table.begin();
      const size_t hi = std::upper_bound(table.begin(), table.end(), x) - table.begin();
      if (lo == table.size()) return kZMax;
      if (hi == 0) return -kZMax;
      if (hi - lo < 2) {
        if (hi - lo == 1) return GridZ(static_cast<int>(lo));
        const double f = (x - table[lo - 1]) / (table[lo] - table[lo - 1]);
        return GridZ(static_cast<int>(lo - 1)) + f / kZSteps;
      }
      u_lo = NormalCdf(GridZ(static_cast<int>(lo)));
      u_hi = NormalCdf(GridZ(static_cast<int>(hi - 1)));
    }
    const double u = u_lo + (random ? random->Uniform() : 0.5) * (u_hi - u_lo);
    return std::clamp(NormalQuantile(std::clamp(u, 1e-12, 1 - 1e-12)), -kZMax, kZMax);
  }
};

Marginal MakeDiscrete(std::vector<double> values, std::vector<double> probs) {
  Marginal m;
  m.family = Family::kDiscrete;
  double total = std::accumulate(probs.begin(), probs.end(), 0.0);
  double acc = 0;
  for (double p : probs) {
    acc += p / total;
    m.cum.push_back(acc);
  }
  m.cum.back() = 1.0;
  m.values = std::move(values);
  return m;
}

struct Candidate {
  Family family;
  std::vector<double> params;
  std::function<double(double)> cdf;
  std::function<double(double)> quantile;
};

// Moment fits of the parametric families on values in [lo, hi].
std::vector<Candidate> ParametricCandidates(double mean, double var, double lo, double hi) {
  std::vector<Candidate> out;
  const double sd = std::sqrt(var);
  if (!(sd > 0) || !(hi > lo)) return out;
  out.push_back({Family::kNormal, {mean, sd}, [=](double x) { return NormalCdf((x - mean) / sd); },
                 [=](double u) { return mean + sd * NormalQuantile(u); }});
  out.push_back({Family::kUniform, {lo, hi}, [=](double x) { return std::clamp((x - lo) / (hi - lo), 0.0, 1.0); },
                 [=](double u) { return lo + u * (hi - lo); }});
  {
    // Truncated normal on [lo, hi]: solve for (mu, sigma) whose truncated
    // mean and variance match the sample's, by fixed-point iteration on
    // the moment formulas (Johnson, Kotz and Balakrishnan, vol. 1, 10.1).
    double mu = mean, sigma = sd;
    bool ok = true;
    for (int it = 0; it < 100; ++it) {
      const double a = (lo - mu) / sigma, b = (hi - mu) / sigma;
      const double z = NormalCdf(b) - NormalCdf(a);
      if (!(z > 1e-12)) {
        ok = false;
        break;
      }
      const double lambda = (NormalPdf(a) - NormalPdf(b)) / z;
      const double delta = (a * NormalPdf(a) - b * NormalPdf(b)) / z;
      const double factor = 1 + delta - lambda * lambda;
      if (!(factor > 1e-9)) {
        ok = false;
        break;
      }
      const double new_sigma = std::min(sd / std::sqrt(factor), 100 * (hi - lo));
      const double new_mu = mean - new_sigma * lambda;
      const bool done = std::fabs(new_mu - mu) < 1e-10 * (hi - lo) && std::fabs(new_sigma - sigma) < 1e-10 * sigma;
      mu = new_mu;
      sigma = new_sigma;
      if (done) break;
    }
    if (ok && sigma > 0) {
      const double pa = NormalCdf((lo - mu) / sigma), pb = NormalCdf((hi - mu) / sigma);
      out.push_back({Family::kTruncatedNormal, {mu, sigma, lo, hi},
                     [=](double x) { return std::clamp((NormalCdf((x - mu) / sigma) - pa) / (pb - pa), 0.0, 1.0); },
                     [=](double u) { return std::clamp(mu + sigma * NormalQuantile(pa + u * (pb - pa)), lo, hi); }});
    }
  }
  const double pad = (hi - lo) * 1e-3;  // keeps observed extremes inside the support
  {
    const double bl = lo - pad, bh = hi + pad, w = bh - bl;
    const double m = (mean - bl) / w, v = var / (w * w);
    const double common = m * (1 - m) / v - 1;
    if (common > 0) {
      const double a = m * common, b = (1 - m) * common;
      auto cdf = [=](double x) { return RegularizedBeta(a, b, std::clamp((x - bl) / w, 0.0, 1.0)); };
      out.push_back({Family::kBeta, {a, b, bl, bh}, cdf,
                     [=](double u) { return InvertCdf(cdf, u, bl, bh); }});
    }
  }
  {
    const double loc = lo - pad, m = mean - loc;
    const double k = m * m / var, theta = var / m;
    if (k > 0 && theta > 0 && k < 1e6) {
      auto cdf = [=](double x) { return x <= loc ? 0.0 : RegularizedGammaP(k, (x - loc) / theta); };
      const double top = loc + m + 60 * std::sqrt(var) + 60 * theta;
      out.push_back({Family::kGamma, {k, theta, loc}, cdf,
                     [=](double u) { return InvertCdf(cdf, u, loc, top); }});
    }
  }
  return out;
}

Marginal TableMarginal(Family family, std::vector<double> params, const std::function<double(double)>& quantile) {
  Marginal m;
  m.family = family;
  m.params = std::move(params);
  m.table.resize(kTableSize);
  for (int i = 0; i < kTableSize; ++i) m.table[i] = quantile(NormalCdf(GridZ(i)));
  for (int i = 1; i < kTableSize; ++i) m.table[i] = std::max(m.table[i], m.table[i - 1]);
  return m;
}

// Fits the marginal of a numeric column from its non-NULL values.
Marginal FitNumericMarginal(const std::vector<double>& x, uint64_t key) {
  if (x.empty()) return MakeDiscrete({0.0}, {1.0});
  std::vector<double> sample;
  if (x.size() <= kMarginalSample) {
    sample = x;
  } else {
    sample.resize(kMarginalSample);
    for (size_t i = 0; i < kMarginalSample; ++i) sample[i] = x[RandomStream(key, i).Below(x.size())];
  }
  std::sort(sample.begin(), sample.end());
  size_t sample_distinct = 1;
  for (size_t i = 1; i < sample.size(); ++i) sample_distinct += sample[i] != sample[i - 1];
  if (sample_distinct <= kMaxDiscrete) {
    std::unordered_map<double, size_t> counts;
    for (double v : x) {
      ++counts[v];
      if (counts.size() > kMaxDiscrete) break;
    }
    if (counts.size() <= kMaxDiscrete) {
      std::vector<std::pair<double, size_t>> sorted(counts.begin(), counts.end());
      std::sort(sorted.begin(), sorted.end());
      std::vector<double> values, probs;
      for (const auto& [v, c] : sorted) {
        values.push_back(v);
        probs.push_back(static_cast<double>(c));
      }
      return MakeDiscrete(std::move(values), std::move(probs));
    }
  }
  double mean = 0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(x.size());
  double var = 0;
  for (double v : x) var += (v - mean) * (v - mean);
  var /= static_cast<double>(x.size());
  const auto [lo_it, hi_it] = std::minmax_element(x.begin(), x.end());
  const double lo = *lo_it, hi = *hi_it;

  std::vector<double> eval;
  const size_t stride = std::max<size_t>(1, sample.size() / kKsSample);
  for (size_t i = stride / 2; i < sample.size(); i += stride) eval.push_back(sample[i]);
  const Candidate* best = nullptr;
  double best_ks = INFINITY;
  std::vector<Candidate> candidates = ParametricCandidates(mean, var, lo, hi);
  for (const Candidate& c : candidates) {
    const double ks = KsStatistic(eval, c.cdf);
    if (ks < best_ks) {
      best_ks = ks;
      best = &c;
    }
  }
  if (best && best_ks <= 1.36 / std::sqrt(static_cast<double>(eval.size()))) {
    return TableMarginal(best->family, best->params, best->quantile);
  }
  const double last = static_cast<double>(sample.size() - 1);
  return TableMarginal(Family::kEmpirical, {}, [&](double u) {
    const double pos = std::clamp(u, 0.0, 1.0) * last;
    const size_t i = std::min(static_cast<size_t>(pos), sample.size() - 1);
    const size_t j = std::min(i + 1, sample.size() - 1);
    return sample[i] + (pos - static_cast<double>(i)) * (sample[j] - sample[i]);
  });
}

// What the fitted model is; shared by the synthesizer and its samplers.
struct CopulaModel {
  struct Variable {
    int column = 0;
    bool null_indicator = false;
    Marginal marginal;
  };
  std::vector<ModelColumn> columns;
  std::vector<Variable> variables;
  std::vector<int> value_var;  // per column
  std::vector<int> null_var;   // per column, -1 without NULLs
  Eigen::MatrixXd correlation;
  // Segments: a categorical column that drives the others (a media type
  // the size and price of a track) splits the rows, and each large enough
  // category gets a copula of its own, fitted on its rows. A row is drawn
  // from this (pooled) copula first, which picks the category under every
  // condition, then again from its category's copula under the same ones.
  // One Gaussian copula cannot hold such a step: categories of equal means
  // interleave in the score, and the correlation that remains is weak.
  int segment_column = -1;
  std::vector<std::shared_ptr<const CopulaModel>> segments;  // per category; null: the pooled copula's

  void Index() {
    value_var.assign(columns.size(), -1);
    null_var.assign(columns.size(), -1);
    for (size_t v = 0; v < variables.size(); ++v) {
      (variables[v].null_indicator ? null_var : value_var)[variables[v].column] = static_cast<int>(v);
    }
  }
};

// Makes a correlation matrix positive definite: eigenvalues clipped at
// 1e-6, then rescaled to a unit diagonal (Higham's nearest-correlation
// idea in one step).
Eigen::MatrixXd RepairCorrelation(const Eigen::MatrixXd& r) {
  Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r);
  Eigen::VectorXd d = eig.eigenvalues().cwiseMax(1e-6);
  Eigen::MatrixXd fixed = eig.eigenvectors() * d.asDiagonal() * eig.eigenvectors().transpose();
  Eigen::VectorXd s = fixed.diagonal().cwiseSqrt().cwiseInverse();
  return s.asDiagonal() * fixed * s.asDiagonal();
}

// Which scores are conditioned, and the regression the rest follow: points
// (fixed scores of continuous values), then intervals (discrete values and
// NULL indicators, each drawn truncated given the ones before), then the
// rest from the conditional Gaussian. It depends only on WHICH variables
// are conditioned; the points and bounds are a row's.
class Conditioning {
 public:
  Conditioning(const CopulaModel& m, const std::vector<int>& points, const std::vector<int>& intervals)
      : points_(points.size()), intervals_(intervals.size()) {
    const int p = static_cast<int>(m.variables.size());
    cond_ = points;
    cond_.insert(cond_.end(), intervals.begin(), intervals.end());
    std::vector<bool> conditioned(p, false);
    for (int v : cond_) conditioned[v] = true;
    for (int v = 0; v < p; ++v) {
      if (!conditioned[v]) rest_.push_back(v);
    }
    const Eigen::MatrixXd& r = m.correlation;
    const int c = static_cast<int>(cond_.size());
    auto sub = [&](const std::vector<int>& rows, const std::vector<int>& cols) {
      Eigen::MatrixXd out(rows.size(), cols.size());
      for (size_t i = 0; i < rows.size(); ++i) {
        for (size_t j = 0; j < cols.size(); ++j) out(i, j) = r(rows[i], cols[j]);
      }
      return out;
    };
    // Interval k is drawn given cond_[0 .. points + k).
    for (size_t k = 0; k < intervals.size(); ++k) {
      const int before = static_cast<int>(points.size() + k);
      std::vector<int> prev(cond_.begin(), cond_.begin() + before);
      Eigen::VectorXd coef = Eigen::VectorXd::Zero(before);
      double var = 1;
      if (before > 0) {
        Eigen::MatrixXd spp = sub(prev, prev) + 1e-9 * Eigen::MatrixXd::Identity(before, before);
        Eigen::VectorXd spk = sub(prev, {intervals[k]}).col(0);
        coef = spp.ldlt().solve(spk);
        var = std::max(0.0, 1 - spk.dot(coef));
      }
      interval_coef_.emplace_back(coef.data(), coef.data() + coef.size());
      interval_sd_.push_back(std::sqrt(var));
    }
    const int nr = static_cast<int>(rest_.size());
    Eigen::MatrixXd srr = sub(rest_, rest_);
    if (c > 0) {
      Eigen::MatrixXd scc = sub(cond_, cond_) + 1e-9 * Eigen::MatrixXd::Identity(c, c);
      Eigen::MatrixXd scr = sub(cond_, rest_);
      Eigen::MatrixXd a = scc.ldlt().solve(scr).transpose();  // nr x c
      srr -= a * scr;
      regression_ = a;
    }
    if (nr > 0) {
      Eigen::LLT<Eigen::MatrixXd> llt(srr + 1e-10 * Eigen::MatrixXd::Identity(nr, nr));
      chol_ = llt.info() == Eigen::Success ? Eigen::MatrixXd(llt.matrixL())
                                           : Eigen::MatrixXd(RepairCorrelation(srr).llt().matrixL());
    }
  }

  // One row's scores `z` (one per variable): `point_z` holds the points'
  // scores, `bounds` the intervals' (in the order given at construction).
  // `zc` and `eps` are scratch.
  void Draw(RandomStream& random, const double* point_z, const std::pair<double, double>* bounds,
            std::vector<double>& zc, std::vector<double>& eps, std::vector<double>& z) const {
    const size_t c = cond_.size(), nr = rest_.size(), np = points_;
    zc.resize(c);
    eps.resize(nr);
    for (size_t k = 0; k < np; ++k) zc[k] = point_z[k];
    for (size_t k = 0; k < intervals_; ++k) {
      const std::vector<double>& coef = interval_coef_[k];
      double mean = 0;
      for (size_t j = 0; j < coef.size(); ++j) mean += coef[j] * zc[j];
      const double sd = interval_sd_[k];
      const auto [lo, hi] = bounds[k];
      double value;
      if (sd < 1e-9) {
        value = std::clamp(mean, lo, hi);
      } else {
        const double a = NormalCdf((lo - mean) / sd), b = NormalCdf((hi - mean) / sd);
        const double u = std::clamp(a + random.Uniform() * (b - a), 1e-300, 1 - 1e-16);
        value = std::clamp(mean + sd * NormalQuantile(u), lo, hi);
      }
      zc[np + k] = value;
    }
    for (size_t k = 0; k < c; ++k) z[cond_[k]] = zc[k];
    for (size_t k = 0; k < nr; ++k) eps[k] = random.Normal();
    for (size_t k = 0; k < nr; ++k) {
      double v = 0;
      for (size_t j = 0; j < c; ++j) v += regression_(k, j) * zc[j];
      for (size_t j = 0; j <= k; ++j) v += chol_(k, j) * eps[j];
      z[rest_[k]] = v;
    }
  }

 private:
  size_t points_, intervals_;
  std::vector<int> cond_, rest_;
  std::vector<std::vector<double>> interval_coef_;
  std::vector<double> interval_sd_;
  Eigen::MatrixXd regression_;  // rest x cond
  Eigen::MatrixXd chol_;        // rest x rest, lower
};

// Samples the copula under conditions, fixed for all rows (`fixed`) and
// given row by row (`given` columns, DrawGiven): exactly, through the
// Conditioning of the variables they fix.
class CopulaDrawer : public RowDrawer {
 public:
  CopulaDrawer(std::shared_ptr<const CopulaModel> model, const std::vector<FixedValue>& fixed, std::vector<int> given)
      : model_(std::move(model)), given_(std::move(given)) {
    const CopulaModel& m = *model_;
    conditioned_.assign(m.variables.size(), false);
    for (const FixedValue& f : fixed) {
      const int nv = m.null_var[f.column], vv = m.value_var[f.column];
      if (f.null) {
        if (nv >= 0) AddInterval(nv, m.variables[nv].marginal.SlotZ(1), intervals_, bounds_, conditioned_);
        continue;
      }
      if (nv >= 0) AddInterval(nv, m.variables[nv].marginal.SlotZ(0), intervals_, bounds_, conditioned_);
      const Marginal& marginal = m.variables[vv].marginal;
      if (marginal.discrete()) {
        AddInterval(vv, marginal.SlotZ(marginal.Slot(f.value)), intervals_, bounds_, conditioned_);
      } else if (!conditioned_[vv]) {
        conditioned_[vv] = true;
        points_.push_back(vv);
        point_z_.push_back(marginal.ToZ(f.value, nullptr));
      }
    }
    fixed_ = std::make_unique<Conditioning>(m, points_, intervals_);
  }

  bool ConditionsExact() const override { return true; }

  void Draw(size_t count, RandomStream* streams, double* values, uint8_t* nulls) const override {
    std::vector<double> z(model_->variables.size()), zc, eps;
    for (size_t i = 0; i < count; ++i) {
      fixed_->Draw(streams[i], point_z_.data(), bounds_.data(), zc, eps, z);
      ToValues(z, values + i * model_->columns.size(), nulls + i * model_->columns.size());
    }
  }

  void DrawGiven(size_t count, RandomStream* streams, const double* given, const uint8_t* state, double* values,
                 uint8_t* nulls) const override {
    const CopulaModel& m = *model_;
    const size_t k = given_.size(), d = m.columns.size();
    std::vector<double> z(m.variables.size()), zc, eps, point_z;
    std::vector<int> points, intervals;
    std::vector<std::pair<double, double>> bounds;
    std::vector<bool> conditioned;
    std::vector<std::pair<uint64_t, const Conditioning*>> seen;  // this call's, by state code
    for (size_t i = 0; i < count; ++i) {
      const double* row_given = given + i * k;
      const uint8_t* row_state = state + i * k;
      // The row's conditions: the fixed ones, then each given column's.
      points = points_;
      point_z = point_z_;
      intervals = intervals_;
      bounds = bounds_;
      conditioned = conditioned_;
      uint64_t code = 0;
      for (size_t j = 0; j < k; ++j) {
        code = code * 3 + row_state[j];
        const int nv = m.null_var[given_[j]], vv = m.value_var[given_[j]];
        if (row_state[j] == kGivenFree) continue;
        if (row_state[j] == kGivenNull) {
          if (nv >= 0) AddInterval(nv, m.variables[nv].marginal.SlotZ(1), intervals, bounds, conditioned);
          continue;
        }
        if (nv >= 0) AddInterval(nv, m.variables[nv].marginal.SlotZ(0), intervals, bounds, conditioned);
        const Marginal& marginal = m.variables[vv].marginal;
        if (marginal.discrete()) {
          AddInterval(vv, marginal.SlotZ(marginal.Slot(row_given[j])), intervals, bounds, conditioned);
        } else if (!conditioned[vv]) {
          conditioned[vv] = true;
          points.push_back(vv);
          point_z.push_back(marginal.ToZ(row_given[j], nullptr));
        }
      }
      auto found = std::find_if(seen.begin(), seen.end(), [&](const auto& s) { return s.first == code; });
      if (found == seen.end()) {
        seen.emplace_back(code, &ConditioningFor(code, points, intervals));
        found = seen.end() - 1;
      }
      found->second->Draw(streams[i], point_z.data(), bounds.data(), zc, eps, z);
      ToValues(z, values + i * d, nulls + i * d);
    }
  }

 private:
  static void AddInterval(int var, std::pair<double, double> bound, std::vector<int>& intervals,
                          std::vector<std::pair<double, double>>& bounds, std::vector<bool>& conditioned) {
    if (conditioned[var]) return;
    conditioned[var] = true;
    intervals.push_back(var);
    bounds.push_back(bound);
  }

  // The Conditioning of a pattern of given states (`code`), made the first
  // time a row shows it: the regression is per pattern, not per row.
  const Conditioning& ConditioningFor(uint64_t code, const std::vector<int>& points,
                                      const std::vector<int>& intervals) const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::unique_ptr<Conditioning>& made = by_state_[code];
    if (!made) made = std::make_unique<Conditioning>(*model_, points, intervals);
    return *made;
  }

  void ToValues(const std::vector<double>& z, double* row, uint8_t* row_nulls) const {
    const CopulaModel& m = *model_;
    for (size_t col = 0; col < m.columns.size(); ++col) {
      const int nv = m.null_var[col];
      row_nulls[col] = nv >= 0 && m.variables[nv].marginal.ToX(z[nv]) != 0;
      // The value under a NULL too: a NOT NULL constraint falls back on it.
      row[col] = m.variables[m.value_var[col]].marginal.ToX(z[m.value_var[col]]);
    }
  }

  std::shared_ptr<const CopulaModel> model_;
  std::vector<int> given_;  // model columns
  // The fixed conditions.
  std::vector<int> points_, intervals_;
  std::vector<double> point_z_;
  std::vector<std::pair<double, double>> bounds_;
  std::vector<bool> conditioned_;
  std::unique_ptr<Conditioning> fixed_;
  mutable std::mutex mutex_;
  mutable std::map<uint64_t, std::unique_ptr<Conditioning>> by_state_;
};

// A segmented copula (CopulaModel::segments): each row from the pooled
// copula, then, when its category has a copula, again from that one with
// the same stream and conditions. A row still depends on its stream only.
// Whether copula `m` can hold a condition on `column`: a value (or NULL)
// its fitted marginals give a positive probability, a continuous value
// inside the range it was fitted on. A segment can lack what the pooled
// copula allows (a category absent from it): conditioned on that, its
// scores would be pinned at an infinite or empty interval.
bool CanHold(const CopulaModel& m, int column, bool null, double value) {
  const int nv = m.null_var[column];
  auto share = [](const Marginal& marginal, size_t k) { return marginal.cum[k] - (k == 0 ? 0.0 : marginal.cum[k - 1]); };
  if (null) return nv >= 0 && share(m.variables[nv].marginal, 1) > 0;
  if (nv >= 0 && share(m.variables[nv].marginal, 0) <= 0) return false;
  const Marginal& marginal = m.variables[m.value_var[column]].marginal;
  if (marginal.discrete()) return share(marginal, marginal.Slot(value)) > 0;
  return value >= marginal.table.front() && value <= marginal.table.back();
}

// A segmented copula (CopulaModel::segments): each row from the pooled
// copula, then, when its category has a copula that can hold the row's
// conditions, again from that one with the same stream and conditions. A
// row still depends on its stream (and given values) only.
class SegmentedDrawer : public RowDrawer {
 public:
  SegmentedDrawer(const std::shared_ptr<const CopulaModel>& model, const std::vector<FixedValue>& fixed,
                  const std::vector<int>& given)
      : column_(model->segment_column),
        width_(model->columns.size()),
        given_(given),
        pooled_(model, fixed, given) {
    for (const std::shared_ptr<const CopulaModel>& segment : model->segments) {
      bool holds = segment != nullptr;
      for (const FixedValue& f : fixed) holds = holds && CanHold(*segment, f.column, f.null, f.value);
      segments_.push_back(holds ? std::make_unique<CopulaDrawer>(segment, fixed, given) : nullptr);
      models_.push_back(segment);
    }
  }

  bool ConditionsExact() const override { return true; }

  void Draw(size_t count, RandomStream* streams, double* values, uint8_t* nulls) const override {
    pooled_.Draw(count, streams, values, nulls);
    Redraw(
        count, streams, values, nulls, [](size_t, size_t) { return true; },
        [&](const CopulaDrawer& d, size_t n, RandomStream* s, const size_t*, double* v, uint8_t* u) {
          d.Draw(n, s, v, u);
        });
  }

  void DrawGiven(size_t count, RandomStream* streams, const double* given, const uint8_t* state, double* values,
                 uint8_t* nulls) const override {
    pooled_.DrawGiven(count, streams, given, state, values, nulls);
    const size_t k = given_.size();
    auto holds = [&](size_t segment, size_t row) {
      for (size_t j = 0; j < k; ++j) {
        const uint8_t st = state[row * k + j];
        if (st == kGivenFree) continue;
        if (!CanHold(*models_[segment], given_[j], st == kGivenNull, given[row * k + j])) return false;
      }
      return true;
    };
    std::vector<double> sub_given;
    std::vector<uint8_t> sub_state;
    Redraw(count, streams, values, nulls, holds,
           [&](const CopulaDrawer& d, size_t n, RandomStream* s, const size_t* rows, double* v, uint8_t* u) {
             sub_given.clear();
             sub_state.clear();
             for (size_t i = 0; i < n; ++i) {
               sub_given.insert(sub_given.end(), given + rows[i] * k, given + rows[i] * k + k);
               sub_state.insert(sub_state.end(), state + rows[i] * k, state + rows[i] * k + k);
             }
             d.DrawGiven(n, s, sub_given.data(), sub_state.data(), v, u);
           });
  }

 private:
  // Redraws each row whose category has a copula that `holds` its
  // conditions, grouped by category.
  template <typename Holds, typename DrawRows>
  void Redraw(size_t count, RandomStream* streams, double* values, uint8_t* nulls, Holds holds,
              DrawRows draw_rows) const {
    std::vector<std::vector<size_t>> rows(segments_.size());
    for (size_t i = 0; i < count; ++i) {
      if (nulls[i * width_ + column_]) continue;
      const size_t k = static_cast<size_t>(std::llround(values[i * width_ + column_]));
      if (k < segments_.size() && segments_[k] && holds(k, i)) rows[k].push_back(i);
    }
    std::vector<RandomStream> sub_streams;
    std::vector<double> sub_values;
    std::vector<uint8_t> sub_nulls;
    for (size_t k = 0; k < segments_.size(); ++k) {
      if (rows[k].empty()) continue;
      const size_t n = rows[k].size();
      sub_streams.clear();
      for (size_t i : rows[k]) sub_streams.push_back(streams[i]);
      sub_values.assign(n * width_, 0.0);
      sub_nulls.assign(n * width_, 0);
      draw_rows(*segments_[k], n, sub_streams.data(), rows[k].data(), sub_values.data(), sub_nulls.data());
      for (size_t j = 0; j < n; ++j) {
        const size_t i = rows[k][j];
        streams[i] = sub_streams[j];
        std::copy_n(sub_values.data() + j * width_, width_, values + i * width_);
        std::copy_n(sub_nulls.data() + j * width_, width_, nulls + i * width_);
      }
    }
  }

  int column_;
  size_t width_;
  std::vector<int> given_;  // model columns
  CopulaDrawer pooled_;
  std::vector<std::unique_ptr<CopulaDrawer>> segments_;  // null: the pooled draw stands
  std::vector<std::shared_ptr<const CopulaModel>> models_;
};

class CopulaSynthesizer : public Synthesizer {
 public:
  std::string_view Name() const override { return "copula"; }

  void Fit(const DataTable& table, const FitOptions& options) override;

  const std::vector<ModelColumn>& columns() const override { return model_->columns; }
  const std::vector<Constraint>& constraints() const override { return constraints_; }
  const DpAccount& privacy() const override { return privacy_; }

  std::unique_ptr<RowSampler> MakeSampler(const SampleSpec& spec) const override {
    std::vector<FixedValue> fixed = ResolveConditions(model_->columns, spec.conditions);
    std::vector<Constraint> all = constraints_;
    all.insert(all.end(), spec.constraints.begin(), spec.constraints.end());
    std::vector<BoundConstraint> bound = ResolveConstraints(model_->columns, all);
    std::vector<int> given = ResolveGiven(model_->columns, spec.given);
    std::unique_ptr<RowDrawer> drawer;
    if (model_->segment_column >= 0) {
      drawer = std::make_unique<SegmentedDrawer>(model_, fixed, given);
    } else {
      drawer = std::make_unique<CopulaDrawer>(model_, fixed, given);
    }
    return MakeRowSampler(model_->columns, std::move(drawer), fixed, std::move(bound), spec, given);
  }

  std::string Summary() const override;
  std::string SavePayload() const override;
  void LoadPayload(std::string_view payload, const std::string& file) override;

 private:
  std::shared_ptr<const CopulaModel> model_ = std::make_shared<CopulaModel>();
  std::vector<Constraint> constraints_;
  DpAccount privacy_;  // mechanism empty: not private
};

// The copula of `table` for `columns` (their categories, frequencies and
// NULL shares as the table has them): marginals and the correlation of the
// normal scores.
std::shared_ptr<CopulaModel> FitModel(const DataTable& table, std::vector<ModelColumn> columns, uint64_t seed) {
  auto model = std::make_shared<CopulaModel>();
  model->columns = std::move(columns);
  const std::vector<int> source = TableColumnsOf(table, model->columns);
  const size_t n = table.rows;
  const size_t m = std::min(n, kMaxCorrelationRows);
  auto row_of = [&](size_t i) { return m == n ? i : static_cast<size_t>((static_cast<unsigned __int128>(i) * n) / m); };
  const uint64_t key = DeriveKey(seed, "copula", "fit");

  // Variables: the value of every column, then a NULL indicator per column
  // with NULLs. Numeric marginals are fitted now, discrete ones below.
  for (size_t c = 0; c < model->columns.size(); ++c) {
    const ModelColumn& col = model->columns[c];
    CopulaModel::Variable v;
    v.column = static_cast<int>(c);
    if (col.type != DataType::kCategorical && col.type != DataType::kBoolean) {
      std::vector<double> x;
      x.reserve(n);
      const BatchColumn& tc = table.columns[source[c]];
      for (size_t i = 0; i < n; ++i) {
        if (!tc.IsNull(i)) x.push_back(TableValue(table, source[c], i));
      }
      v.marginal = FitNumericMarginal(x, key + 1000 + c);
    }
    model->variables.push_back(std::move(v));
  }
  for (size_t c = 0; c < model->columns.size(); ++c) {
    if (model->columns[c].null_rate <= 0) continue;
    CopulaModel::Variable v;
    v.column = static_cast<int>(c);
    v.null_indicator = true;
    v.marginal = MakeDiscrete({0.0, 1.0}, {1 - model->columns[c].null_rate, model->columns[c].null_rate});
    model->variables.push_back(std::move(v));
  }
  model->Index();
  const size_t p = model->variables.size();

  // Normal scores, column-major m x p; NULL values score 0 (the mean).
  std::vector<double> scores(m * p, 0.0);
  auto score_variable = [&](size_t v) {
    const CopulaModel::Variable& var = model->variables[v];
    const BatchColumn& tc = table.columns[source[var.column]];
    for (size_t i = 0; i < m; ++i) {
      const size_t r = row_of(i);
      RandomStream random(key + v, r);
      double& z = scores[v * m + i];
      if (var.null_indicator) {
        z = var.marginal.ToZ(tc.IsNull(r) ? 1.0 : 0.0, &random);
      } else if (!tc.IsNull(r)) {
        z = var.marginal.ToZ(TableValue(table, source[var.column], r), &random);
      }
    }
  };
  std::vector<size_t> numeric;
  for (size_t v = 0; v < p; ++v) {
    const ModelColumn& col = model->columns[model->variables[v].column];
    if (!model->variables[v].null_indicator && col.type != DataType::kCategorical && col.type != DataType::kBoolean) {
      score_variable(v);
      numeric.push_back(v);
    }
  }

  // Categorical and boolean columns: categories ordered by the numeric
  // column they explain best, and inside a category's interval of z each
  // row placed by its rank in that numeric column, so the two scores are
  // nearly a monotone function of each other when the category drives the
  // numeric column.
  for (size_t c = 0; c < model->columns.size(); ++c) {
    const ModelColumn& col = model->columns[c];
    if (col.type != DataType::kCategorical && col.type != DataType::kBoolean) continue;
    const int v = model->value_var[c];
    Marginal& marginal = model->variables[v].marginal;
    const size_t k = col.frequencies.size();
    const BatchColumn& tc = table.columns[source[c]];
    std::vector<int> category(m, -1);
    if (col.type == DataType::kCategorical) {
      CategoryIndex index(col.categories);
      for (size_t i = 0; i < m; ++i) {
        const size_t r = row_of(i);
        if (!tc.IsNull(r)) category[i] = index.Find(tc.texts[r]);
      }
    } else {
      for (size_t i = 0; i < m; ++i) {
        const size_t r = row_of(i);
        if (!tc.IsNull(r)) category[i] = tc.ints[r] != 0;
      }
    }
    std::vector<int> order(k);
    std::iota(order.begin(), order.end(), 0);
    double best_eta = 0;
    int best_var = -1;
    std::vector<double> best_means;
    for (size_t nv : numeric) {
      std::vector<double> sum(k, 0.0), count(k, 0.0);
      double total = 0, total_sq = 0, total_n = 0;
      for (size_t i = 0; i < m; ++i) {
        if (category[i] < 0) continue;
        const double z = scores[nv * m + i];
        sum[category[i]] += z;
        count[category[i]] += 1;
        total += z;
        total_sq += z * z;
        total_n += 1;
      }
      if (total_n < 2) continue;
      const double grand = total / total_n;
      double between = 0;
      for (size_t j = 0; j < k; ++j) {
        if (count[j] > 0) between += count[j] * std::pow(sum[j] / count[j] - grand, 2);
      }
      const double spread = total_sq - total_n * grand * grand;
      const double eta = spread > 0 ? between / spread : 0;
      if (eta > best_eta) {
        best_eta = eta;
        best_var = static_cast<int>(nv);
        best_means.assign(k, 0.0);
        for (size_t j = 0; j < k; ++j) best_means[j] = count[j] > 0 ? sum[j] / count[j] : grand;
      }
    }
    if (!best_means.empty()) {
      std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return best_means[a] < best_means[b]; });
    }
    std::vector<double> values, probs;
    for (int j : order) {
      values.push_back(j);
      probs.push_back(col.frequencies[j]);
    }
    marginal = MakeDiscrete(std::move(values), std::move(probs));
    marginal.rank.assign(k, 0);
    for (size_t s = 0; s < k; ++s) marginal.rank[order[s]] = static_cast<int>(s);

    // Position of each row inside its category: its rank by the explained
    // numeric score (ties and rows without one at random), as a share.
    std::vector<double> position(m, -1.0);
    if (best_var >= 0) {
      std::vector<std::vector<uint32_t>> members(k);
      for (size_t i = 0; i < m; ++i) {
        if (category[i] >= 0) members[category[i]].push_back(static_cast<uint32_t>(i));
      }
      for (std::vector<uint32_t>& rows : members) {
        std::stable_sort(rows.begin(), rows.end(), [&](uint32_t a, uint32_t b) {
          return scores[best_var * m + a] < scores[best_var * m + b];
        });
        for (size_t j = 0; j < rows.size(); ++j) {
          RandomStream random(key + v, row_of(rows[j]));
          position[rows[j]] = (static_cast<double>(j) + random.Uniform()) / static_cast<double>(rows.size());
        }
      }
    }
    for (size_t i = 0; i < m; ++i) {
      if (category[i] < 0) continue;
      const size_t slot = marginal.rank[category[i]];
      const double lo = slot == 0 ? 0.0 : marginal.cum[slot - 1], hi = marginal.cum[slot];
      double share = position[i];
      if (share < 0) {
        RandomStream random(key + v, row_of(i));
        share = random.Uniform();
      }
      const double u = std::clamp(lo + share * (hi - lo), 1e-12, 1 - 1e-12);
      scores[v * m + i] = std::clamp(NormalQuantile(u), -kZMax, kZMax);
    }
  }
  for (size_t c = 0; c < model->columns.size(); ++c) {
    if (model->null_var[c] >= 0) score_variable(model->null_var[c]);
  }

  // Pearson correlation of the normal scores.
  Eigen::Map<const Eigen::MatrixXd> z(scores.data(), static_cast<Eigen::Index>(m), static_cast<Eigen::Index>(p));
  Eigen::RowVectorXd mean = z.colwise().mean();
  Eigen::MatrixXd cov = (z.transpose() * z) / static_cast<double>(m) - mean.transpose() * mean;
  Eigen::VectorXd sd = cov.diagonal().cwiseMax(1e-12).cwiseSqrt();
  Eigen::MatrixXd r = sd.cwiseInverse().asDiagonal() * cov * sd.cwiseInverse().asDiagonal();
  for (Eigen::Index i = 0; i < r.rows(); ++i) {
    if (cov(i, i) < 1e-12) {  // a constant variable: uncorrelated
      r.row(i).setZero();
      r.col(i).setZero();
    }
    r(i, i) = 1;
  }
  if (r.llt().info() != Eigen::Success) r = RepairCorrelation(r);
  model->correlation = r;
  return model;
}

// The column whose categories explain the numeric columns best (the largest
// correlation ratio eta^2 of a numeric column's ranks), when it explains
// one well enough to be worth a copula per category; -1 otherwise.
int SegmentColumn(const DataTable& table, const std::vector<ModelColumn>& columns, const std::vector<int>& source) {
  const size_t n = table.rows;
  // Mid-ranks of each numeric column's values (NaN for NULL), so that ties
  // explain nothing; computed once for all categorical columns.
  std::vector<std::vector<double>> ranks(columns.size());
  for (size_t x = 0; x < columns.size(); ++x) {
    const DataType type = columns[x].type;
    if (type == DataType::kCategorical || type == DataType::kBoolean) continue;
    const BatchColumn& numeric = table.columns[source[x]];
    std::vector<std::pair<double, size_t>> values;
    for (size_t r = 0; r < n; ++r) {
      if (!numeric.IsNull(r)) values.push_back({TableValue(table, source[x], r), r});
    }
    std::sort(values.begin(), values.end());
    ranks[x].assign(n, std::numeric_limits<double>::quiet_NaN());
    for (size_t i = 0; i < values.size();) {
      size_t j = i;
      while (j < values.size() && values[j].first == values[i].first) ++j;
      for (size_t k = i; k < j; ++k) ranks[x][values[k].second] = (static_cast<double>(i + j) - 1) / 2;
      i = j;
    }
  }
  int best = -1;
  double best_eta = kMinSegmentEta;
  for (size_t c = 0; c < columns.size(); ++c) {
    if (columns[c].type != DataType::kCategorical || columns[c].categories.size() < 2) continue;
    const BatchColumn& category = table.columns[source[c]];
    CategoryIndex index(columns[c].categories);
    std::vector<int> code(n, -1);
    std::vector<size_t> size(columns[c].categories.size() + 1, 0);
    for (size_t r = 0; r < n; ++r) {
      if (category.IsNull(r)) continue;
      code[r] = index.Find(category.texts[r]);
      ++size[code[r]];
    }
    if (std::count_if(size.begin(), size.end(), [](size_t k) { return k >= kMinSegmentRows; }) < 2) continue;
    // Categories too small for a copula of their own stay together (the
    // last code): the split is scored by what its segments explain.
    const int rest = static_cast<int>(columns[c].categories.size());
    for (int& k : code) {
      if (k >= 0 && size[k] < kMinSegmentRows) k = rest;
    }
    for (size_t x = 0; x < columns.size(); ++x) {
      if (ranks[x].empty()) continue;
      std::vector<double> sum(size.size(), 0.0), count(size.size(), 0.0);
      double total = 0, squares = 0, present = 0;
      for (size_t r = 0; r < n; ++r) {
        const double rank = ranks[x][r];
        if (code[r] < 0 || std::isnan(rank)) continue;
        sum[code[r]] += rank;
        ++count[code[r]];
        total += rank;
        squares += rank * rank;
        ++present;
      }
      if (present < 2 * kMinSegmentRows) continue;
      const double grand = total / present;
      const double spread = squares - present * grand * grand;
      double between = 0;
      for (size_t k = 0; k < size.size(); ++k) {
        if (count[k] > 0) between += count[k] * std::pow(sum[k] / count[k] - grand, 2);
      }
      const double eta = spread > 0 ? between / spread : 0;
      if (eta > best_eta) {
        best_eta = eta;
        best = static_cast<int>(c);
      }
    }
  }
  return best;
}

// The rows of `table` whose `column` holds `label`, as a table of their own.
DataTable RowsWhere(const DataTable& table, int column, const std::string& label) {
  std::vector<size_t> rows;
  const BatchColumn& category = table.columns[column];
  for (size_t r = 0; r < table.rows; ++r) {
    if (!category.IsNull(r) && category.texts[r] == label) rows.push_back(r);
  }
  DataTable out;
  out.source = table.source;
  out.names = table.names;
  out.types = table.types;
  out.digits = table.digits;
  out.formats = table.formats;
  out.rows = rows.size();
  for (const BatchColumn& from : table.columns) {
    BatchColumn to;
    to.kind = from.kind;
    to.Resize(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      if (from.IsNull(rows[i])) {
        to.SetNull(i);
        continue;
      }
      switch (from.kind) {
        case ValueKind::kFloat: to.floats[i] = from.floats[rows[i]]; break;
        case ValueKind::kText: to.texts[i] = from.texts[rows[i]]; break;
        default: to.ints[i] = from.ints[rows[i]]; break;
      }
    }
    out.columns.push_back(std::move(to));
  }
  return out;
}

// The pooled columns with a segment's shares: categories keep their
// indices (a category the segment lacks has share 0), NULL shares are the
// segment's. Ranges stay the pooled ones.
std::vector<ModelColumn> SegmentColumns(const std::vector<ModelColumn>& pooled, const DataTable& rows) {
  std::vector<ModelColumn> out = pooled;
  const std::vector<ModelColumn> own = LearnColumns(rows);
  for (size_t c = 0; c < out.size(); ++c) {
    const ModelColumn& mine = own[c];
    out[c].null_rate = mine.null_rate;
    if (out[c].type == DataType::kBoolean) out[c].frequencies = mine.frequencies;
    if (out[c].type != DataType::kCategorical || mine.categories.empty()) continue;  // all NULL: pooled shares
    std::fill(out[c].frequencies.begin(), out[c].frequencies.end(), 0.0);
    CategoryIndex index(out[c].categories);
    for (size_t k = 0; k < mine.categories.size(); ++k) out[c].frequencies[index.Find(mine.categories[k])] = mine.frequencies[k];
  }
  return out;
}

// ---------------------------------------------------------------------------
// Differential privacy (FitOptions::dp; docs/privacy.md).
//
// A private fit sees the rows only through the mechanisms below; the schema
// (column names, types, decimals, date formats) is taken as public, as it is
// in every DP synthesizer. Neighbouring tables differ by one row, added or
// removed. The budget (epsilon, delta) is split in two, and the two parts
// add up by basic composition:
//
// 1. Preprocessing, only for columns the user or the domain did not
//    describe: a share s of epsilon and of delta (DpOptions::
//    preprocessing_share), split evenly over those columns. Bounds are the
//    0.5% and 99.5% quantiles of two noisy histograms (pure epsilon-DP;
//    DpBounds and EstimateDpColumn in learn/public_columns.h, shared with
//    the private neural models): one over powers of two for the magnitude,
//    then one of even cells inside the bracket it finds. A category list is the labels
//    whose Laplace-noised count clears 1 + ln(1 / (2 delta)) / epsilon (the
//    stability histogram,
//    (epsilon, delta)-DP: a label only one row holds is released with
//    probability at most delta).
// 2. The rest, (1 - s) epsilon at (1 - s) delta, for two Gaussian
//    mechanisms:
//    a. marginals: per column, counts over its bins (bins over the bounds,
//       or one per category or small integer) and a NULL cell. A row sits
//       in one cell of each column, so all d histograms together have L2
//       sensitivity sqrt(d); values outside the bounds are clipped in, labels
//       outside the list count as NULL.
//    b. correlation: S = sum over rows of z z^T, z being the row's normal
//       scores under the released marginals (a function of the row alone:
//       categories are placed at random inside their interval, by the
//       secret stream, never by rank among other rows), each z clipped to
//       L2 norm C, so S has L2
//       sensitivity C^2. The correlation is S scaled to a unit diagonal and
//       projected onto the nearest correlation matrix (Higham 2002).
//    Each gets noise sd = sensitivity x sigma0 / sqrt(w), w = 1/2 each, so
//    their RDP adds up to that of one Gaussian mechanism of multiplier
//    sigma0, alpha / (2 sigma0^2); sigma0 is the smallest multiplier the RDP
//    accountant (rdp_accountant.h) finds within (1 - s) epsilon.
// Privacy noise comes from the operating system's generator, never from the
// seed: noise that anyone can recompute from a known seed protects nothing.
// A private fit is therefore not reproducible from its seed.

constexpr int kDpBins = 32;                   // histogram bins of a continuous marginal
constexpr double kDpMarginalWeight = 0.5;     // of the Gaussian part's RDP; the correlation has the rest

// RDP orders for the Gaussian mechanisms: Opacus's, then larger ones, which
// small budgets need (the best order of a Gaussian grows like 1 / epsilon).
const std::vector<double>& DpOrders() {
  static const std::vector<double> orders = [] {
    std::vector<double> o = dp::DefaultOrders();
    for (double a = 64; a < 1e6; a *= 1.05) o.push_back(a);
    return o;
  }();
  return orders;
}

double GaussianEpsilon(double sigma, double delta) {
  return dp::EpsilonOf(DpOrders(), dp::SampledGaussianRdp(1.0, sigma, 1, DpOrders()), delta).epsilon;
}

// The smallest noise multiplier (to 1e-6 relative) whose Gaussian mechanism
// spends at most `epsilon` at `delta`; bisection keeps the upper end, which
// always meets the budget.
double GaussianMultiplier(double epsilon, double delta) {
  double lo = 0, hi = 1;
  while (GaussianEpsilon(hi, delta) > epsilon) {
    lo = hi;
    hi *= 2;
    if (hi > 1e9) throw UsageError(fmt::format("epsilon {:g} is too small to release anything", epsilon));
  }
  while (hi - lo > 1e-6 * hi) {
    const double mid = (lo + hi) / 2;
    (GaussianEpsilon(mid, delta) <= epsilon ? hi : lo) = mid;
  }
  return hi;
}

// Nearest correlation matrix in the Frobenius norm: Higham's alternating
// projections (onto the PSD cone, then onto unit diagonals) with Dykstra's
// correction (IMA J. Numer. Anal. 22, 2002), then made positive definite.
Eigen::MatrixXd NearestCorrelation(const Eigen::MatrixXd& a) {
  Eigen::MatrixXd y = a, ds = Eigen::MatrixXd::Zero(a.rows(), a.cols());
  for (int it = 0; it < 200; ++it) {
    const Eigen::MatrixXd r = y - ds;
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eig(r);
    const Eigen::MatrixXd x =
        eig.eigenvectors() * eig.eigenvalues().cwiseMax(0.0).asDiagonal() * eig.eigenvectors().transpose();
    ds = x - r;
    Eigen::MatrixXd next = x;
    next.diagonal().setOnes();
    const double change = (next - y).norm();
    y = next;
    if (change < 1e-10 * std::max(1.0, y.norm())) break;
  }
  return RepairCorrelation(y);
}

std::string FormatBound(const ModelColumn& c, double v) {
  if (c.type == DataType::kDate || c.type == DataType::kTimestamp) {
    const double days = c.type == DataType::kDate ? v : std::floor(v / 86400e6);
    int year;
    unsigned month, day;
    CivilFromDays(static_cast<int64_t>(days), year, month, day);
    return fmt::format("{:04d}-{:02d}-{:02d}", year, month, day);
  }
  return c.type == DataType::kContinuous ? fmt::format("{:g}", v) : fmt::format("{:.0f}", v);
}

// A differentially private copula (see above): no segments, continuous
// marginals as noisy histograms. Fills `account`.
std::shared_ptr<CopulaModel> FitPrivate(const DataTable& table, const FitOptions& options, DpAccount& account) {
  const DpOptions& dp = options.dp;
  if (table.rows == 0) throw InputError({table.source}, "the table has no rows to learn from");
  if (!(dp.epsilon > 0) || !std::isfinite(dp.epsilon)) throw UsageError("epsilon must be a positive number");
  if (!(dp.preprocessing_share >= 0 && dp.preprocessing_share < 1)) {
    throw UsageError(fmt::format("the preprocessing share of epsilon must be in [0, 1), got {:g}",
                                 dp.preprocessing_share));
  }
  const size_t n = table.rows;
  const double delta = dp.delta > 0 ? dp.delta : std::min(1e-5, 1.0 / (10.0 * static_cast<double>(n)));
  if (!(delta < 1)) throw UsageError(fmt::format("delta must be in (0, 1), got {:g}", delta));

  // The schema: what LearnColumns gives, without anything from the values.
  auto model = std::make_shared<CopulaModel>();
  std::vector<int> source;
  for (size_t c = 0; c < table.names.size(); ++c) {
    const DataType type = table.types[c];
    if (type == DataType::kId) continue;
    ModelColumn col;
    col.name = table.names[c];
    col.type = type;
    col.digits = c < table.digits.size() ? table.digits[c] : (type == DataType::kContinuous ? -1 : 6);
    if (c < table.formats.size()) col.format = table.formats[c];
    model->columns.push_back(std::move(col));
    source.push_back(static_cast<int>(c));
  }
  if (model->columns.empty()) {
    throw InputError({table.source}, "no column to learn: every column is an id or free text (use --type COL=TYPE)");
  }
  const size_t d = model->columns.size();

  // What is public; refuse what is not when no budget is set aside for it.
  std::vector<DpColumnPlan> plans(d);
  std::vector<std::string> missing;
  for (size_t c = 0; c < d; ++c) {
    const ModelColumn& col = model->columns[c];
    DpColumnPlan& plan = plans[c];
    const auto found = dp.public_columns.find(col.name);
    if (found != dp.public_columns.end()) {
      plan.lo = found->second.min;
      plan.hi = found->second.max;
      plan.categories = found->second.categories;
      plan.source = found->second.source.empty() ? "given" : found->second.source;
    }
    if (col.type == DataType::kBoolean) continue;
    if (col.type == DataType::kCategorical) {
      std::vector<std::string> sorted = plan.categories;
      std::sort(sorted.begin(), sorted.end());
      if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
        throw UsageError("the public categories of '" + col.name + "' repeat a label");
      }
      plan.needs_budget = plan.categories.empty();
      if (plan.needs_budget) missing.push_back(col.name + " (categories)");
      continue;
    }
    if (plan.lo && plan.hi && !(*plan.lo < *plan.hi)) {
      throw UsageError(fmt::format("the public bounds of '{}' are empty: min {:g} is not below max {:g}", col.name,
                                   *plan.lo, *plan.hi));
    }
    if (col.type != DataType::kContinuous) {  // whole numbers: bounds outward to whole numbers
      if (plan.lo) plan.lo = std::floor(*plan.lo);
      if (plan.hi) plan.hi = std::ceil(*plan.hi);
    }
    plan.needs_budget = !plan.lo || !plan.hi;
    if (plan.needs_budget) missing.push_back(col.name + " (bounds)");
  }
  const double share = missing.empty() ? 0.0 : dp.preprocessing_share;
  if (!missing.empty() && share <= 0) {
    std::string names;
    for (const std::string& m : missing) names += (names.empty() ? "" : ", ") + m;
    throw UsageError(
        "differential privacy needs public bounds and category lists, or a budget to estimate them; none for: " +
        names +
        ". Declare them (--public-bounds COL=MIN:MAX, --public-categories COL=a,b,c, or a domain's column "
        "bounds) or spend a share of epsilon on them (--bounds-budget SHARE)");
  }
  const double pre_epsilon = share * dp.epsilon, pre_delta = share * delta;
  const double col_epsilon = missing.empty() ? 0 : pre_epsilon / static_cast<double>(missing.size());
  const double col_delta = missing.empty() ? 0 : pre_delta / static_cast<double>(missing.size());
  DpNoise noise;

  // 1. Preprocessing.
  for (size_t c = 0; c < d; ++c) {
    DpColumnPlan& plan = plans[c];
    if (!plan.needs_budget) continue;
    EstimateDpColumn(table, source[c], model->columns[c].type, plan, col_epsilon, col_delta, noise);
  }

  // 2a. Noisy marginals.
  const double main_epsilon = dp.epsilon - pre_epsilon, main_delta = delta - pre_delta;
  const double sigma0 = GaussianMultiplier(main_epsilon, main_delta);
  const double marginal_weight = d >= 2 ? kDpMarginalWeight : 1.0;
  const double cell_sd = std::sqrt(static_cast<double>(d)) * sigma0 / std::sqrt(marginal_weight);
  std::vector<int> bins(d, 0);  // continuous histogram bins, 0 = discrete
  for (size_t c = 0; c < d; ++c) {
    ModelColumn& col = model->columns[c];
    const DpColumnPlan& plan = plans[c];
    const BatchColumn& tc = table.columns[source[c]];
    // Cells: the values (or bins), then NULL.
    std::vector<double> values;
    if (col.type == DataType::kCategorical) {
      col.categories = plan.categories;
      for (size_t k = 0; k < col.categories.size(); ++k) values.push_back(static_cast<double>(k));
    } else if (col.type == DataType::kBoolean) {
      values = {0, 1};
    } else {
      col.min = *plan.lo;
      col.max = *plan.hi;
      const bool whole = col.type == DataType::kInteger || col.type == DataType::kDate;
      if (whole && col.max - col.min + 1 <= static_cast<double>(kMaxDiscrete)) {
        for (double v = col.min; v <= col.max; ++v) values.push_back(v);
      } else {
        bins[c] = kDpBins;
      }
    }
    const size_t cells = bins[c] > 0 ? static_cast<size_t>(bins[c]) : values.size();
    std::vector<double> count(cells + 1, 0.0);
    CategoryIndex index(col.categories);
    for (size_t i = 0; i < n; ++i) {
      size_t cell = cells;  // NULL
      if (!tc.IsNull(i)) {
        if (col.type == DataType::kCategorical) {
          const int k = index.Find(tc.texts[i]);
          if (k >= 0) cell = static_cast<size_t>(k);
        } else if (col.type == DataType::kBoolean) {
          cell = tc.ints[i] != 0;
        } else {
          const double x = std::clamp(TableValue(table, source[c], i), col.min, col.max);
          if (bins[c] > 0) {
            cell = std::min(cells - 1, static_cast<size_t>((x - col.min) / (col.max - col.min) * bins[c]));
          } else {
            cell = std::min(cells - 1, static_cast<size_t>(std::llround(x - col.min)));
          }
        }
      }
      count[cell] += 1;
    }
    for (double& k : count) k = std::max(0.0, k + cell_sd * noise.Normal());
    // A NULL share within two noise sd of zero is read as none, so that
    // noise alone does not put NULLs in a column that has none.
    const double nulls = count.back() < 2 * cell_sd ? 0.0 : count.back();
    count.pop_back();
    double present = std::accumulate(count.begin(), count.end(), 0.0);
    if (!(present > 0)) {  // noise left nothing: uniform
      std::fill(count.begin(), count.end(), 1.0);
      present = static_cast<double>(count.size());
    }
    col.null_rate = nulls / (nulls + present);
    Marginal& marginal = model->variables.emplace_back().marginal;
    model->variables.back().column = static_cast<int>(c);
    if (bins[c] > 0) {
      std::vector<double> cum(count.size());
      std::partial_sum(count.begin(), count.end(), cum.begin());
      const double lo = col.min, width = (col.max - col.min) / bins[c];
      marginal = TableMarginal(Family::kHistogram, {col.min, col.max, static_cast<double>(bins[c])}, [&](double u) {
        const double target = std::clamp(u, 0.0, 1.0) * present;
        size_t b = std::lower_bound(cum.begin(), cum.end(), target) - cum.begin();
        b = std::min(b, cum.size() - 1);
        while (b + 1 < cum.size() && count[b] <= 0) ++b;
        const double before = b == 0 ? 0.0 : cum[b - 1];
        const double frac = count[b] > 0 ? std::clamp((target - before) / count[b], 0.0, 1.0) : 0.5;
        return lo + (static_cast<double>(b) + frac) * width;
      });
    } else {
      std::vector<double> probs = count;
      for (double& p : probs) p /= present;
      if (col.type == DataType::kCategorical || col.type == DataType::kBoolean) col.frequencies = probs;
      if (col.type == DataType::kCategorical) {
        col.min = 0;
        col.max = static_cast<double>(col.categories.size() - 1);
      } else if (col.type == DataType::kBoolean) {
        col.min = 0;
        col.max = 1;
      }
      marginal = MakeDiscrete(values, probs);
      if (col.type == DataType::kCategorical) {
        marginal.rank.resize(values.size());
        std::iota(marginal.rank.begin(), marginal.rank.end(), 0);
      }
    }
  }
  for (size_t c = 0; c < d; ++c) {
    if (model->columns[c].null_rate <= 0) continue;
    CopulaModel::Variable v;
    v.column = static_cast<int>(c);
    v.null_indicator = true;
    v.marginal = MakeDiscrete({0.0, 1.0}, {1 - model->columns[c].null_rate, model->columns[c].null_rate});
    model->variables.push_back(std::move(v));
  }
  model->Index();
  const size_t p = model->variables.size();

  // 2b. Noisy correlation of the clipped normal scores.
  model->correlation = Eigen::MatrixXd::Identity(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
  const double clip_sq = static_cast<double>(p) + 3 * std::sqrt(2.0 * static_cast<double>(p));
  if (d >= 2) {
    const uint64_t key = noise.Key();
    std::vector<std::unique_ptr<CategoryIndex>> indexes(d);
    for (size_t c = 0; c < d; ++c) {
      if (model->columns[c].type == DataType::kCategorical) {
        indexes[c] = std::make_unique<CategoryIndex>(model->columns[c].categories);
      }
    }
    Eigen::MatrixXd s = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(p), static_cast<Eigen::Index>(p));
    constexpr size_t kBlock = 4096;
    Eigen::MatrixXd z(static_cast<Eigen::Index>(kBlock), static_cast<Eigen::Index>(p));
    for (size_t start = 0; start < n; start += kBlock) {
      const size_t rows = std::min(kBlock, n - start);
      z.setZero();
      for (size_t r = 0; r < rows; ++r) {
        const size_t i = start + r;
        for (size_t v = 0; v < p; ++v) {
          const CopulaModel::Variable& var = model->variables[v];
          const ModelColumn& col = model->columns[var.column];
          const BatchColumn& tc = table.columns[source[var.column]];
          RandomStream random(key + v, i);
          bool null = tc.IsNull(i);
          double x = 0;
          if (!null) {
            if (col.type == DataType::kCategorical) {
              const int k = indexes[var.column]->Find(tc.texts[i]);
              null = k < 0;
              x = k;
            } else {
              x = std::clamp(TableValue(table, source[var.column], i), col.min, col.max);
            }
          }
          double& out = z(static_cast<Eigen::Index>(r), static_cast<Eigen::Index>(v));
          if (var.null_indicator) {
            out = var.marginal.ToZ(null ? 1.0 : 0.0, &random);
          } else if (!null) {
            out = var.marginal.ToZ(x, &random);
          }
        }
        const double norm_sq = z.row(static_cast<Eigen::Index>(r)).squaredNorm();
        if (norm_sq > clip_sq) z.row(static_cast<Eigen::Index>(r)) *= std::sqrt(clip_sq / norm_sq);
      }
      s.noalias() += z.topRows(static_cast<Eigen::Index>(rows)).transpose() * z.topRows(static_cast<Eigen::Index>(rows));
    }
    const double entry_sd = clip_sq * sigma0 / std::sqrt(1 - marginal_weight);
    for (Eigen::Index j = 0; j < s.rows(); ++j) {
      for (Eigen::Index k = j; k < s.cols(); ++k) {
        s(j, k) += entry_sd * noise.Normal();
        s(k, j) = s(j, k);
      }
    }
    Eigen::MatrixXd r(s.rows(), s.cols());
    for (Eigen::Index j = 0; j < s.rows(); ++j) {
      for (Eigen::Index k = 0; k < s.cols(); ++k) {
        const double scale = std::sqrt(std::max(s(j, j), 1.0) * std::max(s(k, k), 1.0));
        r(j, k) = j == k ? 1.0 : std::clamp(s(j, k) / scale, -1.0, 1.0);
      }
    }
    model->correlation = NearestCorrelation(r);
  }

  // The account: basic composition of the preprocessing and the RDP of the
  // Gaussian part, converted once.
  account = DpAccount{};
  account.mechanism = "noisy-copula";
  account.accountant = "rdp";
  account.target_epsilon = dp.epsilon;
  account.delta = delta;
  account.preprocessing_epsilon = pre_epsilon;
  account.epsilon = pre_epsilon + GaussianEpsilon(sigma0, main_delta);
  account.sample_rate = 1;
  account.noise_multiplier = sigma0;
  account.steps = 1;
  account.public_columns.push_back("schema: column names, types, decimals and date formats (public by assumption)");
  for (size_t c = 0; c < d; ++c) {
    const ModelColumn& col = model->columns[c];
    const DpColumnPlan& plan = plans[c];
    if (col.type == DataType::kBoolean) {
      account.public_columns.push_back(col.name + ": values false, true (public: the type)");
    } else if (col.type == DataType::kCategorical) {
      account.public_columns.push_back(fmt::format("{}: {} categories ({})", col.name, col.categories.size(),
                                                   plan.source));
    } else {
      account.public_columns.push_back(fmt::format("{}: bounds [{}, {}] ({})", col.name, FormatBound(col, col.min),
                                                   FormatBound(col, col.max), plan.source));
    }
  }
  return model;
}

void CopulaSynthesizer::Fit(const DataTable& table, const FitOptions& options) {
  privacy_ = DpAccount{};
  if (options.dp.enabled()) {
    DpAccount account;
    std::shared_ptr<CopulaModel> model = FitPrivate(table, options, account);
    ResolveConstraints(model->columns, options.constraints);
    model_ = model;
    constraints_ = options.constraints;
    privacy_ = std::move(account);
    if (options.progress) options.progress(FitProgress{});
    return;
  }
  std::vector<ModelColumn> columns = LearnColumns(table);
  ResolveConstraints(columns, options.constraints);
  std::shared_ptr<CopulaModel> model = FitModel(table, columns, options.seed);
  const std::vector<int> source = TableColumnsOf(table, model->columns);
  const int split = SegmentColumn(table, model->columns, source);
  if (split >= 0) {
    model->segment_column = split;
    const ModelColumn& by = model->columns[split];
    model->segments.resize(by.categories.size());
    // Categories come most frequent first: the largest kMaxSegments of
    // kMinSegmentRows rows or more get a copula each.
    for (size_t k = 0; k < std::min(by.categories.size(), kMaxSegments); ++k) {
      const DataTable rows = RowsWhere(table, source[split], by.categories[k]);
      if (rows.rows < kMinSegmentRows) break;
      model->segments[k] = FitModel(rows, SegmentColumns(model->columns, rows), options.seed + 1 + k);
    }
  }
  model_ = model;
  constraints_ = options.constraints;
  if (options.progress) {
    FitProgress progress;
    options.progress(progress);
  }
}

std::string CopulaSynthesizer::Summary() const {
  const CopulaModel& m = *model_;
  std::string out;
  for (size_t c = 0; c < m.columns.size(); ++c) {
    const ModelColumn& col = m.columns[c];
    const Marginal& marginal = m.variables[m.value_var[c]].marginal;
    out += "  " + col.name + ": " + std::string(DataTypeName(col.type)) + ", " + FamilyName(marginal.family);
    if (marginal.discrete()) out += " (" + std::to_string(marginal.values.size()) + " values)";
    if (col.null_rate > 0) out += fmt::format(", {:.1f}% NULL", col.null_rate * 100);
    out += "\n";
  }
  out += "  correlation: " + std::to_string(m.variables.size()) + " x " + std::to_string(m.variables.size()) +
         " normal scores\n";
  if (m.segment_column >= 0) {
    const size_t fitted = static_cast<size_t>(
        std::count_if(m.segments.begin(), m.segments.end(), [](const auto& s) { return s != nullptr; }));
    out += "  segments: by " + m.columns[m.segment_column].name + ", a copula for each of " + std::to_string(fitted) +
           " of its " + std::to_string(m.segments.size()) + " categories" +
           (fitted < m.segments.size() ? " (the rest share the pooled one)\n" : "\n");
  }
  if (!privacy_.mechanism.empty()) {
    out += fmt::format("  privacy: ({:.4g}, {:.3g})-differentially private ({}, {} accountant; docs/privacy.md)\n",
                       privacy_.epsilon, privacy_.delta, privacy_.mechanism, privacy_.accountant);
  }
  return out;
}

void WriteMarginal(ByteWriter& out, const Marginal& m) {
  out.U8(static_cast<uint8_t>(m.family));
  out.F64s(m.params);
  out.F64s(m.table);
  out.F64s(m.values);
  out.F64s(m.cum);
  out.I32s(m.rank);
}

Marginal ReadMarginal(ByteReader& in) {
  Marginal m;
  const uint8_t family = in.U8();
  if (family > static_cast<uint8_t>(Family::kHistogram)) in.Fail("unknown marginal family");
  m.family = static_cast<Family>(family);
  m.params = in.F64s();
  m.table = in.F64s();
  m.values = in.F64s();
  m.cum = in.F64s();
  m.rank = in.I32s();
  if (m.discrete() ? (m.values.empty() || m.cum.size() != m.values.size()) : m.table.size() != kTableSize) {
    in.Fail("a marginal has the wrong size");
  }
  for (int r : m.rank) {
    if (r < 0 || static_cast<size_t>(r) >= m.values.size()) in.Fail("a category rank is out of range");
  }
  return m;
}

// A copula's variables and correlation (its columns are written apart).
void WriteModel(ByteWriter& out, const CopulaModel& model) {
  out.U64(model.variables.size());
  for (const CopulaModel::Variable& v : model.variables) {
    out.U32(static_cast<uint32_t>(v.column));
    out.U8(v.null_indicator);
    WriteMarginal(out, v.marginal);
  }
  std::vector<double> r(model.correlation.data(), model.correlation.data() + model.correlation.size());
  out.F64s(r);
}

std::shared_ptr<CopulaModel> ReadModel(ByteReader& in, std::vector<ModelColumn> columns) {
  auto model = std::make_shared<CopulaModel>();
  model->columns = std::move(columns);
  model->variables.resize(in.Count(8));
  for (CopulaModel::Variable& v : model->variables) {
    v.column = static_cast<int>(in.U32());
    v.null_indicator = in.U8() != 0;
    if (static_cast<size_t>(v.column) >= model->columns.size()) in.Fail("a variable names no column");
    v.marginal = ReadMarginal(in);
  }
  model->Index();
  for (size_t c = 0; c < model->columns.size(); ++c) {
    if (model->value_var[c] < 0) in.Fail("column '" + model->columns[c].name + "' has no marginal");
  }
  const std::vector<double> r = in.F64s();
  const size_t p = model->variables.size();
  if (r.size() != p * p) in.Fail("the correlation matrix has the wrong size");
  model->correlation = Eigen::Map<const Eigen::MatrixXd>(r.data(), static_cast<Eigen::Index>(p),
                                                         static_cast<Eigen::Index>(p));
  return model;
}

std::string CopulaSynthesizer::SavePayload() const {
  ByteWriter out;
  out.U32(kPayloadVersion);
  WriteColumns(out, model_->columns);
  WriteConstraints(out, constraints_);
  WriteModel(out, *model_);
  out.U32(static_cast<uint32_t>(model_->segment_column + 1));
  out.U64(model_->segments.size());
  for (const std::shared_ptr<const CopulaModel>& segment : model_->segments) {
    out.U8(segment != nullptr);
    if (!segment) continue;
    WriteColumns(out, segment->columns);
    WriteModel(out, *segment);
  }
  WriteDpAccount(out, privacy_);
  return std::move(out.bytes());
}

void CopulaSynthesizer::LoadPayload(std::string_view payload, const std::string& file) {
  ByteReader in(payload, file);
  const uint32_t version = in.U32();
  if (version < 1 || version > kPayloadVersion) {
    in.Fail("copula payload version " + std::to_string(version) + " is not supported");
  }
  std::vector<ModelColumn> columns = ReadColumns(in);
  std::vector<Constraint> constraints = ReadConstraints(in);
  std::shared_ptr<CopulaModel> model = ReadModel(in, std::move(columns));
  if (version >= 2) {  // version 1 has no segments
    const uint32_t stored = in.U32();  // column + 1, 0 for none
    if (stored > model->columns.size()) in.Fail("the copula's segment column is out of range");
    model->segment_column = static_cast<int>(stored) - 1;
    model->segments.resize(in.Count(1));
    if (model->segment_column >= static_cast<int>(model->columns.size()) ||
        (model->segment_column >= 0 &&
         model->segments.size() != model->columns[model->segment_column].categories.size()) ||
        (model->segment_column < 0 && !model->segments.empty())) {
      in.Fail("the copula's segments do not match its columns");
    }
    for (std::shared_ptr<const CopulaModel>& segment : model->segments) {
      if (in.U8() == 0) continue;
      std::vector<ModelColumn> own = ReadColumns(in);
      if (own.size() != model->columns.size()) in.Fail("a segment's columns differ from the copula's");
      segment = ReadModel(in, std::move(own));
    }
  }
  DpAccount privacy;  // before version 3: not private
  if (version >= 3) privacy = ReadDpAccount(in);
  if (!in.AtEnd()) in.Fail("trailing bytes after the copula");
  model_ = model;
  constraints_ = std::move(constraints);
  privacy_ = std::move(privacy);
}

}  // namespace

std::unique_ptr<Synthesizer> MakeCopulaSynthesizer() { return std::make_unique<CopulaSynthesizer>(); }

}  // namespace seedforge::internal
