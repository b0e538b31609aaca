// Names against a real PostgreSQL server: QuoteIdent agrees with the
// server's quote_ident() on every key word; hostile but legal names (quotes,
// spaces, key words, comment characters, backslashes, upper case, non-ASCII)
// and descriptions crafted to inject SQL survive the sql, copy and ddl
// scripts and the introspection round trip, and nothing but the scripts'
// own statements runs: a `victim` table made beforehand is still there.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include <pqxx/pqxx>

#include "seedforge/domain.h"
#include "seedforge/output.h"
#include "seedforge/registry.h"
#include "support/csv_reader.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

int Seedforge(const std::string& args, std::string* output) {
  return RunCommand(SeedforgeBinary() + " " + args, output);
}

void WriteFile(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// (table, column) of every column of schema public but the victim's, in order.
std::vector<std::pair<std::string, std::string>> Columns(const std::string& uri) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : tx.exec("SELECT table_name, column_name FROM information_schema.columns "
                                 "WHERE table_schema = 'public' AND table_name <> 'victim' "
                                 "ORDER BY table_name COLLATE \"C\", ordinal_position")) {
    out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
  }
  return out;
}

// A database with a table the scripts must leave alone, set up the way an
// unlucky server might be: old-style string literals and a zone not UTC.
std::string VictimDatabase(const std::string& uri) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  tx.exec("CREATE TABLE victim (note text)");
  tx.exec("INSERT INTO victim VALUES ('still here')");
  tx.exec("ALTER DATABASE " + tx.quote_name(c.dbname()) + " SET standard_conforming_strings = off");
  tx.exec("ALTER DATABASE " + tx.quote_name(c.dbname()) + " SET timezone = 'America/New_York'");
  return uri;
}

void ExpectVictimUntouched(const std::string& uri) {
  pqxx::connection c(uri);
  pqxx::nontransaction tx(c);
  ASSERT_TRUE(tx.exec1("SELECT to_regclass('victim') IS NOT NULL")[0].as<bool>()) << "table victim was dropped";
  EXPECT_EQ(tx.exec1("SELECT coalesce(string_agg(note, ','), 'no rows') FROM victim")[0].as<std::string>(),
            "still here");
}

class PostgresNames : public testing::PostgresSuite {
 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    dir_ = testing::MakeTempDir("seedforge-names");
  }
  void TearDown() override { fs::remove_all(dir_); }

  // generate --format FORMAT into dir_/FORMAT; returns the exit status.
  int Generate(const fs::path& domain, const std::string& format, std::string* output,
               const std::string& extra = "") {
    return Seedforge("generate -q --seed 5 --as-of 2026-01-01 --domain " + ShellQuote(domain.string()) +
                         " --format " + format + " --out " + ShellQuote((dir_ / format).string()) + " " + extra,
                     output);
  }

  fs::path dir_;
};

TEST_F(PostgresNames, QuoteIdentAgreesWithTheServerOnEveryKeyWord) {
  pqxx::connection c(CreateDatabase("names_keywords"));
  pqxx::nontransaction tx(c);
  int keywords = 0;
  for (const auto& row : tx.exec("SELECT word, catcode, quote_ident(word) FROM pg_get_keywords()")) {
    ++keywords;
    std::string word = row[0].as<std::string>();
    EXPECT_EQ(QuoteIdent(word), row[2].as<std::string>()) << word << " (category " << row[1].as<std::string>() << ")";
  }
  EXPECT_GT(keywords, 400);
  for (const std::string name : {"we\"ird", "it's", "a name", "Mixed", "9lives", "ünï", "a*/b", "x--y",
                                 "back\\slash", "$1", "", "_ok", "ok_2"}) {
    if (name.empty()) continue;
    EXPECT_EQ(QuoteIdent(name), tx.exec1("SELECT quote_ident(" + tx.quote(name) + ")")[0].as<std::string>()) << name;
    // And the server reads the quoted name back as exactly the name.
    pqxx::result r = tx.exec("SELECT 1 AS " + QuoteIdent(name));
    EXPECT_EQ(std::string(r.column_name(0)), name);
  }
}

// QuoteLiteral: the server's quote_literal(), and read back as the same text
// whether standard_conforming_strings is on or off.
TEST_F(PostgresNames, QuoteLiteralAgreesWithTheServerAndReadsBackUnderBothStringModes) {
  pqxx::connection c(CreateDatabase("names_literals"));
  pqxx::nontransaction tx(c);
  const std::vector<std::string> texts = {"plain", "it's", "back\\slash", "both ' and \\", "''", "\\'", "", "ünï"};
  for (const std::string& text : texts) {
    EXPECT_EQ(QuoteLiteral(text), tx.exec1("SELECT quote_literal(" + tx.quote(text) + ")")[0].as<std::string>())
        << text;
  }
  for (const char* mode : {"on", "off"}) {
    tx.exec(std::string("SET standard_conforming_strings = ") + mode);
    for (const std::string& text : texts) {
      EXPECT_EQ(tx.exec1("SELECT " + QuoteLiteral(text))[0].as<std::string>(), text) << text << ", mode " << mode;
    }
  }
}

// A domain with every kind of hostile but legal name, and descriptions
// crafted to end a comment line or block and run SQL.
constexpr const char* kHostileDomain = R"YAML(
domain: hostile
description: "x\nDROP TABLE victim; --"
enums:
  'My "Mood"': ["it's", 'back\slash', "a,b", "*/ DROP TABLE victim; /*", 'x\']
entities:
  'we"ird':
    description: "x\nDROP TABLE victim; --\n*/ DROP TABLE victim; /*"
    rows: 20
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      "it's": {type: text, provider: category, params: {values: ["it's", 'x\', "a\tb"]}, description: "x\nDROP TABLE victim; --"}
      select: {type: integer, provider: integer, params: {min: 1, max: 9}}
      a name with space: {type: text, provider: text, params: {max_words: 2}}
      Mixed Case: {type: boolean, provider: boolean}
      "a*/b": {type: text, provider: text, params: {max_words: 1}}
      "x--y": {type: text, provider: text, params: {max_words: 1}}
      'back\slash': {type: bigint, identity: by default, unique: true, provider: sequence}
      "ünï": {type: 'My "Mood"', provider: category, params: {values: ["it's", 'back\slash', "*/ DROP TABLE victim; /*"]}}
      moods: {type: '"My ""Mood"""[]', provider: array, params: {values: ["a,b", 'x\', "it's"]}}
  "child.of, (weird)":
    rows: 30
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      parent id: {type: bigint, not_null: true, references: we"ird.id}
  grand:
    rows: 10
    columns:
      up: {type: bigint, references: '"child.of, (weird)".id'}
  ääääääääääääääääääääääääääääää:
    rows: 10
    columns:
      parent_a: {type: bigint, references: 'we"ird'}
      parent_b: {type: bigint, references: 'we"ird(id)'}
)YAML";

const std::vector<std::pair<std::string, std::string>> kHostileColumns = {
    {"child.of, (weird)", "id"},     {"child.of, (weird)", "parent id"},
    {"grand", "up"},                 {"we\"ird", "id"},
    {"we\"ird", "it's"},             {"we\"ird", "select"},
    {"we\"ird", "a name with space"}, {"we\"ird", "Mixed Case"},
    {"we\"ird", "a*/b"},             {"we\"ird", "x--y"},
    {"we\"ird", "back\\slash"},      {"we\"ird", "ünï"},
    {"we\"ird", "moods"},            {"ääääääääääääääääääääääääääääää", "parent_a"},
    {"ääääääääääääääääääääääääääääää", "parent_b"},
};

TEST_F(PostgresNames, HostileNamesLoadFromEveryScriptAndInjectNothing) {
  fs::path domain = dir_ / "hostile.yaml";
  WriteFile(domain, kHostileDomain);
  std::string output;
  ASSERT_EQ(Seedforge("validate --domain " + ShellQuote(domain.string()), &output), 0) << output;
  ASSERT_EQ(Generate(domain, "csv", &output), 0) << output;
  std::map<std::string, std::string> digests;
  for (const std::string format : {"sql", "copy"}) {
    SCOPED_TRACE(format);
    ASSERT_EQ(Generate(domain, format, &output), 0) << output;
    std::string uri = VictimDatabase(CreateDatabase("hostile_" + format));
    fs::path script = dir_ / format / (format == "sql" ? "hostile.sql" : "hostile.copy.sql");
    ASSERT_EQ(Psql(uri, script, &output), 0) << output << "\n" << ReadFile(script).substr(0, 3000);
    ExpectVictimUntouched(uri);
    EXPECT_EQ(Columns(uri), kHostileColumns);
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    // Every table holds the rows of its CSV file, whose header names the
    // columns exactly.
    for (const std::string table : {"we\"ird", "child.of, (weird)", "grand", "ääääääääääääääääääääääääääääää"}) {
      testing::CsvTable csv = testing::ReadCsv((dir_ / "csv" / (table + ".csv")).string());
      std::vector<std::string> header;
      for (const auto& [t, column] : kHostileColumns) {
        if (t == table) header.push_back(column);
      }
      if (table == "we\"ird") {  // the CSV keeps the domain's column order
        header = {"id", "it's", "select", "a name with space", "Mixed Case", "a*/b", "x--y", "back\\slash", "ünï", "moods"};
      }
      EXPECT_EQ(csv.header, header) << table;
      EXPECT_EQ(tx.exec1("SELECT count(*) FROM " + QuoteIdent(table))[0].as<size_t>(), csv.rows.size()) << table;
    }
    // Both foreign keys of the 58-byte table name: names cut on a character
    // boundary and kept apart.
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM pg_constraint WHERE contype = 'f'")[0].as<int>(), 4);
    // Enum labels as written, backslashes included.
    EXPECT_EQ(tx.exec1("SELECT string_agg(enumlabel, '|' ORDER BY enumsortorder) FROM pg_enum")[0].as<std::string>(),
              "it's|back\\slash|a,b|*/ DROP TABLE victim; /*|x\\");
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM " + QuoteIdent("we\"ird") + " WHERE " + QuoteIdent("it's") +
                       " NOT IN ('it''s', E'x\\\\', E'a\\tb')")[0].as<int>(),
              0);
    digests[format] = tx.exec1("SELECT md5(string_agg(t::text, E'\\n' ORDER BY t::text)) FROM " +
                               QuoteIdent("we\"ird") + " t")[0].as<std::string>();
    testing::ExpectForeignKeysHold(uri);
  }
  EXPECT_EQ(digests["sql"], digests["copy"]);

  // The schema alone, on a server reading '...' the old way.
  ASSERT_EQ(Generate(domain, "ddl", &output), 0) << output;
  std::string uri = VictimDatabase(CreateDatabase("hostile_ddl"));
  ASSERT_EQ(Psql(uri, dir_ / "ddl/hostile.ddl.sql", &output), 0) << output;
  ExpectVictimUntouched(uri);
  EXPECT_EQ(Columns(uri), kHostileColumns);
}

// Templates may put names and descriptions into comments of either kind;
// what they receive cannot end the comment.
TEST_F(PostgresNames, DescriptionsInTemplateCommentsInjectNothing) {
  fs::path domain = dir_ / "hostile.yaml";
  WriteFile(domain, R"YAML(
domain: hostile
description: "x\nDROP TABLE victim; --"
entities:
  people:
    description: "x\nDROP TABLE victim; --\n*/ DROP TABLE victim; /*"
    rows: 3
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
)YAML");
  fs::path templates = dir_ / "templates";
  WriteFile(templates / "sql/script.sql.mustache",
            "-- {{domain}}: {{description}}\n/* {{domain}}: {{description}} */\nSET client_encoding = 'UTF8';\n"
            "SET standard_conforming_strings = on;\nBEGIN;\n{{create_tables}}\n{{#tables}}\n"
            "-- {{raw_name}}: {{description}}\n/* {{raw_name}}: {{description}} */\n{{rows_marker}}\n{{/tables}}\n"
            "{{add_foreign_keys}}\n{{reset_sequences}}\nCOMMIT;\n");
  std::string output;
  ASSERT_EQ(Generate(domain, "sql", &output, "--templates " + ShellQuote(templates.string())), 0) << output;
  std::string uri = VictimDatabase(CreateDatabase("hostile_templates"));
  EXPECT_EQ(Psql(uri, dir_ / "sql/hostile.sql", &output), 0) << output;
  ExpectVictimUntouched(uri);
  EXPECT_EQ(Columns(uri), (std::vector<std::pair<std::string, std::string>>{{"people", "id"}}));
  // The text is all there, on one line, with the block comment kept shut.
  std::string script = ReadFile(dir_ / "sql/hostile.sql");
  EXPECT_NE(script.find("-- people: x DROP TABLE victim; -- * / DROP TABLE victim; / *\n"), std::string::npos)
      << script.substr(0, 2000);
}

// A schema whose names use every character that means something to YAML,
// to the reference syntax or to SQL comments.
constexpr const char* kHostileSchema = R"SQL(
CREATE TYPE "My ""Mood""" AS ENUM ('it''s', E'back\\slash', 'a,b');
CREATE TABLE "we""ird" (
  id serial PRIMARY KEY,
  "it's" text NOT NULL CHECK ("it's" <> E'line\nbreak'),
  "select" integer CHECK ("select" BETWEEN 1 AND 10),
  "a name with space" varchar(20),
  "Mixed Case" boolean,
  "a*/b" text,
  "x--y" text,
  "back\slash" text,
  "colon: #hash" text,
  "[bracket], {brace}" text,
  "&anchor *alias !tag" text,
  "- dash" text,
  "?" text,
  "yes" text,
  "null" text,
  " lead" text,
  "'quoted'" text,
  "%percent @at `tick` |pipe >gt" text,
  mood "My ""Mood""",
  moods "My ""Mood"""[],
  -- With standard_conforming_strings off, the backslash would end each
  -- literal early and run what follows (review finding): the scripts and
  -- load must read the catalog's literals as the catalog wrote them.
  note text DEFAULT $v$\');DROP TABLE victim;--$v$
    CHECK (note <> $v$\'::text))), PRIMARY KEY (id)); DROP TABLE victim; CREATE TABLE zz (id int, --$v$)
);
CREATE TABLE "child.of, (weird)" (
  id integer PRIMARY KEY,
  "parent id" integer NOT NULL REFERENCES "we""ird" (id)
);
CREATE TABLE "Grand ""Child""" (
  id integer PRIMARY KEY,
  up integer REFERENCES "child.of, (weird)" (id)
);
)SQL";

TEST_F(PostgresNames, IntrospectionKeepsHostileNamesAndTheScriptsLoadThem) {
  std::string source = CreateDatabase("introspect_hostile");
  fs::path schema = dir_ / "schema.sql";
  WriteFile(schema, kHostileSchema);
  std::string output;
  ASSERT_EQ(Psql(source, schema, &output), 0) << output;
  fs::path domain = dir_ / "hostile.yaml";
  ASSERT_EQ(Seedforge("introspect --db " + ShellQuote(source) + " --rows 20 --out " + ShellQuote(domain.string()), &output),
            0)
      << output;
  ASSERT_EQ(Seedforge("validate --domain " + ShellQuote(domain.string()), &output), 0)
      << output << "\n" << ReadFile(domain);
  // The domain file names every table and column exactly as the catalog does.
  Domain parsed = LoadDomain(domain.string(), BuiltinRegistry());
  std::vector<std::pair<std::string, std::string>> names;
  for (const DomainEntity& e : parsed.entities) {
    for (const DomainColumn& c : e.columns) names.emplace_back(e.name, c.name);
  }
  std::sort(names.begin(), names.end());
  std::vector<std::pair<std::string, std::string>> expected = Columns(source);
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names, expected) << ReadFile(domain);
  ASSERT_EQ(parsed.enums.size(), 1u);
  EXPECT_EQ(parsed.enums[0].name, "My \"Mood\"");
  EXPECT_EQ(parsed.enums[0].labels, (std::vector<std::string>{"it's", "back\\slash", "a,b"}));

  for (const std::string format : {"sql", "copy"}) {
    SCOPED_TRACE(format);
    ASSERT_EQ(Generate(domain, format, &output), 0) << output;
    std::string target = VictimDatabase(CreateDatabase("introspect_hostile_" + format));
    std::string file = parsed.name + (format == "sql" ? ".sql" : ".copy.sql");
    ASSERT_EQ(Psql(target, dir_ / format / file, &output), 0) << output;
    ExpectVictimUntouched(target);
    EXPECT_EQ(Columns(target), Columns(source));
    pqxx::connection c(target);
    pqxx::nontransaction tx(c);
    EXPECT_EQ(tx.exec1("SELECT count(*) FROM " + QuoteIdent("we\"ird"))[0].as<int>(), 20);
    EXPECT_GT(tx.exec1("SELECT count(*) FROM " + QuoteIdent("child.of, (weird)"))[0].as<int>(), 0);
    // The CHECK with a line break in a literal came through unchanged.
    auto checks = [](const std::string& uri) {
      pqxx::connection conn(uri);
      pqxx::nontransaction t(conn);
      t.exec("SET standard_conforming_strings = on");  // the target's default is off: print alike
      return t.exec1("SELECT string_agg(pg_get_constraintdef(oid), ' | ' ORDER BY 1) FROM pg_constraint WHERE contype = 'c'")[0]
          .as<std::string>();
    };
    EXPECT_EQ(checks(target), checks(source));
    testing::ExpectForeignKeysHold(target);
  }
  // load --create-schema runs the same DDL in its own transaction.
  std::string target = VictimDatabase(CreateDatabase("introspect_hostile_load"));
  ASSERT_EQ(Seedforge("load -q --seed 5 --as-of 2026-01-01 --create-schema --domain " + ShellQuote(domain.string()) +
                          " --db " + ShellQuote(target),
                      &output),
            0)
      << output;
  ExpectVictimUntouched(target);
  EXPECT_EQ(Columns(target), Columns(source));
}

// A name with a line break is legal in PostgreSQL; introspect writes it
// faithfully (YAML escapes, comments kept on one line), and the domain file
// is then refused with the place of the name, before any SQL is written.
TEST_F(PostgresNames, IntrospectedLineBreakNamesAreRefusedClearly) {
  std::string source = CreateDatabase("introspect_line_breaks");
  {
    pqxx::connection c(source);
    pqxx::nontransaction tx(c);
    tx.exec("CREATE TABLE \"x\nDROP TABLE victim; --\" (id integer PRIMARY KEY, \"a\nb\" text, "
            "\"p\n      injected: {type: text, provider: text}\" point)");
  }
  fs::path domain = dir_ / "breaks.yaml";
  std::string output;
  ASSERT_EQ(Seedforge("introspect --db " + ShellQuote(source) + " --rows 5 --out " + ShellQuote(domain.string()), &output),
            0)
      << output;
  YAML::Node root = YAML::LoadFile(domain.string());
  YAML::Node table = root["entities"]["x\nDROP TABLE victim; --"];
  ASSERT_TRUE(table.IsMap()) << ReadFile(domain);
  std::set<std::string> columns;
  for (const auto& c : table["columns"]) columns.insert(c.first.Scalar());
  EXPECT_EQ(columns, (std::set<std::string>{"id", "a\nb"})) << ReadFile(domain);  // the point column is a comment

  int status = Seedforge("validate --domain " + ShellQuote(domain.string()), &output);
  EXPECT_EQ(status, 2) << output;
  EXPECT_NE(output.find(domain.string() + ":"), std::string::npos) << output;
  EXPECT_NE(output.find("entity name 'x\\nDROP TABLE victim; --' contains a control character"), std::string::npos)
      << output;
  EXPECT_NE(output.find("column name 'a\\nb' contains a control character"), std::string::npos) << output;
  EXPECT_EQ(Generate(domain, "sql", &output), 2) << output;
  EXPECT_FALSE(fs::exists(dir_ / "sql")) << "a refused domain left output behind";
}

}  // namespace
}  // namespace seedforge
