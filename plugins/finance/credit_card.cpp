// `credit_card`: a payment card number with its issuer's prefix and length
// and a Luhn check digit, the matching security-code length, and an expiry
// date after the run's reference date.
//
// Layout of a number: issuer prefix (IIN), random filler digits, a 10-digit
// account part, the check digit. The account part is what makes numbers
// unique: with `unique`, row r gets account part Permute(r), so two rows of
// one prefix differ there, and two rows of different issuers differ in the
// prefix (the issuers' ranges are disjoint). Every issuer has at least ten
// digits between prefix and check digit (Diners Club 300-305: 14 - 3 - 1),
// hence the 10^10 distinct numbers.
#include <algorithm>
#include <array>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finance/finance_providers.h"
#include "seedforge/calendar.h"
#include "seedforge/identifiers.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

enum CardField : size_t { kNumber, kProvider, kCvv, kExpiration, kExpirationMmYy };

constexpr int kAccountDigits = 10;
constexpr uint64_t kAccountSpace = 10'000'000'000ULL;  // 10^kAccountDigits
constexpr uint64_t kPow10[] = {1,         10,         100,         1000,       10000,
                               100000,    1000000,    10000000,    100000000,  1000000000,
                               kAccountSpace};

// One range of issuer identification numbers: the prefixes lo..hi, each
// `digits` long, used for `share` of the issuer's cards.
struct PrefixRange {
  uint32_t lo, hi;
  int digits;
  double share;
};

struct Issuer {
  std::string_view key;   // for the `issuers` parameter
  std::string_view name;  // as written to the `provider` field
  std::string_view alias;
  int length;  // digits of the number, check digit included
  int cvv;     // digits of the security code
  std::array<PrefixRange, 3> ranges;
  int range_count;
  double default_share;
};

// Prefixes and lengths per ISO/IEC 7812-1 and the networks' published IIN
// ranges: the subset of identifiers::FindCardScheme's ranges this provider
// writes (finance_test checks that every number it writes passes
// identifiers::CardNumberValid as the issuer it names). Visa: 4, 16 digits (Visa Core Rules; 13- and 19-digit Visa
// numbers exist but are rare). Mastercard: 51-55 and, since 2017, the
// 2-series 2221-2720, 16 digits (Mastercard Rules; the 2-series is still a
// minority of cards in use). American Express: 34 and 37, 15 digits, a
// four-digit CID. Discover: 6011, 644-649 and 65, 16 digits; Diners Club
// International: 36 and 300-305, 14 digits; JCB: 3528-3589, 16 digits (all
// three per Discover Global Network's IIN range tables).
//
// Default shares: rounded US shares of general-purpose card purchase
// volume in the Nilson Report's recent annual tables (Visa about half,
// Mastercard a quarter, American Express most of the rest, Discover a
// few percent); JCB and Diners Club, rare in the US, get 2% each so that
// every issuer turns up in small samples.
constexpr Issuer kIssuers[] = {
    {"visa", "Visa", "", 16, 3, {{{4, 4, 1, 1.0}}}, 1, 0.52},
    {"mastercard", "Mastercard", "master card", 16, 3,
     {{{51, 55, 2, 0.8}, {2221, 2720, 4, 0.2}}}, 2, 0.25},
    {"amex", "American Express", "american express", 15, 4,
     {{{34, 34, 2, 0.3}, {37, 37, 2, 0.7}}}, 2, 0.14},
    {"discover", "Discover", "", 16, 3,
     {{{6011, 6011, 4, 0.6}, {644, 649, 3, 0.1}, {65, 65, 2, 0.3}}}, 3, 0.05},
    {"jcb", "JCB", "", 16, 3, {{{3528, 3589, 4, 1.0}}}, 1, 0.02},
    {"diners", "Diners Club", "diners club", 14, 3, {{{36, 36, 2, 0.8}, {300, 305, 3, 0.2}}}, 2,
     0.02},
};
constexpr size_t kIssuerCount = std::size(kIssuers);

int FindIssuer(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < kIssuerCount; ++i) {
    const Issuer& is = kIssuers[i];
    std::string name(is.name);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower == is.key || lower == name || (!is.alias.empty() && lower == is.alias)) {
      return static_cast<int>(i);
    }
  }
  return -1;
}

// Writes `count` digits of `value` (zero-padded) at out[0..count).
void PutDigits(uint64_t value, int count, char* out) {
  for (int i = count - 1; i >= 0; --i) {
    out[i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

struct ExpiryMonth {
  int64_t last_day;        // days since 1970-01-01
  std::array<char, 5> mmyy;  // "MM/YY"
};

class CreditCardProvider : public Provider {
 public:
  CreditCardProvider(std::vector<size_t> issuers, const std::vector<double>& weights,
                     std::vector<ExpiryMonth> months)
      : issuers_(std::move(issuers)), sampler_(weights), months_(std::move(months)) {}

  void Fill(const FillArgs& args) const override {
    auto out = [&](size_t f) { return f < args.outputs.size() ? args.outputs[f] : nullptr; };
    BatchColumn* number = out(kNumber);
    BatchColumn* provider = out(kProvider);
    BatchColumn* cvv = out(kCvv);
    BatchColumn* expiration = out(kExpiration);
    BatchColumn* mmyy = out(kExpirationMmYy);
    const bool unique = number && kNumber < args.unique.size() && args.unique[kNumber];
    std::optional<IndexPermutation> permute;
    if (unique) permute.emplace(args.key, kAccountSpace);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // Every draw is made whichever fields were asked for, in a fixed
      // order, so a row's card does not depend on the columns selected.
      RandomStream random(args.key, args.rows[i]);
      const Issuer& issuer = kIssuers[issuers_[sampler_.Sample(random)]];
      double u = random.Uniform();
      const PrefixRange* range = &issuer.ranges[static_cast<size_t>(issuer.range_count - 1)];
      for (int r = 0; r < issuer.range_count; ++r) {
        if (u < issuer.ranges[static_cast<size_t>(r)].share) {
          range = &issuer.ranges[static_cast<size_t>(r)];
          break;
        }
        u -= issuer.ranges[static_cast<size_t>(r)].share;
      }
      const uint64_t prefix = range->lo + random.Below(range->hi - range->lo + 1);
      const int filler_digits = issuer.length - 1 - range->digits - kAccountDigits;
      const uint64_t filler = random.Below(kPow10[filler_digits]);
      uint64_t account = random.Below(kAccountSpace);
      const uint64_t code = random.Below(kPow10[issuer.cvv]);
      const ExpiryMonth& month = months_[random.Below(months_.size())];

      if (number) {
        if (unique) account = (*permute)(args.rows[i] % kAccountSpace);
        char digits[20];
        PutDigits(prefix, range->digits, digits);
        PutDigits(filler, filler_digits, digits + range->digits);
        PutDigits(account, kAccountDigits, digits + range->digits + filler_digits);
        digits[issuer.length - 1] =
            identifiers::LuhnCheckDigit(std::string_view(digits, static_cast<size_t>(issuer.length - 1)));
        number->texts[i].assign(digits, static_cast<size_t>(issuer.length));
      }
      if (provider) provider->texts[i].assign(issuer.name);
      if (cvv) {
        char digits[4];
        PutDigits(code, issuer.cvv, digits);
        cvv->texts[i].assign(digits, static_cast<size_t>(issuer.cvv));
      }
      if (expiration) expiration->ints[i] = month.last_day;
      if (mmyy) mmyy->texts[i].assign(month.mmyy.data(), month.mmyy.size());
    }
  }

  size_t MaxLength(size_t field) const override {
    size_t longest = 0;
    for (size_t i : issuers_) {
      const Issuer& is = kIssuers[i];
      switch (field) {
        case kNumber: longest = std::max(longest, static_cast<size_t>(is.length)); break;
        case kProvider: longest = std::max(longest, is.name.size()); break;
        case kCvv: longest = std::max(longest, static_cast<size_t>(is.cvv)); break;
        case kExpirationMmYy: longest = 5; break;
        default: break;
      }
    }
    return longest;
  }

  std::optional<uint64_t> UniqueSpace(size_t field) const override {
    if (field == kNumber) return kAccountSpace;
    return std::nullopt;
  }

 private:
  std::vector<size_t> issuers_;  // indices into kIssuers, aligned with sampler_
  AliasSampler sampler_;
  std::vector<ExpiryMonth> months_;
};

}  // namespace

std::unique_ptr<Provider> MakeCreditCardProvider(const Params& params, const ProviderContext& ctx) {
  std::vector<size_t> issuers;
  std::vector<double> weights;
  if (params.Has("issuers")) {
    for (const auto& [name, weight] : params.Weighted("issuers")) {
      const int i = FindIssuer(name);
      if (i < 0) {
        params.Fail("issuers", "unknown issuer '" + name +
                                   "': expected visa, mastercard, amex, discover, jcb or diners");
      }
      if (weight <= 0) continue;
      auto it = std::find(issuers.begin(), issuers.end(), static_cast<size_t>(i));
      if (it == issuers.end()) {
        issuers.push_back(static_cast<size_t>(i));
        weights.push_back(weight);
      } else {
        weights[static_cast<size_t>(it - issuers.begin())] += weight;
      }
    }
  } else {
    for (size_t i = 0; i < kIssuerCount; ++i) {
      issuers.push_back(i);
      weights.push_back(kIssuers[i].default_share);
    }
  }

  // Expiry: the last day of a month (cards are valid "through" their
  // month), strictly after `today`, at most `years` years ahead. Months
  // are equally likely: issuers reissue on a fixed cycle, so a portfolio's
  // expiries are spread evenly.
  const int64_t years = params.Int("years", 5);
  if (years < 1 || years > 50) params.Fail("years", "must be between 1 and 50");
  int year;
  unsigned month, day;
  CivilFromDays(ctx.today, year, month, day);
  const int64_t this_month = static_cast<int64_t>(year) * 12 + (month - 1);
  std::vector<ExpiryMonth> months;
  for (int64_t m = this_month; m <= this_month + years * 12; ++m) {
    const int y = static_cast<int>(m / 12);
    const unsigned mon = static_cast<unsigned>(m % 12) + 1;
    const int64_t last_day = DaysFromCivil(y, mon, DaysInMonth(y, mon));
    if (last_day <= ctx.today) continue;
    ExpiryMonth e;
    e.last_day = last_day;
    e.mmyy = {static_cast<char>('0' + mon / 10), static_cast<char>('0' + mon % 10), '/',
              static_cast<char>('0' + (y / 10) % 10), static_cast<char>('0' + y % 10)};
    months.push_back(e);
  }
  return std::make_unique<CreditCardProvider>(std::move(issuers), weights, std::move(months));
}

}  // namespace seedforge
