#include <gtest/gtest.h>

#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>
#include <set>
#include <string>
#include <unordered_set>
#include <vector>

#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"
#include "test_util.h"
#include "validate/finance_rules.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;
enum CardField { kNumber, kProvider, kCvv, kExpiration, kExpirationMmYy };
enum BankField { kAccountNumber, kRoutingNumber, kAccountType };

// --- the validators themselves, on published test numbers -------------------

TEST(FinanceRules, LuhnOnKnownNumbers) {
  // Test card numbers the networks publish for integration testing.
  for (const char* valid : {"4111111111111111", "4012888888881881", "5555555555554444",
                            "2223003122003222", "378282246310005", "371449635398431",
                            "6011111111111117", "3530111333300000", "30569309025904",
                            "36227206271667", "79927398713"}) {
    EXPECT_TRUE(validate::IsLuhnValid(valid)) << valid;
  }
  for (const char* invalid : {"4111111111111112", "79927398710", "378282246310006", "1", "",
                              "41111111111111a1"}) {
    EXPECT_FALSE(validate::IsLuhnValid(invalid)) << invalid;
  }
}

TEST(FinanceRules, IssuerPrefixesAndLengths) {
  struct Case {
    const char* number;
    const char* issuer;
    bool ok;
  } cases[] = {
      {"4111111111111111", "Visa", true},        {"411111111111111", "Visa", false},
      {"5555555555554444", "Mastercard", true},  {"2223003122003222", "Mastercard", true},
      {"2721000000000000", "Mastercard", false}, {"5655555555554444", "Mastercard", false},
      {"378282246310005", "American Express", true}, {"358282246310005", "amex", false},
      {"6011111111111117", "Discover", true},    {"6441111111111111", "Discover", true},
      {"6500000000000000", "Discover", true},    {"6431111111111111", "Discover", false},
      {"3530111333300000", "JCB", true},         {"3590111333300000", "JCB", false},
      {"30569309025904", "Diners Club", true},   {"36227206271667", "Diners Club", true},
      {"30669309025904", "Diners Club", false},  {"4111111111111111", "Maestro", false},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(validate::CardMatchesIssuer(c.number, c.issuer), c.ok) << c.number << " " << c.issuer;
  }
}

TEST(FinanceRules, AbaRoutingNumbers) {
  // Federal Reserve Bank of Boston, JPMorgan Chase (New York), Bank of America (California).
  for (const char* valid : {"011000015", "021000021", "121000358"}) {
    EXPECT_TRUE(validate::IsValidAbaRouting(valid)) << valid;
  }
  for (const char* invalid : {"021000022", "131000025", "02100002", "A21000021"}) {
    EXPECT_FALSE(validate::IsValidAbaRouting(invalid)) << invalid;
  }
}

// --- credit_card ---------------------------------------------------------------

TEST(FinancePack, CardsFollowIssuerRules) {
  const int64_t today = DaysFromCivil(2026, 1, 1);
  auto cols = RunProvider("credit_card", {.rows = kRows, .today = today});
  const int64_t latest = DaysFromCivil(2031, 1, 31);
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& number = cols[kNumber].texts[i];
    const std::string& issuer = cols[kProvider].texts[i];
    ASSERT_TRUE(validate::IsLuhnValid(number)) << number;
    ASSERT_TRUE(validate::CardMatchesIssuer(number, issuer)) << number << " " << issuer;
    // The shared rule (identifiers.h) agrees, and names the same network.
    ASSERT_TRUE(identifiers::CardNumberValid(number)) << number;
    ASSERT_EQ(identifiers::FindCardScheme(number)->name, issuer) << number;
    ASSERT_TRUE(validate::CvvMatchesIssuer(cols[kCvv].texts[i], issuer)) << cols[kCvv].texts[i];
    const int64_t expiry = cols[kExpiration].ints[i];
    ASSERT_GT(expiry, today);
    ASSERT_LE(expiry, latest);
    // The last day of its month: the next day is a 1st.
    int y, ny;
    unsigned m, d, nm, nd;
    CivilFromDays(expiry, y, m, d);
    CivilFromDays(expiry + 1, ny, nm, nd);
    ASSERT_EQ(nd, 1u);
    char mmyy[16];
    std::snprintf(mmyy, sizeof(mmyy), "%02u/%02d", m, y % 100);
    ASSERT_EQ(cols[kExpirationMmYy].texts[i], mmyy);
  }
}

TEST(FinancePack, ExpiryIsStrictlyAfterTodayOnTheLastDayOfAMonth) {
  // On 31 January the January expiry is not after today: February is the
  // first month.
  const int64_t today = DaysFromCivil(2026, 1, 31);
  auto cols = RunProvider("credit_card", {.params = {{"years", "1"}}, .rows = 20000, .today = today});
  std::set<int64_t> seen(cols[kExpiration].ints.begin(), cols[kExpiration].ints.end());
  EXPECT_EQ(*seen.begin(), DaysFromCivil(2026, 2, 28));
  EXPECT_EQ(*seen.rbegin(), DaysFromCivil(2027, 1, 31));
  EXPECT_EQ(seen.size(), 12u);
}

TEST(FinancePack, IssuerSharesFollowDefaults) {
  auto cols = RunProvider("credit_card", {.rows = kRows});
  std::map<std::string, size_t> counts;
  for (const std::string& p : cols[kProvider].texts) ++counts[p];
  const std::map<std::string, double> shares = {{"Visa", 0.52},     {"Mastercard", 0.25},
                                                {"American Express", 0.14}, {"Discover", 0.05},
                                                {"JCB", 0.02},      {"Diners Club", 0.02}};
  EXPECT_EQ(counts.size(), shares.size());
  for (const auto& [issuer, p] : shares) {
    EXPECT_NEAR(static_cast<double>(counts[issuer]) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << issuer;
  }
}

TEST(FinancePack, EveryPrefixRangeIsUsed) {
  auto cols = RunProvider("credit_card", {.params = {{"issuers", "mastercard,discover,diners,amex"}},
                                          .rows = kRows});
  std::set<std::string> prefixes;
  for (const std::string& n : cols[kNumber].texts) {
    const int p2 = std::stoi(n.substr(0, 2)), p3 = std::stoi(n.substr(0, 3)),
              p4 = std::stoi(n.substr(0, 4));
    if (p2 >= 51 && p2 <= 55) prefixes.insert("mc5x");
    if (p4 >= 2221 && p4 <= 2720) prefixes.insert("mc2x");
    if (p4 == 6011) prefixes.insert("6011");
    if (p3 >= 644 && p3 <= 649) prefixes.insert("644");
    if (p2 == 65) prefixes.insert("65");
    if (p2 == 36) prefixes.insert("36");
    if (p3 >= 300 && p3 <= 305) prefixes.insert("300");
    if (p2 == 34) prefixes.insert("34");
    if (p2 == 37) prefixes.insert("37");
  }
  // Each range comes up in thousands of the 100,000 rows (the rarest, 644-649,
  // about 2,500), so missing one by chance is out of the question.
  EXPECT_EQ(prefixes.size(), 9u);
}

TEST(FinancePack, IssuerListGivesEqualShares) {
  auto cols = RunProvider("credit_card", {.params = {{"issuers", "Visa, American Express"}}, .rows = kRows});
  size_t amex = 0;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& p = cols[kProvider].texts[i];
    ASSERT_TRUE(p == "Visa" || p == "American Express") << p;
    amex += p == "American Express";
    ASSERT_EQ(cols[kNumber].texts[i].size(), p == "Visa" ? 16u : 15u);
    ASSERT_EQ(cols[kCvv].texts[i].size(), p == "Visa" ? 3u : 4u);
  }
  EXPECT_NEAR(static_cast<double>(amex) / kRows, 0.5,
              testing::ShareBound(0.5, kRows, testing::kManyComparisons));
}

TEST(FinancePack, UniqueCardNumbersAreDistinct) {
  const size_t n = 200000;
  auto cols = RunProvider("credit_card", {.rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[kNumber].texts.begin(), cols[kNumber].texts.end());
  EXPECT_EQ(seen.size(), n);
  for (size_t i = 0; i < n; i += 97) {
    ASSERT_TRUE(validate::IsLuhnValid(cols[kNumber].texts[i]));
    ASSERT_TRUE(validate::CardMatchesIssuer(cols[kNumber].texts[i], cols[kProvider].texts[i]));
  }
}

TEST(FinancePack, UniqueDoesNotChangeTheOtherFields) {
  auto plain = RunProvider("credit_card", {.rows = 1000});
  auto unique = RunProvider("credit_card", {.rows = 1000, .unique = {true}});
  EXPECT_EQ(plain[kProvider].texts, unique[kProvider].texts);
  EXPECT_EQ(plain[kExpiration].ints, unique[kExpiration].ints);
}

TEST(FinancePack, SameRowSameCardWhateverTheBatch) {
  auto whole = RunProvider("credit_card", {.rows = 500, .unique = {true}});
  auto tail = RunProvider("credit_card", {.rows = 10, .first_row = 490, .unique = {true}});
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(whole[kNumber].texts[490 + i], tail[kNumber].texts[i]);
}

TEST(FinancePack, BadCardParametersAreRejected) {
  EXPECT_THROW(RunProvider("credit_card", {.params = {{"issuers", "visa,maestro"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("credit_card", {.params = {{"years", "0"}}, .rows = 1}), InputError);
}

// --- bank_account ------------------------------------------------------------

TEST(FinancePack, RoutingNumbersAreValidAba) {
  auto cols = RunProvider("bank_account", {.rows = kRows});
  size_t checking = 0;
  std::set<std::string> districts;
  for (size_t i = 0; i < kRows; ++i) {
    ASSERT_TRUE(validate::IsValidAbaRouting(cols[kRoutingNumber].texts[i])) << cols[kRoutingNumber].texts[i];
    ASSERT_TRUE(identifiers::AbaRoutingValid(cols[kRoutingNumber].texts[i])) << cols[kRoutingNumber].texts[i];
    districts.insert(cols[kRoutingNumber].texts[i].substr(0, 2));
    ASSERT_EQ(cols[kAccountNumber].texts[i].size(), 10u);
    const std::string& type = cols[kAccountType].texts[i];
    ASSERT_TRUE(type == "checking" || type == "savings") << type;
    checking += type == "checking";
  }
  EXPECT_EQ(districts.size(), 24u);  // 01-12 and 21-32, the rarest some 1,600 times
  EXPECT_NEAR(static_cast<double>(checking) / kRows, 0.7,
              testing::ShareBound(0.7, kRows, testing::kManyComparisons));
}

TEST(FinancePack, UniqueAccountNumbersAreDistinct) {
  const size_t n = 200000;
  auto cols = RunProvider("bank_account", {.params = {{"account_digits", "8"}}, .rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[kAccountNumber].texts.begin(), cols[kAccountNumber].texts.end());
  EXPECT_EQ(seen.size(), n);
  EXPECT_EQ(cols[kAccountNumber].texts[0].size(), 8u);
}

// --- iban --------------------------------------------------------------------

enum IbanField { kIban, kPrinted, kCountry };

// Every value is a valid IBAN of its country (identifiers.h), printed in
// groups of four, with the BBAN's letters where the country's bank code is
// letters.
void ExpectValidIbans(const std::vector<BatchColumn>& cols) {
  for (size_t i = 0; i < cols[kIban].texts.size(); ++i) {
    const std::string& iban = cols[kIban].texts[i];
    const std::string& country = cols[kCountry].texts[i];
    ASSERT_TRUE(identifiers::IbanValid(iban)) << iban;
    ASSERT_EQ(iban.substr(0, 2), country) << iban;
    ASSERT_EQ(static_cast<int>(iban.size()), identifiers::IbanLength(country)) << iban;
    const std::string& printed = cols[kPrinted].texts[i];
    ASSERT_TRUE(identifiers::IbanValid(printed)) << printed;
    std::string joined;
    for (size_t p = 0; p < printed.size(); ++p) {
      if (p % 5 == 4) {
        ASSERT_EQ(printed[p], ' ') << printed;
      } else {
        joined += printed[p];
      }
    }
    ASSERT_EQ(joined, iban);
    const bool letters = country == "GB" || country == "IE" || country == "NL";
    for (size_t p = 4; p < iban.size(); ++p) {
      const bool letter = (letters && p < 8) || (country == "IT" && p == 4);
      ASSERT_TRUE(letter ? std::isupper(static_cast<unsigned char>(iban[p])) != 0
                         : std::isdigit(static_cast<unsigned char>(iban[p])) != 0)
          << iban << " at " << p;
    }
  }
}

TEST(FinancePack, IbansAreValidAndFollowTheDefaultCountries) {
  auto cols = RunProvider("iban", {.rows = kRows});
  ExpectValidIbans(cols);
  std::map<std::string, size_t> counts;
  for (const std::string& c : cols[kCountry].texts) ++counts[c];
  const std::map<std::string, double> weights = {{"DE", 84}, {"GB", 68}, {"FR", 68},
                                                 {"IT", 59}, {"ES", 48}, {"NL", 18}};
  EXPECT_EQ(counts.size(), weights.size());
  for (const auto& [country, w] : weights) {
    const double p = w / 345;
    EXPECT_NEAR(static_cast<double>(counts[country]) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << country;
  }
}

TEST(FinancePack, IbansOfEveryCountryAreValid) {
  for (const char* country : {"AT", "BE", "CH", "DE", "DK", "ES", "FI", "FR", "GB", "IE", "IT", "NL", "NO", "PL",
                              "PT", "SE"}) {
    auto cols = RunProvider("iban", {.params = {{"country", country}}, .rows = 2000});
    ExpectValidIbans(cols);
    for (const std::string& c : cols[kCountry].texts) ASSERT_EQ(c, country);
  }
  // Lower case is read as the country's code.
  auto cols = RunProvider("iban", {.params = {{"country", "gb"}}, .rows = 10});
  EXPECT_EQ(cols[kCountry].texts[0], "GB");
}

TEST(FinancePack, IbansAreDeterministic) {
  auto first = RunProvider("iban", {.rows = 500});
  auto again = RunProvider("iban", {.rows = 500});
  EXPECT_EQ(first[kIban].texts, again[kIban].texts);
  // A row's number does not depend on the batch it is made in.
  auto tail = RunProvider("iban", {.rows = 10, .first_row = 490});
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(first[kIban].texts[490 + i], tail[kIban].texts[i]);
  // Another key, other numbers.
  auto other = RunProvider("iban", {.rows = 500, .key = 43});
  EXPECT_NE(first[kIban].texts, other[kIban].texts);
}

TEST(FinancePack, UniqueIbansAreDistinct) {
  const size_t n = 200000;
  // One country, so that only the account part keeps them apart.
  auto cols = RunProvider("iban", {.params = {{"country", "NL"}}, .rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[kIban].texts.begin(), cols[kIban].texts.end());
  EXPECT_EQ(seen.size(), n);
  for (size_t i = 0; i < n; i += 97) ASSERT_TRUE(identifiers::IbanValid(cols[kIban].texts[i]));
}

TEST(FinancePack, BadIbanParametersAreRejected) {
  EXPECT_THROW(RunProvider("iban", {.params = {{"country", "DE,US"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("iban", {.params = {{"country", ""}}, .rows = 1}), InputError);
}

}  // namespace
}  // namespace seedforge
