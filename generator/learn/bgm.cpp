#include "learn/bgm.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "learn/numeric.h"

namespace seedforge::internal {

void GaussianMixture::Responsibilities(double x, double* out) const {
  const size_t k = means.size();
  double top = -INFINITY;
  for (size_t j = 0; j < k; ++j) {
    const double d = x - means[j];
    out[j] = log_const[j] - 0.5 * precisions[j] * d * d;
    top = std::max(top, out[j]);
  }
  double sum = 0;
  for (size_t j = 0; j < k; ++j) {
    out[j] = std::exp(out[j] - top);
    sum += out[j];
  }
  for (size_t j = 0; j < k; ++j) out[j] /= sum;
}

GaussianMixture FitBayesianMixture(std::span<const double> x, int components, int max_iter) {
  const size_t n = x.size();
  const size_t k = static_cast<size_t>(std::max(1, components));
  constexpr double kWeightPrior = 0.001;  // weight_concentration_prior
  constexpr double kMeanPrecisionPrior = 1.0;
  constexpr double kDofPrior = 1.0;       // n_features
  constexpr double kRegCovar = 1e-6;
  constexpr double kTolerance = 1e-3;

  double mean_prior = 0;
  for (double v : x) mean_prior += v;
  mean_prior /= static_cast<double>(n);
  double cov_prior = 0;
  for (double v : x) cov_prior += (v - mean_prior) * (v - mean_prior);
  cov_prior = n > 1 ? cov_prior / static_cast<double>(n - 1) : 1.0;  // np.cov: ddof 1
  if (!(cov_prior > 0)) cov_prior = 1.0;

  // k-means (Lloyd) from quantile starts gives the initial hard responsibilities.
  std::vector<double> sorted(x.begin(), x.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> centers(k);
  for (size_t j = 0; j < k; ++j) centers[j] = sorted[std::min(n - 1, static_cast<size_t>((j + 0.5) / k * n))];
  std::vector<uint8_t> label(n, 0);
  for (int it = 0; it < 100; ++it) {
    bool changed = false;
    std::vector<double> sum(k, 0.0), count(k, 0.0);
    for (size_t i = 0; i < n; ++i) {
      size_t best = 0;
      double best_d = INFINITY;
      for (size_t j = 0; j < k; ++j) {
        const double d = std::fabs(x[i] - centers[j]);
        if (d < best_d) {
          best_d = d;
          best = j;
        }
      }
      changed |= label[i] != best;
      label[i] = static_cast<uint8_t>(best);
      sum[best] += x[i];
      count[best] += 1;
    }
    for (size_t j = 0; j < k; ++j) {
      if (count[j] > 0) centers[j] = sum[j] / count[j];
    }
    if (!changed && it > 0) break;
  }
  std::vector<double> resp(n * k, 0.0);
  for (size_t i = 0; i < n; ++i) resp[i * k + label[i]] = 1.0;

  GaussianMixture g;
  std::vector<double> a(k), b(k), beta(k), dof(k), cov(k), nk(k), xk(k), sk(k);
  g.means.assign(k, 0.0);
  g.precisions.assign(k, 1.0);
  g.log_const.assign(k, 0.0);
  auto m_step = [&] {
    std::fill(nk.begin(), nk.end(), 10 * DBL_EPSILON);
    std::fill(xk.begin(), xk.end(), 0.0);
    std::fill(sk.begin(), sk.end(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < k; ++j) {
        nk[j] += resp[i * k + j];
        xk[j] += resp[i * k + j] * x[i];
      }
    }
    for (size_t j = 0; j < k; ++j) xk[j] /= nk[j];
    for (size_t i = 0; i < n; ++i) {
      for (size_t j = 0; j < k; ++j) sk[j] += resp[i * k + j] * (x[i] - xk[j]) * (x[i] - xk[j]);
    }
    double tail = 0;  // sum of nk over later components: the stick-breaking prior
    for (size_t jj = k; jj-- > 0;) {
      a[jj] = 1 + nk[jj];
      b[jj] = kWeightPrior + tail;
      tail += nk[jj];
    }
    for (size_t j = 0; j < k; ++j) {
      sk[j] = sk[j] / nk[j] + kRegCovar;
      beta[j] = kMeanPrecisionPrior + nk[j];
      g.means[j] = (kMeanPrecisionPrior * mean_prior + nk[j] * xk[j]) / beta[j];
      dof[j] = kDofPrior + nk[j];
      const double diff = xk[j] - mean_prior;
      cov[j] = (cov_prior + nk[j] * sk[j] + nk[j] * kMeanPrecisionPrior / beta[j] * diff * diff) / dof[j];
    }
    // E[log pi_j] under the stick-breaking Beta(a, b) posteriors.
    double stick = 0;
    for (size_t j = 0; j < k; ++j) {
      const double digamma_sum = Digamma(a[j] + b[j]);
      const double log_weight = Digamma(a[j]) - digamma_sum + stick;
      stick += Digamma(b[j]) - digamma_sum;
      g.precisions[j] = 1 / cov[j];
      g.log_const[j] = log_weight - 0.5 * std::log(2 * kPi) + 0.5 * std::log(g.precisions[j]) -
                       0.5 * std::log(dof[j]) + 0.5 * (std::log(2.0) + Digamma(0.5 * dof[j]) - 1 / beta[j]);
    }
  };
  m_step();
  double previous = -INFINITY;
  std::vector<double> row(k);
  for (int it = 0; it < max_iter; ++it) {
    double total = 0;
    for (size_t i = 0; i < n; ++i) {
      double top = -INFINITY;
      for (size_t j = 0; j < k; ++j) {
        const double d = x[i] - g.means[j];
        row[j] = g.log_const[j] - 0.5 * g.precisions[j] * d * d;
        top = std::max(top, row[j]);
      }
      double sum = 0;
      for (size_t j = 0; j < k; ++j) sum += std::exp(row[j] - top);
      const double norm = top + std::log(sum);
      total += norm;
      for (size_t j = 0; j < k; ++j) resp[i * k + j] = std::exp(row[j] - norm);
    }
    m_step();
    // scikit-learn compares its (summed, not averaged) lower bound with the
    // tolerance; the summed log-likelihood is our stand-in.
    if (std::fabs(total - previous) < kTolerance) break;
    previous = total;
  }
  g.weights.resize(k);
  double stick = 1, total = 0;
  for (size_t j = 0; j < k; ++j) {
    g.weights[j] = a[j] / (a[j] + b[j]) * stick;
    stick *= b[j] / (a[j] + b[j]);
    total += g.weights[j];
  }
  g.stds.resize(k);
  for (size_t j = 0; j < k; ++j) {
    g.weights[j] /= total;
    g.stds[j] = std::sqrt(cov[j]);
  }
  return g;
}

}  // namespace seedforge::internal
