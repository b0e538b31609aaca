#include "learn/transformer.h"

#include <algorithm>
#include <cmath>
#include <memory>

#include "learn/bgm.h"
#include "learn/numeric.h"
#include "learn/values.h"

namespace seedforge::internal {

namespace {

constexpr int kMaxModes = 10;               // CTGAN's max_clusters
constexpr double kModeWeightFloor = 0.005;  // CTGAN's weight_threshold
constexpr size_t kMixtureSample = 20000;    // values each mixture is fitted on
constexpr double kStdMultiplier = 4;        // alpha = (x - mu) / (4 sigma)

bool IsNumeric(DataType t) { return t != DataType::kCategorical && t != DataType::kBoolean; }

// The index of the largest value.
int ArgMax(const float* v, int n) {
  int best = 0;
  for (int i = 1; i < n; ++i) {
    if (v[i] > v[best]) best = i;
  }
  return best;
}

}  // namespace

void DataTransformer::Fit(const DataTable& table, const std::vector<ModelColumn>& columns, uint64_t seed) {
  columns_ = columns;
  parts_.clear();
  const std::vector<int> source = TableColumnsOf(table, columns);
  for (size_t c = 0; c < columns.size(); ++c) {
    Part part;
    part.has_null = columns[c].null_rate > 0;
    if (IsNumeric(columns[c].type)) {
      const BatchColumn& col = table.columns[source[c]];
      std::vector<double> x;
      for (size_t i = 0; i < table.rows; ++i) {
        if (!col.IsNull(i)) x.push_back(TableValue(table, source[c], i));
      }
      if (x.empty()) x.push_back(0);
      double mean = 0;
      for (double v : x) mean += v / static_cast<double>(x.size());
      part.fill = mean;
      std::vector<double> sample;
      if (x.size() <= kMixtureSample) {
        sample = std::move(x);
      } else {
        for (size_t i = 0; i < kMixtureSample; ++i) sample.push_back(x[RandomStream(seed + c, i).Below(x.size())]);
      }
      const int components = static_cast<int>(std::min<size_t>(kMaxModes, sample.size()));
      GaussianMixture g = FitBayesianMixture(sample, components);
      size_t heaviest = 0;
      for (size_t k = 0; k < g.size(); ++k) {
        if (g.weights[k] > g.weights[heaviest]) heaviest = k;
      }
      for (size_t k = 0; k < g.size(); ++k) {
        if (g.weights[k] <= kModeWeightFloor && k != heaviest) continue;
        part.means.push_back(g.means[k]);
        part.stds.push_back(std::max(g.stds[k], 1e-12));
        part.log_const.push_back(g.log_const[k]);
        part.precisions.push_back(g.precisions[k]);
      }
    }
    parts_.push_back(std::move(part));
  }
  Index();
}

void DataTransformer::FitPublic(const std::vector<ModelColumn>& columns) {
  columns_ = columns;
  parts_.clear();
  for (const ModelColumn& column : columns) {
    Part part;
    part.has_null = true;
    if (IsNumeric(column.type)) {
      // One mode: alpha = (x - mid) / (4 std) reaches the clip at +-0.99
      // exactly at the bounds.
      const double mid = column.min / 2 + column.max / 2;
      const double std = std::max((column.max - column.min) / (2 * kStdMultiplier * 0.99), 1e-12);
      part.fill = mid;
      part.means = {mid};
      part.stds = {std};
      part.log_const = {0};
      part.precisions = {1 / (std * std)};
    }
    parts_.push_back(std::move(part));
  }
  Index();
}

void DataTransformer::Index() {
  spans_.clear();
  dim_ = 0;
  auto add = [&](int dim, bool softmax, bool conditional) {
    spans_.push_back({dim_, dim, softmax, conditional});
    dim_ += dim;
    return static_cast<int>(spans_.size() - 1);
  };
  for (size_t c = 0; c < parts_.size(); ++c) {
    Part& part = parts_[c];
    part.alpha_span = part.mode_span = part.onehot_span = part.null_span = -1;
    const DataType type = columns_[c].type;
    if (IsNumeric(type)) {
      part.alpha_span = add(1, false, false);
      part.mode_span = add(static_cast<int>(part.means.size()), true, false);
    } else {
      const int k = type == DataType::kBoolean ? 2 : static_cast<int>(columns_[c].categories.size());
      part.onehot_span = add(k, true, true);
    }
    if (part.has_null) part.null_span = add(2, true, false);
  }
}

std::vector<float> DataTransformer::Encode(const DataTable& table, uint64_t key) const {
  std::vector<float> out(table.rows * dim_, 0.0f);
  const std::vector<int> source = TableColumnsOf(table, columns_);
  std::vector<std::unique_ptr<CategoryIndex>> indexes(parts_.size());
  for (size_t c = 0; c < parts_.size(); ++c) {
    if (columns_[c].type == DataType::kCategorical) {
      indexes[c] = std::make_unique<CategoryIndex>(columns_[c].categories);
    }
  }
  std::vector<double> resp(kMaxModes);
  for (size_t r = 0; r < table.rows; ++r) {
    RandomStream random(key, r);
    float* row = &out[r * dim_];
    for (size_t c = 0; c < parts_.size(); ++c) {
      const Part& part = parts_[c];
      const BatchColumn& col = table.columns[source[c]];
      // A label outside the column's list (only a public list, under DP,
      // can miss one) counts as NULL, as the private copula counts it.
      const bool null = col.IsNull(r) || (indexes[c] && part.null_span >= 0 && indexes[c]->Find(col.texts[r]) < 0);
      if (part.null_span >= 0) row[spans_[part.null_span].offset + (null ? 1 : 0)] = 1;
      if (part.alpha_span >= 0) {
        // rdt's ClusterBasedNormalizer: the mode is drawn from the posterior
        // (plus 1e-6 each), alpha is relative to that mode.
        const double x = null ? part.fill : TableValue(table, source[c], r);
        const size_t k = part.means.size();
        double top = -INFINITY;
        for (size_t j = 0; j < k; ++j) {
          const double d = x - part.means[j];
          resp[j] = part.log_const[j] - 0.5 * part.precisions[j] * d * d;
          top = std::max(top, resp[j]);
        }
        double sum = 0;
        for (size_t j = 0; j < k; ++j) sum += resp[j] = std::exp(resp[j] - top);
        double total = 0;
        for (size_t j = 0; j < k; ++j) total += resp[j] = resp[j] / sum + 1e-6;
        const double u = random.Uniform() * total;
        size_t mode = 0;
        double acc = resp[0];
        while (mode + 1 < k && acc <= u) acc += resp[++mode];
        const double alpha = std::clamp((x - part.means[mode]) / (kStdMultiplier * part.stds[mode]), -0.99, 0.99);
        row[spans_[part.alpha_span].offset] = static_cast<float>(alpha);
        row[spans_[part.mode_span].offset + mode] = 1;
      } else {
        int category = 0;  // NULL categories encode as the most frequent; the flag tells
        if (!null) {
          category = columns_[c].type == DataType::kBoolean ? col.ints[r] != 0
                                                            : std::max(0, indexes[c]->Find(col.texts[r]));
        }
        row[spans_[part.onehot_span].offset + category] = 1;
      }
    }
  }
  return out;
}

void DataTransformer::Decode(const float* output, const DecodeNoise& noise, double* values, uint8_t* nulls) const {
  DecodeRows(output, dim_, 1, noise, values, nulls);
}

void DataTransformer::DecodeRows(const float* output, size_t stride, size_t rows, const DecodeNoise& noise,
                                 double* values, uint8_t* nulls) const {
  const size_t d = parts_.size();
  RandomStream* streams = noise.random;
  const float* sigmas = noise.sigmas;
  std::vector<double> u(rows);
  std::vector<int> index(rows);
  // The index of each row's draw over span s (from softmax(logits), the
  // distribution of ctgan's Gumbel-softmax followed by argmax, at the cost
  // of one uniform per span and one exp per value; or the argmax), in
  // index. Every row draws its uniforms in the order of the spans, as
  // decoding one row at a time would.
  auto choose = [&](const Span& s) {
    if (noise.gumbel) {
      for (size_t r = 0; r < rows; ++r) u[r] = streams[r].Uniform();
      SampleSoftmaxRows(output + s.offset, stride, rows, s.dim, u.data(), index.data());
    } else {
      for (size_t r = 0; r < rows; ++r) index[r] = ArgMax(output + r * stride + s.offset, s.dim);
    }
  };
  for (size_t c = 0; c < d; ++c) {
    const Part& part = parts_[c];
    if (part.null_span >= 0) {
      choose(spans_[part.null_span]);
      for (size_t r = 0; r < rows; ++r) nulls[r * d + c] = index[r] == 1;
    } else {
      for (size_t r = 0; r < rows; ++r) nulls[r * d + c] = 0;
    }
    if (part.alpha_span >= 0) {
      const Span& a = spans_[part.alpha_span];
      choose(spans_[part.mode_span]);
      for (size_t r = 0; r < rows; ++r) {
        const int mode = index[r];
        double alpha = std::tanh(static_cast<double>(output[r * stride + a.offset]));
        if (sigmas) alpha += sigmas[a.offset] * streams[r].Normal();
        alpha = std::clamp(alpha, -1.0, 1.0);
        values[r * d + c] = alpha * kStdMultiplier * part.stds[mode] + part.means[mode];
      }
    } else {
      choose(spans_[part.onehot_span]);
      for (size_t r = 0; r < rows; ++r) values[r * d + c] = index[r];
    }
  }
}

bool DataTransformer::ConditionalSpan(int column, int category, int* span, int* offset) const {
  const Part& part = parts_[column];
  if (part.onehot_span < 0) return false;
  int index = 0, cond_offset = 0;
  for (int s = 0; s < part.onehot_span; ++s) {
    if (spans_[s].conditional) {
      ++index;
      cond_offset += spans_[s].dim;
    }
  }
  *span = index;
  *offset = cond_offset + category;
  return true;
}

void DataTransformer::Save(ByteWriter& out) const {
  WriteColumns(out, columns_);
  for (const Part& part : parts_) {
    out.U8(part.has_null);
    out.F64(part.fill);
    out.F64s(part.means);
    out.F64s(part.stds);
    out.F64s(part.log_const);
    out.F64s(part.precisions);
  }
}

void DataTransformer::Load(ByteReader& in) {
  columns_ = ReadColumns(in);
  parts_.assign(columns_.size(), Part{});
  for (size_t c = 0; c < columns_.size(); ++c) {
    Part& part = parts_[c];
    part.has_null = in.U8() != 0;
    part.fill = in.F64();
    part.means = in.F64s();
    part.stds = in.F64s();
    part.log_const = in.F64s();
    part.precisions = in.F64s();
    const size_t k = part.means.size();
    if (part.stds.size() != k || part.log_const.size() != k || part.precisions.size() != k ||
        (IsNumeric(columns_[c].type) && k == 0)) {
      in.Fail("the modes of column '" + columns_[c].name + "' are inconsistent");
    }
  }
  Index();
}

}  // namespace seedforge::internal
