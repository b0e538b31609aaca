#include "seedforge/column.h"

#include <charconv>
#include <cstdio>

namespace seedforge {

std::string_view ValueKindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInt: return "integer";
    case ValueKind::kFloat: return "float";
    case ValueKind::kDecimal: return "decimal";
    case ValueKind::kText: return "text";
    case ValueKind::kBool: return "boolean";
    case ValueKind::kDate: return "date";
    case ValueKind::kTimestamp: return "timestamp";
    case ValueKind::kUuid: return "uuid";
  }
  return "?";
}

namespace {
bool UsesInts(ValueKind k) {
  return k == ValueKind::kInt || k == ValueKind::kDecimal || k == ValueKind::kBool ||
         k == ValueKind::kDate || k == ValueKind::kTimestamp;
}
}  // namespace

void BatchColumn::Resize(size_t n) {
  if (UsesInts(kind)) {
    ints.resize(n);
  } else if (kind == ValueKind::kFloat) {
    floats.resize(n);
  } else {
    texts.resize(n);
  }
  if (!nulls.empty()) nulls.assign(n, 0);
}

size_t BatchColumn::size() const {
  if (UsesInts(kind)) return ints.size();
  if (kind == ValueKind::kFloat) return floats.size();
  return texts.size();
}

void BatchColumn::SetNull(size_t i) {
  if (nulls.empty()) nulls.assign(size(), 0);
  nulls[i] = 1;
}

void BatchColumn::AppendText(size_t i, std::string& out) const {
  switch (kind) {
    case ValueKind::kInt: AppendInt(ints[i], out); return;
    case ValueKind::kFloat: AppendDouble(floats[i], out); return;
    case ValueKind::kDecimal: AppendDecimal(ints[i], scale, out); return;
    case ValueKind::kBool: out += ints[i] ? "true" : "false"; return;
    case ValueKind::kDate: AppendDate(ints[i], out); return;
    case ValueKind::kTimestamp: AppendTimestamp(ints[i], out); return;
    case ValueKind::kText:
    case ValueKind::kUuid: out += texts[i]; return;
  }
}

std::string BatchColumn::Text(size_t i) const {
  std::string out;
  AppendText(i, out);
  return out;
}

namespace {
// The last `width` decimal digits of value, zero-padded. REQUIRES: 0 <= width <= 20
// (a uint64_t has at most 20 digits).
void AppendPadded(uint64_t value, int width, std::string& out) {
  char buf[20];
  for (int i = width - 1; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
  out.append(buf, width);
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
}  // namespace

void AppendDate(int64_t days, std::string& out) {
  int y;
  unsigned m, d;
  CivilFromDays(days, y, m, d);
  if (y < 0 || y > 9999) {
    out += std::to_string(y);
  } else {
    AppendPadded(static_cast<unsigned>(y), 4, out);
  }
  out += '-';
  AppendPadded(m, 2, out);
  out += '-';
  AppendPadded(d, 2, out);
}

void AppendTimestamp(int64_t micros, std::string& out) {
  constexpr int64_t kMicrosPerDay = 86400LL * 1000000;
  int64_t days = FloorDiv(micros, kMicrosPerDay);
  int64_t rest = micros - days * kMicrosPerDay;
  AppendDate(days, out);
  int64_t seconds = rest / 1000000;
  unsigned fraction = static_cast<unsigned>(rest % 1000000);
  out += ' ';
  AppendPadded(static_cast<unsigned>(seconds / 3600), 2, out);
  out += ':';
  AppendPadded(static_cast<unsigned>(seconds / 60 % 60), 2, out);
  out += ':';
  AppendPadded(static_cast<unsigned>(seconds % 60), 2, out);
  if (fraction) {
    out += '.';
    AppendPadded(fraction, 6, out);
  }
}

void AppendInt(int64_t value, std::string& out) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

void AppendDecimal(int64_t unscaled, int scale, std::string& out) {
  if (scale <= 0) {
    AppendInt(unscaled, out);
    return;
  }
  // Digits of the magnitude, then the point inserted `scale` digits from the
  // right (zero-padded on the left): no power of ten is formed, so any scale
  // PostgreSQL allows (numeric's up to 1000) prints without overflow.
  const uint64_t magnitude = unscaled < 0 ? 0 - static_cast<uint64_t>(unscaled) : unscaled;
  char buf[24];
  const auto [end, ec] = std::to_chars(buf, buf + sizeof buf, magnitude);
  const std::string_view digits(buf, end - buf);
  if (unscaled < 0) out += '-';
  const size_t width = static_cast<size_t>(scale);
  if (digits.size() > width) {
    out.append(digits.substr(0, digits.size() - width));
    out += '.';
    out.append(digits.substr(digits.size() - width));
  } else {
    out += "0.";
    out.append(width - digits.size(), '0');
    out.append(digits);
  }
}

void AppendDouble(double value, std::string& out) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

}  // namespace seedforge
