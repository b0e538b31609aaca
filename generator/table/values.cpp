// Parsing and writing the values of table columns: numbers, booleans, and
// dates and timestamps in the formats of seedforge/table.h.
#include <charconv>
#include <cmath>

#include "seedforge/calendar.h"
#include "seedforge/column.h"
#include "seedforge/table.h"
#include "table/date_parts.h"

namespace seedforge {

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view lower) {
  if (a.size() != lower.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    const char c = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    if (c != lower[i]) return false;
  }
  return true;
}

// A run of min..max digits at s[*pos]; advances *pos.
bool DigitRun(std::string_view s, size_t* pos, size_t min, size_t max, int* value) {
  size_t n = 0;
  int v = 0;
  while (*pos + n < s.size() && n < max && s[*pos + n] >= '0' && s[*pos + n] <= '9') {
    v = v * 10 + (s[*pos + n] - '0');
    ++n;
  }
  if (n < min || (*pos + n < s.size() && n == max && s[*pos + n] >= '0' && s[*pos + n] <= '9')) return false;
  *pos += n;
  *value = v;
  return true;
}

bool IsDateSeparator(char c) { return c == '-' || c == '/' || c == '.'; }

void AppendTwo(unsigned v, std::string& out) {
  out += static_cast<char>('0' + v / 10 % 10);
  out += static_cast<char>('0' + v % 10);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

namespace internal {

bool SplitDateTime(std::string_view s, DateParts* p) {
  s = Trim(s);
  size_t pos = 0;
  int first;
  const size_t start = pos;
  if (!DigitRun(s, &pos, 1, 4, &first)) return false;
  const size_t width = pos - start;
  if (width == 3 || pos >= s.size() || !IsDateSeparator(s[pos])) return false;
  p->date_separator = s[pos++];
  if (!DigitRun(s, &pos, 1, 2, &p->a) || pos >= s.size() || s[pos] != p->date_separator) return false;
  ++pos;
  p->year_first = width == 4;
  if (p->year_first) {
    p->year = first;
    if (!DigitRun(s, &pos, 1, 2, &p->b)) return false;
  } else {
    p->b = p->a;
    p->a = first;
    if (!DigitRun(s, &pos, 4, 4, &p->year)) return false;
  }
  p->has_time = false;
  p->has_seconds = false;
  p->hour = p->minute = p->second = 0;
  p->fraction_micros = 0;
  p->fraction_digits = 0;
  p->zone = DateFormat::Zone::kNone;
  p->offset_minutes = 0;
  if (pos == s.size()) return true;
  if (s[pos] != 'T' && s[pos] != ' ') return false;
  p->time_separator = s[pos++];
  p->has_time = true;
  if (!DigitRun(s, &pos, 1, 2, &p->hour) || pos >= s.size() || s[pos] != ':') return false;
  ++pos;
  if (!DigitRun(s, &pos, 2, 2, &p->minute) || p->hour > 23 || p->minute > 59) return false;
  if (pos < s.size() && s[pos] == ':') {
    ++pos;
    if (!DigitRun(s, &pos, 2, 2, &p->second) || p->second > 60) return false;
    p->has_seconds = true;
    if (pos < s.size() && (s[pos] == '.' || s[pos] == ',')) {
      ++pos;
      const size_t digits_start = pos;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (p->fraction_digits < 6) {
          p->fraction_micros = p->fraction_micros * 10 + (s[pos] - '0');
          ++p->fraction_digits;
        }
        ++pos;
      }
      if (pos == digits_start) return false;
      for (int i = p->fraction_digits; i < 6; ++i) p->fraction_micros *= 10;
    }
  }
  if (pos == s.size()) return true;
  if (s[pos] == 'Z' && pos + 1 == s.size()) {
    p->zone = DateFormat::Zone::kUtc;
    return true;
  }
  if (s[pos] != '+' && s[pos] != '-') return false;
  const int sign = s[pos++] == '+' ? 1 : -1;
  // +HH, +HHMM or +HH:MM.
  const std::string_view zone = s.substr(pos);
  int hours, minutes = 0;
  size_t at = 0;
  if (zone.size() < 2 || !DigitRun(zone.substr(0, 2), &at, 2, 2, &hours) || hours > 23) return false;
  std::string_view rest = zone.substr(2);
  if (!rest.empty() && rest[0] == ':') rest.remove_prefix(1);
  at = 0;
  if (!rest.empty() && (rest.size() != 2 || !DigitRun(rest, &at, 2, 2, &minutes) || minutes > 59)) return false;
  p->zone = DateFormat::Zone::kOffset;
  p->offset_minutes = sign * (hours * 60 + minutes);
  return true;
}

bool DateTimeMicros(const DateParts& p, DateFormat::Order order, int64_t* micros) {
  if (p.year_first != (order == DateFormat::Order::kYmd)) return false;
  const int month = order == DateFormat::Order::kDmy ? p.b : p.a;
  const int day = order == DateFormat::Order::kDmy ? p.a : p.b;
  if (!IsValidDate(p.year, month, day)) return false;
  const int64_t days = DaysFromCivil(p.year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  const int64_t seconds = ((days * 24 + p.hour) * 60 + p.minute - p.offset_minutes) * 60 + p.second;
  *micros = seconds * 1'000'000 + p.fraction_micros;
  return true;
}

}  // namespace internal

std::optional<int64_t> ParseInteger(std::string_view text) {
  text = Trim(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  int64_t value;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<double> ParseDecimal(std::string_view text, int* decimals) {
  text = Trim(text);
  if (!text.empty() && text[0] == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double value;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value)) return std::nullopt;
  if (decimals) {
    // Letters here can only be an exponent (inf and nan are refused above).
    const size_t point = text.find('.');
    const bool exponent = text.find_first_of("eE") != std::string_view::npos;
    *decimals = exponent ? -1 : point == std::string_view::npos ? 0 : static_cast<int>(text.size() - point - 1);
  }
  return value;
}

std::optional<bool> ParseBoolean(std::string_view text) {
  text = Trim(text);
  for (std::string_view t : {"true", "t", "yes"}) {
    if (EqualsIgnoreCase(text, t)) return true;
  }
  for (std::string_view f : {"false", "f", "no"}) {
    if (EqualsIgnoreCase(text, f)) return false;
  }
  return std::nullopt;
}

std::optional<ParsedDateTime> ParseDateTime(std::string_view text, const DateFormat& format) {
  ParsedDateTime out;
  if (format.epoch) {
    int decimals = 0;
    const std::optional<double> seconds = ParseDecimal(text, &decimals);
    // Years 0000-9999 at most, as every other timestamp.
    if (!seconds || std::fabs(*seconds) > 253'402'300'800.0) return std::nullopt;
    out.micros = std::llround(*seconds * 1e6);
    out.has_time = true;
    out.fraction_digits = decimals < 0 ? 6 : std::min(decimals, 6);
    return out;
  }
  internal::DateParts parts;
  if (!internal::SplitDateTime(text, &parts)) return std::nullopt;
  // Year-last text read for a year-first column (or the reverse) is read in
  // the usual order for its kind: ISO conditions work on any column.
  DateFormat::Order order = format.order;
  if (parts.year_first) {
    order = DateFormat::Order::kYmd;
  } else if (order == DateFormat::Order::kYmd) {
    order = parts.date_separator == '/' ? DateFormat::Order::kMdy : DateFormat::Order::kDmy;
  }
  if (!internal::DateTimeMicros(parts, order, &out.micros)) return std::nullopt;
  out.has_time = parts.has_time;
  out.fraction_digits = parts.fraction_digits;
  return out;
}

void AppendDateTime(int64_t value, bool timestamp, const DateFormat& format, std::string& out) {
  if (format.epoch) {
    const int64_t micros = timestamp ? value : value * kMicrosPerDay;
    const int64_t seconds = FloorDiv(micros, 1'000'000);
    AppendInt(seconds, out);
    if (const int64_t fraction = micros - seconds * 1'000'000) {
      std::string digits = std::to_string(1'000'000 + fraction).substr(1);
      while (digits.back() == '0') digits.pop_back();
      out += '.';
      out += digits;
    }
    return;
  }
  if (format.IsIso()) {
    if (timestamp) {
      AppendTimestamp(value, out);
    } else {
      AppendDate(value, out);
    }
    return;
  }
  const int64_t days = timestamp ? FloorDiv(value, kMicrosPerDay) : value;
  int year;
  unsigned month, day;
  CivilFromDays(days, year, month, day);
  // The parts in the format's order: year, month, day (or the reverse).
  enum Part : uint8_t { kYear, kMonth, kDay };
  static constexpr Part kParts[3][3] = {{kYear, kMonth, kDay}, {kMonth, kDay, kYear}, {kDay, kMonth, kYear}};
  for (int i = 0; i < 3; ++i) {
    if (i > 0) out += format.date_separator;
    switch (kParts[static_cast<int>(format.order)][i]) {
      case kYear:
        if (year >= 0 && year <= 9999) {
          AppendTwo(static_cast<unsigned>(year) / 100, out);
          AppendTwo(static_cast<unsigned>(year) % 100, out);
        } else {
          out += std::to_string(year);
        }
        break;
      case kMonth: AppendTwo(month, out); break;
      case kDay: AppendTwo(day, out); break;
    }
  }
  if (!timestamp) return;
  const int64_t rest = value - days * kMicrosPerDay;
  const int64_t seconds = rest / 1'000'000;
  out += format.time_separator;
  AppendTwo(static_cast<unsigned>(seconds / 3600), out);
  out += ':';
  AppendTwo(static_cast<unsigned>(seconds / 60 % 60), out);
  if (format.seconds) {
    out += ':';
    AppendTwo(static_cast<unsigned>(seconds % 60), out);
    if (const int64_t fraction = rest % 1'000'000) {
      out += '.';
      out += std::to_string(1'000'000 + fraction).substr(1);
    }
  }
  if (format.zone == DateFormat::Zone::kUtc) out += 'Z';
  if (format.zone == DateFormat::Zone::kOffset) out += "+00:00";
}

std::string DateFormat::Name(bool timestamp) const {
  if (epoch) return "epoch";
  const std::string sep(1, date_separator);
  std::string name = order == Order::kYmd   ? "YYYY" + sep + "MM" + sep + "DD"
                     : order == Order::kMdy ? "MM" + sep + "DD" + sep + "YYYY"
                                            : "DD" + sep + "MM" + sep + "YYYY";
  if (!timestamp) return name;
  name += time_separator;
  name += seconds ? "HH:MM:SS" : "HH:MM";
  if (zone == Zone::kUtc) name += 'Z';
  if (zone == Zone::kOffset) name += "+HH:MM";
  return name;
}

std::optional<DateFormat> DateFormat::Parse(std::string_view name) {
  DateFormat format;
  if (name == "epoch") {
    format.epoch = true;
    return format;
  }
  bool found = false;
  for (Order order : {Order::kYmd, Order::kMdy, Order::kDmy}) {
    for (char sep : {'-', '/', '.'}) {
      DateFormat candidate;
      candidate.order = order;
      candidate.date_separator = sep;
      if (name.substr(0, 10) == candidate.Name(false)) {
        format = candidate;
        found = true;
      }
    }
  }
  if (!found) return std::nullopt;
  std::string_view time = name.substr(10);
  if (time.empty()) return format;
  format.time_separator = time[0];
  if (format.time_separator != ' ' && format.time_separator != 'T') return std::nullopt;
  time.remove_prefix(1);
  if (time.substr(0, 5) != "HH:MM") return std::nullopt;
  time.remove_prefix(5);
  format.seconds = time.substr(0, 3) == ":SS";
  if (format.seconds) time.remove_prefix(3);
  if (time == "Z") {
    format.zone = Zone::kUtc;
  } else if (time == "+HH:MM") {
    format.zone = Zone::kOffset;
  } else if (!time.empty()) {
    return std::nullopt;
  }
  return format;
}

}  // namespace seedforge
