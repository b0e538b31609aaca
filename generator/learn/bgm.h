// A variational Bayesian Gaussian mixture in one dimension, as used by the
// CTGAN paper's mode-specific normalisation (Xu et al., "Modeling Tabular
// Data using Conditional GAN", NeurIPS 2019, section 4.2).
//
// The model and its updates follow scikit-learn's BayesianGaussianMixture
// with a Dirichlet-process (stick-breaking) weight prior, which is what
// CTGAN and SDV's ClusterBasedNormalizer use: weight concentration prior
// 0.001, mean precision prior 1, mean prior the data mean, degrees of
// freedom prior 1, covariance prior the data variance, regularisation 1e-6,
// at most 100 iterations with tolerance 1e-3 (Bishop, "Pattern Recognition
// and Machine Learning", 10.2; Blei and Jordan, "Variational inference for
// Dirichlet process mixtures", 2006). Initialisation: k-means started from
// quantiles (scikit-learn's default is k-means too).
//
// Thread safety: a fitted mixture is immutable.
#pragma once

#include <cstdint>
#include <span>
#include <vector>

namespace seedforge::internal {

struct GaussianMixture {
  std::vector<double> weights;  // sum to 1
  std::vector<double> means;
  std::vector<double> stds;     // sqrt of scikit-learn's covariances_
  // The expected log density of component k at x is
  // log_const[k] - 0.5 * precisions[k] * (x - means[k])^2 (with the
  // expected log weight): what the E step and predict_proba use.
  std::vector<double> log_const;
  std::vector<double> precisions;

  size_t size() const { return means.size(); }
  // Posterior probabilities of each component for x (sum to 1).
  void Responsibilities(double x, double* out) const;
};

// Fits up to `components` components to `values` (NaN-free, non-empty).
GaussianMixture FitBayesianMixture(std::span<const double> values, int components = 10, int max_iter = 100);

}  // namespace seedforge::internal
