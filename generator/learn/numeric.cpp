#include "learn/numeric.h"

#include <emmintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <vector>

namespace seedforge::internal {

double NormalPdf(double x) { return 0.3989422804014327 * std::exp(-0.5 * x * x); }

double NormalCdf(double x) { return 0.5 * std::erfc(-x * 0.7071067811865476); }

double NormalQuantile(double p) {
  if (!(p > 0)) return -std::numeric_limits<double>::infinity();
  if (!(p < 1)) return std::numeric_limits<double>::infinity();
  // Coefficients of AS 241 PPND16, as published.
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q *
           (((((((2.5090809287301226727e+3 * r + 3.3430575583588128105e+4) * r +
                 6.7265770927008700853e+4) * r + 4.5921953931549871457e+4) * r +
               1.3731693765509461125e+4) * r + 1.9715909503065514427e+3) * r +
             1.3314166789178437745e+2) * r + 3.3871328727963666080e+0) /
           (((((((5.2264952788528545610e+3 * r + 2.8729085735721942674e+4) * r +
                 3.9307895800092710610e+4) * r + 2.1213794301586595867e+4) * r +
               5.3941960214247511077e+3) * r + 6.8718700749205790830e+2) * r +
             4.2313330701600911252e+1) * r + 1.0);
  }
  double r = q < 0 ? p : 1.0 - p;
  r = std::sqrt(-std::log(r));
  double value;
  if (r <= 5.0) {
    r -= 1.6;
    value = (((((((7.74545014278341407640e-4 * r + 2.27238449892691845833e-2) * r +
                  2.41780725177450611770e-1) * r + 1.27045825245236838258e+0) * r +
                3.64784832476320460504e+0) * r + 5.76949722146069140550e+0) * r +
              4.63033784615654529590e+0) * r + 1.42343711074968357734e+0) /
            (((((((1.05075007164441684324e-9 * r + 5.47593808499534494600e-4) * r +
                  1.51986665636164571966e-2) * r + 1.48103976427480074590e-1) * r +
                6.89767334985100004550e-1) * r + 1.67638483018380384940e+0) * r +
              2.05319162663775882187e+0) * r + 1.0);
  } else {
    r -= 5.0;
    value = (((((((2.01033439929228813265e-7 * r + 2.71155556874348757815e-5) * r +
                  1.24266094738807843860e-3) * r + 2.65321895265761230930e-2) * r +
                2.96560571828504891230e-1) * r + 1.78482653991729133580e+0) * r +
              5.46378491116411436990e+0) * r + 6.65790464350110377720e+0) /
            (((((((2.04426310338993978564e-15 * r + 1.42151175831644588870e-7) * r +
                  1.84631831751005468180e-5) * r + 7.86869131145613259100e-4) * r +
                1.48753612908506148525e-2) * r + 1.36929880922735805310e-1) * r +
              5.99832206555887937690e-1) * r + 1.0);
  }
  return q < 0 ? -value : value;
}

double Digamma(double x) {
  double result = 0;
  while (x < 10) {
    result -= 1 / x;
    x += 1;
  }
  const double f = 1 / (x * x);
  result += std::log(x) - 0.5 / x -
            f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f * (1.0 / 132)))));
  return result;
}

namespace {

double BetaContinuedFraction(double a, double b, double x) {
  const double tiny = 1e-300;
  const double qab = a + b, qap = a + 1, qam = a - 1;
  double c = 1, d = 1 - qab * x / qap;
  if (std::fabs(d) < tiny) d = tiny;
  d = 1 / d;
  double h = d;
  for (int m = 1; m < 1000; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1 + aa * d;
    if (std::fabs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (std::fabs(c) < tiny) c = tiny;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return h;
}

}  // namespace

double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const double front =
      std::exp(std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) + b * std::log1p(-x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2);
  // use the symmetry I_x(a, b) = 1 - I_{1-x}(b, a) otherwise.
  if (x < (a + 1) / (a + b + 2)) return front * BetaContinuedFraction(a, b, x) / a;
  return 1 - front * BetaContinuedFraction(b, a, 1 - x) / b;
}

double InvertCdf(const std::function<double(double)>& cdf, double p, double lo, double hi) {
  for (int i = 0; i < 100 && hi - lo > 1e-12 * (std::fabs(lo) + std::fabs(hi) + 1e-300); ++i) {
    const double mid = 0.5 * (lo + hi);
    if (cdf(mid) < p) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return 0.5 * (lo + hi);
}

double KsStatistic(std::span<const double> sorted, const std::function<double(double)>& cdf) {
  const double n = static_cast<double>(sorted.size());
  double d = 0;
  size_t i = 0;
  while (i < sorted.size()) {
    size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    const double f = cdf(sorted[i]);
    d = std::max(d, std::max(f - i / n, j / n - f));
    i = j;
  }
  return d;
}

double KsStatistic2(std::span<const double> a, std::span<const double> b) {
  if (a.empty() || b.empty()) return a.empty() == b.empty() ? 0.0 : 1.0;
  const double na = static_cast<double>(a.size()), nb = static_cast<double>(b.size());
  size_t i = 0, j = 0;
  double d = 0;
  while (i < a.size() && j < b.size()) {
    const double x = std::min(a[i], b[j]);
    while (i < a.size() && a[i] == x) ++i;
    while (j < b.size() && b[j] == x) ++j;
    d = std::max(d, std::fabs(i / na - j / nb));
  }
  return d;
}

namespace {

// The ziggurat's tables, as set up by zigset() of Marsaglia and Tsang.
struct Ziggurat {
  uint32_t kn[128];
  double wn[128], fn[128];

  Ziggurat() {
    const double m1 = 2147483648.0;  // 2^31
    double dn = 3.442619855899, tn = dn;
    const double vn = 9.91256303526217e-3;
    const double q = vn / std::exp(-0.5 * dn * dn);
    kn[0] = static_cast<uint32_t>((dn / q) * m1);
    kn[1] = 0;
    wn[0] = q / m1;
    wn[127] = dn / m1;
    fn[0] = 1.0;
    fn[127] = std::exp(-0.5 * dn * dn);
    for (int i = 126; i >= 1; --i) {
      dn = std::sqrt(-2.0 * std::log(vn / dn + std::exp(-0.5 * dn * dn)));
      kn[i + 1] = static_cast<uint32_t>((dn / tn) * m1);
      tn = dn;
      fn[i] = std::exp(-0.5 * dn * dn);
      wn[i] = dn / m1;
    }
  }
};

const Ziggurat& ZigguratTables() {
  static const Ziggurat tables;
  return tables;
}

// The rest of a draw whose first 64 bits, `bits`, fell outside the
// ziggurat's rectangles (about 1.2% of draws): the wedge test, the tail,
// or further draws.
__attribute__((noinline)) double ZigguratSlow(RandomStream& random, const Ziggurat& z, uint64_t bits) {
  constexpr double kR = 3.442620;  // start of the tail
  while (true) {
    const int32_t hz = static_cast<int32_t>(bits >> 32);
    const int iz = static_cast<int>(bits & 127);
    const uint32_t magnitude = hz < 0 ? 0u - static_cast<uint32_t>(hz) : static_cast<uint32_t>(hz);
    const double x = hz * z.wn[iz];
    if (magnitude < z.kn[iz]) return x;
    if (iz == 0) {  // the tail beyond kR (Marsaglia 1964)
      double tx, ty;
      do {
        tx = -std::log(1.0 - random.Uniform()) / kR;
        ty = -std::log(1.0 - random.Uniform());
      } while (ty + ty < tx * tx);
      return hz > 0 ? kR + tx : -kR - tx;
    }
    if (z.fn[iz] + random.Uniform() * (z.fn[iz - 1] - z.fn[iz]) < std::exp(-0.5 * x * x)) return x;
    bits = random.Next();
  }
}

}  // namespace

void FillNormals(RandomStream& random, float* out, int n) {
  const Ziggurat& z = ZigguratTables();
  RandomStream stream = random;  // a local copy stays in registers
  for (int i = 0; i < n; ++i) {
    const uint64_t bits = stream.Next();
    const int32_t hz = static_cast<int32_t>(bits >> 32);
    const int iz = static_cast<int>(bits & 127);
    const uint32_t magnitude = hz < 0 ? 0u - static_cast<uint32_t>(hz) : static_cast<uint32_t>(hz);
    if (__builtin_expect(magnitude < z.kn[iz], 1)) {
      out[i] = static_cast<float>(hz * z.wn[iz]);
    } else {
      out[i] = static_cast<float>(ZigguratSlow(stream, z, bits));
    }
  }
  random = stream;
}

namespace {

// exp(x) for x in [-80, 0], four lanes (Cephes expf: x = n ln 2 + r,
// |r| <= ln(2) / 2, a degree-6 polynomial in r, times 2^n). Plain SSE2
// multiplies and adds: the same bits on every x86-64.
__m128 ExpNonPositive(__m128 x) {
  const __m128 magic = _mm_set1_ps(12582912.0f);  // 1.5 * 2^23: adding it rounds to an integer
  __m128 fx = _mm_add_ps(_mm_mul_ps(x, _mm_set1_ps(1.44269504088896341f)), magic);
  const __m128i n = _mm_sub_epi32(_mm_castps_si128(fx), _mm_castps_si128(magic));
  fx = _mm_sub_ps(fx, magic);
  x = _mm_sub_ps(x, _mm_mul_ps(fx, _mm_set1_ps(0.693359375f)));
  x = _mm_sub_ps(x, _mm_mul_ps(fx, _mm_set1_ps(-2.12194440e-4f)));
  __m128 y = _mm_set1_ps(1.9875691500e-4f);
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(1.3981999507e-3f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(8.3334519073e-3f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(4.1665795894e-2f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(1.6666665459e-1f));
  y = _mm_add_ps(_mm_mul_ps(y, x), _mm_set1_ps(5.0000001201e-1f));
  y = _mm_add_ps(_mm_add_ps(_mm_mul_ps(y, _mm_mul_ps(x, x)), x), _mm_set1_ps(1.0f));
  const __m128 scale = _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(n, _mm_set1_epi32(127)), 23));
  return _mm_mul_ps(y, scale);
}

}  // namespace

void SampleSoftmaxRows(const float* logits, size_t stride, size_t rows, int n, const double* u, int* index) {
  if (n == 1) {
    std::fill(index, index + rows, 0);
    return;
  }
  // Four rows at a time, one per lane; a short last group repeats its last
  // row. Lanes never mix, so a row's index does not depend on its group.
  alignas(16) float stack[4 * 256];
  std::vector<float> heap;
  float* lanes = stack;
  if (n > 256) {
    heap.resize(4 * static_cast<size_t>(n) + 3);
    lanes = heap.data() + (-reinterpret_cast<uintptr_t>(heap.data()) / sizeof(float) & 3);  // 16-byte aligned
  }
  __m128* v = reinterpret_cast<__m128*>(lanes);
  for (size_t r0 = 0; r0 < rows; r0 += 4) {
    const float* p[4];
    size_t row[4];
    for (int l = 0; l < 4; ++l) {
      row[l] = std::min(r0 + l, rows - 1);
      p[l] = logits + row[l] * stride;
    }
    __m128 top = _mm_setr_ps(p[0][0], p[1][0], p[2][0], p[3][0]);
    v[0] = top;
    for (int k = 1; k < n; ++k) {
      v[k] = _mm_setr_ps(p[0][k], p[1][k], p[2][k], p[3][k]);
      top = _mm_max_ps(top, v[k]);
    }
    // v[k] becomes cum_k = w_0 + ... + w_k, w = exp(logit - top), summed
    // in order: never decreasing, so the drawn index is the number of
    // cum_k <= u * cum_{n-1}.
    const __m128 floor = _mm_set1_ps(-80.0f);
    __m128 cum = _mm_setzero_ps();
    for (int k = 0; k < n; ++k) {
      cum = _mm_add_ps(cum, ExpNonPositive(_mm_max_ps(_mm_sub_ps(v[k], top), floor)));
      v[k] = cum;
    }
    alignas(16) float total[4], target[4];
    _mm_store_ps(total, cum);
    for (int l = 0; l < 4; ++l) target[l] = static_cast<float>(u[row[l]] * total[l]);
    const __m128 t = _mm_load_ps(target);
    __m128i count = _mm_setzero_si128();
    for (int k = 0; k < n; ++k) count = _mm_sub_epi32(count, _mm_castps_si128(_mm_cmple_ps(v[k], t)));
    alignas(16) int counts[4];
    _mm_store_si128(reinterpret_cast<__m128i*>(counts), count);
    for (int l = 0; l < 4 && r0 + l < rows; ++l) {
      int i = counts[l];
      if (i >= n) {
        // u * total rounded up to total (u within 2^-24 of 1): the last
        // index whose weight still raised the sum.
        i = n - 1;
        while (i > 0 && !(lanes[4 * i + l] > lanes[4 * (i - 1) + l])) --i;
      }
      index[r0 + l] = i;
    }
  }
}

int SampleSoftmax(const float* logits, int n, double u) {
  int index;
  SampleSoftmaxRows(logits, 0, 1, n, &u, &index);
  return index;
}

}  // namespace seedforge::internal
