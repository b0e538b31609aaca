// The built-in domains: they validate, and their generated rows keep every
// promise of their domain file (keys, links, cardinalities, constraints).
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "seedforge/synthesizer.h"
#include "support/csv_reader.h"
#include "test_util.h"
#include "validate/people_rules.h"

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
    options.model_loader = LoadModelRef;
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
    size_t shown = 0;
    for (const ColumnDef& c : e.columns) shown += c.hidden ? 0 : 1;
    ASSERT_EQ(t.header.size(), shown);
    for (const ColumnDef& c : e.columns) {
      if (c.hidden) {
        EXPECT_LT(t.Column(c.name), 0) << c.name << " is hidden";
        continue;
      }
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
  for (const auto& row : customers.rows) {
    int v = std::stoi(*row[score]);
    ASSERT_GE(v, 300);
    ASSERT_LE(v, 850);
  }
  CsvTable accounts = testing::ReadCsv((dir / "accounts.csv").string());
  int opened = accounts.Column("opened_on"), closed = accounts.Column("closed_on");
  for (const auto& row : accounts.rows) {
    if (row[closed]) {
      EXPECT_GT(*row[closed], *row[opened]);  // the model's constraint; ISO dates compare as text
    }
  }
  CsvTable transactions = testing::ReadCsv((dir / "transactions.csv").string());
  int amount = transactions.Column("amount");
  for (const auto& row : transactions.rows) ASSERT_GT(std::stod(*row[amount]), 0);
  fs::remove_all(dir);
}

double Pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i] / n, my += y[i] / n;
  double sxy = 0, sxx = 0, syy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  return sxy / std::sqrt(sxx * syy);
}

// Correlations of log income with credit score and with age, the mean
// score and the share of each segment, over the rows that have them all.
// The age is the sample's `age` column, or the age on `as_of` of the
// generated `date_of_birth` (the domain keeps the learned age hidden).
struct CustomerShape {
  double mean_score = 0, score_log_income_r = 0, age_log_income_r = 0;
  std::map<std::string, double> segment_share;
};

CustomerShape ShapeOf(const CsvTable& table, int64_t as_of) {
  const int score = table.Column("credit_score"), income = table.Column("annual_income"),
            segment = table.Column("segment"), age = table.Column("age"), birth = table.Column("date_of_birth");
  std::vector<double> scores, log_incomes, ages;
  CustomerShape shape;
  for (const auto& row : table.rows) {
    const auto& age_text = row[age >= 0 ? age : birth];
    if (!row[score] || !row[income] || !row[segment] || !age_text || std::stod(*row[income]) <= 0) continue;
    scores.push_back(std::stod(*row[score]));
    log_incomes.push_back(std::log(std::stod(*row[income])));
    if (age >= 0) {
      ages.push_back(std::stod(*age_text));
    } else {
      const std::string& d = *age_text;  // YYYY-MM-DD
      const int64_t days = DaysFromCivil(std::stoi(d.substr(0, 4)), static_cast<unsigned>(std::stoi(d.substr(5, 2))),
                                         static_cast<unsigned>(std::stoi(d.substr(8, 2))));
      ages.push_back(validate::AgeOn(days, as_of));
    }
    shape.segment_share[*row[segment]] += 1;
  }
  double sum = 0;
  for (double v : scores) sum += v;
  shape.mean_score = sum / static_cast<double>(scores.size());
  shape.score_log_income_r = Pearson(scores, log_incomes);
  shape.age_log_income_r = Pearson(ages, log_incomes);
  for (auto& [name, count] : shape.segment_share) count /= static_cast<double>(scores.size());
  return shape;
}

TEST(BankingDomain, CustomersBehaveLikeTheSampleData) {
  // credit_score, annual_income and segment are learned from
  // seeds/banking/customers.csv: the generated customers must show the
  // sample's relations, measured on both sides here (nothing hard-coded).
  // 20,000 rows: the standard error of r is about 0.006, of a share 0.003.
  fs::path dir = testing::MakeTempDir("seedforge-banking-learned");
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain banking --rows customers=20000 "
                                                             "--rows campaigns=1 --as-of 2026-01-01 --out " + dir.string()),
            0);
  const int64_t as_of = DaysFromCivil(2026, 1, 1);
  const CustomerShape sample =
      ShapeOf(testing::ReadCsv((testing::SourceDir() / "seeds/banking/customers.csv").string()), as_of);
  const CustomerShape made = ShapeOf(testing::ReadCsv((dir / "customers.csv").string()), as_of);
  ASSERT_GT(sample.score_log_income_r, 0.3);  // the relations worth keeping are there
  ASSERT_GT(sample.age_log_income_r, 0.3);
  EXPECT_NEAR(made.score_log_income_r, sample.score_log_income_r, 0.1);
  EXPECT_NEAR(made.age_log_income_r, sample.age_log_income_r, 0.1);  // through the hidden age
  EXPECT_NEAR(made.mean_score, sample.mean_score, 10);
  for (const auto& [segment, share] : sample.segment_share) {
    EXPECT_NEAR(made.segment_share.count(segment) ? made.segment_share.at(segment) : 0.0, share, 0.03) << segment;
  }
  fs::remove_all(dir);
}

TEST(LearnedColumns, TypeOverridesChangeHowTheDataIsRead) {
  // credit_score read as categorical: the model can only give back scores
  // the sample has (as a continuous column it would make new ones).
  fs::path dir = testing::MakeTempDir("seedforge-learned-types");
  const fs::path sample = testing::SourceDir() / "seeds/banking/customers.csv";
  std::ofstream(dir / "d.yaml") << "domain: typed\n"
                                   "entities:\n"
                                   "  people:\n"
                                   "    rows: 3000\n"
                                   "    model: {from: " << sample.string() << ", types: {credit_score: categorical}}\n"
                                   "    columns:\n"
                                   "      id: {type: bigint, primary_key: true, provider: sequence}\n"
                                   "      credit_score: {type: text, learned: true}\n";
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain " + (dir / "d.yaml").string() +
                                " --out " + (dir / "out").string()),
            0);
  const CsvTable source = testing::ReadCsv(sample.string());
  std::set<std::string> known;
  for (const auto& row : source.rows) known.insert(row[source.Column("credit_score")].value_or(""));
  const CsvTable made = testing::ReadCsv((dir / "out/people.csv").string());
  std::set<std::string> distinct;
  for (const auto& row : made.rows) {
    const std::string value = row[made.Column("credit_score")].value_or("");
    ASSERT_TRUE(known.count(value)) << value << " is not a score of the sample";
    distinct.insert(value);
  }
  EXPECT_GT(distinct.size(), 100u);  // many categories, not a collapse onto a few
  fs::remove_all(dir);
}

TEST(LearnedColumns, NotNullColumnsGetNoNullsFromSampleDataThatHasThem) {
  // income and bonus are each NULL in 40% of the sample rows; the domain
  // declares income NOT NULL and bonus nullable.
  fs::path dir = testing::MakeTempDir("seedforge-learned-notnull");
  {
    std::ofstream csv(dir / "people.csv");
    csv << "income,bonus\n";
    for (int i = 0; i < 500; ++i) {
      const int income = 30000 + (i * 7919) % 50000, bonus = 1000 + (i * 104729) % 9000;
      csv << (i % 5 < 2 ? "" : std::to_string(income)) << "," << ((i + 1) % 5 < 2 ? "" : std::to_string(bonus)) << "\n";
    }
  }
  std::ofstream(dir / "d.yaml") << "domain: nulls\n"
                                   "entities:\n"
                                   "  people:\n"
                                   "    rows: 4000\n"
                                   "    model: {from: people.csv}\n"
                                   "    columns:\n"
                                   "      id: {type: bigint, primary_key: true, provider: sequence}\n"
                                   "      income: {type: integer, not_null: true, learned: true}\n"
                                   "      bonus: {type: integer, learned: true}\n";
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain " + (dir / "d.yaml").string() +
                                " --out " + (dir / "out").string()),
            0);
  const CsvTable made = testing::ReadCsv((dir / "out/people.csv").string());
  ASSERT_EQ(made.rows.size(), 4000u);
  size_t income_nulls = 0, bonus_nulls = 0;
  for (const auto& row : made.rows) {
    const auto& income = row[made.Column("income")];
    if (!income || income->empty()) {
      ++income_nulls;
    } else {
      EXPECT_GE(std::stoi(*income), 30000);  // a value of the model, not a placeholder
    }
    const auto& bonus = row[made.Column("bonus")];
    bonus_nulls += !bonus || bonus->empty();
  }
  EXPECT_EQ(income_nulls, 0u);
  EXPECT_NEAR(bonus_nulls / 4000.0, 0.4, 0.04);  // the nullable column keeps the sample's NULL share
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
