// Volume control through the seedforge binary: --rows on a grouped child
// (banking's transactions) gives exactly that many, still grouped by their
// account, from as many accounts and customers as keep the domain's shape;
// and a domain with aggregates writes the same bytes on 1 and 4 threads.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "support/csv_reader.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::CsvTable;

TEST(VolumeControlCli, BankingTransactionsKeepTheirAccounts) {
  const fs::path dir = testing::MakeTempDir("seedforge-volume");
  ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain banking --rows transactions=100000 "
                                "--as-of 2026-01-01 --out " + dir.string()),
            0);
  const CsvTable customers = testing::ReadCsv((dir / "customers.csv").string());
  const CsvTable accounts = testing::ReadCsv((dir / "accounts.csv").string());
  const CsvTable transactions = testing::ReadCsv((dir / "transactions.csv").string());
  // 2.8 transactions a month of an account's time in the 2024 window,
  // implied as 33.67 per account (all 366 days: the real mean depends on
  // accounts not yet made); 1-3 accounts per customer, so the fewest
  // customers whose drawn accounts reach 2,970: about 1,485 (within 3%).
  EXPECT_EQ(transactions.rows.size(), 100000u);
  EXPECT_EQ(accounts.rows.size(), 2970u);
  EXPECT_NEAR(static_cast<double>(customers.rows.size()), 1485, 45);
  std::set<std::string> account_ids, customer_ids;
  for (const auto& row : customers.rows) customer_ids.insert(*row[customers.Column("customer_id")]);
  for (const auto& row : accounts.rows) {
    account_ids.insert(*row[accounts.Column("account_id")]);
    EXPECT_TRUE(customer_ids.count(*row[accounts.Column("customer_id")]));
  }
  // Grouped: the transactions of one account are one run of rows.
  const int account = transactions.Column("account_id");
  std::set<std::string> done;
  size_t runs = 0;
  for (size_t i = 0; i < transactions.rows.size(); ++i) {
    const std::string& id = *transactions.rows[i][account];
    ASSERT_TRUE(account_ids.count(id)) << "row " << i;
    if (i > 0 && id == *transactions.rows[i - 1][account]) continue;
    ASSERT_TRUE(done.insert(id).second) << "account " << id << " has two runs of transactions (row " << i << ")";
    ++runs;
  }
  // Nearly every account has some: those not open in 2024 (4 to 8% of the
  // learned dates) have none, and the rest a Poisson count of mean about 25,
  // 0 with e^-25.
  EXPECT_GT(runs, 2970u * 9 / 10);
  fs::remove_all(dir);
}

TEST(VolumeControlCli, AggregatesAreTheSameOnAnyThreadCount) {
  const fs::path dir = testing::MakeTempDir("seedforge-aggregate-threads");
  const fs::path domain = dir / "agg.yaml";
  std::ofstream(domain) << R"(domain: agg
entities:
  accounts:
    rows: 20000
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      n: {aggregate: {count: transactions}}
      total: {aggregate: {sum: transactions.amount}}
      last_at: {aggregate: {last: transactions.posted_at}}
  transactions:
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      account_id: {type: bigint, not_null: true, references: accounts, per_parent: {poisson: 4}}
      amount: {type: 'numeric(12,2)', null_rate: 0.1, provider: decimal, params: {min: -100, max: 100}}
      posted_at: {type: timestamp, not_null: true, provider: timestamp}
)";
  for (const char* threads : {"1", "4"}) {
    ASSERT_EQ(testing::RunCommand(testing::SeedforgeBinary() + " generate -q --domain " + domain.string() +
                                  " --rows transactions=90001 --threads " + threads + " --out " +
                                  (dir / threads).string()),
              0);
  }
  for (const char* file : {"accounts.csv", "transactions.csv"}) {
    EXPECT_EQ(testing::ReadFile(dir / "1" / file), testing::ReadFile(dir / "4" / file)) << file;
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
