#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <tuple>

#include "seedforge/error.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"
#include "test_util.h"
#include "validate/finance_rules.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;
enum Field { kStreet, kLine2, kCity, kState, kStateName, kZip, kFull };

// The data table read straight from the source tree, with a parser of its
// own, so the checks do not reuse the provider's loading code.
struct ZipTable {
  std::map<std::string, std::pair<std::string, std::string>> by_zip;  // zip -> (city, state)
  std::map<std::string, double> state_population;
};

const ZipTable& Table() {
  static const ZipTable table = [] {
    ZipTable t;
    std::istringstream in(testing::ReadFile(testing::SourceDir() / "plugins/address/data/zip_codes.tsv"));
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      std::istringstream fields(line);
      std::string zip, city, state, population;
      std::getline(fields, zip, '\t');
      std::getline(fields, city, '\t');
      std::getline(fields, state, '\t');
      std::getline(fields, population, '\t');
      t.by_zip[zip] = {city, state};
      t.state_population[state] += std::stod(population);
    }
    return t;
  }();
  return table;
}

bool IsTerritory(const std::string& s) {
  return s == "PR" || s == "VI" || s == "GU" || s == "AS" || s == "MP";
}

TEST(AddressPack, TableZipsAllMatchTheirStatesPrefixRange) {
  ASSERT_GT(Table().by_zip.size(), 30000u);
  for (const auto& [zip, city_state] : Table().by_zip) {
    EXPECT_TRUE(validate::ZipMatchesState(zip, city_state.second)) << zip << " " << city_state.second;
  }
}

TEST(AddressPack, CityStateAndZipBelongTogether) {
  auto cols = RunProvider("address", {.rows = kRows});
  std::set<std::string> states;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& zip = cols[kZip].texts[i];
    const std::string& state = cols[kState].texts[i];
    ASSERT_EQ(zip.size(), 5u);
    auto it = Table().by_zip.find(zip);
    ASSERT_NE(it, Table().by_zip.end()) << zip;
    EXPECT_EQ(it->second.first, cols[kCity].texts[i]) << zip;
    EXPECT_EQ(it->second.second, state) << zip;
    ASSERT_TRUE(validate::ZipMatchesState(zip, state)) << zip << " " << state;
    EXPECT_FALSE(IsTerritory(state)) << "territories are opt-in";
    states.insert(state);
  }
  // All 50 states and DC turn up; the smallest (WY) has 0.17% of people,
  // about 170 of 100,000 rows.
  EXPECT_EQ(states.size(), 51u);
}

TEST(AddressPack, StateNamesMatchCodes) {
  auto cols = RunProvider("address", {.rows = 20000});
  const std::map<std::string, std::string> some = {
      {"CA", "California"}, {"NY", "New York"}, {"TX", "Texas"},
      {"DC", "District of Columbia"}, {"WV", "West Virginia"}, {"NC", "North Carolina"}};
  std::map<std::string, std::string> name_of;
  for (size_t i = 0; i < cols[kState].texts.size(); ++i) {
    auto [it, inserted] = name_of.emplace(cols[kState].texts[i], cols[kStateName].texts[i]);
    ASSERT_EQ(it->second, cols[kStateName].texts[i]) << "one name per code";
  }
  for (const auto& [code, name] : some) EXPECT_EQ(name_of.at(code), name);
}

TEST(AddressPack, ZipsFollowPopulation) {
  // California holds about 12% of the people of the 50 states and DC.
  auto cols = RunProvider("address", {.rows = kRows});
  double total = 0;
  for (const auto& [state, pop] : Table().state_population) {
    if (!IsTerritory(state)) total += pop;
  }
  for (const char* state : {"CA", "TX", "WY"}) {
    const double p = Table().state_population.at(state) / total;
    size_t n = 0;
    for (const std::string& s : cols[kState].texts) n += s == state;
    EXPECT_NEAR(static_cast<double>(n) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << state;
  }
}

TEST(AddressPack, StateListKeepsPopulationShares) {
  auto cols = RunProvider("address", {.params = {{"state", "CA,or"}}, .rows = kRows});
  const double ca = Table().state_population.at("CA"), ore = Table().state_population.at("OR");
  size_t n_ca = 0;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& s = cols[kState].texts[i];
    ASSERT_TRUE(s == "CA" || s == "OR") << s;
    ASSERT_TRUE(validate::ZipMatchesState(cols[kZip].texts[i], s));
    n_ca += s == "CA";
  }
  const double p = ca / (ca + ore);
  EXPECT_NEAR(static_cast<double>(n_ca) / kRows, p,
              testing::ShareBound(p, kRows, testing::kManyComparisons));
}

TEST(AddressPack, StateMapSetsShares) {
  const ProviderSpec* spec = BuiltinRegistry().Find("address");
  ASSERT_NE(spec, nullptr);
  ParamValue map;
  map.type = ParamValue::Type::kMap;
  for (const auto& [code, weight] : {std::pair{"WY", "3"}, std::pair{"CA", "1"}}) {
    ParamValue w;
    w.scalar = weight;
    map.map.emplace_back(code, w);
  }
  auto provider = spec->make(Params({{"state", map}}, {}), ProviderContext{});
  const size_t n = 40000;
  std::vector<uint64_t> rows(n);
  for (size_t i = 0; i < n; ++i) rows[i] = i;
  BatchColumn state;
  state.kind = ValueKind::kText;
  state.Resize(n);
  std::vector<BatchColumn*> outputs(spec->fields.size(), nullptr);
  outputs[kState] = &state;
  bool unique[7] = {};
  FillArgs args;
  args.rows = rows;
  args.key = 7;
  args.outputs = outputs;
  args.unique = std::span<const bool>(unique, spec->fields.size());
  provider->Fill(args);
  size_t wy = 0;
  for (const std::string& s : state.texts) wy += s == "WY";
  EXPECT_NEAR(static_cast<double>(wy) / n, 0.75,
              testing::ShareBound(0.75, n, testing::kManyComparisons));
}

TEST(AddressPack, TerritoriesOnRequest) {
  auto cols = RunProvider("address", {.params = {{"territories", "true"}}, .rows = kRows});
  std::set<std::string> territories;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& s = cols[kState].texts[i];
    if (IsTerritory(s)) territories.insert(s);
    ASSERT_TRUE(validate::ZipMatchesState(cols[kZip].texts[i], s));
  }
  // Puerto Rico has about 1% of the people: some 1,000 rows.
  EXPECT_TRUE(territories.count("PR"));
  auto pr = RunProvider("address", {.params = {{"state", "PR"}}, .rows = 100});
  EXPECT_EQ(pr[kStateName].texts[0], "Puerto Rico");
  EXPECT_EQ(pr[kZip].texts[0].substr(0, 2), "00") << "PR ZIPs are 006-009";
}

TEST(AddressPack, StreetLine2AndFullHaveUspsShapes) {
  auto cols = RunProvider("address", {.rows = kRows});
  const std::regex street(
      R"(([1-9][0-9]{0,4}) ((N|S|E|W) )?[A-Z0-9][A-Za-z0-9 ]* (St|Ave|Rd|Dr|Ln|Ct|Way|Pl|Blvd|Cir|Trl|Ter|Pkwy|Loop))");
  const std::regex line2(R"((Apt [1-9][0-9]{0,2}|Apt [1-9][0-9]?[A-F]|Unit [1-9][0-9]{0,2}|Ste [1-9][0-9]{2}))");
  size_t with_line2 = 0;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& s = cols[kStreet].texts[i];
    ASSERT_TRUE(std::regex_match(s, street)) << s;
    std::string expected = s;
    if (!cols[kLine2].IsNull(i)) {
      ++with_line2;
      ASSERT_TRUE(std::regex_match(cols[kLine2].texts[i], line2)) << cols[kLine2].texts[i];
      expected += " " + cols[kLine2].texts[i];
    }
    expected += ", " + cols[kCity].texts[i] + ", " + cols[kState].texts[i] + " " + cols[kZip].texts[i];
    ASSERT_EQ(cols[kFull].texts[i], expected);
  }
  // `secondary` defaults to 0.15.
  EXPECT_NEAR(static_cast<double>(with_line2) / kRows, 0.15,
              testing::ShareBound(0.15, kRows, testing::kManyComparisons));
}

TEST(AddressPack, CommonStreetNamesLead) {
  // The first names of the table (2nd, 3rd, 1st) are the commonest: 2nd
  // weighs 1000 of 9649 (10.4%, ~10,400 draws), Hickory 49.3 (~510, sd 23),
  // a ratio of 20; drawing the names evenly gives a ratio of 1.
  auto cols = RunProvider("address", {.params = {{"secondary", "0"}}, .rows = kRows});
  size_t second = 0, hickory = 0;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& s = cols[kStreet].texts[i];
    second += s.find(" 2nd ") != std::string::npos;
    hickory += s.find(" Hickory ") != std::string::npos;
    ASSERT_TRUE(cols[kLine2].IsNull(i));
  }
  EXPECT_GT(second, 5 * hickory);
  EXPECT_GT(hickory, 0u);
}

TEST(AddressPack, SameRowSameAddressWhateverTheBatch) {
  auto whole = RunProvider("address", {.rows = 1000});
  auto tail = RunProvider("address", {.rows = 10, .first_row = 990});
  for (size_t f = 0; f < whole.size(); ++f) {
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ(whole[f].texts[990 + i], tail[f].texts[i]);
  }
}

TEST(AddressPack, UniformWeightingSpreadsOverZips) {
  auto cols = RunProvider("address", {.params = {{"weighting", "uniform"}}, .rows = kRows});
  std::set<std::string> zips(cols[kZip].texts.begin(), cols[kZip].texts.end());
  // ~32,900 equally likely ZIPs in 100,000 draws: about 95% turn up
  // (31,300, sd 36; measured 31,468); weighting by population, about 15,000.
  EXPECT_GT(zips.size(), 28000u);
}

TEST(AddressPack, BadParametersAreRejected) {
  EXPECT_THROW(RunProvider("address", {.params = {{"state", "CA,XX"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("address", {.params = {{"weighting", "area"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("address", {.params = {{"secondary", "1.5"}}, .rows = 1}), InputError);
}

}  // namespace
}  // namespace seedforge
