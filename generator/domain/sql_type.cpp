#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <regex>
#include <string_view>

#include "seedforge/domain.h"
#include "seedforge/sql_ident.h"

namespace seedforge {

namespace {
std::string Normalise(std::string text) {
  std::string out;
  bool space = false;
  for (char c : text) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = !out.empty();
      continue;
    }
    if (space && c != '(' && c != ')' && c != ',' && out.back() != '(' && out.back() != ',') out += ' ';
    space = false;
    out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}
}  // namespace

std::optional<SqlType> ParseSqlType(const std::string& text, const std::vector<std::string>& enum_names) {
  using F = SqlType::Family;
  static const std::vector<std::pair<std::string, F>> kPlain = {
      {"smallint", F::kSmallInt}, {"int2", F::kSmallInt},
      {"integer", F::kInteger}, {"int", F::kInteger}, {"int4", F::kInteger},
      {"bigint", F::kBigInt}, {"int8", F::kBigInt},
      {"numeric", F::kNumeric}, {"decimal", F::kNumeric},
      {"real", F::kReal}, {"float4", F::kReal},
      {"double precision", F::kDouble}, {"float8", F::kDouble}, {"double", F::kDouble},
      {"text", F::kText}, {"varchar", F::kVarchar}, {"character varying", F::kVarchar},
      {"char", F::kChar}, {"character", F::kChar},
      {"boolean", F::kBoolean}, {"bool", F::kBoolean}, {"date", F::kDate},
      {"timestamp", F::kTimestamp}, {"timestamp without time zone", F::kTimestamp},
      {"timestamptz", F::kTimestampTz}, {"timestamp with time zone", F::kTimestampTz},
      {"uuid", F::kUuid}, {"json", F::kJson}, {"jsonb", F::kJsonb},
  };
  std::string t = Normalise(text);
  bool array = false;
  if (t.size() > 2 && t.substr(t.size() - 2) == "[]") {
    array = true;
    t.resize(t.size() - 2);
    while (!t.empty() && t.back() == ' ') t.pop_back();
  }
  // An enum type: named as written (case kept; double-quoted as SQL writes
  // it, "Mood", format_type's output for such a name) or as type names read
  // (any case), with [] for its array.
  {
    std::string_view raw = text;
    auto trim = [&] {
      while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.front()))) raw.remove_prefix(1);
      while (!raw.empty() && std::isspace(static_cast<unsigned char>(raw.back()))) raw.remove_suffix(1);
    };
    trim();
    if (array) {
      raw.remove_suffix(2);
      trim();
    }
    std::string name(raw);
    if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
      name.clear();
      for (size_t i = 1; i + 1 < raw.size(); ++i) {
        if (raw[i] == '"' && raw[i + 1] == '"') ++i;
        name += raw[i];
      }
    }
    for (const std::string& enum_name : enum_names) {
      if (name == enum_name || t == enum_name) {
        SqlType type;
        type.family = F::kEnum;
        type.enum_name = enum_name;
        type.array = array;
        return type;
      }
    }
  }
  std::string base = t, args;
  size_t paren = t.find('(');
  if (paren != std::string::npos) {
    if (t.back() != ')') return std::nullopt;
    base = t.substr(0, paren);
    while (!base.empty() && base.back() == ' ') base.pop_back();
    args = t.substr(paren + 1, t.size() - paren - 2);
  }
  auto it = std::find_if(kPlain.begin(), kPlain.end(), [&](const auto& p) { return p.first == base; });
  if (it == kPlain.end()) return std::nullopt;
  SqlType type;
  type.family = it->second;
  type.array = array;
  if (!args.empty()) {
    std::smatch m;
    if (type.family == F::kVarchar || type.family == F::kChar) {
      if (!std::regex_match(args, m, std::regex(R"((\d{1,7}))"))) return std::nullopt;
      type.length = std::stoi(m[1]);
      if (type.length <= 0) return std::nullopt;
    } else if (type.family == F::kNumeric) {
      if (!std::regex_match(args, m, std::regex(R"((\d{1,4})(?:,(\d{1,4}))?)"))) return std::nullopt;
      type.precision = std::stoi(m[1]);
      type.scale = m[2].matched ? std::stoi(m[2]) : 0;
      // PostgreSQL's limits: precision 1 to 1000, scale up to the precision.
      if (type.precision < 1 || type.precision > 1000 || type.scale > type.precision) return std::nullopt;
    } else {
      return std::nullopt;
    }
  } else if (type.family == F::kChar) {
    type.length = 1;
  }
  return type;
}

std::string SqlType::ToSql() const {
  using F = Family;
  if (array) {
    SqlType element = *this;
    element.array = false;
    return element.ToSql() + "[]";
  }
  switch (family) {
    case F::kSmallInt: return "smallint";
    case F::kInteger: return "integer";
    case F::kBigInt: return "bigint";
    case F::kNumeric:
      if (precision == 0) return "numeric";
      return "numeric(" + std::to_string(precision) + "," + std::to_string(scale) + ")";
    case F::kReal: return "real";
    case F::kDouble: return "double precision";
    case F::kText: return "text";
    case F::kVarchar: return length ? "varchar(" + std::to_string(length) + ")" : "varchar";
    case F::kChar: return "char(" + std::to_string(length) + ")";
    case F::kBoolean: return "boolean";
    case F::kDate: return "date";
    case F::kTimestamp: return "timestamp";
    case F::kTimestampTz: return "timestamptz";
    case F::kUuid: return "uuid";
    case F::kJson: return "json";
    case F::kJsonb: return "jsonb";
    case F::kEnum: return QuoteIdent(enum_name);
  }
  return "text";
}

bool SqlType::TakesText() const {
  return array || family == Family::kJson || family == Family::kJsonb || family == Family::kEnum;
}

bool SqlType::HoldsNumbers(const ValueRange& range) const {
  // Of an array type, the elements' family is checked.
  const long double low = range.min, high = range.max;
  switch (family) {
    case Family::kSmallInt: return low >= INT16_MIN && high <= INT16_MAX;
    case Family::kInteger: return low >= INT32_MIN && high <= INT32_MAX;
    case Family::kBigInt: return low >= INT64_MIN && high <= INT64_MAX;
    case Family::kNumeric: {
      if (precision == 0) return true;
      // PostgreSQL rounds to `scale` decimals, then refuses a value whose
      // integer part has more than precision - scale digits.
      const long double unit = std::pow(10.0L, scale);
      const long double magnitude = std::max(std::fabs(low), std::fabs(high));
      return std::round(magnitude * unit) / unit < std::pow(10.0L, precision - scale);
    }
    case Family::kReal: return std::max(std::fabs(low), std::fabs(high)) <= 3.4028234663852886e38L;
    default: return true;
  }
}

std::string SqlType::NumberLimits() const {
  switch (family) {
    case Family::kSmallInt: return "-32768 to 32767";
    case Family::kInteger: return "-2147483648 to 2147483647";
    case Family::kBigInt: return "-9223372036854775808 to 9223372036854775807";
    case Family::kNumeric:
      return "values below 10^" + std::to_string(precision - scale) + " in magnitude";
    case Family::kReal: return "magnitudes up to 3.4e38";
    default: return "any number";
  }
}

std::pair<ValueKind, int> SqlType::StoredKind() const {
  using F = Family;
  if (array) return {ValueKind::kText, 0};
  if (IsInteger()) return {ValueKind::kInt, 0};
  switch (family) {
    case F::kNumeric: return precision > 0 ? std::make_pair(ValueKind::kDecimal, scale) : std::make_pair(ValueKind::kFloat, 0);
    case F::kReal:
    case F::kDouble: return {ValueKind::kFloat, 0};
    case F::kBoolean: return {ValueKind::kBool, 0};
    case F::kDate: return {ValueKind::kDate, 0};
    case F::kTimestamp:
    case F::kTimestampTz: return {ValueKind::kTimestamp, 0};
    default: return {ValueKind::kText, 0};
  }
}

bool SqlType::IsInteger() const {
  return !array && (family == Family::kSmallInt || family == Family::kInteger || family == Family::kBigInt);
}

bool SqlType::IsText() const {
  return !array && (family == Family::kText || family == Family::kVarchar || family == Family::kChar);
}

std::string SqlExpressionProblem(std::string_view text) {
  auto word_char = [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '$' || static_cast<unsigned char>(c) >= 0x80;
  };
  const size_t n = text.size();
  int depth = 0;
  size_t i = 0;
  while (i < n) {
    const char c = text[i];
    const unsigned char u = static_cast<unsigned char>(c);
    const bool word_before = i > 0 && word_char(text[i - 1]);
    if ((u < 0x20 && c != '\t' && c != '\n' && c != '\r') || u == 0x7f) return "it contains a control character";
    if (c == '\'' || ((c == 'E' || c == 'e') && i + 1 < n && text[i + 1] == '\'' && !word_before)) {
      // '...' with '' for a quote; E'...' also with backslash escapes.
      const bool escapes = c != '\'';
      i += escapes ? 2 : 1;
      while (true) {
        if (i >= n) return "a string is not terminated";
        if (escapes && text[i] == '\\') {
          i += 2;
        } else if (text[i] == '\'') {
          if (i + 1 < n && text[i + 1] == '\'') {
            i += 2;
          } else {
            ++i;
            break;
          }
        } else {
          ++i;
        }
      }
      continue;
    }
    if (c == '"') {  // a quoted name, "" for a quote
      for (++i;; ++i) {
        if (i >= n) return "a quoted name is not terminated";
        if (text[i] == '"') {
          if (i + 1 < n && text[i + 1] == '"') {
            ++i;
          } else {
            ++i;
            break;
          }
        }
      }
      continue;
    }
    if (c == '$' && !word_before) {  // $tag$ ... $tag$ (the tag may be empty)
      size_t end = i + 1;
      while (end < n && (std::isalpha(static_cast<unsigned char>(text[end])) || text[end] == '_' ||
                         (end > i + 1 && std::isdigit(static_cast<unsigned char>(text[end]))))) {
        ++end;
      }
      if (end < n && text[end] == '$') {
        const std::string_view tag = text.substr(i, end - i + 1);
        const size_t close = text.find(tag, end + 1);
        if (close == std::string_view::npos) return "a dollar-quoted string is not terminated";
        i = close + tag.size();
        continue;
      }
    }
    if ((c == '-' && i + 1 < n && text[i + 1] == '-') || (c == '/' && i + 1 < n && text[i + 1] == '*')) {
      return "it contains a comment";
    }
    if (c == ';') return "it contains a ';'";
    if (c == '(') ++depth;
    if (c == ')' && --depth < 0) return "a ')' closes a parenthesis it did not open";
    ++i;
  }
  if (depth > 0) return "a '(' is not closed";
  return "";
}

namespace {
// A drawn count as an integer; far tails (an overflowing exp) become
// kMaxRows rather than an unrepresentable value, before the [min, max] clamp.
int64_t RoundedCount(double x) {
  return std::llround(std::clamp(x, 0.0, static_cast<double>(kMaxRows)));
}
}  // namespace

std::optional<uint64_t> ParseRowCount(std::string_view text) {
  uint64_t rows = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), rows);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || rows > kMaxRows) return std::nullopt;
  return rows;
}

int64_t Cardinality::Sample(RandomStream& random) const {
  int64_t n = 0;
  switch (kind) {
    case Kind::kFixed: return min;
    case Kind::kRange: return random.Between(min, max);
    case Kind::kPoisson: {
      // Knuth's multiplication method for small means, a rounded normal
      // approximation above 30 where it is accurate to well under 1%.
      if (lambda < 30) {
        double limit = std::exp(-lambda), product = random.Uniform();
        while (product > limit) {
          ++n;
          product *= random.Uniform();
        }
      } else {
        n = RoundedCount(lambda + std::sqrt(lambda) * random.Normal());
      }
      break;
    }
    case Kind::kLogNormal: n = RoundedCount(std::exp(mu + sigma * random.Normal())); break;
    case Kind::kWeighted: {
      double total = 0;
      for (double w : weights) total += w;
      double u = random.Uniform() * total;
      size_t i = 0;
      while (i + 1 < weights.size() && u >= weights[i]) u -= weights[i++];
      n = counts[i];
      break;
    }
    case Kind::kFunnel:
      while (n < static_cast<int64_t>(chances.size()) && random.Chance(chances[n])) ++n;
      break;
    case Kind::kColumn: break;  // read from the parent by the plan
  }
  return std::clamp(n, min, max);
}

double Cardinality::Mean() const {
  switch (kind) {
    case Kind::kFixed: return static_cast<double>(min);
    case Kind::kRange: return (min + max) / 2.0;
    case Kind::kPoisson: return lambda;
    case Kind::kLogNormal: return std::exp(mu + sigma * sigma / 2);
    case Kind::kWeighted: {
      double total = 0, sum = 0;
      for (size_t i = 0; i < counts.size(); ++i) {
        total += weights[i];
        sum += weights[i] * static_cast<double>(counts[i]);
      }
      return total > 0 ? sum / total : 0;
    }
    case Kind::kFunnel: {
      // State i is reached with the product of the chances up to it.
      double reached = 1, sum = 0;
      for (double chance : chances) sum += reached *= chance;
      return sum;
    }
    case Kind::kColumn: return 0;  // known only once the parents are made
  }
  return 0;
}

}  // namespace seedforge
