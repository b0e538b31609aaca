// Conditional values as the generator makes them: `copy:` of a parent's or
// grandparent's column (regenerated from its key), `compute:` over the
// row's columns, and `category` with `by:`, each checked on every row and
// the same however rows are split into batches.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <optional>
#include <string>

#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "support/sampling_bounds.h"

namespace seedforge {
namespace {

// Every row of every entity as text (NULL as nullopt), per entity, per
// column, generated in batches of `batch_rows`.
using Column = std::vector<std::optional<std::string>>;
using Tables = std::map<std::string, std::map<std::string, Column>>;

Tables GenerateAll(const Generator& generator, size_t batch_rows) {
  Tables tables;
  for (size_t e = 0; e < generator.entities().size(); ++e) {
    const DomainEntity& def = generator.domain().entities[e];
    const uint64_t rows = generator.entities()[e].rows;
    Batch batch;
    generator.InitBatch(static_cast<int>(e), batch);
    for (uint64_t first = 0; first < rows; first += batch_rows) {
      const size_t count = static_cast<size_t>(std::min<uint64_t>(batch_rows, rows - first));
      generator.Generate(static_cast<int>(e), first, count, batch);
      for (size_t c = 0; c < batch.columns.size(); ++c) {
        Column& out = tables[def.name][def.columns[c].name];
        for (size_t i = 0; i < count; ++i) {
          out.push_back(batch.columns[c].IsNull(i) ? std::nullopt : std::optional(batch.columns[c].Text(i)));
        }
      }
    }
  }
  return tables;
}

GenerateOptions Options(uint64_t seed) {
  GenerateOptions options;
  options.seed = seed;
  options.today = DaysFromCivil(2026, 1, 1);
  return options;
}

// Customers, their accounts (1-3 each) and the accounts' transactions: a
// transaction copies its customer's segment through its account (two
// links), the account copies the customer's score and computes an
// interest rate falling as the score rises; a transaction's direction
// depends on its kind, its channel mix on the customer's segment.
constexpr const char* kBank = R"yaml(entities:
  customers:
    rows: 3000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      score: {type: smallint, not_null: true, provider: integer, params: {min: 300, max: 850}}
      segment: {type: text, not_null: true, provider: category, params: {values: {retail: 0.7, private: 0.3}}}
  accounts:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      customer_id: {type: bigint, not_null: true, references: customers, per_parent: {min: 1, max: 3}}
      score: {type: smallint, hidden: true, copy: customers.score}
      apr: {type: 'numeric(5,2)', not_null: true, compute: "clamp(normal(30 - score * 0.03, 1), 2.9, 29.9)"}
      opened_on: {type: date, not_null: true, provider: date, params: {from: 2020-01-01, to: 2024-12-31}}
      review_on: {type: date, compute: "opened_on + 365"}
  transactions:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      account_id: {type: bigint, not_null: true, references: accounts, per_parent: 4}
      segment: {type: text, copy: customers.segment}
      kind: {type: text, not_null: true, provider: category, params: {values: {deposit: 1, fee: 1, transfer: 2}}}
      direction: {type: text, not_null: true, provider: category,
                  params: {by: kind, values: {deposit: [credit], fee: [debit], transfer: {debit: 0.6, credit: 0.4}}}}
      channel: {type: text, not_null: true, provider: category,
                params: {by: segment, values: {retail: {app: 0.8, branch: 0.2}, private: {banker: 1}}}}
)yaml";

struct Bank {
  Tables tables;
  explicit Bank(uint64_t seed, size_t batch_rows = 8000) {
    Domain domain = ParseDomain(kBank, "bank.yaml", BuiltinRegistry());
    Generator generator(domain, BuiltinRegistry(), Options(seed));
    tables = GenerateAll(generator, batch_rows);
  }
  const Column& operator()(const std::string& entity, const std::string& column) const {
    return tables.at(entity).at(column);
  }
};

using testing::kOneComparison;
using testing::MeanBound;
using testing::ShareBound;

// Days since 1970 of "YYYY-MM-DD".
int64_t Day(const std::string& text) {
  return DaysFromCivil(std::stoi(text.substr(0, 4)), static_cast<unsigned>(std::stoi(text.substr(5, 2))),
                       static_cast<unsigned>(std::stoi(text.substr(8, 2))));
}

size_t Row(const std::optional<std::string>& key) { return std::stoull(*key) - 1; }  // sequences start at 1

TEST(ComputeTest, CopyReadsTheParentAndGrandparentOfEveryRow) {
  for (uint64_t seed : {1, 2, 3}) {
    const Bank bank(seed);
    const Column& account_customer = bank("accounts", "customer_id");
    const Column& transaction_account = bank("transactions", "account_id");
    const Column& segment = bank("customers", "segment");
    const Column& copied = bank("transactions", "segment");
    ASSERT_GT(copied.size(), 4000u);
    for (size_t t = 0; t < copied.size(); ++t) {
      const size_t customer = Row(account_customer[Row(transaction_account[t])]);
      ASSERT_EQ(copied[t], segment[customer]) << "transaction " << t << ", seed " << seed;
    }
  }
}

TEST(ComputeTest, RateFallsAsTheCopiedScoreRises) {
  // apr = clamp(normal(30 - 0.03 score, 1), 2.9, 29.9): over scores
  // 300-850 the mean runs from 21 to 4.5, with noise 1. Per score band the
  // mean is within the noise's standard error of the formula.
  const Bank bank(4);
  const Column& score = bank("customers", "score");
  const Column& customer = bank("accounts", "customer_id");
  const Column& apr = bank("accounts", "apr");
  const Column& opened = bank("accounts", "opened_on");
  const Column& review = bank("accounts", "review_on");
  std::map<int, std::pair<double, int>> by_band;  // 100-point bands
  for (size_t a = 0; a < apr.size(); ++a) {
    const int s = std::stoi(*score[Row(customer[a])]);
    const double rate = std::stod(*apr[a]);
    ASSERT_GE(rate, 2.9);
    ASSERT_LE(rate, 29.9);
    auto& [sum, n] = by_band[s / 100];
    sum += rate;
    ++n;
    // review_on = opened_on + 365 days on every row.
    ASSERT_EQ(Day(*review[a]), Day(*opened[a]) + 365);
  }
  double previous = 100;
  for (const auto& [band, totals] : by_band) {
    const auto& [sum, n] = totals;
    ASSERT_GT(n, 100);
    const double mean = sum / n;
    const double mid = band * 100 + 50;
    // Scores are uniform over the band (of width <= 100): the formula's mean
    // over it is 30 - 0.03 x its mean score, which lies within 50 of mid;
    // plus the sampling noise of the mean (sd 1).
    EXPECT_NEAR(mean, 30 - 0.03 * mid, 0.03 * 50 + MeanBound(1, n, kOneComparison)) << "band " << band;
    EXPECT_LT(mean, previous) << "band " << band;
    previous = mean;
  }
}

TEST(ComputeTest, CategoryByFollowsItsTables) {
  for (uint64_t seed : {1, 2, 3}) {
    const Bank bank(seed);
    const Column& kind = bank("transactions", "kind");
    const Column& direction = bank("transactions", "direction");
    const Column& segment = bank("transactions", "segment");
    const Column& channel = bank("transactions", "channel");
    size_t transfers = 0, transfer_debits = 0, retail = 0, retail_app = 0;
    for (size_t t = 0; t < kind.size(); ++t) {
      if (*kind[t] == "deposit") {
        ASSERT_EQ(*direction[t], "credit");
      }
      if (*kind[t] == "fee") {
        ASSERT_EQ(*direction[t], "debit");
      }
      if (*kind[t] == "transfer") {
        ++transfers;
        transfer_debits += *direction[t] == "debit";
      }
      if (*segment[t] == "private") {
        ASSERT_EQ(*channel[t], "banker");
      }
      if (*segment[t] == "retail") {
        ++retail;
        retail_app += *channel[t] == "app";
        ASSERT_NE(*channel[t], "banker");
      }
    }
    EXPECT_NEAR(static_cast<double>(transfer_debits) / transfers, 0.6, ShareBound(0.6, transfers, kOneComparison));
    EXPECT_NEAR(static_cast<double>(retail_app) / retail, 0.8, ShareBound(0.8, retail, kOneComparison));
  }
}

TEST(ComputeTest, SameValuesWhateverTheBatches) {
  EXPECT_EQ(Bank(5, 7).tables, Bank(5, 8000).tables);
}

TEST(ComputeTest, CopyThroughANullLinkIsNull) {
  constexpr const char* kText = R"(entities:
  campaigns:
    rows: 5
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      name: {type: text, not_null: true, provider: pattern, params: {pattern: 'C-###'}}
  events:
    rows: 2000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      campaign_id: {type: bigint, null_rate: 0.5, references: campaigns}
      campaign_name: {type: text, copy: campaigns.name}
)";
  Domain domain = ParseDomain(kText, "events.yaml", BuiltinRegistry());
  Generator generator(domain, BuiltinRegistry(), Options(1));
  const Tables tables = GenerateAll(generator, 300);
  const Column& link = tables.at("events").at("campaign_id");
  const Column& name = tables.at("events").at("campaign_name");
  const Column& names = tables.at("campaigns").at("name");
  size_t nulls = 0;
  for (size_t i = 0; i < link.size(); ++i) {
    if (!link[i]) {
      ASSERT_FALSE(name[i]);
      ++nulls;
    } else {
      ASSERT_EQ(name[i], names[Row(link[i])]);
    }
  }
  EXPECT_NEAR(static_cast<double>(nulls) / link.size(), 0.5, ShareBound(0.5, link.size(), kOneComparison));
}

}  // namespace
}  // namespace seedforge
