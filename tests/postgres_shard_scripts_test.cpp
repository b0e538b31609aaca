// End to end: the sql and copy scripts of `generate --shard K/N`, loaded with
// psql in shard order (shard 0 creates the tables, the last adds the foreign
// keys), give the database the whole run's script gives, row for row.
#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include <pqxx/pqxx>

#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

const std::vector<std::string> kEntities = {"customers", "accounts", "transactions", "campaigns", "campaign_contacts",
                                            "campaign_events"};

class PostgresShardScripts : public testing::PostgresSuite {
 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    dir_ = testing::MakeTempDir("seedforge-shard-scripts");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Generates banking's script of `format` (whole run when n == 0, else shard
  // k of n) and loads it into `uri`.
  void GenerateAndLoad(const std::string& format, int k, int n, const std::string& uri) {
    const fs::path out = dir_ / (format + "-" + std::to_string(k) + "-" + std::to_string(n));
    std::string command = SeedforgeBinary() + " generate -q --domain banking --seed 7 --scale 3 --as-of 2026-01-01 --format " +
                          format + " --out " + ShellQuote(out.string());
    if (n > 0) command += " --shard " + std::to_string(k) + "/" + std::to_string(n);
    std::string output;
    ASSERT_EQ(RunCommand(command, &output), 0) << command << "\n" << output;
    const fs::path script = out / (format == "sql" ? "banking.sql" : "banking.copy.sql");
    ASSERT_EQ(Psql(uri, script, &output), 0) << script << "\n" << output.substr(0, 4000);
  }

  static std::string Digest(const std::string& uri, const std::string& entity) {
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    return tx
        .exec1("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, E'\\n' ORDER BY t::text)), '') FROM " +
               tx.quote_name(entity) + " t")[0]
        .as<std::string>();
  }

  fs::path dir_;
};

TEST_F(PostgresShardScripts, ShardsLoadedInOrderGiveTheWholeRunsRows) {
  for (const std::string format : {"copy", "sql"}) {
    SCOPED_TRACE(format);
    const int n = 3;
    const std::string whole = CreateDatabase("shard_whole_" + format);
    const std::string sharded = CreateDatabase("shard_parts_" + format);
    GenerateAndLoad(format, 0, 0, whole);
    for (int k = 0; k < n; ++k) GenerateAndLoad(format, k, n, sharded);
    for (const std::string& entity : kEntities) EXPECT_EQ(Digest(sharded, entity), Digest(whole, entity)) << entity;
    std::set<std::pair<std::string, std::string>> links;
    testing::ExpectForeignKeysHold(sharded, &links);
    EXPECT_EQ(links.size(), 6u) << "the last shard adds every foreign key";
  }
}

}  // namespace
}  // namespace seedforge
