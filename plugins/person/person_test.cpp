#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <unordered_set>

#include "seedforge/error.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;

// Reads a value<TAB>weight table from the source tree with a parser of its
// own, so the checks do not trust the generator's table code.
std::map<std::string, double> ReadTable(const std::string& relative) {
  std::istringstream in(testing::ReadFile(testing::SourceDir() / relative));
  std::map<std::string, double> table;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t tab = line.find('\t');
    table[line.substr(0, tab)] += std::stod(line.substr(tab + 1));
  }
  return table;
}

double Total(const std::map<std::string, double>& table) {
  double total = 0;
  for (const auto& [value, weight] : table) total += weight;
  return total;
}

// Fields, in the spec's order.
enum { kFull, kFirst, kLast, kGender, kMiddle };

TEST(PersonPack, FirstNameAgreesWithGender) {
  const auto female = ReadTable("plugins/person/data/first_names_female.tsv");
  const auto male = ReadTable("plugins/person/data/first_names_male.tsv");
  const auto last = ReadTable("plugins/person/data/last_names.tsv");
  auto cols = RunProvider("person", {.rows = kRows});
  size_t females = 0;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& gender = cols[kGender].texts[i];
    const std::string& first = cols[kFirst].texts[i];
    ASSERT_TRUE(gender == "M" || gender == "F") << gender;
    const auto& list = gender == "F" ? female : male;
    ASSERT_TRUE(list.count(first)) << first << " is not a " << gender << " name";
    ASSERT_TRUE(last.count(cols[kLast].texts[i])) << cols[kLast].texts[i];
    ASSERT_EQ(cols[kFull].texts[i], first + " " + cols[kLast].texts[i]);
    ASSERT_EQ(cols[kMiddle].texts[i].size(), 1u);
    ASSERT_TRUE(cols[kMiddle].texts[i][0] >= 'A' && cols[kMiddle].texts[i][0] <= 'Z');
    females += gender == "F";
  }
  EXPECT_NEAR(females / double(kRows), 0.5,
              testing::ShareBound(0.5, kRows, testing::kManyComparisons));
}

TEST(PersonPack, NamesFollowTheirFrequencies) {
  // The commonest names' shares match their table weights; the tolerance is
  // the binomial noise at p = 1e-6, so the check fails only when the
  // sampling is wrong.
  const auto male = ReadTable("plugins/person/data/first_names_male.tsv");
  const auto last = ReadTable("plugins/person/data/last_names.tsv");
  auto cols = RunProvider("person", {.rows = kRows, .key = 7});
  size_t smiths = 0, males = 0, michaels = 0;
  for (size_t i = 0; i < kRows; ++i) {
    smiths += cols[kLast].texts[i] == "Smith";
    if (cols[kGender].texts[i] == "M") {
      ++males;
      michaels += cols[kFirst].texts[i] == "Michael";
    }
  }
  const double p_smith = last.at("Smith") / Total(last);
  const double p_michael = male.at("Michael") / Total(male);
  EXPECT_NEAR(smiths / double(kRows), p_smith,
              testing::ShareBound(p_smith, kRows, testing::kManyComparisons));
  EXPECT_NEAR(michaels / double(males), p_michael,
              testing::ShareBound(p_michael, males, testing::kManyComparisons));
  // Sanity of the data itself: Smith is about 1% of Americans (Census 2000:
  // 0.88%); our trimmed table gives it a little more.
  EXPECT_GT(p_smith, 0.008);
  EXPECT_LT(p_smith, 0.015);
}

TEST(PersonPack, GenderLabelsAndShare) {
  auto cols = RunProvider(
      "person",
      {.params = {{"gender_labels", "Male,Female"}, {"female_share", "0.8"}}, .rows = 10000});
  size_t females = 0;
  for (const std::string& g : cols[kGender].texts) {
    ASSERT_TRUE(g == "Male" || g == "Female") << g;
    females += g == "Female";
  }
  EXPECT_NEAR(females / 10000.0, 0.8, testing::ShareBound(0.8, 10000, testing::kManyComparisons));
}

TEST(PersonPack, BadGenderLabelsAreRejected) {
  EXPECT_THROW(RunProvider("person", {.params = {{"gender_labels", "X"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("person", {.params = {{"gender_labels", "A,A"}}, .rows = 1}),
               InputError);
}

TEST(PersonPack, MaxLengthsCoverTheTables) {
  const ProviderSpec* spec = BuiltinRegistry().Find("person");
  ASSERT_NE(spec, nullptr);
  size_t longest_first = 0, longest_last = 0;
  for (const char* file : {"first_names_female.tsv", "first_names_male.tsv"}) {
    for (const auto& [name, weight] : ReadTable(std::string("plugins/person/data/") + file)) {
      longest_first = std::max(longest_first, name.size());
    }
  }
  for (const auto& [name, weight] : ReadTable("plugins/person/data/last_names.tsv")) {
    longest_last = std::max(longest_last, name.size());
  }
  EXPECT_EQ(spec->FindField("first_name")->max_length, static_cast<int>(longest_first));
  EXPECT_EQ(spec->FindField("last_name")->max_length, static_cast<int>(longest_last));
  EXPECT_EQ(spec->FindField("full_name")->max_length,
            static_cast<int>(longest_first + 1 + longest_last));
}

TEST(PersonPack, SameRowSameNameWhateverTheBatch) {
  auto whole = RunProvider("person", {.rows = 100});
  auto tail = RunProvider("person", {.rows = 10, .first_row = 90});
  for (size_t i = 0; i < 10; ++i) EXPECT_EQ(whole[kFull].texts[90 + i], tail[kFull].texts[i]);
}

BatchColumn TextValues(std::vector<std::string> values) {
  BatchColumn c;
  c.kind = ValueKind::kText;
  c.texts = std::move(values);
  return c;
}

// The stems a username may have for a first and last name, written from the
// documented shapes (jsmith, john.smith, johnsmith, john_smith, smithj,
// johns, john), each cut to 20 characters.
std::set<std::string> UsernameStems(const std::string& f, const std::string& l) {
  std::set<std::string> stems;
  for (std::string s : {f.substr(0, 1) + l, f + "." + l, f + l, f + "_" + l, l + f.substr(0, 1),
                        f + l.substr(0, 1), f}) {
    s = s.substr(0, 20);
    while (s.back() == '.' || s.back() == '_') s.pop_back();
    stems.insert(s);
  }
  return stems;
}

TEST(PersonPack, UsernameDerivesFromNames) {
  // Accents are folded and other characters dropped: "José" -> jose,
  // "Núñez-Ávila" -> nunezavila, "O'Brien" -> obrien.
  const size_t n = 30000;
  std::vector<std::string> firsts, lasts;
  const std::pair<const char*, const char*> names[] = {
      {"José", "Núñez-Ávila"}, {"Mary", "O'Brien"}, {"ZOË", "Smith"}, {"Łukasz", "Żółć"}};
  const std::pair<const char*, const char*> folded[] = {
      {"jose", "nunezavila"}, {"mary", "obrien"}, {"zoe", "smith"}, {"lukasz", "zolc"}};
  for (size_t i = 0; i < n; ++i) {
    firsts.push_back(names[i % 4].first);
    lasts.push_back(names[i % 4].second);
  }
  BatchColumn first = TextValues(firsts), last = TextValues(lasts);
  auto cols = RunProvider("username", {.rows = n, .inputs = {&first, &last}});
  const std::regex shape("[a-z._]*[a-z][0-9]*");
  for (size_t i = 0; i < n; ++i) {
    const std::string& u = cols[0].texts[i];
    ASSERT_TRUE(std::regex_match(u, shape)) << u;
    std::string stem = u.substr(0, u.find_last_not_of("0123456789") + 1);
    auto stems = UsernameStems(folded[i % 4].first, folded[i % 4].second);
    ASSERT_TRUE(stems.count(stem)) << u;
  }
}

TEST(PersonPack, UniqueUsernamesAreDistinctEvenForOneName) {
  // 200,000 rows all named John Smith: the row's unique number alone must
  // keep them apart.
  const size_t n = 200000;
  BatchColumn first = TextValues(std::vector<std::string>(n, "John"));
  BatchColumn last = TextValues(std::vector<std::string>(n, "Smith"));
  auto cols = RunProvider("username", {.rows = n, .inputs = {&first, &last}, .unique = {true}});
  std::unordered_set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), n);
  for (const std::string& u : cols[0].texts)
    ASSERT_LE(u.size(), 20u + 7u) << u;  // 200,000 rows: <= 6 digits
}

TEST(PersonPack, UsernameWithoutInputsUsesOwnNames) {
  auto cols = RunProvider("username", {.rows = 1000});
  for (const std::string& u : cols[0].texts)
    ASSERT_TRUE(std::regex_match(u, std::regex("[a-z._]*[a-z][0-9]*"))) << u;
}

TEST(PersonPack, UniqueUserIdsAreDistinct) {
  const size_t n = 200000;
  auto cols = RunProvider("user_id", {.rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), n);
  const std::regex shape("u[0-9]{8}");
  for (const std::string& id : cols[0].texts) ASSERT_TRUE(std::regex_match(id, shape)) << id;
}

TEST(PersonPack, UserIdPrefixAndDigits) {
  auto cols = RunProvider(
      "user_id", {.params = {{"prefix", "EMP-"}, {"digits", "3"}}, .rows = 1000, .unique = {true}});
  std::set<std::string> seen(cols[0].texts.begin(), cols[0].texts.end());
  EXPECT_EQ(seen.size(), 1000u);  // the whole space of 3 digits
  EXPECT_EQ(*seen.begin(), "EMP-000");
  EXPECT_EQ(*seen.rbegin(), "EMP-999");
}

}  // namespace
}  // namespace seedforge
