#include "basic/basic_providers.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>
#include <string>
#include <vector>
#include <unordered_map>

#include <fmt/format.h>

#include "seedforge/calendar.h"
#include "seedforge/json_string.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

class SequenceProvider : public Provider {
 public:
  SequenceProvider(int64_t start, int64_t step) : start_(start), step_(step) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // Unsigned: wraps instead of overflowing; the plan refuses a run whose
      // last value does not fit (Range).
      out.ints[i] = static_cast<int64_t>(static_cast<uint64_t>(start_) + args.rows[i] * static_cast<uint64_t>(step_));
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    return step_ == 0 ? 1 : std::numeric_limits<uint64_t>::max();
  }

  std::optional<ValueRange> Range(size_t, uint64_t rows) const override {
    const long double last = static_cast<long double>(start_) + static_cast<long double>(rows - 1) * step_;
    return ValueRange{std::min<long double>(start_, last), std::max<long double>(start_, last)};
  }

 private:
  int64_t start_, step_;
};

class UuidProvider : public Provider {
 public:
  void Fill(const FillArgs& args) const override {
    static constexpr char kHex[] = "0123456789abcdef";
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // The high half is a bijection of the row index (Mix64 is invertible),
      // so two rows never share a UUID; the low half is random.
      uint64_t hi = Mix64(args.key ^ Mix64(args.rows[i]));
      hi = (hi & ~0xf000ULL) | 0x4000ULL;  // version 4 in bits 12..15
      RandomStream random(args.key, args.rows[i]);
      uint64_t lo = (random.Next() & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;  // variant
      std::string& s = out.texts[i];
      s.resize(36);
      int pos = 0;
      for (int b = 0; b < 32; ++b) {
        if (b == 8 || b == 12 || b == 16 || b == 20) s[pos++] = '-';
        uint64_t word = b < 16 ? hi : lo;
        int shift = 60 - 4 * (b % 16);
        s[pos++] = kHex[(word >> shift) & 0xf];
      }
    }
  }
  // Unique only in the high 64 bits' sense: 2^64 values, more than any plan.
  std::optional<uint64_t> UniqueSpace(size_t) const override {
    return std::numeric_limits<uint64_t>::max();
  }
};

enum class Shape { kUniform, kNormal, kLogNormal };

Shape ParseShape(const Params& params, bool allow_lognormal) {
  std::string s = params.String("distribution", "uniform");
  if (s == "uniform") return Shape::kUniform;
  if (s == "normal") return Shape::kNormal;
  if (s == "lognormal" && allow_lognormal) return Shape::kLogNormal;
  params.Fail("distribution", std::string("expected uniform, normal") +
                                  (allow_lognormal ? " or lognormal" : "") + ", got '" + s + "'");
}

// A real-valued draw in [min, max] of the configured shape; normal and
// log-normal draws are clamped to the range so that CHECK constraints hold.
struct RealDistribution {
  Shape shape = Shape::kUniform;
  double min = 0, max = 1, mean = 0, stddev = 1;

  static RealDistribution From(const Params& params, double default_min, double default_max,
                               bool allow_lognormal) {
    RealDistribution d;
    d.shape = ParseShape(params, allow_lognormal);
    d.min = params.Double("min", default_min);
    d.max = params.Double("max", default_max);
    if (d.min > d.max) params.Fail("max", "must be >= min");
    double mid = (d.min + d.max) / 2;
    d.mean = params.Double("mean", d.shape == Shape::kLogNormal ? std::log(std::max(mid, 1.0)) : mid);
    d.stddev = params.Double("stddev", d.shape == Shape::kLogNormal ? 1.0 : (d.max - d.min) / 6);
    if (d.stddev < 0) params.Fail("stddev", "must be >= 0");
    return d;
  }

  double Draw(RandomStream& random) const {
    double x = min;
    switch (shape) {
      case Shape::kUniform: return min + random.Uniform() * (max - min);
      case Shape::kNormal: x = mean + stddev * random.Normal(); break;
      case Shape::kLogNormal: x = std::exp(mean + stddev * random.Normal()); break;
    }
    return std::clamp(x, min, max);
  }
};

class IntegerProvider : public Provider {
 public:
  IntegerProvider(RealDistribution d, int64_t min, int64_t max) : d_(d), min_(min), max_(max) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    if (args.unique[0]) {
      IndexPermutation permute(args.key, *UniqueSpace(0));
      for (size_t i = 0; i < args.rows.size(); ++i) {
        out.ints[i] = static_cast<int64_t>(static_cast<uint64_t>(min_) + permute(args.rows[i]));
      }
      return;
    }
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.ints[i] = d_.shape == Shape::kUniform
                        ? random.Between(min_, max_)
                        : std::clamp(static_cast<int64_t>(std::llround(d_.Draw(random))), min_, max_);
    }
  }

  // min..max holds span + 1 values; the full int64 range one more than a
  // uint64_t counts, so it reports (and permutes over) 2^64 - 1 of them.
  std::optional<uint64_t> UniqueSpace(size_t) const override {
    const uint64_t span = static_cast<uint64_t>(max_) - static_cast<uint64_t>(min_);
    return span == std::numeric_limits<uint64_t>::max() ? span : span + 1;
  }

  std::optional<ValueRange> Range(size_t, uint64_t) const override {
    return ValueRange{static_cast<long double>(min_), static_cast<long double>(max_)};
  }

 private:
  RealDistribution d_;
  int64_t min_, max_;
};

class DecimalProvider : public Provider {
 public:
  DecimalProvider(RealDistribution d, int scale) : d_(d), scale_(scale), factor_(std::pow(10.0, scale)) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    out.scale = scale_;
    int64_t lo = static_cast<int64_t>(std::ceil(d_.min * factor_));
    int64_t hi = static_cast<int64_t>(std::floor(d_.max * factor_));
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.ints[i] = std::clamp(static_cast<int64_t>(std::llround(d_.Draw(random) * factor_)), lo, hi);
    }
  }

  std::optional<ValueRange> Range(size_t, uint64_t) const override { return ValueRange{d_.min, d_.max}; }

 private:
  RealDistribution d_;
  int scale_;
  double factor_;
};

class FloatProvider : public Provider {
 public:
  explicit FloatProvider(RealDistribution d) : d_(d) {}
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.floats[i] = d_.Draw(random);
    }
  }

  std::optional<ValueRange> Range(size_t, uint64_t) const override { return ValueRange{d_.min, d_.max}; }

 private:
  RealDistribution d_;
};

class CategoryProvider : public Provider {
 public:
  // `cycle_ends`: empty, or the running totals of the whole-number weights
  // (cycle: true).
  CategoryProvider(WeightedTable table, std::vector<uint64_t> cycle_ends)
      : table_(std::move(table)), cycle_ends_(std::move(cycle_ends)) {}
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    if (!cycle_ends_.empty()) {
      // Each run of `total` rows is one shuffled order of the values, each
      // as often as its weight: a stratified draw, exact shares per run.
      // Each run its own order: rows a run apart do not repeat each other.
      const uint64_t total = cycle_ends_.back();
      std::optional<IndexPermutation> permute;
      uint64_t run = UINT64_MAX;
      for (size_t i = 0; i < args.rows.size(); ++i) {
        if (args.rows[i] / total != run) {
          run = args.rows[i] / total;
          permute.emplace(Mix64(args.key ^ Mix64(run + 1)), total);
        }
        const uint64_t slot = (*permute)(args.rows[i] % total);
        const size_t k = std::upper_bound(cycle_ends_.begin(), cycle_ends_.end(), slot) - cycle_ends_.begin();
        out.texts[i] = table_.value(k);
      }
      return;
    }
    if (args.unique[0]) {
      IndexPermutation permute(args.key, table_.size());
      for (size_t i = 0; i < args.rows.size(); ++i) out.texts[i] = table_.value(permute(args.rows[i]));
      return;
    }
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.texts[i] = table_.Sample(random);
    }
  }
  std::optional<uint64_t> UniqueSpace(size_t) const override {
    if (!cycle_ends_.empty()) return std::nullopt;
    return table_.size();
  }
  size_t MaxLength(size_t) const override { return table_.MaxLength(); }

 private:
  WeightedTable table_;
  std::vector<uint64_t> cycle_ends_;
};

// `category` with `by: COLUMN`: one table of weights per value of another
// column of the row (a transaction's direction by its kind). A value no
// table names, or NULL, draws from `otherwise`, else from all the tables'
// values at once.
class CategoryByProvider : public Provider {
 public:
  CategoryByProvider(std::vector<std::pair<std::string, WeightedTable>> tables, WeightedTable otherwise)
      : otherwise_(std::move(otherwise)) {
    for (auto& [value, table] : tables) {
      longest_ = std::max(longest_, table.MaxLength());
      index_.emplace(value, tables_.size());
      tables_.push_back(std::move(table));
    }
    longest_ = std::max(longest_, otherwise_.MaxLength());
  }
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    const BatchColumn* by = args.inputs[0];
    std::string key;
    for (size_t i = 0; i < args.rows.size(); ++i) {
      const WeightedTable* table = &otherwise_;
      if (by && !by->IsNull(i)) {
        key.clear();
        by->AppendText(i, key);
        auto found = index_.find(key);
        if (found != index_.end()) table = &tables_[found->second];
      }
      RandomStream random(args.key, args.rows[i]);
      out.texts[i] = table->Sample(random);
    }
  }
  size_t MaxLength(size_t) const override { return longest_; }

 private:
  std::vector<WeightedTable> tables_;
  std::unordered_map<std::string, size_t> index_;
  WeightedTable otherwise_;
  size_t longest_ = 0;
};

class BooleanProvider : public Provider {
 public:
  explicit BooleanProvider(double p) : p_(p) {}
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.ints[i] = random.Chance(p_);
    }
  }

 private:
  double p_;
};

// Dates and timestamps share one shape: uniform in [from, to], or, with an
// `after` input, a uniform delay after the input's value (NULL stays NULL).
class InstantProvider : public Provider {
 public:
  // `unit`: what one step of [from, to] is in the stored value (1 for days,
  // 10^6 for timestamps drawn in seconds and stored in microseconds).
  // `relative`: the domain gave `after`, so [from, to] is not used.
  InstantProvider(int64_t from, int64_t to, int64_t max_after, int64_t unit, bool relative)
      : from_(from), to_(to), max_after_(max_after), unit_(unit), relative_(relative) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    const BatchColumn* after = args.inputs.empty() ? nullptr : args.inputs[0];
    if (args.unique[0] && !after) {
      IndexPermutation permute(args.key, static_cast<uint64_t>(to_ - from_) + 1);
      for (size_t i = 0; i < args.rows.size(); ++i) {
        out.ints[i] = from_ + static_cast<int64_t>(permute(args.rows[i]));
      }
      return;
    }
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      if (after) {
        if (after->IsNull(i)) {
          out.SetNull(i);
        } else {
          out.ints[i] = after->ints[i] + random.Between(0, max_after_);
        }
      } else {
        out.ints[i] = random.Between(from_, to_);
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    return static_cast<uint64_t>(to_ - from_) + 1;
  }

  // In stored units: the plan redraws a value that a date rule moves inside
  // this window (generator.cpp).
  std::optional<ValueRange> Range(size_t, uint64_t) const override {
    if (relative_) return std::nullopt;
    return ValueRange{static_cast<long double>(from_) * unit_, static_cast<long double>(to_) * unit_};
  }

 private:
  int64_t from_, to_, max_after_, unit_;
  bool relative_;
};

// When in the day, week and year a timestamp falls: weights per hour
// (0-23), weekday (Monday first) and month. A draw is a pure function of
// the row's stream: a day uniform in the window kept with probability
// weekday x month weight over the largest such product (rejection), then
// the hour by its weights, minutes and seconds uniform; a second outside
// the window (a partial first or last day) starts again.
class Season {
 public:
  Season(std::vector<double> hour, std::vector<double> weekday, std::vector<double> month)
      : weekday_(std::move(weekday)), month_(std::move(month)) {
    double total = 0;
    for (double w : hour) hour_cdf_.push_back(total += w);
    top_ = *std::max_element(weekday_.begin(), weekday_.end()) * *std::max_element(month_.begin(), month_.end());
  }

  // A second in [first, last] (seconds since 1970-01-01).
  int64_t Draw(int64_t first, int64_t last, RandomStream& random) const {
    constexpr int64_t kDay = 86400;
    const int64_t first_day = FloorDiv(first, kDay), last_day = FloorDiv(last, kDay);
    // A window whose days or hours all weigh 0 (weekends of a business
    // profile) has nothing to keep: after this many tries, uniform.
    constexpr int kTries = 1000;
    for (int t = 0; t < kTries; ++t) {
      const int64_t day = random.Between(first_day, last_day);
      if (random.Uniform() * top_ >= DayWeight(day)) continue;
      const double u = random.Uniform() * hour_cdf_.back();
      const int64_t hour = std::upper_bound(hour_cdf_.begin(), hour_cdf_.end(), u) - hour_cdf_.begin();
      const int64_t second = day * kDay + std::min<int64_t>(hour, 23) * 3600 + random.Between(0, 3599);
      if (second >= first && second <= last) return second;
    }
    return random.Between(first, last);
  }

 private:
  static int64_t FloorDiv(int64_t a, int64_t b) { return a / b - (a % b != 0 && (a < 0) != (b < 0) ? 1 : 0); }
  double DayWeight(int64_t day) const {
    int year = 0;
    unsigned month = 0, mday = 0;
    CivilFromDays(day, year, month, mday);
    const int64_t monday_first = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
    return weekday_[monday_first] * month_[month - 1];
  }

  std::vector<double> hour_cdf_, weekday_, month_;
  double top_ = 1;
};

// The named profiles of `season` (docs/providers.md lists their weights).
struct SeasonProfile {
  const char* name;
  std::vector<double> hour, weekday, month;
};

const std::vector<SeasonProfile>& SeasonProfiles() {
  static const std::vector<SeasonProfile> profiles{
      // Office work: 08:00-17:59 on weekdays, a lunch dip, nothing at night
      // or at weekends.
      {"business_hours",
       {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0.6, 1, 1, 1, 1, 0.8, 0, 0, 0, 0, 0, 0},
       {1, 1, 1, 1, 1, 0, 0},
       {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}},
      // Shopping: quiet nights, a lunch peak and a larger evening one;
      // busier Fridays and Saturdays, November and December.
      {"retail",
       {0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.3, 0.5, 0.8, 1, 1.2, 1.5, 1.4, 1.2, 1.2, 1.3, 1.5, 1.6, 1.4, 1, 0.6, 0.3, 0.2},
       {0.9, 0.9, 0.95, 1, 1.2, 1.4, 1.1},
       {0.85, 0.85, 0.95, 0.95, 1, 1, 1, 1.05, 0.95, 1, 1.2, 1.45}},
  };
  return profiles;
}

// `season`: a profile's name, or {hour: [24], weekday: [7], month: [12]}
// (each optional, uniform when left out).
std::optional<Season> ParseSeason(const Params& params) {
  const ParamValue* v = params.Find("season");
  if (!v) return std::nullopt;
  std::string names;
  for (const SeasonProfile& p : SeasonProfiles()) names += std::string(names.empty() ? "" : ", ") + p.name;
  if (v->type == ParamValue::Type::kScalar) {
    for (const SeasonProfile& p : SeasonProfiles()) {
      if (v->scalar == p.name) return Season(p.hour, p.weekday, p.month);
    }
    throw InputError(v->where, "parameter 'season': no profile '" + v->scalar + "' (there are: " + names +
                                   "), or give {hour: [24 weights], weekday: [7 weights, Monday first], month: [12 weights]}");
  }
  if (v->type != ParamValue::Type::kMap) {
    throw InputError(v->where, "parameter 'season' is a profile name (" + names +
                                   ") or {hour: [24 weights], weekday: [7 weights, Monday first], month: [12 weights]}");
  }
  std::vector<double> hour(24, 1), weekday(7, 1), month(12, 1);
  for (const auto& [key, list] : v->map) {
    std::vector<double>* out = key == "hour" ? &hour : key == "weekday" ? &weekday : key == "month" ? &month : nullptr;
    if (!out) throw InputError(list.where, "parameter 'season': unknown key '" + key + "' (hour, weekday, month)");
    const std::string what = "parameter 'season': '" + key + "' ";
    if (list.type != ParamValue::Type::kList || list.list.size() != out->size()) {
      throw InputError(list.where, what + "is a list of " + std::to_string(out->size()) + " weights" +
                                       (key == "weekday" ? ", Monday first" : ""));
    }
    double total = 0;
    for (size_t i = 0; i < out->size(); ++i) {
      const ParamValue& w = list.list[i];
      char* end = nullptr;
      const double weight = w.type == ParamValue::Type::kScalar ? std::strtod(w.scalar.c_str(), &end) : -1;
      if (w.type != ParamValue::Type::kScalar || w.scalar.empty() || *end || !(weight >= 0) || std::isinf(weight)) {
        throw InputError(w.where, what + "weights are finite numbers >= 0, got '" + w.scalar + "'");
      }
      (*out)[i] = weight;
      total += weight;
    }
    if (!(total > 0)) throw InputError(list.where, what + "weights are all 0: no value could be drawn");
  }
  return Season(std::move(hour), std::move(weekday), std::move(month));
}

// A timestamp uniform in its window over the days and hours a season
// weighs: whole seconds, stored in microseconds.
class SeasonalTimestampProvider : public Provider {
 public:
  static constexpr int64_t kMicros = 1000000;
  SeasonalTimestampProvider(int64_t from, int64_t to, Season season) : from_(from), to_(to), season_(std::move(season)) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.ints[i] = season_.Draw(from_, to_, random) * kMicros;
    }
  }

  std::optional<ValueRange> Range(size_t, uint64_t) const override {
    return ValueRange{static_cast<long double>(from_) * kMicros, static_cast<long double>(to_) * kMicros};
  }

  std::optional<int64_t> DrawIn(size_t, int64_t low, int64_t high, RandomStream& random) const override {
    const int64_t first = low / kMicros + (low % kMicros > 0 ? 1 : 0);
    const int64_t last = high / kMicros - (high % kMicros < 0 ? 1 : 0);
    if (first > last) return std::nullopt;
    return season_.Draw(first, last, random) * kMicros;
  }

 private:
  int64_t from_, to_;
  Season season_;
};

class ConstantProvider : public Provider {
 public:
  explicit ConstantProvider(std::string value) : value_(std::move(value)) {}
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) out.texts[i] = value_;
  }
  size_t MaxLength(size_t) const override { return value_.size(); }

 private:
  std::string value_;
};

class PatternProvider : public Provider {
 public:
  explicit PatternProvider(std::string pattern) : pattern_(std::move(pattern)) {
    space_ = 1;
    for (char c : pattern_) {
      uint64_t radix = Radix(c);
      if (radix > 1) {
        if (space_ > std::numeric_limits<uint64_t>::max() / radix) {
          space_ = std::numeric_limits<uint64_t>::max();
          break;
        }
        space_ *= radix;
      }
    }
  }

  void Fill(const FillArgs& args) const override {
    static constexpr char kUpper[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    static constexpr char kAlnum[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ";
    BatchColumn& out = *args.outputs[0];
    std::optional<IndexPermutation> permute;
    if (args.unique[0]) permute.emplace(args.key, space_);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      // Unique: the permuted index, written in the pattern's mixed radix.
      uint64_t index = permute ? (*permute)(args.rows[i]) : 0;
      std::string& s = out.texts[i];
      s = pattern_;
      for (size_t p = s.size(); p-- > 0;) {
        uint64_t radix = Radix(s[p]);
        if (radix <= 1) continue;
        uint64_t digit = permute ? index % radix : random.Below(radix);
        index /= radix;
        s[p] = radix == 10 ? static_cast<char>('0' + digit) : radix == 26 ? kUpper[digit] : kAlnum[digit];
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override { return space_; }
  size_t MaxLength(size_t) const override { return pattern_.size(); }

 private:
  static uint64_t Radix(char c) { return c == '#' ? 10 : c == '?' ? 26 : c == '*' ? 36 : 1; }
  std::string pattern_;
  uint64_t space_;
};

// "Lorem ipsum" words (Cicero, De finibus, as mangled by typesetters): text
// that reads as filler to anyone, so nobody mistakes it for real data.
constexpr const char* kWords[] = {
    "lorem", "ipsum", "dolor", "sit", "amet", "consectetur", "adipiscing", "elit", "sed", "do",
    "eiusmod", "tempor", "incididunt", "ut", "labore", "et", "dolore", "magna", "aliqua", "enim",
    "ad", "minim", "veniam", "quis", "nostrud", "exercitation", "ullamco", "laboris", "nisi",
    "aliquip", "ex", "ea", "commodo", "consequat", "duis", "aute", "irure", "in", "reprehenderit",
    "voluptate", "velit", "esse", "cillum", "fugiat", "nulla", "pariatur", "excepteur", "sint",
    "occaecat", "cupidatat", "non", "proident", "sunt", "culpa", "qui", "officia", "deserunt",
    "mollit", "anim", "id", "est", "laborum"};
constexpr size_t kWordCount = sizeof(kWords) / sizeof(kWords[0]);

class TextProvider : public Provider {
 public:
  TextProvider(int64_t min_words, int64_t max_words, int64_t max_length)
      : min_words_(min_words), max_words_(max_words), max_length_(max_length) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      std::string& s = out.texts[i];
      s.clear();
      int64_t words = random.Between(min_words_, max_words_);
      for (int64_t w = 0; w < words; ++w) {
        const char* word = kWords[random.Below(kWordCount)];
        size_t extra = std::char_traits<char>::length(word) + (s.empty() ? 0 : 1);
        if (max_length_ > 0 && s.size() + extra > static_cast<size_t>(max_length_)) break;
        if (!s.empty()) s += ' ';
        s += word;
      }
    }
  }

  size_t MaxLength(size_t) const override {
    return max_length_ > 0 ? static_cast<size_t>(max_length_) : static_cast<size_t>(max_words_) * 13;
  }

 private:
  int64_t min_words_, max_words_, max_length_;
};

class JsonProvider : public Provider {
 public:
  explicit JsonProvider(std::vector<std::string> keys) : keys_(std::move(keys)) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      std::string& s = out.texts[i];
      s = "{";
      for (size_t k = 0; k < keys_.size(); ++k) {
        if (k) s += ", ";
        AppendJsonString(keys_[k], s);
        s += ": ";
        switch (k % 4) {
          case 0: AppendInt(random.Between(1, 100000), s); break;
          case 1: AppendJsonString(kWords[random.Below(kWordCount)], s); break;
          case 2: AppendDecimal(random.Between(0, 10000), 2, s); break;
          default: s += random.Chance(0.5) ? "true" : "false";
        }
      }
      s += '}';
    }
  }

 private:
  std::vector<std::string> keys_;
};

class ArrayProvider : public Provider {
 public:
  ArrayProvider(std::vector<std::string> values, int64_t min, int64_t max, int64_t min_items, int64_t max_items)
      : values_(std::move(values)), min_(min), max_(max), min_items_(min_items), max_items_(max_items) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      std::string& s = out.texts[i];
      s = "{";
      int64_t items = random.Between(min_items_, max_items_);
      for (int64_t k = 0; k < items; ++k) {
        if (k) s += ',';
        if (values_.empty()) {
          AppendInt(random.Between(min_, max_), s);
        } else {
          // Array literal elements: double-quoted, with \ and " escaped.
          s += '"';
          for (char c : values_[random.Below(values_.size())]) {
            if (c == '"' || c == '\\') s += '\\';
            s += c;
          }
          s += '"';
        }
      }
      s += '}';
    }
  }

  // Integer elements: their range, which the plan checks against the
  // array's element type (smallint[]).
  std::optional<ValueRange> Range(size_t, uint64_t) const override {
    if (!values_.empty()) return std::nullopt;
    return ValueRange{static_cast<long double>(min_), static_cast<long double>(max_)};
  }

 private:
  std::vector<std::string> values_;
  int64_t min_, max_, min_items_, max_items_;
};

}  // namespace

std::unique_ptr<Provider> MakeTextProvider(const Params& params, const ProviderContext&) {
  int64_t min_words = params.Int("min_words", 1), max_words = params.Int("max_words", 8);
  if (min_words < 0 || max_words < min_words) params.Fail("max_words", "must be >= min_words >= 0");
  int64_t max_length = params.Int("max_length", 0);
  if (max_length < 0) params.Fail("max_length", "must be >= 0");
  return std::make_unique<TextProvider>(min_words, max_words, max_length);
}

std::unique_ptr<Provider> MakeJsonProvider(const Params& params, const ProviderContext&) {
  std::vector<std::string> keys = params.StringList("keys");
  if (!params.Has("keys")) keys = {"id", "label", "score", "active"};
  return std::make_unique<JsonProvider>(std::move(keys));
}

std::unique_ptr<Provider> MakeArrayProvider(const Params& params, const ProviderContext&) {
  int64_t min_items = params.Int("min_items", 0), max_items = params.Int("max_items", 3);
  if (min_items < 0 || max_items < min_items) params.Fail("max_items", "must be >= min_items >= 0");
  int64_t min = params.Int("min", 0), max = params.Int("max", 100);
  if (min > max) params.Fail("max", "must be >= min");
  return std::make_unique<ArrayProvider>(params.StringList("values"), min, max, min_items, max_items);
}

std::unique_ptr<Provider> MakeSequenceProvider(const Params& params, const ProviderContext&) {
  return std::make_unique<SequenceProvider>(params.Int("start", 1), params.Int("step", 1));
}

std::unique_ptr<Provider> MakeUuidProvider(const Params&, const ProviderContext&) {
  return std::make_unique<UuidProvider>();
}

std::unique_ptr<Provider> MakeIntegerProvider(const Params& params, const ProviderContext&) {
  RealDistribution d = RealDistribution::From(params, 0, 1000000, true);
  int64_t min = params.Int("min", 0), max = params.Int("max", 1000000);
  return std::make_unique<IntegerProvider>(d, min, max);
}

std::unique_ptr<Provider> MakeDecimalProvider(const Params& params, const ProviderContext&) {
  int64_t scale = params.Int("scale", 2);
  if (scale < 0 || scale > 9) params.Fail("scale", "must be between 0 and 9");
  RealDistribution d = RealDistribution::From(params, 0, 10000, true);
  // Values are kept as integers of 10^-scale: the bounds must fit an int64.
  const double limit = 9e18 / std::pow(10.0, static_cast<double>(scale));
  if (std::fabs(d.min) >= limit) params.Fail("min", "too large for " + std::to_string(scale) + " decimals");
  if (std::fabs(d.max) >= limit) params.Fail("max", "too large for " + std::to_string(scale) + " decimals");
  return std::make_unique<DecimalProvider>(d, static_cast<int>(scale));
}

std::unique_ptr<Provider> MakeFloatProvider(const Params& params, const ProviderContext&) {
  return std::make_unique<FloatProvider>(RealDistribution::From(params, 0, 1, false));
}

namespace {

WeightedTable TableOf(const std::vector<std::pair<std::string, double>>& weighted) {
  std::vector<std::string> values;
  std::vector<double> weights;
  for (const auto& [value, weight] : weighted) {
    values.push_back(value);
    weights.push_back(weight);
  }
  return WeightedTable(std::move(values), std::move(weights));
}

// `values` of a category with `by`: {BY_VALUE: {value: weight, ...}, ...}.
std::unique_ptr<Provider> MakeCategoryByProvider(const Params& params) {
  const ParamValue* values = params.Find("values");
  if (values->type != ParamValue::Type::kMap) {
    params.Fail("values", "with 'by', takes one table per value of the 'by' column: {VALUE: {value: weight, ...}, ...}");
  }
  std::vector<std::pair<std::string, WeightedTable>> tables;
  std::vector<std::pair<std::string, double>> all;
  for (const auto& [by_value, table] : values->map) {
    if (table.type == ParamValue::Type::kScalar) {
      throw InputError(table.where, "parameter 'values': with 'by', '" + by_value +
                                        "' takes a table of weights ({value: weight, ...}) or a list of values ([a, b])");
    }
    // The table, read as its own parameter so that its messages point at it.
    const Params one({{"values", table}}, table.where);
    auto weighted = one.Weighted("values");
    double total = 0;
    for (const auto& item : weighted) total += item.second;
    // Every table counts as much in the fallback, whatever its weights add to.
    for (const auto& [value, weight] : weighted) all.emplace_back(value, weight / total);
    tables.emplace_back(by_value, TableOf(weighted));
  }
  if (tables.empty()) params.Fail("values", "needs at least one table");
  WeightedTable otherwise = params.Has("otherwise") ? TableOf(params.Weighted("otherwise")) : TableOf(all);
  return std::make_unique<CategoryByProvider>(std::move(tables), std::move(otherwise));
}

}  // namespace

std::unique_ptr<Provider> MakeCategoryProvider(const Params& params, const ProviderContext&) {
  if (!params.Has("values")) params.Fail("values", "is required (a list or a map of weights)");
  if (params.Has("by")) {
    if (params.Has("cycle")) params.Fail("cycle", "does not go with 'by' (each run holds one table's counts)");
    return MakeCategoryByProvider(params);
  }
  if (params.Has("otherwise")) params.Fail("otherwise", "belongs with 'by'");
  const std::vector<std::pair<std::string, double>> weighted = params.Weighted("values");
  std::vector<uint64_t> cycle_ends;
  if (params.Bool("cycle", false)) {
    uint64_t total = 0;
    for (const auto& [value, weight] : weighted) {
      if (weight != std::floor(weight) || weight < 1 || weight > 1e12) {
        params.Fail("values", "with cycle: true, weights are how often each value comes in a run: whole numbers "
                              "from 1 ('" + value + "' has " + fmt::format("{}", weight) + ")");
      }
      total += static_cast<uint64_t>(weight);
      cycle_ends.push_back(total);
    }
  }
  return std::make_unique<CategoryProvider>(TableOf(weighted), std::move(cycle_ends));
}

std::unique_ptr<Provider> MakeBooleanProvider(const Params& params, const ProviderContext&) {
  double p = params.Double("p", 0.5);
  if (p < 0 || p > 1) params.Fail("p", "must be between 0 and 1");
  return std::make_unique<BooleanProvider>(p);
}

// The days of the simulation window, when the run has one (its `to` is
// inclusive to the microsecond, so the last day is whole or partial alike).
int64_t WindowDay(const ProviderContext& ctx, bool to) {
  const int64_t micros = to ? ctx.window->to : ctx.window->from;
  return micros / kMicrosPerDay - (micros % kMicrosPerDay < 0 ? 1 : 0);
}

std::unique_ptr<Provider> MakeDateProvider(const Params& params, const ProviderContext& ctx) {
  // Bounds not given: the simulation window's, else the defaults.
  const bool window = ctx.window.has_value();
  int64_t from = window && !params.Has("from") ? WindowDay(ctx, false) : params.Date("from", "2015-01-01", ctx.today);
  int64_t to = window && !params.Has("to") ? WindowDay(ctx, true) : params.Date("to", "2024-12-31", ctx.today);
  if (from > to) params.Fail("to", "must not be before 'from'");
  int64_t max_after = params.Int("max_days_after", 365);
  if (max_after < 0) params.Fail("max_days_after", "must be >= 0");
  return std::make_unique<InstantProvider>(from, to, max_after, 1, params.Has("after"));
}

std::unique_ptr<Provider> MakeTimestampProvider(const Params& params, const ProviderContext& ctx) {
  constexpr int64_t kMicros = 1000000;
  // Bounds not given: the simulation window's (whole seconds inside it),
  // else the defaults.
  const bool window = ctx.window.has_value();
  int64_t from = window && !params.Has("from")
                     ? ctx.window->from / kMicros + (ctx.window->from % kMicros > 0 ? 1 : 0)
                     : params.Timestamp("from", "2024-01-01", ctx.today) / kMicros;
  int64_t to = window && !params.Has("to") ? ctx.window->to / kMicros - (ctx.window->to % kMicros < 0 ? 1 : 0)
                                           : params.Timestamp("to", "2024-12-31 23:59:59", ctx.today) / kMicros;
  if (from > to) params.Fail("to", "must not be before 'from'");
  int64_t max_after = params.Int("max_seconds_after", 30 * 86400);
  if (max_after < 0) params.Fail("max_seconds_after", "must be >= 0");
  if (std::optional<Season> season = ParseSeason(params)) {
    if (params.Has("after")) params.Fail("season", "does not combine with 'after' (a delay after another column)");
    return std::make_unique<SeasonalTimestampProvider>(from, to, std::move(*season));
  }
  // Drawn in whole seconds, stored in microseconds.
  class Seconds : public InstantProvider {
   public:
    using InstantProvider::InstantProvider;
    void Fill(const FillArgs& args) const override {
      InstantProvider::Fill(args);
      BatchColumn& out = *args.outputs[0];
      const bool relative = !args.inputs.empty() && args.inputs[0];
      for (size_t i = 0; i < args.rows.size(); ++i) {
        if (out.IsNull(i)) continue;
        if (relative) {
          // The input is already in microseconds; only the delay is seconds.
          out.ints[i] = args.inputs[0]->ints[i] + (out.ints[i] - args.inputs[0]->ints[i]) * kMicros;
        } else {
          out.ints[i] *= kMicros;
        }
      }
    }
  };
  return std::make_unique<Seconds>(from, to, max_after, kMicros, params.Has("after"));
}

std::unique_ptr<Provider> MakeConstantProvider(const Params& params, const ProviderContext&) {
  if (!params.Has("value")) params.Fail("value", "is required");
  return std::make_unique<ConstantProvider>(params.String("value", ""));
}

std::unique_ptr<Provider> MakePatternProvider(const Params& params, const ProviderContext&) {
  std::string pattern = params.String("pattern", "");
  if (pattern.empty()) params.Fail("pattern", "is required, e.g. 'INV-#####'");
  return std::make_unique<PatternProvider>(std::move(pattern));
}

}  // namespace seedforge
