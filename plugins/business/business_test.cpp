#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "seedforge/error.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::RunProvider;

constexpr size_t kRows = 100000;

// Rows of a data table of the pack, read with a parser of the test's own.
std::vector<std::vector<std::string>> ReadTable(const std::string& name) {
  std::vector<std::vector<std::string>> rows;
  std::istringstream in(testing::ReadFile(testing::SourceDir() / "plugins/business/data" / name));
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> fields;
    std::istringstream f(line);
    std::string field;
    while (std::getline(f, field, '\t')) fields.push_back(field);
    rows.push_back(fields);
  }
  return rows;
}

// --- company ---------------------------------------------------------------------

TEST(BusinessPack, CompanyNamesAreWellFormed) {
  auto cols = RunProvider("company", {.rows = kRows});
  std::map<std::string, double> industry_weight;
  double total = 0;
  for (const auto& row : ReadTable("industries.tsv")) {
    industry_weight[row[0]] = std::stod(row[1]);
    total += std::stod(row[1]);
  }
  // Capitalised words, '&' and ',' between partners, a known ending.
  const std::regex shape(R"([A-Z][A-Za-z'\-]*,?( ([A-Z][A-Za-z'.\-]*,?|&))*)");
  std::map<std::string, size_t> industries;
  size_t partners = 0;
  std::set<std::string> names;
  for (size_t i = 0; i < kRows; ++i) {
    const std::string& name = cols[0].texts[i];
    ASSERT_TRUE(std::regex_match(name, shape)) << name;
    ASSERT_LE(name.size(), 80u);
    ASSERT_TRUE(industry_weight.count(cols[1].texts[i])) << cols[1].texts[i];
    ++industries[cols[1].texts[i]];
    partners += name.find(" & ") != std::string::npos;
    names.insert(name);
    // "X & X": partners are different people.
    const size_t amp = name.find(" & ");
    if (amp != std::string::npos && name.find(',') == std::string::npos) {
      const std::string first = name.substr(0, amp);
      ASSERT_NE(name.substr(amp + 3, first.size() + 1), first + " ") << name;
      ASSERT_NE(name.substr(amp + 3), first) << name;
    }
  }
  // Two of the four shapes have partners: 17% + 8%.
  EXPECT_NEAR(static_cast<double>(partners) / kRows, 0.25,
              testing::ShareBound(0.25, kRows, testing::kManyComparisons));
  for (const auto& [industry, w] : industry_weight) {
    const double p = w / total;
    EXPECT_NEAR(static_cast<double>(industries[industry]) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << industry;
  }
  // Built from parts, names repeat, but not much (measured: 78,551
  // distinct of 100,000).
  EXPECT_GT(names.size(), kRows / 2);
}

TEST(BusinessPack, CompanyIndustriesParameter) {
  auto cols = RunProvider("company", {.params = {{"industries", "software, Legal"}}, .rows = 20000});
  for (const std::string& industry : cols[1].texts) {
    ASSERT_TRUE(industry == "Software" || industry == "Legal") << industry;
  }
  EXPECT_THROW(RunProvider("company", {.params = {{"industries", "Piracy"}}, .rows = 1}), InputError);
}

// --- job_title and department ------------------------------------------------------

TEST(BusinessPack, JobTitlesAgreeWithDepartmentsAndLevels) {
  std::map<std::string, std::pair<std::string, bool>> table;  // title -> (department, levels)
  std::map<std::string, double> department_weight;
  double total = 0;
  for (const auto& row : ReadTable("job_titles.tsv")) {
    ASSERT_EQ(row.size(), 4u);
    table[row[0]] = {row[1], row[3] == "y"};
    department_weight[row[1]] += std::stod(row[2]);
    total += std::stod(row[2]);
  }
  auto cols = RunProvider("job_title", {.rows = kRows});
  std::map<std::string, size_t> departments;
  size_t senior = 0, levelled = 0;
  for (size_t i = 0; i < kRows; ++i) {
    std::string title = cols[0].texts[i];
    const std::string& level = cols[2].texts[i];
    if (!level.empty()) {
      ASSERT_EQ(title.substr(0, level.size() + 1), level + " ") << title;
      title = title.substr(level.size() + 1);
    }
    auto it = table.find(title);
    ASSERT_NE(it, table.end()) << cols[0].texts[i];
    ASSERT_EQ(cols[1].texts[i], it->second.first);
    if (!it->second.second) {
      ASSERT_TRUE(level.empty()) << cols[0].texts[i];
    }
    if (it->second.second) {
      ++levelled;
      senior += level == "Senior";
    }
    ++departments[cols[1].texts[i]];
  }
  EXPECT_NEAR(static_cast<double>(senior) / levelled, 0.25,
              testing::ShareBound(0.25, levelled, testing::kManyComparisons));
  for (const auto& [department, w] : department_weight) {
    const double p = w / total;
    EXPECT_NEAR(static_cast<double>(departments[department]) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << department;
  }
}

TEST(BusinessPack, JobTitleParameters) {
  auto cols = RunProvider("job_title", {.params = {{"departments", "Engineering,Data"}, {"levels", "false"}},
                                        .rows = 20000});
  for (size_t i = 0; i < cols[0].texts.size(); ++i) {
    ASSERT_TRUE(cols[1].texts[i] == "Engineering" || cols[1].texts[i] == "Data") << cols[1].texts[i];
    ASSERT_TRUE(cols[2].texts[i].empty());
  }
  EXPECT_THROW(RunProvider("job_title", {.params = {{"departments", "Piracy"}}, .rows = 1}), InputError);
}

TEST(BusinessPack, DepartmentsFollowHeadcount) {
  std::map<std::string, double> department_weight;
  double total = 0;
  for (const auto& row : ReadTable("job_titles.tsv")) {
    department_weight[row[1]] += std::stod(row[2]);
    total += std::stod(row[2]);
  }
  auto cols = RunProvider("department", {.rows = kRows});
  std::map<std::string, size_t> counts;
  for (const std::string& d : cols[0].texts) ++counts[d];
  EXPECT_EQ(counts.size(), department_weight.size());
  for (const auto& [department, w] : department_weight) {
    const double p = w / total;
    EXPECT_NEAR(static_cast<double>(counts[department]) / kRows, p,
                testing::ShareBound(p, kRows, testing::kManyComparisons))
        << department;
  }
}

TEST(BusinessPack, SameRowSameValuesWhateverTheBatch) {
  for (const char* provider : {"company", "job_title"}) {
    auto whole = RunProvider(provider, {.rows = 300});
    auto tail = RunProvider(provider, {.rows = 10, .first_row = 290});
    for (size_t i = 0; i < 10; ++i) EXPECT_EQ(whole[0].texts[290 + i], tail[0].texts[i]) << provider;
  }
}

}  // namespace
}  // namespace seedforge
