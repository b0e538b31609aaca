// `iban`: an International Bank Account Number of a European country, in
// its electronic form (DE89370400440532013000) and as printed in groups of
// four, with its country. The BBAN has the country's length and character
// classes (letters where the country's bank code is letters, digits
// elsewhere), and the IBAN check digits are right (identifiers.h); check
// digits a country keeps inside its BBAN (France's RIB key, Spain's DC) are
// not computed, so a national validator may refuse the number, as it should
// refuse any invented account.
//
// Layout of a BBAN: leading characters per the country's format, then the
// last 10 digits, the account part. As in credit_card, the account part
// makes numbers unique: with `unique`, row r gets account part Permute(r),
// and rows of different countries differ in the country code.
#include <algorithm>
#include <cctype>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "finance/finance_providers.h"
#include "seedforge/identifiers.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

enum IbanField : size_t { kIban, kPrinted, kCountry };

constexpr size_t kAccountDigits = 10;
constexpr uint64_t kAccountSpace = 10'000'000'000ULL;  // 10^kAccountDigits

// A country's BBAN: `format` has one character per BBAN position, 'U' for
// an upper-case letter and 'F' for a digit (the classes of the SWIFT IBAN
// Registry, where a position the registry allows to be alphanumeric is
// written as a digit, as most banks there do). Every format ends with at
// least kAccountDigits digits.
struct BbanFormat {
  std::string_view country;
  std::string_view format;
};

// Per the SWIFT IBAN Registry's BBAN structures (as tabulated in
// arhs/iban.js): e.g. GB is a 4-letter bank code, a 6-digit sort code and
// an 8-digit account; NL a 4-letter bank code and a 10-digit account; IT a
// CIN letter, ABI, CAB and a 12-character account.
constexpr BbanFormat kFormats[] = {
    {"AT", "FFFFFFFFFFFFFFFF"},
    {"BE", "FFFFFFFFFFFF"},
    {"CH", "FFFFFFFFFFFFFFFFF"},
    {"DE", "FFFFFFFFFFFFFFFFFF"},
    {"DK", "FFFFFFFFFFFFFF"},
    {"ES", "FFFFFFFFFFFFFFFFFFFF"},
    {"FI", "FFFFFFFFFFFFFF"},
    {"FR", "FFFFFFFFFFFFFFFFFFFFFFF"},
    {"GB", "UUUUFFFFFFFFFFFFFF"},
    {"IE", "UUUUFFFFFFFFFFFFFF"},
    {"IT", "UFFFFFFFFFFFFFFFFFFFFFF"},
    {"NL", "UUUUFFFFFFFFFF"},
    {"NO", "FFFFFFFFFFF"},
    {"PL", "FFFFFFFFFFFFFFFFFFFFFFFF"},
    {"PT", "FFFFFFFFFFFFFFFFFFFFF"},
    {"SE", "FFFFFFFFFFFFFFFFFFFF"},
};

// Default shares: the six largest IBAN countries by population (Eurostat
// and ONS estimates for 2023, millions), a stand-in for their numbers of
// accounts.
constexpr std::pair<std::string_view, double> kDefaultCountries[] = {
    {"DE", 84}, {"GB", 68}, {"FR", 68}, {"IT", 59}, {"ES", 48}, {"NL", 18},
};

const BbanFormat* FindFormat(std::string_view country) {
  for (const BbanFormat& f : kFormats) {
    if (f.country == country) return &f;
  }
  return nullptr;
}

class IbanProvider : public Provider {
 public:
  IbanProvider(std::vector<const BbanFormat*> countries, const std::vector<double>& weights)
      : countries_(std::move(countries)), sampler_(weights) {}

  void Fill(const FillArgs& args) const override {
    auto out = [&](size_t f) { return f < args.outputs.size() ? args.outputs[f] : nullptr; };
    BatchColumn* iban_out = out(kIban);
    BatchColumn* printed_out = out(kPrinted);
    BatchColumn* country_out = out(kCountry);
    auto asked_unique = [&](size_t f) { return f < args.unique.size() && args.unique[f] && out(f); };
    const bool unique = asked_unique(kIban) || asked_unique(kPrinted);
    std::optional<IndexPermutation> permute;
    if (unique) permute.emplace(args.key, kAccountSpace);
    std::string bban, iban;
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // The same draws whichever fields are asked for, so a row's number
      // does not depend on the columns selected.
      RandomStream random(args.key, args.rows[i]);
      const BbanFormat& f = *countries_[sampler_.Sample(random)];
      const size_t lead = f.format.size() - kAccountDigits;
      bban.assign(f.format.size(), '0');
      for (size_t p = 0; p < lead; ++p) {
        bban[p] = f.format[p] == 'U' ? static_cast<char>('A' + random.Below(26))
                                     : static_cast<char>('0' + random.Below(10));
      }
      uint64_t account = random.Below(kAccountSpace);
      if (unique) account = (*permute)(args.rows[i] % kAccountSpace);
      for (size_t p = bban.size(); p-- > lead;) {
        bban[p] = static_cast<char>('0' + account % 10);
        account /= 10;
      }
      iban.assign(f.country);
      iban += identifiers::IbanCheckDigits(f.country, bban);
      iban += bban;
      if (iban_out) iban_out->texts[i] = iban;
      if (printed_out) {
        std::string& s = printed_out->texts[i];
        s.clear();
        for (size_t p = 0; p < iban.size(); ++p) {
          if (p && p % 4 == 0) s += ' ';
          s += iban[p];
        }
      }
      if (country_out) country_out->texts[i].assign(f.country);
    }
  }

  size_t MaxLength(size_t field) const override {
    size_t longest = 0;
    for (const BbanFormat* f : countries_) longest = std::max(longest, 4 + f->format.size());
    switch (field) {
      case kIban: return longest;
      case kPrinted: return longest + (longest - 1) / 4;
      case kCountry: return 2;
      default: return 0;
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t field) const override {
    if (field == kIban || field == kPrinted) return kAccountSpace;
    return std::nullopt;
  }

 private:
  std::vector<const BbanFormat*> countries_;  // aligned with sampler_
  AliasSampler sampler_;
};

}  // namespace

std::unique_ptr<Provider> MakeIbanProvider(const Params& params, const ProviderContext&) {
  std::vector<std::pair<std::string, double>> asked;
  if (params.Has("country")) {
    asked = params.Weighted("country");
  } else {
    for (const auto& [code, weight] : kDefaultCountries) asked.emplace_back(code, weight);
  }
  std::vector<const BbanFormat*> countries;
  std::vector<double> weights;
  for (auto& [code, weight] : asked) {
    std::string upper = code;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const BbanFormat* f = FindFormat(upper);
    if (!f) {
      std::string known;
      for (const BbanFormat& k : kFormats) known += (known.empty() ? "" : ", ") + std::string(k.country);
      params.Fail("country", "no IBAN format for '" + code + "'; known: " + known);
    }
    if (weight <= 0) continue;
    auto it = std::find(countries.begin(), countries.end(), f);
    if (it == countries.end()) {
      countries.push_back(f);
      weights.push_back(weight);
    } else {
      weights[static_cast<size_t>(it - countries.begin())] += weight;
    }
  }
  return std::make_unique<IbanProvider>(std::move(countries), weights);
}

}  // namespace seedforge
