// The reversible transform of a table into the vectors CTGAN and TVAE learn
// from (Xu et al., "Modeling Tabular Data using Conditional GAN", NeurIPS
// 2019, section 4.2; the same as ctgan's DataTransformer over RDT's
// ClusterBasedNormalizer).
//
// Per learned column, in order:
//   numeric, date, timestamp  mode-specific normalisation: a variational
//        Bayesian Gaussian mixture (learn/bgm.h, at most 10 modes, modes
//        weighing under 0.005 dropped); a value becomes a scalar
//        alpha = (x - mu_k) / (4 sigma_k) clipped to [-0.99, 0.99] (a tanh
//        span) and the one-hot of its mode k (a softmax span), k drawn from
//        the mode posterior;
//   categorical, boolean       one-hot (a softmax span), "discrete" for the
//        conditional vector;
//   any column with NULLs      a two-way one-hot NULL flag (a softmax span);
//        a NULL numeric value is encoded as the column mean.
// Decoding inverts each part: the mode and the category are the argmax of
// their spans, x = alpha * 4 sigma_k + mu_k with alpha clipped to [-1, 1].
// Under differential privacy (FitPublic) the mixture is replaced by min-max
// scaling to public bounds.
//
// Thread safety: immutable after Fit or Load; Decode is const.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "learn/serialize.h"
#include "seedforge/random.h"
#include "seedforge/synthesizer.h"

namespace seedforge::internal {

// One contiguous part of an encoded row.
struct Span {
  int offset = 0;
  int dim = 0;
  bool softmax = false;      // else tanh (a single alpha)
  bool conditional = false;  // a categorical/boolean one-hot: CTGAN's discrete column
};

class DataTransformer {
 public:
  // Learns the encoding of `columns` (see LearnColumns) from `table`.
  void Fit(const DataTable& table, const std::vector<ModelColumn>& columns, uint64_t seed);
  // The encoding of a model trained under differential privacy, from the
  // columns alone (learn/public_columns.h: public bounds and categories),
  // not from any value: each numeric column is one "mode" spanning its
  // public [min, max] (min-max scaling: alpha = 0.99 at either bound, values
  // beyond them clipped), in place of the mixture fitted to the data; every
  // column gets a NULL flag, since whether a column has NULLs is itself read
  // from the data (the model learns the rate, privately); NULL numbers are
  // encoded at the middle of the range.
  void FitPublic(const std::vector<ModelColumn>& columns);
  const std::vector<ModelColumn>& columns() const { return columns_; }
  // Replaces the NULL rates and category frequencies of the columns (a
  // private model's, estimated from its own samples), nothing else.
  void SetColumnStatistics(const std::vector<double>& null_rates, const std::vector<std::vector<double>>& frequencies) {
    for (size_t c = 0; c < columns_.size(); ++c) {
      columns_[c].null_rate = null_rates[c];
      if (!frequencies[c].empty()) columns_[c].frequencies = frequencies[c];
    }
  }

  int dim() const { return dim_; }
  const std::vector<Span>& spans() const { return spans_; }

  // Encodes every row (rows x dim, row-major). Mode choices draw from
  // RandomStream(key, row).
  std::vector<float> Encode(const DataTable& table, uint64_t key) const;

  // How a sampler turns a network output row into values.
  struct DecodeNoise {
    RandomStream* random = nullptr;
    bool gumbel = false;            // sample each softmax span from softmax(logits), as argmax(logit + Gumbel noise)
    const float* sigmas = nullptr;  // TVAE: alpha += N(0, sigma) per tanh span (indexed by offset)
  };
  // Decodes one output row into number-form values and NULL flags of the
  // learned columns. A NULL cell keeps the value decoded under it (what a
  // NOT NULL constraint falls back on).
  void Decode(const float* output, const DecodeNoise& noise, double* values, uint8_t* nulls) const;
  // Decodes rows output + r * stride, r < rows, into values and nulls +
  // r * columns().size(), row r drawing from noise.random[r]: row r gets
  // the bits Decode gives it alone.
  void DecodeRows(const float* output, size_t stride, size_t rows, const DecodeNoise& noise, double* values,
                  uint8_t* nulls) const;

  // The span and category of a fixed categorical/boolean value, for the
  // conditional vector; false when the column has no conditional span.
  bool ConditionalSpan(int column, int category, int* span, int* offset) const;

  // Save writes the learned columns too; Load restores them.
  void Save(ByteWriter& out) const;
  void Load(ByteReader& in);

 private:
  // The encoding of one learned column.
  struct Part {
    bool has_null = false;
    std::vector<double> means, stds, log_const, precisions;  // numeric: the kept modes
    double fill = 0;  // numeric: the value NULLs are encoded as
    int alpha_span = -1, mode_span = -1, onehot_span = -1, null_span = -1;
  };
  void Index();

  std::vector<ModelColumn> columns_;
  std::vector<Part> parts_;
  std::vector<Span> spans_;
  int dim_ = 0;
};

}  // namespace seedforge::internal
