#include <cmath>
#include "seedforge/params.h"

#include <charconv>
#include <algorithm>
#include <cstdlib>
#include <string_view>

#include "seedforge/calendar.h"
#include "seedforge/column.h"

namespace seedforge {

const ParamValue* Params::Find(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? nullptr : &it->second;
}

const SourceLocation& Params::Where(const std::string& name) const {
  const ParamValue* v = Find(name);
  return v ? v->where : where_;
}

void Params::Fail(const std::string& name, const std::string& message) const {
  throw InputError(Where(name), "parameter '" + name + "': " + message);
}

namespace {
const std::string& ScalarOf(const Params& params, const std::string& name, const ParamValue& v) {
  if (v.type != ParamValue::Type::kScalar) params.Fail(name, "expected a single value");
  return v.scalar;
}
}  // namespace

std::string Params::String(const std::string& name, const std::string& fallback) const {
  const ParamValue* v = Find(name);
  return v ? ScalarOf(*this, name, *v) : fallback;
}

int64_t Params::Int(const std::string& name, int64_t fallback) const {
  const ParamValue* v = Find(name);
  if (!v) return fallback;
  const std::string& s = ScalarOf(*this, name, *v);
  int64_t out = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || end != s.data() + s.size()) {
    Fail(name, "expected an integer, got '" + s + "'");
  }
  return out;
}

double Params::Double(const std::string& name, double fallback) const {
  const ParamValue* v = Find(name);
  if (!v) return fallback;
  const std::string& s = ScalarOf(*this, name, *v);
  char* end = nullptr;
  double out = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || !std::isfinite(out)) {
    Fail(name, "expected a finite number, got '" + s + "'");
  }
  return out;
}

bool Params::Bool(const std::string& name, bool fallback) const {
  const ParamValue* v = Find(name);
  if (!v) return fallback;
  const std::string& s = ScalarOf(*this, name, *v);
  if (s == "true" || s == "yes" || s == "on") return true;
  if (s == "false" || s == "no" || s == "off") return false;
  Fail(name, "expected true or false, got '" + s + "'");
}

std::vector<std::string> Params::StringList(const std::string& name) const {
  std::vector<std::string> out;
  const ParamValue* v = Find(name);
  if (!v) return out;
  if (v->type == ParamValue::Type::kList) {
    for (const ParamValue& item : v->list) out.push_back(ScalarOf(*this, name, item));
  } else if (v->type == ParamValue::Type::kScalar) {
    size_t start = 0;
    while (start <= v->scalar.size()) {
      size_t comma = v->scalar.find(',', start);
      if (comma == std::string::npos) comma = v->scalar.size();
      std::string item = v->scalar.substr(start, comma - start);
      while (!item.empty() && item.front() == ' ') item.erase(item.begin());
      while (!item.empty() && item.back() == ' ') item.pop_back();
      if (!item.empty()) out.push_back(item);
      start = comma + 1;
    }
  } else {
    Fail(name, "expected a list");
  }
  return out;
}

std::vector<std::pair<std::string, double>> Params::Weighted(const std::string& name) const {
  std::vector<std::pair<std::string, double>> out;
  const ParamValue* v = Find(name);
  if (!v) return out;
  if (v->type == ParamValue::Type::kMap) {
    for (const auto& [key, weight] : v->map) {
      const std::string& s = ScalarOf(*this, name, weight);
      char* end = nullptr;
      double w = std::strtod(s.c_str(), &end);
      if (s.empty() || end != s.c_str() + s.size() || !(w >= 0)) {
        throw InputError(weight.where, "parameter '" + name + "': weight of '" + key +
                                           "' must be a number >= 0, got '" + s + "'");
      }
      out.emplace_back(key, w);
    }
  } else {
    for (std::string& item : StringList(name)) out.emplace_back(std::move(item), 1.0);
  }
  double total = 0;
  for (const auto& item : out) total += item.second;
  if (out.empty() || total <= 0) Fail(name, "needs at least one value with a positive weight");
  return out;
}

}  // namespace seedforge

namespace seedforge {

namespace {
// Digits only: from_chars alone would take a sign ("today+-5d", and -n of
// INT_MIN overflows).
bool ParseUnsigned(std::string_view s, int* out) {
  if (s.empty() || s[0] < '0' || s[0] > '9') return false;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && end == s.data() + s.size();
}

int64_t AddMonths(int64_t days, int64_t months) {
  int y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  int64_t total = static_cast<int64_t>(y) * 12 + (m - 1) + months;
  int new_year = static_cast<int>(total >= 0 ? total / 12 : (total - 11) / 12);
  unsigned new_month = static_cast<unsigned>(total - static_cast<int64_t>(new_year) * 12) + 1;
  return DaysFromCivil(new_year, new_month, std::min(d, DaysInMonth(new_year, new_month)));
}
}  // namespace

bool ParseDateSpec(const std::string& text, int64_t today, int64_t* days) {
  std::string_view s = text;
  if (s.substr(0, 5) == "today") {
    s.remove_prefix(5);
    if (s.empty()) {
      *days = today;
      return true;
    }
    if (s.size() < 3 || (s[0] != '+' && s[0] != '-')) return false;
    int n = 0;
    if (!ParseUnsigned(s.substr(1, s.size() - 2), &n)) return false;
    // A relative date lands in years 0000-9999 like an absolute one, which
    // keeps its timestamp (microseconds) far from int64's limits.
    static const int64_t kFirst = DaysFromCivil(0, 1, 1), kLast = DaysFromCivil(9999, 12, 31);
    if (n > kLast - kFirst) return false;
    const int64_t amount = s[0] == '-' ? -n : n;
    int64_t result;
    switch (s.back()) {
      case 'd': result = today + amount; break;
      case 'm': result = AddMonths(today, amount); break;
      case 'y': result = AddMonths(today, amount * 12); break;
      default: return false;
    }
    if (result < kFirst || result > kLast) return false;
    *days = result;
    return true;
  }
  int y, m, d;
  if (s.size() != 10 || s[4] != '-' || s[7] != '-' || !ParseUnsigned(s.substr(0, 4), &y) ||
      !ParseUnsigned(s.substr(5, 2), &m) || !ParseUnsigned(s.substr(8, 2), &d) || m < 1 ||
      m > 12 || d < 1 || d > 31) {
    return false;
  }
  *days = DaysFromCivil(y, static_cast<unsigned>(m), static_cast<unsigned>(d));
  int yy;
  unsigned mm, dd;
  CivilFromDays(*days, yy, mm, dd);
  return static_cast<int>(dd) == d;  // rejects 2023-02-30
}

bool ParseTimestampSpec(const std::string& text, int64_t today, int64_t* micros) {
  size_t space = text.find_first_of(" T");
  int64_t days = 0;
  if (!ParseDateSpec(text.substr(0, space), today, &days)) return false;
  int64_t seconds = 0;
  if (space != std::string::npos) {
    std::string_view t = std::string_view(text).substr(space + 1);
    if (!t.empty() && t.back() == 'Z') t.remove_suffix(1);
    int h = 0, mi = 0, se = 0;
    if (t.size() < 5 || t[2] != ':' || !ParseUnsigned(t.substr(0, 2), &h) ||
        !ParseUnsigned(t.substr(3, 2), &mi) || h > 23 || mi > 59) {
      return false;
    }
    if (t.size() > 5 && (t.size() != 8 || t[5] != ':' || !ParseUnsigned(t.substr(6, 2), &se) ||
                         se > 59)) {
      return false;
    }
    seconds = h * 3600 + mi * 60 + se;
  }
  *micros = (days * 86400 + seconds) * 1000000;
  return true;
}

int64_t Params::Date(const std::string& name, const std::string& fallback, int64_t today) const {
  std::string text = String(name, fallback);
  int64_t days = 0;
  if (!ParseDateSpec(text, today, &days)) {
    Fail(name, "expected a date YYYY-MM-DD or today[+-]N(d|m|y), got '" + text + "'");
  }
  return days;
}

int64_t Params::Timestamp(const std::string& name, const std::string& fallback,
                          int64_t today) const {
  std::string text = String(name, fallback);
  int64_t micros = 0;
  if (!ParseTimestampSpec(text, today, &micros)) {
    Fail(name, "expected a timestamp YYYY-MM-DD[ HH:MM[:SS]], got '" + text + "'");
  }
  return micros;
}

}  // namespace seedforge
