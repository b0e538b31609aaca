// The reversible transforms: mode-specific normalisation, one-hot, NULL
// flags; and the variational Gaussian mixture behind them.
#include "learn/transformer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "learn/bgm.h"
#include "learn/dense.h"
#include "learn/numeric.h"
#include "learn/test_tables.h"
#include "learn/values.h"

namespace seedforge::internal {
namespace {

TEST(TransformBgm, FindsTheTwoModesOfABimodalColumn) {
  std::vector<double> x;
  for (size_t i = 0; i < 5000; ++i) {
    RandomStream r(1, i);
    x.push_back(r.Chance(0.4) ? -3 + 0.7 * r.Normal() : 4 + r.Normal());
  }
  GaussianMixture g = FitBayesianMixture(x);
  // Variational EM may split a true mode over several components (as
  // scikit-learn's does); what must hold is the mass and place of the two
  // modes, and the fit of the mixture as a whole. The fit is deterministic
  // (our own EM, started from quantiles); the figures quoted were measured
  // over 200 draws of the data (seeds 101-300).
  // - Weight of the low mode: the data's share below 0.5 is binomial around
  //   0.4 (sd 0.0069, 0.023 at p = 0.999) and the fit follows it to within
  //   0.0007; 0.03 is 4.3 sd. Measured: 0.385-0.419.
  // - The modes' means: the data's mean of ~2,000 values of sd 0.7 has
  //   se 0.016, of ~3,000 of sd 1 0.018 (0.05 and 0.06 at p = 0.999); 0.1
  //   leaves 0.04 for the fit. Measured: -3.03 to -2.95, and 3.92 to 4.04.
  double low_weight = 0, low_mean = 0, high_mean = 0;
  for (size_t k = 0; k < g.size(); ++k) {
    if (g.weights[k] < 0.005) continue;  // the components CTGAN drops
    if (g.means[k] < 0.5) {
      low_weight += g.weights[k];
      low_mean += g.weights[k] * g.means[k];
    } else {
      high_mean += g.weights[k] * g.means[k];
    }
  }
  EXPECT_NEAR(low_weight, 0.4, 0.03);
  EXPECT_NEAR(low_mean / low_weight, -3, 0.1);
  EXPECT_NEAR(high_mean / (1 - low_weight), 4, 0.1);
  std::sort(x.begin(), x.end());
  const double ks = KsStatistic(x, [&](double v) {
    double p = 0;
    for (size_t k = 0; k < g.size(); ++k) p += g.weights[k] * NormalCdf((v - g.means[k]) / g.stds[k]);
    return p;
  });
  // One-sample KS of the data against the fitted mixture. The true
  // distribution itself scores above 1.95 / sqrt(5000) = 0.028 with
  // probability 0.001 (Smirnov); a mixture fitted to these very values is
  // nearer to them than the truth (measured 0.005-0.011, the truth
  // 0.005-0.025), so 0.028 leaves the fit's own error inside the noise
  // bound. A single normal scores 0.21; the right modes with weights 0.45 and
  // 0.55, or sds half as wide again, 0.05 and 0.06 (against the truth).
  EXPECT_LT(ks, 0.028);
}

// Encoding then decoding (with atanh undoing the tanh the decoder applies)
// gives back every value, category and NULL.
TEST(TransformRoundTrip, EncodeDecodeIsTheIdentity) {
  const DataTable table = testing::GroundTruthTable(2000);
  const std::vector<ModelColumn> columns = LearnColumns(table);
  DataTransformer transformer;
  transformer.Fit(table, columns, 5);
  const std::vector<float> encoded = transformer.Encode(table, 6);
  const int dim = transformer.dim();
  const std::vector<int> source = TableColumnsOf(table, columns);
  std::vector<float> row(dim);
  std::vector<double> values(columns.size());
  std::vector<uint8_t> nulls(columns.size());
  size_t clipped = 0;
  for (size_t r = 0; r < table.rows; ++r) {
    std::copy(encoded.begin() + r * dim, encoded.begin() + (r + 1) * dim, row.begin());
    for (const Span& s : transformer.spans()) {
      if (!s.softmax) row[s.offset] = std::atanh(row[s.offset]);
    }
    transformer.Decode(row.data(), {}, values.data(), nulls.data());
    for (size_t c = 0; c < columns.size(); ++c) {
      const BatchColumn& col = table.columns[source[c]];
      ASSERT_EQ(nulls[c] != 0, col.IsNull(r)) << columns[c].name << " row " << r;
      if (col.IsNull(r)) continue;
      if (columns[c].type == DataType::kCategorical) {
        ASSERT_EQ(columns[c].categories[static_cast<size_t>(values[c])], col.texts[r]);
      } else {
        const double truth = TableValue(table, source[c], r);
        // alpha is clipped at +-0.99 (4 sigma of its mode): such values come back at the clip.
        if (std::fabs(values[c] - truth) > 1e-3 * std::max(1.0, std::fabs(truth))) ++clipped;
      }
    }
  }
  // Beyond 4 sigma of its mode lie some 6e-5 of a normal mode's values (more
  // in closed's exponential tail): measured 0-5 clipped values over 100
  // tables (GroundTruthTable seeds 3001-3100), against a bound of 16.
  EXPECT_LT(clipped, table.rows * columns.size() / 1000) << "values not recovered";
}

TEST(TransformSpans, LayoutFollowsTheColumns) {
  const DataTable table = testing::GroundTruthTable(500);
  DataTransformer transformer;
  transformer.Fit(table, LearnColumns(table), 5);
  int conditional = 0, dim = 0;
  for (const Span& s : transformer.spans()) {
    EXPECT_EQ(s.offset, dim);
    dim += s.dim;
    conditional += s.conditional;
  }
  EXPECT_EQ(dim, transformer.dim());
  EXPECT_EQ(conditional, 2);  // segment and flag
}

// The vector kernel gives the bits of a plain sequential sum of fused
// multiply-adds (what the portable path computes), for any batch.
TEST(TransformDense, MatchesASequentialSumBitForBit) {
  LinearWeights w;
  w.in = 37;
  w.out = 83;  // not a multiple of 8 or 64: tails are exercised
  RandomStream random(3, 0);
  for (int i = 0; i < w.in * w.out; ++i) w.w.push_back(static_cast<float>(random.Normal()));
  for (int j = 0; j < w.out; ++j) w.b.push_back(static_cast<float>(random.Normal()));
  DenseLayer layer = DenseLayer::From(w);
  const size_t rows = 5;
  std::vector<float> x(rows * w.in);
  for (size_t i = 0; i < x.size(); ++i) x[i] = random.Chance(0.3) ? 0.0f : static_cast<float>(random.Normal());
  std::vector<float> y(rows * w.out);
  Forward(layer, x.data(), w.in, rows, y.data(), w.out, true);
  for (size_t r = 0; r < rows; ++r) {
    std::vector<float> one(w.out);
    Forward(layer, &x[r * w.in], w.in, 1, one.data(), w.out, true);
    for (int j = 0; j < w.out; ++j) {
      float sum = w.b[j];
      for (int k = 0; k < w.in; ++k) {
        if (x[r * w.in + k] != 0.0f) sum = std::fma(x[r * w.in + k], w.w[j * w.in + k], sum);
      }
      sum = sum > 0 ? sum : 0.0f;
      ASSERT_EQ(std::memcmp(&sum, &y[r * w.out + j], 4), 0) << r << " " << j;
      ASSERT_EQ(std::memcmp(&one[j], &y[r * w.out + j], 4), 0);
    }
  }
}

// Every kernel, with a one-hot tail, gives for every row the bits of the
// sequential sum over its non-zero inputs (then its hot input), whatever
// the rows around it: one call for all rows, or calls of other sizes.
TEST(TransformDense, KernelsAndBatchSplitsGiveTheSameBits) {
  LinearWeights w;
  w.in = 150;
  w.out = 83;  // two full panels and a partial one
  const int tail_dim = 40;
  const int dense = w.in - tail_dim;
  RandomStream random(4, 0);
  for (int i = 0; i < w.in * w.out; ++i) w.w.push_back(static_cast<float>(random.Normal()));
  for (int j = 0; j < w.out; ++j) w.b.push_back(j % 7 == 0 ? -0.0f : static_cast<float>(random.Normal()));
  const DenseLayer layer = DenseLayer::From(w);
  const size_t rows = 41;  // tiles of 12 and 6 and their remainders
  const size_t stride = w.in + 3;
  std::vector<float> x(rows * stride, 0.0f);
  std::vector<int> hot(rows);
  for (size_t r = 0; r < rows; ++r) {
    for (int k = 0; k < dense; ++k) {
      x[r * stride + k] = random.Chance(0.4) ? 0.0f : static_cast<float>(random.Normal());
    }
    hot[r] = r % 5 == 0 ? -1 : static_cast<int>(random.Below(tail_dim));
    if (hot[r] >= 0) x[r * stride + dense + hot[r]] = 1;  // for the reference only
  }
  for (bool relu : {false, true}) {
    std::vector<float> expected(rows * w.out);
    for (size_t r = 0; r < rows; ++r) {
      for (int j = 0; j < w.out; ++j) {
        float sum = w.b[j] + 0.0f;
        for (int k = 0; k < w.in; ++k) {
          if (x[r * stride + k] != 0.0f) sum = std::fma(x[r * stride + k], w.w[j * w.in + k], sum);
        }
        expected[r * w.out + j] = relu ? std::max(sum, 0.0f) : sum;
      }
    }
    for (DenseKernel kernel : {DenseKernel::kPortable, DenseKernel::kAvx2, DenseKernel::kAvx512}) {
      if (!DenseKernelSupported(kernel)) continue;
      SCOPED_TRACE(static_cast<int>(kernel));
      for (size_t split : {rows, size_t{1}, size_t{5}, size_t{12}, size_t{13}, size_t{25}}) {
        std::vector<float> y(rows * w.out, -1.0f);
        for (size_t first = 0; first < rows; first += split) {
          const size_t n = std::min(split, rows - first);
          ForwardWith(kernel, layer, &x[first * stride], stride, n, &y[first * w.out], w.out, relu,
                      OneHotTail{tail_dim, &hot[first]});
        }
        ASSERT_EQ(std::memcmp(y.data(), expected.data(), y.size() * sizeof(float)), 0)
            << "split " << split << " relu " << relu;
      }
    }
    // Without a tail, the one-hot inputs are ordinary inputs: the same bits.
    std::vector<float> y(rows * w.out);
    Forward(layer, x.data(), stride, rows, y.data(), w.out, relu);
    ASSERT_EQ(std::memcmp(y.data(), expected.data(), y.size() * sizeof(float)), 0);
  }
}

// Decoding a block of rows gives each row the values (and leaves its stream
// where) decoding it alone does, with softmax draws and TVAE's noise.
TEST(TransformDecode, RowsDecodeAsTheyDoAlone) {
  const DataTable table = testing::GroundTruthTable(600);
  DataTransformer transformer;
  transformer.Fit(table, LearnColumns(table), 5);
  const int dim = transformer.dim();
  const size_t d = transformer.columns().size();
  const size_t rows = 23;
  std::vector<float> output(rows * dim), sigmas(dim);
  RandomStream random(8, 0);
  for (float& v : output) v = static_cast<float>(2 * random.Normal());
  for (float& s : sigmas) s = static_cast<float>(0.1 * random.Uniform());
  for (bool tvae : {false, true}) {
    std::vector<RandomStream> block, alone;
    for (size_t r = 0; r < rows; ++r) {
      block.emplace_back(9, r);
      alone.emplace_back(9, r);
    }
    std::vector<double> values(rows * d), one(d);
    std::vector<uint8_t> nulls(rows * d), one_nulls(d);
    DataTransformer::DecodeNoise noise;
    noise.random = block.data();
    noise.gumbel = true;
    noise.sigmas = tvae ? sigmas.data() : nullptr;
    transformer.DecodeRows(output.data(), dim, rows, noise, values.data(), nulls.data());
    for (size_t r = 0; r < rows; ++r) {
      noise.random = &alone[r];
      transformer.Decode(&output[r * dim], noise, one.data(), one_nulls.data());
      for (size_t c = 0; c < d; ++c) {
        ASSERT_EQ(nulls[r * d + c], one_nulls[c]) << r << " " << c;
        ASSERT_EQ(std::memcmp(&values[r * d + c], &one[c], sizeof(double)), 0) << r << " " << c;
      }
      ASSERT_EQ(block[r].Next(), alone[r].Next()) << r;
    }
  }
}

}  // namespace
}  // namespace seedforge::internal
