#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <tuple>
#include <unordered_set>

#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "support/sampling_bounds.h"
#include "test_util.h"
#include "validate/finance_rules.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;
enum Field { kVin, kMake, kModel, kYear, kBody, kClass, kMsrp };

// --- the validators, on VINs worked by hand ------------------------------------

TEST(VehicleRules, CheckDigitAndCharacters) {
  // 1HGCM82633A004352 is the worked example of many VIN decoders (a 2003
  // Honda Accord); eleven 1s weigh 89 = 8 * 11 + 1, so the check is '1'.
  for (const char* valid : {"1HGCM82633A004352", "11111111111111111"}) {
    EXPECT_TRUE(validate::IsValidVin(valid)) << valid;
  }
  for (const char* invalid : {"1HGCM82623A004352",    // wrong check digit
                              "1HGCM82633A00435",     // 16 characters
                              "1HGCM8I633A004352",    // I is not allowed
                              "1HGCM82633O004352"}) {  // nor is O
    EXPECT_FALSE(validate::IsValidVin(invalid)) << invalid;
  }
  EXPECT_EQ(validate::VinCheckDigit("1M8GDM9AXKP042788"), 'X');
}

TEST(VehicleRules, YearCodes) {
  EXPECT_EQ(validate::VinYearCode(1980), 'A');
  EXPECT_EQ(validate::VinYearCode(1999), 'X');
  EXPECT_EQ(validate::VinYearCode(2000), 'Y');
  EXPECT_EQ(validate::VinYearCode(2001), '1');
  EXPECT_EQ(validate::VinYearCode(2009), '9');
  EXPECT_EQ(validate::VinYearCode(2010), 'A');
  EXPECT_EQ(validate::VinYearCode(2026), 'T');
  EXPECT_TRUE(validate::VinMatchesYear("1HGCM82633A004352", 2003));
  EXPECT_FALSE(validate::VinMatchesYear("1HGCM82633A004352", 2033));  // position 7 is a digit
}

// A row of the model table: the model years, the body and the MSRP range
// of model year 2025.
struct ModelInfo {
  int first_year, last_year;
  std::string body;
  double msrp_low, msrp_high;
  double weight;
};

// The model table read from the source tree with a parser of its own:
// (make, model, WMI) -> its row.
std::map<std::tuple<std::string, std::string, std::string>, ModelInfo> ModelTable() {
  std::map<std::tuple<std::string, std::string, std::string>, ModelInfo> table;
  std::istringstream in(testing::ReadFile(testing::SourceDir() / "plugins/vehicle/data/models.tsv"));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string make, model, wmi, first, last, weight, body, low, high;
    for (std::string* field : {&make, &model, &wmi, &first, &last, &weight, &body, &low, &high}) {
      std::getline(f, *field, '\t');
    }
    table[{make, model, wmi}] = {std::stoi(first), last.empty() ? 9999 : std::stoi(last), body,
                                 std::stod(low), std::stod(high), std::stod(weight)};
  }
  return table;
}

TEST(VehiclePack, VinsFollow49Cfr565) {
  auto cols = RunProvider("vin", {.rows = kRows, .today = DaysFromCivil(2026, 1, 1)});
  const auto table = ModelTable();
  std::set<std::string> makes;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& vin = cols[kVin].texts[i];
    const std::string& make = cols[kMake].texts[i];
    const int year = static_cast<int>(cols[kYear].ints[i]);
    ASSERT_TRUE(validate::IsValidVin(vin)) << vin;
    ASSERT_TRUE(identifiers::VinValid(vin)) << vin;
    ASSERT_TRUE(validate::VinMatchesYear(vin, year)) << vin << " " << year;
    ASSERT_TRUE(validate::VinWmiMatchesMake(vin, make)) << vin << " " << make;
    // Position 10 never holds U, Z or 0 (565.15(d)).
    ASSERT_EQ(std::string("UZ0").find(vin[9]), std::string::npos) << vin;
    // Positions 12-17 are the sequential number: digits.
    for (size_t p = 11; p < 17; ++p) ASSERT_TRUE(vin[p] >= '0' && vin[p] <= '9') << vin;
    // The default range: 21 years back from next year.
    ASSERT_GE(year, 2006);
    ASSERT_LE(year, 2027);
    auto it = table.find({make, cols[kModel].texts[i], vin.substr(0, 3)});
    ASSERT_NE(it, table.end()) << make << " " << cols[kModel].texts[i] << " " << vin;
    ASSERT_GE(year, it->second.first_year);
    ASSERT_LE(year, it->second.last_year);
    makes.insert(make);
  }
  EXPECT_GT(makes.size(), 25u);  // 28 makes, the rarest (Land Rover) ~150 times
}

// Model years of `m` in the default range (2006-2027, 21 years back from
// next year when today is 2026-01-01): 0 when none.
int YearsInDefaultRange(const ModelInfo& m) {
  return std::max(0, std::min(m.last_year, 2027) - std::max(m.first_year, 2006) + 1);
}

bool IsTruck(const std::string& body) { return body == "pickup" || body == "suv" || body == "van"; }

// The MSRP range of a model in model year `year`: the table's 2025 range,
// 3% less for each year before (more after), whole dollars.
std::pair<double, double> MsrpRange(const ModelInfo& m, int year) {
  const double factor = std::pow(1.03, year - 2025);
  return {std::floor(m.msrp_low * factor), std::ceil(m.msrp_high * factor)};
}

TEST(VehiclePack, BodyClassAndMsrpFollowTheModelAndYear) {
  auto cols = RunProvider("vin", {.rows = kRows, .today = DaysFromCivil(2026, 1, 1)});
  const auto table = ModelTable();
  // Each class's MSRPs stay inside the hull of its models' ranges over the
  // run's years (2006-2027); a car priced like a truck, or a price not
  // following the year, breaks the per-row check below first.
  std::map<std::string, std::pair<double, double>> class_hull;
  for (const auto& [key, m] : table) {
    const int lo = std::max(m.first_year, 2006), hi = std::min(m.last_year, 2027);
    if (lo > hi) continue;
    auto& hull = class_hull.try_emplace(IsTruck(m.body) ? "truck" : "car", 1e12, 0).first->second;
    hull.first = std::min(hull.first, MsrpRange(m, lo).first);
    hull.second = std::max(hull.second, MsrpRange(m, hi).second);
  }
  std::map<std::string, size_t> per_class;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& vin = cols[kVin].texts[i];
    const int year = static_cast<int>(cols[kYear].ints[i]);
    const ModelInfo& m = table.at({cols[kMake].texts[i], cols[kModel].texts[i], vin.substr(0, 3)});
    const std::string& cls = cols[kClass].texts[i];
    ASSERT_EQ(cols[kBody].texts[i], m.body) << vin;
    ASSERT_EQ(cls, IsTruck(m.body) ? "truck" : "car") << vin;
    const auto [low, high] = MsrpRange(m, year);
    const double msrp = static_cast<double>(cols[kMsrp].ints[i]);
    ASSERT_GE(msrp, low) << cols[kModel].texts[i] << " " << year;
    ASSERT_LE(msrp, high) << cols[kModel].texts[i] << " " << year;
    ASSERT_GE(msrp, class_hull.at(cls).first) << cls;
    ASSERT_LE(msrp, class_hull.at(cls).second) << cls;
    ++per_class[cls];
  }
  EXPECT_GT(per_class["truck"], 0u);
  EXPECT_GT(per_class["car"], 0u);
}

// The share of trucks the table's weights give over the default years.
double TableTruckShare() {
  double trucks = 0, total = 0;
  for (const auto& [key, m] : ModelTable()) {
    const double w = m.weight * YearsInDefaultRange(m);
    total += w;
    if (IsTruck(m.body)) trucks += w;
  }
  return trucks / total;
}

double TruckShareOf(const std::vector<BatchColumn>& cols) {
  size_t trucks = 0;
  for (const std::string& c : cols[kClass].texts) trucks += c == "truck";
  return static_cast<double>(trucks) / static_cast<double>(cols[kClass].texts.size());
}

TEST(VehiclePack, TruckShareIsTheParameter) {
  // US light-vehicle sales are about 80% trucks; the table alone gives 62%,
  // so a provider that ignored the parameter would miss by 18 points against
  // a bound of 0.4.
  const double p = 0.8;
  auto cols = RunProvider("vin", {.params = {{"truck_share", "0.8"}}, .rows = kRows});
  EXPECT_NEAR(TruckShareOf(cols), p, testing::ShareBound(p, kRows, testing::kOneComparison));
  // Without it, the table's own mix.
  const double table_share = TableTruckShare();
  EXPECT_NEAR(table_share, 0.62, 0.01);
  cols = RunProvider("vin", {.rows = kRows});
  EXPECT_NEAR(TruckShareOf(cols), table_share, testing::ShareBound(table_share, kRows, testing::kOneComparison));
  // The ends: only cars, only trucks.
  EXPECT_EQ(TruckShareOf(RunProvider("vin", {.params = {{"truck_share", "0"}}, .rows = 2000})), 0);
  EXPECT_EQ(TruckShareOf(RunProvider("vin", {.params = {{"truck_share", "1"}}, .rows = 2000})), 1);
}

TEST(VehiclePack, TruckShareKeepsTheModelMixWithinAClass) {
  // Among trucks, a model's share is its weight among the trucks': the F-150
  // against every truck in range.
  const size_t n = kRows;
  auto cols = RunProvider("vin", {.params = {{"truck_share", "1"}}, .rows = n});
  double f150 = 0, trucks = 0;
  for (const auto& [key, m] : ModelTable()) {
    if (!IsTruck(m.body)) continue;
    trucks += m.weight * YearsInDefaultRange(m);
    if (std::get<1>(key) == "F-150") f150 += m.weight * YearsInDefaultRange(m);
  }
  size_t hits = 0;
  for (const std::string& model : cols[kModel].texts) hits += model == "F-150";
  const double p = f150 / trucks;
  EXPECT_NEAR(static_cast<double>(hits) / n, p, testing::ShareBound(p, n, testing::kOneComparison));
}

TEST(VehiclePack, BothYearCyclesUsePosition7) {
  auto cols = RunProvider("vin", {.params = {{"min_year", "1995"}, {"max_year", "2020"}}, .rows = 20000});
  size_t before_2010 = 0;
  for (size_t i = 0; i < cols[kVin].texts.size(); ++i) {
    const int year = static_cast<int>(cols[kYear].ints[i]);
    ASSERT_TRUE(validate::VinMatchesYear(cols[kVin].texts[i], year)) << cols[kVin].texts[i] << " " << year;
    before_2010 += year < 2010;
  }
  EXPECT_GT(before_2010, 2000u);  // measured 8,659 of 20,000
}

TEST(VehiclePack, MakeSharesFollowTheTable) {
  // Expected share of a make: the table's weights times years in range.
  std::istringstream in(testing::ReadFile(testing::SourceDir() / "plugins/vehicle/data/models.tsv"));
  std::map<std::string, double> weight;
  double total = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream f(line);
    std::string make, model, wmi, first, last, w;
    std::getline(f, make, '\t');
    std::getline(f, model, '\t');
    std::getline(f, wmi, '\t');
    std::getline(f, first, '\t');
    std::getline(f, last, '\t');
    std::getline(f, w, '\t');
    const int lo = std::max(std::stoi(first), 2006), hi = std::min(last.empty() ? 9999 : std::stoi(last), 2027);
    if (lo > hi) continue;
    weight[make] += std::stod(w) * (hi - lo + 1);
    total += std::stod(w) * (hi - lo + 1);
  }
  auto cols = RunProvider("vin", {.rows = kRows});
  for (const char* make : {"Ford", "Toyota", "Tesla"}) {
    size_t n = 0;
    for (const std::string& m : cols[kMake].texts) n += m == make;
    const double p = weight[make] / total;
    EXPECT_NEAR(static_cast<double>(n) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << make;
  }
}

TEST(VehiclePack, MakesParameterRestricts) {
  auto cols = RunProvider("vin", {.params = {{"makes", "tesla"}, {"min_year", "2012"}, {"max_year", "2025"}},
                                  .rows = 10000});
  std::set<std::string> models;
  for (size_t i = 0; i < cols[kVin].texts.size(); ++i) {
    ASSERT_EQ(cols[kMake].texts[i], "Tesla");
    ASSERT_TRUE(validate::VinWmiMatchesMake(cols[kVin].texts[i], "Tesla"));
    models.insert(cols[kModel].texts[i]);
    // The Model Y began with model year 2020.
    if (cols[kModel].texts[i] == "Model Y") {
      ASSERT_GE(cols[kYear].ints[i], 2020);
    }
  }
  EXPECT_EQ(models, (std::set<std::string>{"Model 3", "Model S", "Model X", "Model Y"}));
}

TEST(VehiclePack, UniqueVinsAreDistinct) {
  const size_t n = 200000;
  auto cols = RunProvider("vin", {.rows = n, .unique = {true}});
  std::unordered_set<std::string> seen(cols[kVin].texts.begin(), cols[kVin].texts.end());
  EXPECT_EQ(seen.size(), n);
  for (size_t i = 0; i < n; i += 101) ASSERT_TRUE(validate::IsValidVin(cols[kVin].texts[i]));
}

TEST(VehiclePack, SameRowSameVinWhateverTheBatch) {
  auto whole = RunProvider("vin", {.rows = 300});
  auto tail = RunProvider("vin", {.rows = 10, .first_row = 290});
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(whole[kVin].texts[290 + i], tail[kVin].texts[i]);
    EXPECT_EQ(whole[kYear].ints[290 + i], tail[kYear].ints[i]);
  }
}

TEST(VehiclePack, BadParametersAreRejected) {
  EXPECT_THROW(RunProvider("vin", {.params = {{"min_year", "1975"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("vin", {.params = {{"max_year", "2045"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("vin", {.params = {{"makes", "Trabant"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("vin", {.params = {{"truck_share", "1.5"}}, .rows = 1}), InputError);
  EXPECT_THROW(RunProvider("vin", {.params = {{"truck_share", "-0.1"}}, .rows = 1}), InputError);
  // Porsche built only the 911 before the Cayenne (2003): no truck to draw.
  EXPECT_THROW(RunProvider("vin", {.params = {{"makes", "Porsche"}, {"min_year", "1995"}, {"max_year", "2002"},
                                              {"truck_share", "0.5"}},
                                   .rows = 1}),
               InputError);
  // Tesla made no car before 2008.
  EXPECT_THROW(RunProvider("vin", {.params = {{"makes", "Tesla"}, {"min_year", "1990"}, {"max_year", "2000"}},
                                   .rows = 1}),
               InputError);
}

}  // namespace
}  // namespace seedforge
