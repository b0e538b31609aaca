#include <gtest/gtest.h>

#include <cctype>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>

#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "support/sampling_bounds.h"
#include "test_util.h"
#include "validate/people_rules.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;

BatchColumn TextValues(std::vector<std::string> values) {
  BatchColumn c;
  c.kind = ValueKind::kText;
  c.texts = std::move(values);
  return c;
}

// --- phone ----------------------------------------------------------------

TEST(ContactPack, PhonesAreValidNanpNumbers) {
  auto cols = RunProvider("phone", {.rows = kRows});
  const std::regex layout(R"(\(\d{3}\) \d{3}-\d{4})");
  std::set<int> area_codes;
  for (const std::string& phone : cols[0].texts) {
    ASSERT_TRUE(std::regex_match(phone, layout)) << phone;
    ASSERT_TRUE(validate::IsValidNanpPhone(phone)) << phone;
    ASSERT_TRUE(identifiers::NanpNumberValid(phone)) << phone;
    // 555 is avoided as an exchange (directory assistance, fictional 01XX).
    ASSERT_NE(phone.substr(6, 3), "555") << phone;
    area_codes.insert(validate::NanpAreaCode(phone));
  }
  // Every one of the ~340 area codes turns up in 100,000 uniform draws.
  EXPECT_GT(area_codes.size(), 300u);
}

TEST(ContactPack, PhoneFormats) {
  const std::pair<const char*, const char*> cases[] = {
      {"+1-###-###-####", R"(\+1-\d{3}-\d{3}-\d{4})"},
      {"###-###-####", R"(\d{3}-\d{3}-\d{4})"},
      {"##########", R"(\d{10})"},
  };
  for (const auto& [format, pattern] : cases) {
    auto cols = RunProvider("phone", {.params = {{"format", format}}, .rows = 1000});
    for (const std::string& phone : cols[0].texts) {
      ASSERT_TRUE(std::regex_match(phone, std::regex(pattern))) << format << ": " << phone;
      ASSERT_TRUE(validate::IsValidNanpPhone(phone)) << phone;
    }
  }
  EXPECT_THROW(RunProvider("phone", {.params = {{"format", "###-####"}}, .rows = 1}), InputError);
}

TEST(ContactPack, PhoneAreaCodeAgreesWithState) {
  // States with few area codes, listed from the NANPA's map of area codes by
  // state (not read from the pack's table), so the check is independent.
  const std::map<std::string, std::set<int>> kKnown = {
      {"WY", {307}}, {"VT", {802}},      {"AK", {907}},      {"MT", {406}},           {"NH", {603}},
      {"ME", {207}}, {"DE", {302}},      {"RI", {401}},      {"SD", {605}},           {"ND", {701}},
      {"HI", {808}}, {"ID", {208, 986}}, {"WV", {304, 681}}, {"NE", {308, 402, 531}},
  };
  std::vector<std::string> states;
  for (size_t i = 0; i < kRows; ++i) {
    auto it = std::next(kKnown.begin(), static_cast<long>(i % kKnown.size()));
    // Codes are accepted in any case.
    states.push_back(i % 3 == 0
                         ? std::string(1, static_cast<char>(it->first[0] + 32)) + it->first[1]
                         : it->first);
  }
  BatchColumn state = TextValues(states);
  auto cols =
      RunProvider("phone", {.params = {{"state", "state"}}, .rows = kRows, .inputs = {&state}});
  std::map<std::string, std::set<int>> seen;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& phone = cols[0].texts[i];
    ASSERT_TRUE(validate::IsValidNanpPhone(phone)) << phone;
    std::string code = states[i];
    for (char& c : code) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    const int npa = validate::NanpAreaCode(phone);
    ASSERT_TRUE(kKnown.at(code).count(npa)) << code << " " << phone;
    seen[code].insert(npa);
  }
  EXPECT_EQ(seen, kKnown);  // and every code of each state is used
}

TEST(ContactPack, PhoneAreaCodeAgreesWithEveryStateOfTheTable) {
  std::istringstream in(
      testing::ReadFile(testing::SourceDir() / "plugins/contact/data/area_codes.tsv"));
  std::map<std::string, std::set<int>> by_state;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    by_state[line.substr(0, 2)].insert(std::stoi(line.substr(3, 3)));
  }
  // The 50 states and DC are all there.
  for (const char* s :
       {"AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID",
        "IL", "IN", "IA", "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO",
        "MT", "NE", "NV", "NH", "NJ", "NM", "NY", "NC", "ND", "OH", "OK", "OR", "PA",
        "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA", "WV", "WI", "WY"}) {
    EXPECT_TRUE(by_state.count(s)) << s;
  }
  std::vector<std::string> codes;
  for (const auto& [code, npas] : by_state) codes.push_back(code);
  std::vector<std::string> states;
  for (size_t i = 0; i < kRows; ++i) states.push_back(codes[i % codes.size()]);
  states[7] = "ZZ";  // unknown: any US area code
  BatchColumn state = TextValues(states);
  state.SetNull(11);  // NULL: likewise
  auto cols =
      RunProvider("phone", {.params = {{"state", "state"}}, .rows = kRows, .inputs = {&state}});
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& phone = cols[0].texts[i];
    ASSERT_TRUE(validate::IsValidNanpPhone(phone)) << phone;
    if (i == 7 || i == 11) continue;
    ASSERT_TRUE(by_state[states[i]].count(validate::NanpAreaCode(phone)))
        << states[i] << " " << phone;
  }
}

TEST(ContactPack, UniquePhonesAreDistinct) {
  const size_t n = 200000;
  auto cols = RunProvider("phone", {.rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), n);
  // All in one single-code state: still distinct, all in 307.
  BatchColumn state = TextValues(std::vector<std::string>(n, "WY"));
  cols = RunProvider(
      "phone", {.params = {{"state", "state"}}, .rows = n, .inputs = {&state}, .unique = {true}});
  seen = std::unordered_set<std::string>(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), n);
  for (const std::string& phone : cols[0].texts)
    ASSERT_EQ(validate::NanpAreaCode(phone), 307) << phone;
}

// --- email ----------------------------------------------------------------

// The local-part stems an address may have for folded names, written from
// the documented shapes: first.last, flast, firstlast, first_last, f.last,
// first.
std::set<std::string> EmailStems(const std::string& f, const std::string& l) {
  return {f + "." + l, f.substr(0, 1) + l, f + l, f + "_" + l, f.substr(0, 1) + "." + l, f};
}

// Lower-case letters only: an ASCII-only stand-in for the folding rule,
// enough for the census names, which are plain ASCII.
std::string AsciiLetters(const std::string& name) {
  std::string out;
  for (char c : name) {
    if (std::isalpha(static_cast<unsigned char>(c)))
      out.push_back(static_cast<char>(std::tolower(c)));
  }
  return out;
}

std::pair<std::string, std::string> SplitEmail(const std::string& email) {
  const size_t at = email.rfind('@');
  std::string local = email.substr(0, at);
  return {local.substr(0, local.find_last_not_of("0123456789") + 1), email.substr(at + 1)};
}

TEST(ContactPack, EmailsDeriveFromNamesAtReservedDomains) {
  // person -> email, as a domain would wire them.
  auto people = RunProvider("person", {.rows = kRows, .key = 3});
  const BatchColumn& first = people[1];
  const BatchColumn& last = people[2];
  auto cols = RunProvider("email", {.params = {{"first", "first_name"}, {"last", "last_name"}},
                                    .rows = kRows,
                                    .inputs = {&first, &last}});
  std::set<std::string> domains;
  size_t with_digits = 0;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& email = cols[0].texts[i];
    ASSERT_TRUE(validate::IsValidEmail(email)) << email;
    ASSERT_TRUE(identifiers::EmailValid(email)) << email;
    auto [stem, domain] = SplitEmail(email);
    ASSERT_TRUE(validate::IsReservedExampleDomain(domain)) << email;
    domains.insert(domain);
    auto stems = EmailStems(AsciiLetters(first.texts[i]), AsciiLetters(last.texts[i]));
    ASSERT_TRUE(stems.count(stem)) << email << " for " << first.texts[i] << " " << last.texts[i];
    with_digits += stem.size() + 1 + domain.size() < email.size();
  }
  EXPECT_EQ(domains, (std::set<std::string>{"example.com", "example.net", "example.org"}));
  // `digits` defaults to 0.3: binomial noise at p = 1e-6 over 100,000 rows is 0.0071.
  EXPECT_NEAR(with_digits / double(kRows), 0.3,
              testing::ShareBound(0.3, kRows, testing::kManyComparisons));
}

TEST(ContactPack, EmailFoldsAccentsAndUsesFullName) {
  BatchColumn name = TextValues({"José Núñez", "Mary Ann O'Neil", "Zoë", "  Ægir  Þórsson ", "李 小龍"});
  auto cols = RunProvider("email", {.params = {{"name", "full_name"}, {"digits", "0"}},
                                    .rows = 5,
                                    .inputs = {nullptr, nullptr, &name}});
  const std::pair<std::string, std::string> folded[] = {
      {"jose", "nunez"}, {"mary", "oneil"}, {"zoe", ""}, {"aegir", "thorsson"}, {"", ""}};
  for (size_t i = 0; i < 5; ++i) {
    const std::string& email = cols[0].texts[i];
    ASSERT_TRUE(validate::IsValidEmail(email)) << email;
    auto [stem, domain] = SplitEmail(email);
    const auto& [f, l] = folded[i];
    if (f.empty()) {
      EXPECT_EQ(stem, "user") << email;  // nothing foldable to ASCII
    } else if (l.empty()) {
      EXPECT_EQ(stem, f) << email;
    } else {
      EXPECT_TRUE(EmailStems(f, l).count(stem)) << email;
    }
  }
}

TEST(ContactPack, UniqueEmailsAreDistinctEvenForOneName) {
  // 200,000 rows named John Smith, spread over three domains: addresses are
  // distinct by construction, not by luck.
  const size_t n = 200000;
  BatchColumn first = TextValues(std::vector<std::string>(n, "John"));
  BatchColumn last = TextValues(std::vector<std::string>(n, "Smith"));
  auto cols = RunProvider("email", {.rows = n, .inputs = {&first, &last}, .unique = {true}});
  std::unordered_set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), n);
  std::unordered_set<std::string> locals;
  for (const std::string& email : cols[0].texts) {
    ASSERT_TRUE(validate::IsValidEmail(email)) << email;
    locals.insert(email.substr(0, email.find('@')));
  }
  EXPECT_EQ(locals.size(), n);  // even the local parts alone
}

TEST(ContactPack, EmailDomainsParam) {
  auto cols = RunProvider("email", {.params = {{"domains", "Corp.Test"}}, .rows = 1000});
  for (const std::string& email : cols[0].texts) {
    ASSERT_TRUE(validate::IsValidEmail(email)) << email;
    ASSERT_EQ(SplitEmail(email).second, "corp.test");
  }
  EXPECT_THROW(RunProvider("email", {.params = {{"domains", "not a domain"}}, .rows = 1}),
               InputError);
  EXPECT_THROW(RunProvider("email", {.params = {{"domains", "localhost"}}, .rows = 1}), InputError);
}

}  // namespace
}  // namespace seedforge
