// Providers of the sqltypes pack: each writes its type's text input form
// (PostgreSQL documentation, chapter 8, "Data Types").
#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <iterator>
#include <string>
#include <vector>

#include "seedforge/error.h"
#include "sqltypes/sqltypes_providers.h"

namespace seedforge {
namespace {

constexpr int64_t kSecondsPerDay = 86400;
constexpr int64_t kMicrosPerSecond = 1000000;

void AppendTwoDigits(int64_t v, std::string& out) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

// HH:MM:SS of a second of the day.
void AppendClock(int64_t seconds, std::string& out) {
  AppendTwoDigits(seconds / 3600, out);
  out += ':';
  AppendTwoDigits(seconds / 60 % 60, out);
  out += ':';
  AppendTwoDigits(seconds % 60, out);
}

// bytea's hex format (section 8.4.1): \x then two hex digits a byte.
class BytesProvider : public Provider {
 public:
  BytesProvider(int64_t min_length, int64_t max_length) : min_(min_length), max_(max_length) {}

  void Fill(const FillArgs& args) const override {
    static constexpr char kHex[] = "0123456789abcdef";
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      std::string& s = out.texts[i];
      s = "\\x";
      for (int64_t n = random.Between(min_, max_); n > 0; --n) {
        const uint64_t byte = random.Below(256);
        s += kHex[byte >> 4];
        s += kHex[byte & 15];
      }
    }
  }

  size_t MaxLength(size_t) const override { return static_cast<size_t>(2 + 2 * max_); }

 private:
  int64_t min_, max_;
};

// IPv4 addresses from 1.0.0.0 to 223.255.255.255 (unicast, RFC 791 classes
// A to C) outside 10/8 and 127/8, so that they look like public hosts.
class IpProvider : public Provider {
 public:
  void Fill(const FillArgs& args) const override {
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      uint32_t first = 0;
      do {
        first = static_cast<uint32_t>(random.Between(1, 223));
      } while (first == 10 || first == 127);
      const uint32_t address = first << 24 | static_cast<uint32_t>(random.Below(1u << 24));
      const int prefix = static_cast<int>(random.Between(8, 30));
      if (args.outputs[0]) Append(address, -1, args.outputs[0]->texts[i]);
      if (args.outputs.size() > 1 && args.outputs[1]) {
        // cidr refuses a value with bits set right of the mask.
        Append(address & ~((1u << (32 - prefix)) - 1), prefix, args.outputs[1]->texts[i]);
      }
    }
  }

 private:
  static void Append(uint32_t address, int prefix, std::string& out) {
    out.clear();
    for (int shift = 24; shift >= 0; shift -= 8) {
      AppendInt((address >> shift) & 255, out);
      if (shift) out += '.';
    }
    if (prefix >= 0) {
      out += '/';
      AppendInt(prefix, out);
    }
  }
};

// IPv6 host addresses in the five regional registries' /12 blocks of
// global unicast space (IANA "IPv6 Global Unicast Address Assignments":
// 2400::/12 APNIC, 2600::/12 ARIN, 2800::/12 LACNIC, 2a00::/12 RIPE NCC,
// 2c00::/12 AFRINIC), so that they look like public hosts and none falls in
// a documentation or special-purpose range. A /64 subnet is random; the
// interface identifier is random 64 bits for half the hosts (SLAAC with
// temporary addresses, RFC 8981) and a small number 1-65535 for the other
// half (numbered by hand or DHCPv6, "2a01:4f8:1c1c:7e4b::25"), so both the
// full and the "::" forms turn up. Written in RFC 5952's canonical form,
// which PostgreSQL's inet output also uses.
class Ipv6Provider : public Provider {
 public:
  void Fill(const FillArgs& args) const override {
    static constexpr uint64_t kBlocks[] = {0x240, 0x260, 0x280, 0x2a0, 0x2c0};
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      const uint64_t block = kBlocks[random.Below(std::size(kBlocks))];
      const uint64_t subnet = block << 52 | (random.Next() >> 12);
      const bool random_id = random.Chance(0.5);
      const uint64_t random_bits = random.Next();
      const uint64_t small_id = static_cast<uint64_t>(random.Between(1, 0xffff));
      const uint64_t interface_id = random_id ? random_bits : small_id;
      // A network: an allocation (/32), a site (/48), a subnet (/64) or a
      // prefix length between them.
      const int prefix = static_cast<int>(random.Between(32, 64));
      if (args.outputs[0]) Append(subnet, interface_id, -1, args.outputs[0]->texts[i]);
      if (args.outputs.size() > 1 && args.outputs[1]) {
        // cidr refuses a value with bits set right of the mask.
        Append(subnet & ~((uint64_t{1} << (64 - prefix)) - 1), 0, prefix, args.outputs[1]->texts[i]);
      }
    }
  }

 private:
  // RFC 5952 section 4: groups in lower-case hex without leading zeros;
  // the longest run of two or more zero groups (the first of equal runs)
  // written "::".
  static void Append(uint64_t high, uint64_t low, int prefix, std::string& out) {
    static constexpr char kHex[] = "0123456789abcdef";
    uint16_t groups[8];
    for (int g = 0; g < 4; ++g) {
      groups[g] = static_cast<uint16_t>(high >> (48 - 16 * g));
      groups[4 + g] = static_cast<uint16_t>(low >> (48 - 16 * g));
    }
    int best = -1, best_length = 1;
    for (int g = 0; g < 8;) {
      if (groups[g] != 0) {
        ++g;
        continue;
      }
      int end = g;
      while (end < 8 && groups[end] == 0) ++end;
      if (end - g > best_length) {
        best = g;
        best_length = end - g;
      }
      g = end;
    }
    out.clear();
    for (int g = 0; g < 8; ++g) {
      if (g == best) {
        out += "::";
        g += best_length - 1;
        continue;
      }
      if (!out.empty() && out.back() != ':') out += ':';
      bool leading = true;
      for (int shift = 12; shift >= 0; shift -= 4) {
        const int digit = groups[g] >> shift & 15;
        if (digit == 0 && leading && shift > 0) continue;
        leading = false;
        out += kHex[digit];
      }
    }
    if (prefix >= 0) {
      out += '/';
      AppendInt(prefix, out);
    }
  }
};

// A number of seconds uniform in [min, max], written as an interval
// ('3 days 04:05:06') or as a time of day ('04:05:06').
class SecondsProvider : public Provider {
 public:
  enum class Form { kInterval, kTimeOfDay };
  SecondsProvider(int64_t min, int64_t max, Form form) : min_(min), max_(max), form_(form) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      const int64_t seconds = random.Between(min_, max_);
      std::string& s = out.texts[i];
      s.clear();
      if (seconds < 0) {  // "-1 days -01:00:00" would need a sign on each part
        AppendInt(seconds, s);
        s += " seconds";
        continue;
      }
      if (form_ == Form::kInterval && seconds >= kSecondsPerDay) {
        AppendInt(seconds / kSecondsPerDay, s);
        s += " days ";
      }
      AppendClock(seconds % kSecondsPerDay, s);
    }
  }

 private:
  int64_t min_, max_;
  Form form_;
};

enum class RangeOf { kInteger, kNumeric, kDate, kTimestamp, kTimestampTz };

// [lower,upper) with lower < upper: the canonical form of discrete ranges
// (section 8.17.7), so the server keeps the value as written.
class RangeProvider : public Provider {
 public:
  RangeProvider(RangeOf of, int64_t min, int64_t max, int64_t max_width)
      : of_(of), min_(min), max_(max), max_width_(max_width) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      const int64_t lower = random.Between(min_, max_ - 1);
      const int64_t upper = lower + random.Between(1, std::min(max_width_, max_ - lower));
      std::string& s = out.texts[i];
      s = "[";
      Append(lower, s);
      s += ',';
      Append(upper, s);
      s += ')';
    }
  }

 private:
  void Append(int64_t v, std::string& out) const {
    switch (of_) {
      case RangeOf::kInteger: AppendInt(v, out); return;
      case RangeOf::kNumeric: AppendDecimal(v, 2, out); return;
      case RangeOf::kDate: AppendDate(v, out); return;
      case RangeOf::kTimestamp:
      case RangeOf::kTimestampTz:
        out += '"';
        AppendTimestamp(v * kMicrosPerSecond, out);
        if (of_ == RangeOf::kTimestampTz) out += "+00";
        out += '"';
        return;
    }
  }

  RangeOf of_;
  int64_t min_, max_, max_width_;  // units: integers, hundredths, days or seconds
};

// Lorem words for a vector without source columns (as the text provider's).
constexpr const char* kFillerWords[] = {"lorem", "ipsum", "dolor", "sit", "amet", "consectetur",
                                        "adipiscing", "elit", "sed", "tempor", "magna", "aliqua"};

// The lexemes of to_tsvector('simple', ...): words lower-cased, each with
// its positions, quoted as tsvector input reads them (section 8.11.1; a
// quote inside is doubled, a backslash escaped).
class TsvectorProvider : public Provider {
 public:
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    std::string word;
    for (size_t i = 0; i < args.rows.size(); ++i) {
      std::string& s = out.texts[i];
      s.clear();
      int position = 0;
      auto flush = [&] {
        if (word.empty()) return;
        if (!s.empty()) s += ' ';
        s += '\'';
        for (char c : word) {
          if (c == '\'' || c == '\\') s += c == '\'' ? '\'' : '\\';
          s += c;
        }
        s += "':";
        AppendInt(std::min(++position, 16383), s);  // the largest position tsvector keeps
        word.clear();
      };
      bool any_input = false;
      for (const BatchColumn* input : args.inputs) {
        if (!input || input->IsNull(i)) continue;
        any_input = true;
        for (char c : input->texts[i]) {
          const unsigned char u = static_cast<unsigned char>(c);
          if (std::isalnum(u) || u >= 0x80) {
            word += static_cast<char>(std::tolower(u));
          } else {
            flush();
          }
        }
        flush();
      }
      if (!any_input) {
        RandomStream random(args.key, args.rows[i]);
        for (int64_t n = random.Between(1, 6); n > 0; --n) {
          word = kFillerWords[random.Below(std::size(kFillerWords))];
          flush();
        }
      }
    }
  }
};

// Seconds since midnight of HH:MM[:SS].
int64_t ClockParam(const Params& params, const std::string& name, const std::string& fallback) {
  const std::string text = params.String(name, fallback);
  int h = 0, m = 0, s = 0;
  char extra = 0;
  const int n = std::sscanf(text.c_str(), "%2d:%2d:%2d%c", &h, &m, &s, &extra);
  if ((n != 2 && n != 3) || h < 0 || h > 23 || m < 0 || m > 59 || s < 0 || s > 59) {
    params.Fail(name, "'" + text + "' is not a time of day HH:MM[:SS]");
  }
  return h * 3600 + m * 60 + s;
}

}  // namespace

std::unique_ptr<Provider> MakeBytesProvider(const Params& params, const ProviderContext&) {
  const int64_t min = params.Int("min_length", 4), max = params.Int("max_length", 16);
  if (min < 0 || max < min || max > (1 << 20)) params.Fail("max_length", "must be >= min_length >= 0, at most 1048576");
  return std::make_unique<BytesProvider>(min, max);
}

std::unique_ptr<Provider> MakeIpProvider(const Params&, const ProviderContext&) {
  return std::make_unique<IpProvider>();
}

std::unique_ptr<Provider> MakeIpv6Provider(const Params&, const ProviderContext&) {
  return std::make_unique<Ipv6Provider>();
}

std::unique_ptr<Provider> MakeIntervalProvider(const Params& params, const ProviderContext&) {
  const int64_t min = params.Int("min", 0), max = params.Int("max", 30 * kSecondsPerDay);
  if (max < min) params.Fail("max", "must be >= min");
  return std::make_unique<SecondsProvider>(min, max, SecondsProvider::Form::kInterval);
}

std::unique_ptr<Provider> MakeTimeOfDayProvider(const Params& params, const ProviderContext&) {
  const int64_t from = ClockParam(params, "from", "00:00:00"), to = ClockParam(params, "to", "23:59:59");
  if (to < from) params.Fail("to", "must not be before 'from'");
  return std::make_unique<SecondsProvider>(from, to, SecondsProvider::Form::kTimeOfDay);
}

std::unique_ptr<Provider> MakeRangeProvider(const Params& params, const ProviderContext& ctx) {
  const std::string of_text = params.String("of", "integer");
  RangeOf of = RangeOf::kInteger;
  int64_t min = 0, max = 0;
  if (of_text == "integer" || of_text == "bigint") {
    min = params.Int("min", 0);
    max = params.Int("max", 1000);
  } else if (of_text == "numeric") {
    of = RangeOf::kNumeric;
    min = static_cast<int64_t>(std::llround(params.Double("min", 0) * 100));
    max = static_cast<int64_t>(std::llround(params.Double("max", 1000) * 100));
  } else if (of_text == "date") {
    of = RangeOf::kDate;
    min = params.Date("min", "2024-01-01", ctx.today);
    max = params.Date("max", "2024-12-31", ctx.today);
  } else if (of_text == "timestamp" || of_text == "timestamptz") {
    of = of_text == "timestamp" ? RangeOf::kTimestamp : RangeOf::kTimestampTz;
    min = params.Timestamp("min", "2024-01-01", ctx.today) / kMicrosPerSecond;
    max = params.Timestamp("max", "2024-12-31 23:59:59", ctx.today) / kMicrosPerSecond;
  } else {
    params.Fail("of", "'" + of_text + "' is not one of integer, bigint, numeric, date, timestamp, timestamptz");
  }
  if (max <= min) params.Fail("max", "must be above min (a range needs lower < upper)");
  int64_t width = params.Int("max_width", std::max<int64_t>(1, (max - min) / 10));
  if (of == RangeOf::kNumeric && params.Has("max_width")) width *= 100;
  if (width < 1) params.Fail("max_width", "must be >= 1");
  return std::make_unique<RangeProvider>(of, min, max, width);
}

std::unique_ptr<Provider> MakeTsvectorProvider(const Params&, const ProviderContext&) {
  return std::make_unique<TsvectorProvider>();
}

}  // namespace seedforge
