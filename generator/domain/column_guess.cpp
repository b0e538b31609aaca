// The provider chooser: name rules, then the values' own shape. Values win
// over names where names mislead (a film's `title` is not a job title, an
// `active` flag is not a number up to 100,000), and names of personal data
// (names, e-mails, phones, addresses, cards) win over values, so that such a
// column keeps a format-aware provider and never a list of real values.
#include "domain/column_guess.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <regex>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "seedforge/identifiers.h"
#include "seedforge/personal_names.h"

namespace seedforge {

namespace {

using internal::Yaml;

// A share of the sample that a value pattern must reach to name the column
// (a few odd values, a "n/a" among e-mails, do not undo it).
constexpr double kPatternShare = 0.9;
// Text with at most this many distinct values, each seen about twice or
// more, is a category of the values seen.
constexpr size_t kMaxCategories = 50;
constexpr double kMaxCategoryRatio = 0.5;
constexpr size_t kMinCategorySample = 10;
// A category value longer than this is free text, not a label.
constexpr size_t kMaxCategoryLength = 60;
// Up to this many distinct counts of children are written as weights, one
// per count (exactly what the data has); more are fitted.
constexpr size_t kMaxWeightedCounts = 20;

std::string Lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string Number(double v) { return fmt::format("{}", v); }

// The sample's non-NULL values.
std::vector<std::string> Values(const ColumnEvidence& e) {
  std::vector<std::string> out;
  for (const auto& v : e.sample) {
    if (v) out.push_back(*v);
  }
  return out;
}

double ShareMatching(const std::vector<std::string>& values, const std::regex& pattern) {
  if (values.empty()) return 0;
  size_t n = 0;
  for (const std::string& v : values) n += std::regex_match(v, pattern);
  return static_cast<double>(n) / static_cast<double>(values.size());
}

std::optional<double> ParseNumber(std::string text) {
  // money is written with a currency sign and group separators ("$1,234.50").
  text.erase(std::remove_if(text.begin(), text.end(), [](char c) { return c == '$' || c == ',' || c == ' '; }),
             text.end());
  double v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

struct NumberRange {
  double min = 0, max = 0;
  size_t count = 0;
};

std::optional<NumberRange> RangeOf(const std::vector<std::string>& values) {
  NumberRange r;
  for (const std::string& v : values) {
    auto x = ParseNumber(v);
    if (!x) continue;
    r.min = r.count ? std::min(r.min, *x) : *x;
    r.max = r.count ? std::max(r.max, *x) : *x;
    ++r.count;
  }
  if (r.count == 0) return std::nullopt;
  return r;
}

// The earliest and latest of values that start with `length` characters of
// a date or timestamp (PostgreSQL's ISO output sorts as text).
std::optional<std::pair<std::string, std::string>> TextBounds(const std::vector<std::string>& values, size_t length) {
  static const std::regex kStamp(R"(\d{4}-\d\d-\d\d( \d\d:\d\d:\d\d)?.*)");
  std::optional<std::pair<std::string, std::string>> out;
  for (const std::string& v : values) {
    if (v.size() < length || !std::regex_match(v, kStamp)) continue;
    std::string head = v.substr(0, length);
    if (!out) {
      out = std::make_pair(head, head);
    } else {
      out->first = std::min(out->first, head);
      out->second = std::max(out->second, head);
    }
  }
  return out;
}

// Words of a title: each starts with a capital letter or a digit, apart
// from short joining words ("of", "the", "&").
bool LooksLikeTitle(const std::string& v) {
  static const std::set<std::string> kJoining = {"a", "an", "the", "of", "and", "or", "in", "on", "at", "to",
                                                 "for", "&", "-", "de", "la", "le"};
  std::istringstream words(v);
  size_t n = 0;
  bool capital = false;
  for (std::string w; words >> w; ++n) {
    const unsigned char first = static_cast<unsigned char>(w[0]);
    if (std::isupper(first) || std::isdigit(first)) {
      capital = capital || std::isupper(first);
      continue;
    }
    if (!kJoining.count(w)) return false;
  }
  return n >= 1 && n <= 8 && capital && v.find('@') == std::string::npos;
}

bool AllUpper(const std::string& v) {
  return std::none_of(v.begin(), v.end(), [](unsigned char c) { return std::islower(c); });
}

size_t WordCount(const std::string& v) {
  std::istringstream words(v);
  size_t n = 0;
  for (std::string w; words >> w;) ++n;
  return n;
}

// Values and their shares when few distinct values repeat, else empty.
std::vector<std::pair<std::string, double>> Categories(const std::vector<std::string>& values) {
  if (values.size() < kMinCategorySample) return {};
  std::map<std::string, size_t> counts;
  for (const std::string& v : values) {
    if (v.size() > kMaxCategoryLength) return {};
    if (++counts[v] == 1 && counts.size() > kMaxCategories) return {};
  }
  if (static_cast<double>(counts.size()) > kMaxCategoryRatio * static_cast<double>(values.size())) return {};
  std::vector<std::pair<std::string, double>> out;
  for (const auto& [v, n] : counts) {
    out.emplace_back(v, std::round(1e4 * static_cast<double>(n) / static_cast<double>(values.size())) / 1e4);
  }
  return out;
}

class Guesser {
 public:
  Guesser(const ColumnEvidence& e, const ProviderRegistry& registry)
      : e_(e), registry_(registry), values_(Values(e)), name_(Lower(e.name)),
        limit_(e.type.length > 0 ? static_cast<size_t>(e.type.length) : 0) {}

  ColumnGuess Run() {
    ColumnGuess guess;
    guess.source = Source(guess);
    if (guess.source.empty()) return guess;
    const bool keyed = e_.primary_key || e_.unique;
    if (!keyed && !e_.not_null) {
      if (e_.sample.empty()) {
        guess.null_rate = 0.05;
      } else {
        const double nulls = static_cast<double>(e_.sample.size() - values_.size());
        const double rate = std::round(1e4 * nulls / static_cast<double>(e_.sample.size())) / 1e4;
        if (rate > 0) guess.null_rate = std::min(rate, 0.99);
      }
    }
    return guess;
  }

 private:
  bool Has(const std::string& provider, const std::string& field = "") const {
    const ProviderSpec* spec = registry_.Find(provider);
    return spec && (field.empty() || spec->FindField(field));
  }
  bool Fits(const std::string& provider, const std::string& field, size_t longest) const {
    return Has(provider, field) && (limit_ == 0 || longest <= limit_);
  }
  bool NameIs(const char* pattern) const { return std::regex_match(name_, std::regex(pattern)); }
  bool Keyed() const { return e_.primary_key || e_.unique; }

  std::string Source(ColumnGuess& guess);
  std::string Categorical() const;
  std::string Personal() const;
  std::string ByPattern() const;
  std::string ByName() const;
  std::string Text(ColumnGuess& guess) const;
  std::string Integer() const;
  std::string Decimal() const;
  std::string Temporal() const;
  std::string PostgresType() const;

  const ColumnEvidence& e_;
  const ProviderRegistry& registry_;
  const std::vector<std::string> values_;
  const std::string name_;
  const size_t limit_;
};

std::string ValueList(const std::vector<std::string>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + Yaml(values[i]);
  return out;
}

std::string Guesser::Source(ColumnGuess& guess) {
  using F = SqlType::Family;
  const SqlType& type = e_.type;
  if (e_.check && !e_.check->in_list.empty() && !type.array) {
    return "provider: category, params: {values: [" + ValueList(e_.check->in_list) + "]}";
  }
  if (type.family == F::kEnum) {
    return std::string("provider: ") + (type.array ? "array" : "category") + ", params: {values: [" +
           ValueList(e_.enum_labels) + "]}";
  }
  if (type.array) {
    SqlType element = type;
    element.array = false;
    if (element.IsInteger()) return "provider: array";
    return "provider: array, params: {values: [alpha, beta, gamma, delta]}";
  }
  switch (type.family) {
    case F::kJson:
    case F::kJsonb: return "provider: json";
    case F::kUuid: return "provider: uuid";
    case F::kBoolean: {
      if (values_.empty()) return "provider: boolean";
      const double p = ShareMatching(values_, std::regex("t|true"));
      return "provider: boolean, params: {p: " + Number(std::round(p * 1e4) / 1e4) + "}";
    }
    case F::kSmallInt:
    case F::kInteger:
    case F::kBigInt: return Integer();
    case F::kNumeric:
    case F::kReal:
    case F::kDouble:
    case F::kMoney: return Decimal();
    case F::kDate:
    case F::kTimestamp:
    case F::kTimestampTz: return Temporal();
    default: break;
  }
  if (type.IsText()) return Text(guess);
  return PostgresType();
}

std::string Guesser::Integer() const {
  const CheckFacts* f = e_.check;
  if (Keyed() || e_.sequence) return "provider: sequence";
  const int64_t type_max = e_.type.family == SqlType::Family::kSmallInt ? 32767 : 2147483647;
  double lo = 0, hi = e_.type.family == SqlType::Family::kSmallInt ? 1000 : 100000;
  if (auto seen = RangeOf(values_)) {
    // The data's range: a 0/1 flag stays 0/1, a year stays a year.
    lo = seen->min;
    hi = seen->max;
  }
  if (f && f->min) lo = std::max(lo, *f->min + (f->min_exclusive ? 1 : 0));
  if (f && f->max) hi = values_.empty() ? *f->max - (f->max_exclusive ? 1 : 0) : std::min(hi, *f->max - (f->max_exclusive ? 1 : 0));
  if (values_.empty() && f && f->min && !f->max) hi = std::max(hi, lo + 1000);
  hi = std::min<double>(hi, static_cast<double>(type_max));
  if (lo > hi) hi = lo;
  return fmt::format("provider: integer, params: {{min: {}, max: {}}}", static_cast<int64_t>(lo),
                     static_cast<int64_t>(hi));
}

std::string Guesser::Decimal() const {
  using F = SqlType::Family;
  const SqlType& type = e_.type;
  const CheckFacts* f = e_.check;
  const int scale = type.family == F::kNumeric && type.precision ? type.scale : 2;
  const double cap = type.family == F::kNumeric && type.precision ? std::pow(10.0, type.precision - scale) - 1 : 1e6;
  double lo = 0, hi = std::min(cap, 10000.0);
  if (auto seen = RangeOf(values_)) {
    lo = seen->min;
    hi = std::min(cap, seen->max);
  }
  const double step = std::pow(10.0, -scale);
  if (f && f->min) lo = std::max(lo, *f->min + (f->min_exclusive ? step : 0));
  if (f && f->max) hi = std::min(hi, std::min(cap, *f->max - (f->max_exclusive ? step : 0)));
  if (lo > hi) hi = lo;
  return "provider: decimal, params: {min: " + Number(lo) + ", max: " + Number(hi) + ", scale: " + std::to_string(scale) + "}";
}

std::string Guesser::Temporal() const {
  const bool date = e_.type.family == SqlType::Family::kDate;
  const char* provider = date ? "date" : "timestamp";
  if (PersonalColumnName(e_.name) == PersonalName::kDateOfBirth && date && Has("date_of_birth")) {
    return "provider: date_of_birth";
  }
  if (e_.check && !e_.check->after.empty()) {
    return std::string("provider: ") + provider + ", params: {after: " + Yaml(e_.check->after) + "}";
  }
  if (auto bounds = TextBounds(values_, date ? 10 : 19)) {
    return std::string("provider: ") + provider + ", params: {from: " + Yaml(bounds->first) + ", to: " +
           Yaml(bounds->second) + "}";
  }
  return std::string("provider: ") + provider;
}

// Personal data by name (seedforge/personal_names.h, the rules the PII
// detector reads headers by): these keep their format-aware provider
// whatever the values look like.
std::string Guesser::Personal() const {
  switch (PersonalColumnName(e_.name, e_.table)) {
    case PersonalName::kEmail: return Fits("email", "", 60) ? "provider: email" : "";
    case PersonalName::kPhone: return Fits("phone", "", 14) ? "provider: phone" : "";
    case PersonalName::kSsn: return Fits("ssn", "", 11) ? "provider: ssn" : "";
    case PersonalName::kFirstName: return Fits("person", "first_name", 20) ? "provider: person.first_name" : "";
    case PersonalName::kLastName: return Fits("person", "last_name", 20) ? "provider: person.last_name" : "";
    case PersonalName::kFullName:
      return !Keyed() && Fits("person", "full_name", 40) ? "provider: person.full_name" : "";
    case PersonalName::kStreet: return Fits("address", "street", 40) ? "provider: address.street" : "";
    case PersonalName::kCard:
      return Has("credit_card", "number") && (limit_ == 0 || limit_ >= 19) ? "provider: credit_card.number" : "";
    case PersonalName::kCvv:
      return Has("credit_card", "cvv") && (limit_ == 0 || limit_ >= 4) ? "provider: credit_card.cvv" : "";
    case PersonalName::kZip:
      return Has("address", "zip") && (limit_ == 0 || limit_ >= 5) ? "provider: address.zip" : "";
    default: return "";
  }
}

// Personal data by the shape of the values, whatever the column is called.
std::string Guesser::ByPattern() const {
  if (values_.empty()) return "";
  static const std::regex kPhone(R"(\+?[0-9][0-9 ().-]{6,19})");
  static const std::regex kZip(R"(\d{5}(-\d{4})?)");
  // E-mail addresses and card numbers by the rules the providers write them
  // by (identifiers.h): a card needs its network's prefix and length as well
  // as Luhn, which a tenth of any digit strings pass.
  size_t emails = 0, cards = 0;
  for (const std::string& v : values_) {
    emails += identifiers::EmailValid(v);
    cards += identifiers::CardNumberValid(v) && v.size() <= 23;
  }
  if (emails >= kPatternShare * values_.size() && Fits("email", "", 60)) return "provider: email";
  if (cards >= kPatternShare * values_.size() && Has("credit_card", "number") && (limit_ == 0 || limit_ >= 19)) {
    return "provider: credit_card.number";
  }
  if (ShareMatching(values_, kZip) >= kPatternShare && Has("address", "zip") && (limit_ == 0 || limit_ >= 5)) {
    return "provider: address.zip";
  }
  if (ShareMatching(values_, kPhone) >= kPatternShare && Fits("phone", "", 14)) return "provider: phone";
  return "";
}

// Names that say what a column holds but not that it is personal.
std::string Guesser::ByName() const {
  if (NameIs(R"(city|town)") && Fits("address", "city", 30)) return "provider: address.city";
  if (NameIs(R"(state(_code)?|region)") && limit_ >= 2 && Has("address", "state")) {
    return (limit_ == 0 || limit_ >= 20) && Has("address", "state_name") ? "provider: address.state_name"
                                                                        : "provider: address.state";
  }
  if (NameIs(R"(vin)") && Has("vin") && (limit_ == 0 || limit_ >= 17)) return "provider: vin";
  if (NameIs(R"(company(_name)?|employer|organi[sz]ation)") && Fits("company", "", 40)) return "provider: company";
  if (NameIs(R"(job_?title|position)") && Fits("job_title", "", 40)) return "provider: job_title";
  if (NameIs(R"(user_?name|login|handle)") && Fits("username", "", 30)) return "provider: username";
  return "";
}

std::string Guesser::Categorical() const {
  auto categories = Categories(values_);
  if (categories.empty()) return "";
  for (const auto& [v, share] : categories) {
    if (limit_ && v.size() > limit_) return "";
  }
  std::string out = "provider: category, params: {values: {";
  for (size_t i = 0; i < categories.size(); ++i) {
    out += (i ? ", " : "") + Yaml(categories[i].first) + ": " + Number(categories[i].second);
  }
  return out + "}}";
}

// Providers that can make a value unique, for a unique text column.
bool CanBeUnique(const std::string& source) {
  return source == "provider: email" || source == "provider: ssn" || source == "provider: credit_card.number" ||
         source == "provider: vin" || source == "provider: username";
}

std::string Guesser::Text(ColumnGuess& guess) const {
  std::string source = Personal();
  if (source.empty()) source = ByPattern();
  if (source.empty() && !Keyed()) source = Categorical();
  if (source.empty()) source = ByName();
  if (!source.empty() && Keyed() && !CanBeUnique(source)) source.clear();
  if (!source.empty()) return source;
  if (Keyed()) {
    // Letters and digits: 36^width values, enough for short keys too.
    const size_t width = limit_ ? std::min<size_t>(limit_, 12) : 12;
    const double space = std::pow(36.0, static_cast<double>(width));
    if (space < 1e18) guess.max_rows = static_cast<uint64_t>(space);
    return "provider: pattern, params: {pattern: '" + std::string(width, '*') + "'}";
  }
  size_t longest = 0, fewest_words = SIZE_MAX, most_words = 0, titles = 0, upper = 0;
  for (const std::string& v : values_) {
    longest = std::max(longest, v.size());
    const size_t words = WordCount(v);
    fewest_words = std::min(fewest_words, words);
    most_words = std::max(most_words, words);
    titles += LooksLikeTitle(v);
    upper += AllUpper(v);
  }
  const size_t max_length = limit_ ? limit_ : values_.empty() ? 60 : std::max<size_t>(longest, 8);
  if (!values_.empty() && titles >= kPatternShare * values_.size() && most_words <= 8 && Has("title")) {
    return fmt::format("provider: title, params: {{min_words: {}, max_words: {}, case: {}, max_length: {}}}",
                       std::max<size_t>(1, fewest_words), std::max<size_t>(1, most_words),
                       upper >= kPatternShare * values_.size() ? "upper" : "title", max_length);
  }
  if (limit_ > 0 && limit_ < 4) return "provider: pattern, params: {pattern: '" + std::string(limit_, '?') + "'}";
  const size_t words = values_.empty() ? std::max<size_t>(1, std::min<size_t>(6, max_length / 8))
                                       : std::clamp<size_t>(most_words, 1, 60);
  return fmt::format("provider: text, params: {{max_words: {}, max_length: {}}}", words, max_length);
}

// The PostgreSQL types of the sqltypes pack; the data's bounds where the
// values show them.
std::string Guesser::PostgresType() const {
  using F = SqlType::Family;
  switch (e_.type.family) {
    case F::kBytea: {
      if (values_.empty() || !Has("bytes")) return "provider: bytes";
      size_t lo = SIZE_MAX, hi = 0;
      for (const std::string& v : values_) {
        const size_t bytes = v.size() >= 2 ? (v.size() - 2) / 2 : 0;  // \x then two digits a byte
        lo = std::min(lo, bytes);
        hi = std::max(hi, bytes);
      }
      return fmt::format("provider: bytes, params: {{min_length: {}, max_length: {}}}", lo, hi);
    }
    case F::kInet: return "provider: ip.inet";
    case F::kCidr: return "provider: ip.cidr";
    case F::kInterval: return "provider: interval";
    case F::kTime: {
      static const std::regex kClock(R"(\d\d:\d\d:\d\d.*)");
      std::string lo, hi;
      for (const std::string& v : values_) {
        if (!std::regex_match(v, kClock)) continue;
        const std::string clock = v.substr(0, 8);
        lo = lo.empty() ? clock : std::min(lo, clock);
        hi = hi.empty() ? clock : std::max(hi, clock);
      }
      if (lo.empty()) return "provider: time_of_day";
      return "provider: time_of_day, params: {from: " + Yaml(lo) + ", to: " + Yaml(hi) + "}";
    }
    case F::kTsvector: {
      std::string out = "provider: tsvector";
      const char* params[] = {"source", "source2", "source3"};
      for (size_t i = 0; i < e_.text_columns.size() && i < 3; ++i) {
        out += (i ? ", " : ", params: {") + std::string(params[i]) + ": " + Yaml(e_.text_columns[i]);
      }
      return e_.text_columns.empty() ? out : out + "}";
    }
    case F::kInt4Range:
    case F::kInt8Range: return "provider: range, params: {of: integer}";
    case F::kNumRange: return "provider: range, params: {of: numeric}";
    case F::kDateRange: return "provider: range, params: {of: date}";
    case F::kTsRange: return "provider: range, params: {of: timestamp}";
    case F::kTstzRange: return "provider: range, params: {of: timestamptz}";
    default: return "";
  }
}

}  // namespace

ColumnGuess GuessColumn(const ColumnEvidence& evidence, const ProviderRegistry& registry) {
  return Guesser(evidence, registry).Run();
}

std::string PerParentFromCounts(const std::map<int64_t, uint64_t>& parents_with) {
  double parents = 0, sum = 0;
  for (const auto& [count, n] : parents_with) {
    parents += static_cast<double>(n);
    sum += static_cast<double>(count) * static_cast<double>(n);
  }
  const int64_t lo = parents_with.begin()->first, hi = parents_with.rbegin()->first;
  if (lo == hi) return std::to_string(lo);
  if (parents_with.size() <= kMaxWeightedCounts) {
    std::string out = "{weights: {";
    bool first = true;
    for (const auto& [count, n] : parents_with) {
      out += fmt::format("{}{}: {:.4g}", first ? "" : ", ", count, static_cast<double>(n) / parents);
      first = false;
    }
    return out + "}}";
  }
  const double mean = sum / parents;
  double variance = 0;
  for (const auto& [count, n] : parents_with) variance += static_cast<double>(n) * std::pow(count - mean, 2);
  variance /= parents;
  // A Poisson's variance equals its mean; half again as much is still
  // closer to it than to the heavy tail a log-normal draws.
  if (variance <= 1.5 * mean) return fmt::format("{{poisson: {:.4g}, min: {}, max: {}}}", mean, lo, hi);
  double log_sum = 0, log_square = 0, positive = 0;
  for (const auto& [count, n] : parents_with) {
    if (count <= 0) continue;
    const double l = std::log(static_cast<double>(count));
    log_sum += l * static_cast<double>(n);
    log_square += l * l * static_cast<double>(n);
    positive += static_cast<double>(n);
  }
  const double mu = positive > 0 ? log_sum / positive : 0;
  const double sigma = positive > 0 ? std::sqrt(std::max(0.0, log_square / positive - mu * mu)) : 1;
  return fmt::format("{{lognormal: {{mu: {:.4g}, sigma: {:.4g}}}, min: {}, max: {}}}", mu, std::max(sigma, 0.01), lo, hi);
}

namespace internal {

// YAML scalars: bare when unambiguous, double-quoted with escapes when the
// text has control characters (a single-quoted scalar folds its line
// breaks into spaces), else single-quoted.
std::string Yaml(const std::string& s) {
  static const std::set<std::string> kWords = {"true", "false", "yes", "no", "on", "off", "null", "~", ""};
  // [A-Za-z_][A-Za-z0-9_ .-/]*, by hand: std::regex recurses once per
  // character and overflowed the stack on long text.
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  auto bare_char = [&](char c) { return letter(c) || (c >= '0' && c <= '9') || c == ' ' || c == '.' || c == '-' || c == '/'; };
  const bool bare = !s.empty() && letter(s[0]) && std::all_of(s.begin(), s.end(), bare_char);
  std::string lower = s;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (bare && !kWords.count(lower) && s.back() != ' ') return s;
  const bool control = std::any_of(s.begin(), s.end(), [](char c) { return (c >= 0 && c < 0x20) || c == 0x7f; });
  if (control) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') {
        out += '\\';
        out += c;
      } else if ((c >= 0 && c < 0x20) || c == 0x7f) {
        out += fmt::format("\\x{:02x}", static_cast<unsigned>(c));
      } else {
        out += c;
      }
    }
    return out + "\"";
  }
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

}  // namespace internal

}  // namespace seedforge
