// `seedforge introspect` + `load`, and `seedforge learn --from` + `load`, on
// schemas nobody wrote for seedforge:
// Chinook (seeds/chinook) and a schema with Pagila's hard parts
// (tests/postgres/pagila_like.sql: a DOMAIN, an enum, a trigger-filled
// tsvector, monthly partitions with their foreign keys on the partitions,
// a generated column, bytea/inet/cidr/interval/money/time/citext/ranges).
// Each is read from a filled database and loaded into an empty copy of the
// same schema: the server checks every constraint, so zero errors means
// the domain fits it. Learned copies are also checked for what they learned.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <string>

#include <pqxx/pqxx>

#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

class PostgresIntrospect : public testing::PostgresSuite {
 protected:
  // The schema of `source` (no rows) into a new database `name`.
  static std::string EmptyCopy(const std::string& source, const std::string& name) {
    const std::string target = CreateDatabase(name);
    std::string output;
    const std::string command = ShellQuote(PgBinary("pg_dump")) + " --schema-only --no-owner " + ShellQuote(source) +
                                " | " + ShellQuote(PgBinary("psql")) + " -X -q -v ON_ERROR_STOP=1 -d " +
                                ShellQuote(target);
    EXPECT_EQ(RunCommand(command, &output), 0) << output;
    return target;
  }

  // introspect SOURCE, validate, load into TARGET; returns the domain text.
  static std::string IntrospectAndLoad(const std::string& source, const std::string& target, const fs::path& dir,
                                       const std::string& extra = "") {
    const fs::path domain = dir / "domain.yaml";
    std::string output;
    EXPECT_EQ(RunCommand(SeedforgeBinary() + " introspect --db " + ShellQuote(source) + extra + " --out " +
                             ShellQuote(domain.string()),
                         &output),
              0)
        << output;
    const std::string text = testing::ReadFile(domain);
    EXPECT_EQ(RunCommand(SeedforgeBinary() + " validate --domain " + ShellQuote(domain.string()), &output), 0)
        << output << "\n" << text;
    EXPECT_EQ(RunCommand(SeedforgeBinary() + " load --seed 7 --domain " + ShellQuote(domain.string()) + " --db " +
                             ShellQuote(target),
                         &output),
              0)
        << output << "\n" << text;
    return text;
  }

  static int64_t Value(const std::string& uri, const std::string& sql) {
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    return tx.exec1(sql)[0].as<int64_t>();
  }
};

TEST_F(PostgresIntrospect, PagilaLikeLoadsWithZeroErrors) {
  const std::string source = CreateDatabase("pagila_like");
  std::string output;
  ASSERT_EQ(Psql(source, testing::SourceDir() / "tests/postgres/pagila_like.sql", &output), 0) << output;
  const std::string target = EmptyCopy(source, "pagila_like_copy");
  const fs::path dir = testing::MakeTempDir("seedforge-introspect-pagila");
  const std::string domain = IntrospectAndLoad(source, target, dir);
  ASSERT_FALSE(HasFailure());

  // Every table filled; root tables as many rows as the data has, children
  // as many per parent (store 2 x 150 customers, film 200 x 4 inventory).
  for (const char* table : {"language", "category", "store", "customer", "film", "film_category", "inventory",
                            "rental", "payment"}) {
    EXPECT_GT(Value(target, std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  EXPECT_EQ(Value(target, "SELECT count(*) FROM category"), 16);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM customer"), 300);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM inventory"), 800);
  // The 0/1 flag stays 0/1 (from its name and type alone: up to 1000), and
  // takes both values (the data has 1 in 40 zeros: 300 rows miss it with
  // chance 0.975^300 < 1e-3).
  EXPECT_EQ(Value(target, "SELECT count(*) FROM customer WHERE active NOT IN (0, 1)"), 0);
  EXPECT_EQ(Value(target, "SELECT count(DISTINCT active) FROM customer"), 2);
  // Film titles are titles in the data's capitals, not job titles.
  EXPECT_NE(domain.find("provider: title, params: {min_words: 2, max_words: 2, case: upper"), std::string::npos) << domain;
  EXPECT_EQ(Value(target, "SELECT count(*) FROM film WHERE title !~ '^[A-Z]+ [A-Z]+$'"), 0);
  // Partitions: every row routed into one (none outside the bounds, which
  // would have failed the load), the months all used; the foreign keys
  // declared on the partitions were seen and hold.
  EXPECT_EQ(Value(target, "SELECT count(*) FROM ONLY payment"), 0);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM payment WHERE payment_date < '2022-01-01Z' OR "
                          "payment_date >= '2022-04-01Z'"), 0);
  for (const char* partition : {"payment_p2022_01", "payment_p2022_02", "payment_p2022_03"}) {
    EXPECT_GT(Value(target, std::string("SELECT count(*) FROM ") + partition), 0) << partition;
  }
  EXPECT_NE(domain.find("customer_id:  {type: integer, not_null: true, references: customer.customer_id"),
            std::string::npos) << domain;
  testing::ExpectForeignKeysHold(target);
  // The DOMAIN's CHECK is the column's (the server enforced it), and its
  // values come from the data's range inside it.
  EXPECT_NE(domain.find("release_year >= 1901"), std::string::npos) << domain;
  EXPECT_EQ(Value(target, "SELECT count(*) FROM film WHERE release_year IS NOT NULL AND release_year <> 2006"), 0);
  // The trigger filled the tsvector it owns; the generated column is the
  // server's; category.search holds the words of the row's name.
  EXPECT_EQ(Value(target, "SELECT count(*) FROM film WHERE fulltext IS NULL OR fulltext = ''::tsvector"), 0);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM film WHERE title_length <> char_length(title)"), 0);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM category WHERE search <> to_tsvector('simple', name)"), 0);
  // The types: each column holds values, ranges are non-empty.
  EXPECT_EQ(Value(target, "SELECT count(*) FROM film WHERE isempty(showing) OR isempty(seats)"), 0);
  EXPECT_GT(Value(target, "SELECT count(*) FROM film WHERE poster IS NOT NULL AND loan_period > interval '0' AND "
                          "replacement_cost > 0::money"), 0);
  EXPECT_GT(Value(target, "SELECT count(*) FROM customer WHERE email LIKE '%@%' AND last_ip IS NOT NULL"), 0);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM store WHERE opens_at < '08:30' OR opens_at > '09:00'"), 0);

  // --rows sets the tables that no link counts.
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " introspect --rows 7 --db " + ShellQuote(source), &output), 0) << output;
  EXPECT_NE(output.find("  category:\n    rows: 7\n"), std::string::npos) << output;
  fs::remove_all(dir);
}

// Chinook as published. Its junction table playlist_track has a primary key
// of two foreign keys: the first counts each playlist's tracks as the data
// does, the second picks distinct tracks within a playlist.
TEST_F(PostgresIntrospect, ChinookLoadsWithZeroErrors) {
  std::string output;
  // The script drops and creates database chinook itself, then connects to it.
  ASSERT_EQ(Psql(Sandbox().Uri(), testing::SourceDir() / "seeds/chinook/Chinook_PostgreSql.sql", &output), 0)
      << output.substr(0, 2000);
  const std::string source = Sandbox().Uri("chinook");
  const std::string target = EmptyCopy(source, "chinook_copy");
  const fs::path dir = testing::MakeTempDir("seedforge-introspect-chinook");
  const std::string domain = IntrospectAndLoad(source, target, dir);
  EXPECT_NE(domain.find("track_id:    {type: integer, primary_key: true, references: track.track_id, pick: {distinct: true}}"),
            std::string::npos) << domain;
  EXPECT_TRUE(std::regex_search(domain, std::regex(R"(playlist_id: \{type: integer, primary_key: true, references: playlist.playlist_id, per_parent: \{weights:)")))
      << domain;
  ASSERT_FALSE(HasFailure());
  for (const char* table : {"artist", "album", "track", "genre", "media_type", "playlist", "playlist_track",
                            "customer", "employee", "invoice", "invoice_line"}) {
    EXPECT_GT(Value(target, std::string("SELECT count(*) FROM ") + table), 0) << table;
  }
  // Root tables as many rows as Chinook has.
  EXPECT_EQ(Value(target, "SELECT count(*) FROM artist"), 275);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM customer"), 59);
  testing::ExpectForeignKeysHold(target);
  fs::remove_all(dir);
}

// learn --from SOURCE --out DIR, then load DIR/domain.yaml at --scale 2
// into TARGET.
void LearnAndLoad(const std::string& source, const std::string& target, const fs::path& dir) {
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " learn -q --from " + ShellQuote(source) + " --out " +
                           ShellQuote((dir / "learned").string()),
                       &output),
            0)
      << output;
  const std::string domain = (dir / "learned/domain.yaml").string();
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " load --seed 3 --scale 2 --domain " + ShellQuote(domain) + " --db " +
                           ShellQuote(target),
                       &output),
            0)
      << output << "\n" << testing::ReadFile(domain);
}

// A composite foreign key and a self-reference, learned from a live
// database and loaded into an empty copy of its schema.
TEST_F(PostgresIntrospect, CompositeAndSelfLinksLearnedFromTheSandboxLoadAtScale2) {
  const std::string source = CreateDatabase("stores");
  std::string output;
  ASSERT_EQ(Psql(source, testing::SourceDir() / "tests/postgres/stores.sql", &output), 0) << output;
  const std::string target = EmptyCopy(source, "stores_copy");
  const fs::path dir = testing::MakeTempDir("seedforge-learn-stores");
  ASSERT_NO_FATAL_FAILURE(LearnAndLoad(source, target, dir));
  testing::ExpectForeignKeysHold(target);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM region"), 80);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM staff"), 120);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM staff WHERE boss_id >= staff_id"), 0);  // earlier rows only
  // Stores and sales come per parent from learned counts: twice the
  // source's (140, 3,436) within 20%, far more than their noise here.
  EXPECT_NEAR(Value(target, "SELECT count(*) FROM store"), 280, 56);
  EXPECT_NEAR(Value(target, "SELECT count(*) FROM sale"), 6872, 1374);
  // Sales per store follow its floor space (correlation 1 in the source).
  // Counts that ignored the store would give about 0, within 3.29 /
  // sqrt(280) = 0.2 at p = 0.001.
  const int64_t r100 = Value(target,
                             "SELECT round(100 * corr(floor_m2, n)) FROM (SELECT floor_m2, count(sale_id) AS n "
                             "FROM store LEFT JOIN sale USING (region_id, store_no) "
                             "GROUP BY store.region_id, store.store_no, floor_m2) AS per_store");
  EXPECT_GT(r100, 50);
  fs::remove_all(dir);
}

// The Pagila-like schema learned whole: arrays, tsvector, bytea, ranges and
// the other types no model makes keep providers, the rest is learned, and
// the copy at --scale 2 loads into the partitioned, DOMAIN-typed schema.
TEST_F(PostgresIntrospect, PagilaLikeLearnedFromTheSandboxLoadsAtScale2) {
  const std::string source = CreateDatabase("pagila_learned_source");
  std::string output;
  ASSERT_EQ(Psql(source, testing::SourceDir() / "tests/postgres/pagila_like.sql", &output), 0) << output;
  const std::string target = EmptyCopy(source, "pagila_learned");
  const fs::path dir = testing::MakeTempDir("seedforge-learn-pagila");
  ASSERT_NO_FATAL_FAILURE(LearnAndLoad(source, target, dir));
  testing::ExpectForeignKeysHold(target);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM category"), 32);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM ONLY payment"), 0);  // every payment in a partition
  EXPECT_GT(Value(target, "SELECT count(*) FROM rental"), 0);
  fs::remove_all(dir);
}

// Chinook learned from the sandbox: its copy at --scale 2 loads with zero
// errors, repeats each line's price from its track, and keeps video tracks
// (1.99) dozens of times the size of audio ones.
TEST_F(PostgresIntrospect, ChinookLearnedFromTheSandboxLoadsAtScale2) {
  std::string output;
  ASSERT_EQ(Psql(Sandbox().Uri(), testing::SourceDir() / "seeds/chinook/Chinook_PostgreSql.sql", &output), 0)
      << output.substr(0, 2000);
  const std::string source = Sandbox().Uri("chinook");
  const std::string target = EmptyCopy(source, "chinook_learned");
  const fs::path dir = testing::MakeTempDir("seedforge-learn-chinook");
  ASSERT_NO_FATAL_FAILURE(LearnAndLoad(source, target, dir));
  testing::ExpectForeignKeysHold(target);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM artist"), 550);
  EXPECT_EQ(Value(target, "SELECT count(*) FROM media_type"), 10);
  EXPECT_EQ(Value(target, "SELECT count(DISTINCT name) FROM media_type"), 5);
  EXPECT_EQ(Value(target,
                  "SELECT count(*) FROM invoice_line l JOIN track t USING (track_id) WHERE l.unit_price <> t.unit_price"),
            0);
  // In Chinook video tracks average 50 times the bytes of audio ones; a
  // track model blind to its media type would give both the same mean.
  const int64_t ratio = Value(target,
                              "SELECT round(avg(bytes) FILTER (WHERE m.name LIKE '%video%') / "
                              "avg(bytes) FILTER (WHERE m.name NOT LIKE '%video%')) "
                              "FROM track JOIN media_type m USING (media_type_id)");
  EXPECT_GT(ratio, 10);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
