// `bank_account`: a US bank account: an ABA routing transit number with a
// valid check digit, an account number (unique on demand) and an account
// type.
#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "finance/finance_providers.h"
#include "seedforge/identifiers.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

enum BankField : size_t { kAccountNumber, kRoutingNumber, kAccountType };

// Share of routing numbers of commercial banks (first two digits 01-12, the
// Federal Reserve district) against thrifts (21-32: district + 20), per the
// ABA's "Routing Number Policy"; banks hold most US deposit accounts.
constexpr double kCommercialShare = 0.8;

class BankAccountProvider : public Provider {
 public:
  BankAccountProvider(int account_digits, WeightedTable types)
      : account_digits_(account_digits), types_(std::move(types)) {
    space_ = 1;
    for (int i = 0; i < account_digits_; ++i) space_ *= 10;
  }

  void Fill(const FillArgs& args) const override {
    auto out = [&](size_t f) { return f < args.outputs.size() ? args.outputs[f] : nullptr; };
    BatchColumn* account = out(kAccountNumber);
    BatchColumn* routing = out(kRoutingNumber);
    BatchColumn* type = out(kAccountType);
    const bool unique =
        account && kAccountNumber < args.unique.size() && args.unique[kAccountNumber];
    std::optional<IndexPermutation> permute;
    if (unique) permute.emplace(args.key, space_);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      const bool commercial = random.Uniform() < kCommercialShare;
      const uint64_t district = 1 + random.Below(12) + (commercial ? 0 : 20);
      // Third digit: the Federal Reserve check-processing centre, 1-9;
      // fourth: the state or clearing arrangement within it; then the
      // institution's four-digit ABA identifier.
      const uint64_t center = 1 + random.Below(9);
      const uint64_t rest = random.Below(100000);  // digits 4-8
      uint64_t number = random.Below(space_);
      const size_t type_index = types_.SampleIndex(random);
      if (routing) {
        std::string& s = routing->texts[i];
        s.resize(9);
        s[0] = static_cast<char>('0' + district / 10);
        s[1] = static_cast<char>('0' + district % 10);
        s[2] = static_cast<char>('0' + center);
        uint64_t r = rest;
        for (size_t k = 8; k-- > 3;) {
          s[k] = static_cast<char>('0' + r % 10);
          r /= 10;
        }
        s[8] = identifiers::AbaCheckDigit(s);
      }
      if (account) {
        if (unique) number = (*permute)(args.rows[i] % space_);
        std::string& s = account->texts[i];
        s.resize(static_cast<size_t>(account_digits_));
        for (int k = account_digits_ - 1; k >= 0; --k) {
          s[static_cast<size_t>(k)] = static_cast<char>('0' + number % 10);
          number /= 10;
        }
      }
      if (type) type->texts[i].assign(types_.value(type_index));
    }
  }

  size_t MaxLength(size_t field) const override {
    switch (field) {
      case kAccountNumber: return static_cast<size_t>(account_digits_);
      case kRoutingNumber: return 9;
      case kAccountType: return types_.MaxLength();
      default: return 0;
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t field) const override {
    if (field == kAccountNumber) return space_;
    return std::nullopt;
  }

 private:
  int account_digits_;
  uint64_t space_;
  WeightedTable types_;
};

}  // namespace

std::unique_ptr<Provider> MakeBankAccountProvider(const Params& params, const ProviderContext&) {
  // US account numbers run from about 4 to 17 digits (the MICR on-us field
  // holds at most 17 for ACH, Nacha Operating Rules, DFI Account Number).
  const int64_t digits = params.Int("account_digits", 10);
  if (digits < 4 || digits > 17) params.Fail("account_digits", "must be between 4 and 17");
  std::vector<std::string> values = {"checking", "savings"};
  std::vector<double> weights = {0.7, 0.3};
  if (params.Has("types")) {
    values.clear();
    weights.clear();
    for (auto& [value, weight] : params.Weighted("types")) {
      values.push_back(value);
      weights.push_back(weight);
    }
  }
  return std::make_unique<BankAccountProvider>(static_cast<int>(digits),
                                               WeightedTable(std::move(values), std::move(weights)));
}

}  // namespace seedforge
