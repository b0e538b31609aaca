// Named rows (scenarios:) through the binary: banking's alice in the CSV
// and SQL outputs at every scale, a conflict reported with its place and
// exit status 2, and `load` into a throwaway PostgreSQL server with every
// foreign key holding and alice found by her e-mail.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <pqxx/pqxx>

#include "support/csv_reader.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

int Seedforge(const std::string& args, std::string* output) {
  return RunCommand(SeedforgeBinary() + " " + args, output);
}

// Rows of a CSV file whose column `column` is `value`.
std::vector<std::vector<std::optional<std::string>>> RowsWhere(const fs::path& file, const std::string& column,
                                                               const std::string& value) {
  const testing::CsvTable table = testing::ReadCsv(file.string());
  const size_t c = static_cast<size_t>(std::find(table.header.begin(), table.header.end(), column) - table.header.begin());
  std::vector<std::vector<std::optional<std::string>>> rows;
  for (const auto& row : table.rows) {
    if (c < row.size() && row[c] == value) rows.push_back(row);
  }
  return rows;
}

TEST(NamedRowsCli, BankingAliceIsTheSameRowAtEveryScaleInCsvAndSql) {
  const fs::path dir = testing::MakeTempDir("seedforge-named-rows");
  std::string output;
  std::optional<std::string> alice_row;
  for (const char* scale : {"1", "3"}) {
    const fs::path out = dir / scale;
    ASSERT_EQ(Seedforge("generate -q --domain banking --seed 9 --as-of 2026-01-01 --scale " + std::string(scale) +
                            " --out " + ShellQuote(out.string()),
                        &output),
              0)
        << output;
    const testing::CsvTable customers = testing::ReadCsv((out / "customers.csv").string());
    ASSERT_FALSE(customers.rows.empty());
    EXPECT_EQ(customers.rows[0][0], "1");  // customer_id of row 0
    EXPECT_EQ(customers.rows[0][3], "alice@example.com");
    EXPECT_EQ(RowsWhere(out / "customers.csv", "email", "alice@example.com").size(), 1u);
    const auto accounts = RowsWhere(out / "accounts.csv", "customer_id", "1");
    ASSERT_FALSE(accounts.empty());
    EXPECT_EQ(accounts[0][0], "100001");
    EXPECT_EQ(accounts[0][3], "checking");
    EXPECT_EQ(accounts[0][9], "frozen");
    size_t fees = 0;
    for (const auto& row : RowsWhere(out / "transactions.csv", "account_id", "100001")) {
      fees += row[5] == "fee" && row[3] == "35.00" && row[4] == "debit";
    }
    EXPECT_GE(fees, 3u);
    // The whole row, generated columns included, is the same at scale 3.
    std::string row;
    for (const auto& v : customers.rows[0]) row += v.value_or("\\N") + ",";
    if (!alice_row) alice_row = row;
    EXPECT_EQ(*alice_row, row);
  }
  ASSERT_EQ(Seedforge("generate -q --domain banking --seed 9 --format sql --out " + ShellQuote((dir / "sql").string()),
                      &output),
            0)
      << output;
  const std::string sql = testing::ReadFile(dir / "sql" / "banking.sql");
  EXPECT_NE(sql.find("'alice@example.com'"), std::string::npos);
  EXPECT_NE(sql.find("'frozen'"), std::string::npos);
  // The other formats go through the same rows.
  for (auto [format, file] : {std::pair{"jsonl", "customers.jsonl"}, std::pair{"json", "customers.json"},
                              std::pair{"copy", "banking.copy.sql"}}) {
    const fs::path out = dir / format;
    ASSERT_EQ(Seedforge("generate -q --domain banking --seed 9 --format " + std::string(format) + " --out " +
                            ShellQuote(out.string()),
                        &output),
              0)
        << output;
    EXPECT_NE(testing::ReadFile(out / file).find("alice@example.com"), std::string::npos) << format;
  }
  fs::remove_all(dir);
}

TEST(NamedRowsCli, AConflictNamesItsLineAndColumnAndWritesNothing) {
  const fs::path dir = testing::MakeTempDir("seedforge-named-rows-bad");
  const fs::path domain = dir / "bad.yaml";
  std::ofstream(domain) << R"y(entities:
  customers:
    rows: 5
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      code: {type: varchar(3), not_null: true, provider: pattern, params: {pattern: '???'}}
scenarios:
  s:
    customers: {label: a, code: ABCD}
)y";
  std::string output;
  EXPECT_EQ(Seedforge("generate --domain " + ShellQuote(domain.string()) + " --out " + ShellQuote((dir / "out").string()),
                      &output),
            2);
  EXPECT_NE(output.find("bad.yaml:9:33: 'customers.code' is varchar(3), and 'ABCD' is 4 characters long"),
            std::string::npos)
      << output;
  EXPECT_FALSE(fs::exists(dir / "out" / "customers.csv"));
  fs::remove_all(dir);
}

class NamedRowsLoad : public testing::PostgresSuite {};

TEST_F(NamedRowsLoad, BankingLoadsWithEveryForeignKeyAndAliceByEmail) {
  const std::string uri = CreateDatabase("banking_named");
  std::string output;
  ASSERT_EQ(Seedforge("load --domain banking --seed 4 --as-of 2026-01-01 --db " + ShellQuote(uri) + " --create-schema",
                      &output),
            0)
      << output;
  testing::ExpectForeignKeysHold(uri);
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  const pqxx::row alice = tx.exec1(
      "SELECT c.customer_id, a.account_id, a.status, count(t.*) FILTER (WHERE t.kind = 'fee' AND t.amount = 35.00), "
      "a.balance = a.opening_balance + coalesce(sum(CASE t.direction WHEN 'credit' THEN t.amount ELSE -t.amount END), 0) "
      "FROM customers c JOIN accounts a USING (customer_id) LEFT JOIN transactions t USING (account_id) "
      "WHERE c.email = 'alice@example.com' AND a.account_id = 100001 GROUP BY 1, 2, 3");
  EXPECT_EQ(alice[0].as<int64_t>(), 1);
  EXPECT_EQ(alice[1].as<int64_t>(), 100001);
  EXPECT_EQ(alice[2].as<std::string>(), "frozen");
  EXPECT_GE(alice[3].as<int64_t>(), 3);
  EXPECT_TRUE(alice[4].as<bool>()) << "the balance does not add up the named fees";
  EXPECT_EQ(tx.exec1("SELECT count(*) FROM customers WHERE email = 'alice@example.com'")[0].as<int64_t>(), 1);
}

}  // namespace
}  // namespace seedforge
