// End to end: the `sql` and `copy` scripts of the banking domain load into an
// empty PostgreSQL database with `psql -v ON_ERROR_STOP=1 -f`, with the row
// counts of the `csv` output and every foreign key holding.
//
// The output names are the contract: `--format sql` writes OUT/<domain>.sql,
// `--format copy` writes OUT/<domain>.copy.sql, `--format csv` writes
// OUT/<entity>.csv with a header row.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <set>

#include <pqxx/pqxx>

#include "support/csv_reader.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::MakeTempDir;
using testing::ReadCsv;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

const std::vector<std::string> kEntities = {"customers", "accounts", "transactions", "campaigns", "campaign_contacts",
                                            "campaign_events"};

// (child table, parent table) pairs the banking domain links by foreign key.
const std::set<std::pair<std::string, std::string>> kLinks = {{"accounts", "customers"},
                                                              {"transactions", "accounts"},
                                                              {"transactions", "campaigns"},
                                                              {"campaign_contacts", "campaigns"},
                                                              {"campaign_contacts", "customers"},
                                                              {"campaign_events", "campaign_contacts"}};

class PostgresScripts : public testing::PostgresSuite {
 public:
  static void SetUpTestSuite() {
    PostgresSuite::SetUpTestSuite();
    out_ = MakeTempDir("seedforge-scripts");
    generated_.clear();
    loaded_.clear();
  }
  static void TearDownTestSuite() {
    std::error_code ec;
    fs::remove_all(out_, ec);
    PostgresSuite::TearDownTestSuite();
  }

 protected:
  // Runs `seedforge generate --domain banking --seed 7 --format FORMAT` once
  // per suite into its own directory.
  static ::testing::AssertionResult Generate(const std::string& format, fs::path* dir) {
    *dir = out_ / format;
    if (generated_.count(format)) return ::testing::AssertionSuccess();
    std::string command = SeedforgeBinary() + " generate --domain banking --seed 7 --format " + format + " --out " +
                          ShellQuote(dir->string());
    std::string output;
    int status = RunCommand(command, &output);
    if (status != 0) {
      return ::testing::AssertionFailure() << command << " exited " << status << ":\n" << output;
    }
    generated_.insert(format);
    return ::testing::AssertionSuccess();
  }

  // Loads the script of FORMAT (sql or copy) into a new empty database, once
  // per suite; *uri is that database.
  static ::testing::AssertionResult Load(const std::string& format, std::string* uri) {
    if (auto it = loaded_.find(format); it != loaded_.end()) {
      *uri = it->second;
      return ::testing::AssertionSuccess();
    }
    fs::path dir;
    if (auto generated = Generate(format, &dir); !generated) return generated;
    fs::path script = dir / (format == "sql" ? "banking.sql" : "banking.copy.sql");
    if (!fs::exists(script)) return ::testing::AssertionFailure() << "generate --format " << format << " wrote no " << script;
    *uri = CreateDatabase("banking_" + format);
    std::string output;
    int status = Psql(*uri, script, &output);
    if (status != 0) {
      return ::testing::AssertionFailure() << "psql -v ON_ERROR_STOP=1 -f " << script << " exited " << status << ":\n"
                                           << output.substr(0, 4000);
    }
    loaded_[format] = *uri;
    return ::testing::AssertionSuccess();
  }

  // Every table's row count equals the data rows of its CSV file, and the
  // database holds exactly the domain's tables.
  static void ExpectCountsOfTheCsvFiles(const std::string& uri) {
    fs::path csv;
    ASSERT_TRUE(Generate("csv", &csv));
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    std::set<std::string> tables;
    for (const auto& row : tx.exec("SELECT table_name FROM information_schema.tables "
                                   "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'")) {
      tables.insert(row[0].as<std::string>());
    }
    EXPECT_EQ(tables, std::set<std::string>(kEntities.begin(), kEntities.end()));
    for (const std::string& entity : kEntities) {
      fs::path file = csv / (entity + ".csv");
      ASSERT_TRUE(fs::exists(file)) << file;
      size_t expected = ReadCsv(file.string()).rows.size();
      EXPECT_GT(expected, 0u) << file;
      size_t loaded = tx.exec1("SELECT count(*) FROM " + tx.quote_name(entity))[0].as<size_t>();
      EXPECT_EQ(loaded, expected) << entity << ": rows loaded vs data rows of " << file;
    }
  }

  // Every foreign key holds, and the banking links are all there.
  static void ExpectEveryForeignKeyHolds(const std::string& uri) {
    std::set<std::pair<std::string, std::string>> links;
    testing::ExpectForeignKeysHold(uri, &links);
    for (const auto& link : kLinks) {
      EXPECT_TRUE(links.count(link)) << "no foreign key from " << link.first << " to " << link.second;
    }
  }

 private:
  static inline fs::path out_;
  static inline std::set<std::string> generated_;
  static inline std::map<std::string, std::string> loaded_;
};

TEST_F(PostgresScripts, SqlScriptLoadsIntoAnEmptyDatabase) {
  std::string uri;
  ASSERT_TRUE(Load("sql", &uri));
  ExpectCountsOfTheCsvFiles(uri);
  ExpectEveryForeignKeyHolds(uri);
}

TEST_F(PostgresScripts, CopyScriptLoadsIntoAnEmptyDatabase) {
  std::string uri;
  ASSERT_TRUE(Load("copy", &uri));
  ExpectCountsOfTheCsvFiles(uri);
  ExpectEveryForeignKeyHolds(uri);
}

// INSERT and COPY encode values differently (quoting, escapes, NULL); the
// rows that reach the tables must be the same.
TEST_F(PostgresScripts, SqlAndCopyScriptsLoadTheSameRows) {
  std::string sql_uri, copy_uri;
  ASSERT_TRUE(Load("sql", &sql_uri));
  ASSERT_TRUE(Load("copy", &copy_uri));
  pqxx::connection sql(sql_uri), copy(copy_uri);
  pqxx::nontransaction sql_tx(sql), copy_tx(copy);
  for (const std::string& entity : kEntities) {
    std::string digest = "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM " +
                         sql_tx.quote_name(entity) + " t";
    EXPECT_EQ(sql_tx.exec1(digest)[0].as<std::string>(), copy_tx.exec1(digest)[0].as<std::string>()) << entity;
  }
}

}  // namespace
}  // namespace seedforge
