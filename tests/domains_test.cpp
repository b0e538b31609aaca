// The built-in domains: they validate, and their generated rows keep every
// promise of their domain file (keys, links, cardinalities, constraints).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "support/csv_reader.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::CsvTable;

TEST(BuiltinDomains, AllValidateAndPlan) {
  auto names = BuiltinDomainNames();
  EXPECT_EQ(names, (std::vector<std::string>{"banking", "employee", "pci"}));
  for (const std::string& name : names) {
    SCOPED_TRACE(name);
    Domain domain = LoadDomain(name, BuiltinRegistry());
    GenerateOptions options;
    options.today = DaysFromCivil(2026, 1, 1);
    Generator generator(domain, BuiltinRegistry(), options);
    EXPECT_EQ(generator.order().size(), domain.entities.size());
  }
}

std::string Key(const std::vector<std::optional<std::string>>& row, const std::vector<int>& columns,
                bool* has_null) {
  std::string key;
  *has_null = false;
  for (int c : columns) {
    if (!row[c]) *has_null = true;
    key += row[c].value_or("") + '\x1f';
  }
  return key;
}

// Generates a domain to CSV and checks, generically from the domain file:
// primary keys and unique columns are distinct, NOT NULL columns have no
// NULL, every foreign key resolves, and per_parent counts stay in bounds.
void CheckDomainIntegrity(const std::string& domain_name, const std::string& extra_args) {
  fs::path dir = testing::MakeTempDir("seedforge-domain");
  std::string output;
  int status = testing::RunCommand(testing::SeedforgeBinary() + " generate -q --as-of 2026-01-01 --domain " +
                                       domain_name + " --format csv --out " + dir.string() + " " + extra_args,
                                   &output);
  ASSERT_EQ(status, 0) << output;
  Domain domain = LoadDomain(domain_name, BuiltinRegistry());
  std::map<std::string, CsvTable> tables;
  for (const EntityDef& e : domain.entities) tables[e.name] = testing::ReadCsv((dir / (e.name + ".csv")).string());
  for (const EntityDef& e : domain.entities) {
    SCOPED_TRACE(e.name);
    const CsvTable& t = tables[e.name];
    ASSERT_EQ(t.header.size(), e.columns.size());
    for (const ColumnDef& c : e.columns) {
      int ci = t.Column(c.name);
      ASSERT_GE(ci, 0) << c.name;
      std::set<std::string> seen;
      size_t nulls = 0;
      for (const auto& row : t.rows) {
        if (!row[ci]) {
          ++nulls;
          continue;
        }
        if (c.unique || (c.primary_key && e.PrimaryKey().size() == 1)) {
          EXPECT_TRUE(seen.insert(*row[ci]).second) << c.name << " repeats " << *row[ci];
        }
      }
      if (c.not_null) {
        EXPECT_EQ(nulls, 0u) << c.name;
      }
      if (c.null_rate > 0 && t.rows.size() > 1000) {
        EXPECT_NEAR(static_cast<double>(nulls) / t.rows.size(), c.null_rate, 0.05) << c.name;
      }
    }
    for (const LinkDef& link : e.links) {
      const CsvTable& parent = tables[link.parent];
      std::vector<int> pc, cc;
      for (const std::string& c : link.parent_columns) pc.push_back(parent.Column(c));
      for (const std::string& c : link.columns) cc.push_back(t.Column(c));
      std::map<std::string, int64_t> children;
      bool has_null = false;
      for (const auto& row : parent.rows) children[Key(row, pc, &has_null)] = 0;
      size_t dangling = 0;
      for (const auto& row : t.rows) {
        std::string key = Key(row, cc, &has_null);
        if (has_null) continue;
        auto it = children.find(key);
        if (it == children.end()) {
          ++dangling;
        } else {
          ++it->second;
        }
      }
      EXPECT_EQ(dangling, 0u) << "foreign key " << e.name << " -> " << link.parent;
      if (link.per_parent) {
        for (const auto& [key, count] : children) {
          ASSERT_GE(count, link.per_parent->min) << e.name << " per " << link.parent;
          ASSERT_LE(count, link.per_parent->max) << e.name << " per " << link.parent;
        }
        double mean = static_cast<double>(t.rows.size()) / std::max<size_t>(1, parent.rows.size());
        EXPECT_NEAR(mean, link.per_parent->Mean(), 0.1 * link.per_parent->Mean() + 0.1)
            << e.name << " per " << link.parent;
      }
    }
  }
  fs::remove_all(dir);
}

TEST(BankingDomain, KeysLinksAndCardinalitiesHold) { CheckDomainIntegrity("banking", ""); }

TEST(BankingDomain, ScaledUpStillHolds) { CheckDomainIntegrity("banking", "--rows customers=5000 --threads 2"); }

TEST(BankingDomain, ChecksOfTheDomainFileHold) {
  fs::path dir = testing::MakeTempDir("seedforge-banking");
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain banking --out " + dir.string()), 0);
  CsvTable customers = testing::ReadCsv((dir / "customers.csv").string());
  int score = customers.Column("credit_score");
  double sum = 0;
  for (const auto& row : customers.rows) {
    int v = std::stoi(*row[score]);
    ASSERT_GE(v, 300);
    ASSERT_LE(v, 850);
    sum += v;
  }
  // Normal(690, 75) clipped to [300, 850]: the mean stays near 690; with
  // 1,000 rows its standard error is 2.4, so 10 is over 4 sigma.
  EXPECT_NEAR(sum / customers.rows.size(), 690, 10);
  CsvTable accounts = testing::ReadCsv((dir / "accounts.csv").string());
  int opened = accounts.Column("opened_on"), closed = accounts.Column("closed_on");
  for (const auto& row : accounts.rows) {
    if (row[closed]) {
      EXPECT_GE(*row[closed], *row[opened]);  // ISO dates compare as text
    }
  }
  CsvTable transactions = testing::ReadCsv((dir / "transactions.csv").string());
  int amount = transactions.Column("amount");
  for (const auto& row : transactions.rows) ASSERT_GT(std::stod(*row[amount]), 0);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
