// Every output format read back by a real parser, on a domain with every
// kind of column and the values that break encoders (quotes, commas, line
// breaks, tabs, backslashes, COPY's \N and \., leading and trailing spaces,
// empty strings beside NULLs, non-ASCII text, integers past 2^53, decimals
// past 15 digits, doubles that need all 17 digits, json, arrays, enums):
//
//   csv         tests/support/csv_reader.h  == the generated values, as text
//   json, jsonl nlohmann::json               == the generated values, typed
//   sql, copy   psql into PostgreSQL        == the generated values, and the
//                                              loads (and `seedforge load`)
//                                              hold the same rows
//
// The generated values come from the engine in-process (same seed and
// date), so every parser is compared with what was made, not with another
// output. Arrays are compared with PostgreSQL's own reading of the literal.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include <pqxx/pqxx>

#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/output.h"
#include "seedforge/registry.h"
#include "support/csv_reader.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

constexpr const char* kDomain = R"YAML(
domain: formats
enums:
  mood: [happy, "it's", 'back\slash', "a,b", " spaced ", "ünï"]
entities:
  kinds:
    rows: 300
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      small: {type: smallint, provider: integer, params: {min: -32768, max: 32767}, null_rate: 0.1}
      # Cross 2^53 - 1 = 9007199254740991 halfway, up and down.
      big_up: {type: bigint, not_null: true, provider: sequence, params: {start: 9007199254740842}}
      big_down: {type: bigint, not_null: true, provider: sequence, params: {start: -9007199254740842, step: -1}}
      big_wide: {type: bigint, provider: integer, params: {min: -4000000000000000000, max: 4000000000000000000}, null_rate: 0.1}
      price: {type: 'numeric(12,2)', provider: decimal, params: {min: -99999, max: 9999999999, scale: 2}, null_rate: 0.1}
      exact: {type: 'numeric(18,4)', provider: decimal, params: {min: -99999999999999, max: 99999999999999, scale: 4}}
      ratio: {type: double precision, provider: float, params: {min: -1000000, max: 1000000}, null_rate: 0.1}
      note:
        type: text
        provider: category
        params: {values: ['', ' lead', 'trail ', 'a,b', 'say "hi"', "it's", "line1\nline2", "cr\r\nlf", "tab\there",
                          'back\slash', 'ünï 漢字 🎉', '\N', 'NULL', '\.', '{x}', plain]}
        null_rate: 0.1
      flag: {type: boolean, provider: boolean, null_rate: 0.1}
      day: {type: date, provider: date, params: {from: 1900-01-01, to: 2099-12-31}}
      at: {type: timestamp, provider: timestamp}
      at_tz: {type: timestamptz, provider: timestamp}
      uid: {type: uuid, provider: uuid}
      doc: {type: json, provider: json, params: {keys: [id, 'na"me', "new\nline", ünï]}}
      docb:
        type: jsonb
        provider: category
        params: {values: ['{"a": [1, 2.5, null], "b": {"c": "d\n"}}', '[]', '"s"', '42', '{"big": 12345678901234567890}']}
      tags: {type: 'text[]', provider: array, params: {values: ['a,b', 'say "hi"', 'back\slash', 'NULL', '', ' sp ', 'ünï', '{x}']}}
      nums: {type: 'integer[]', provider: array, params: {min: -50, max: 50}}
      grid: {type: 'integer[]', provider: category, params: {values: ['{{1,2},{3,4}}', '{{-1,NULL},{0,5}}', '{}']}}
      bigs: {type: 'bigint[]', provider: category, params: {values: ['{9007199254740991,9007199254740992,-9223372036854775808}']}}
      decs: {type: 'numeric[]', provider: category, params: {values: ['{1.50,-0.25,NULL}', '{12345678901234567.5}']}}
      bools: {type: 'boolean[]', provider: category, params: {values: ['{t,f,NULL}', '{}']}}
      mood: {type: mood, provider: category, params: {values: [happy, "it's", 'back\slash', "a,b", " spaced ", "ünï"]}, null_rate: 0.1}
      moods: {type: 'mood[]', provider: array, params: {values: ["it's", 'back\slash', "a,b", " spaced "]}}
      "say \"hi\", ok": {type: text, provider: constant, params: {value: x}}
)YAML";

constexpr int64_t kMaxSafeInteger = (int64_t{1} << 53) - 1;

bool IsSafe(int64_t v) { return v >= -kMaxSafeInteger && v <= kMaxSafeInteger; }

// Fractional seconds without trailing zeros, and PostgreSQL's ISO 8601 form
// ("2024-01-31T12:00:00+00:00", to_jsonb in a UTC session) as seedforge's.
std::string NormalTimestamp(std::string s) {
  if (s.size() > 10 && s[10] == 'T') s[10] = ' ';
  if (s.size() > 6 && s.compare(s.size() - 6, 6, "+00:00") == 0) s.resize(s.size() - 6);
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

// Whether our JSON value says what PostgreSQL's does, up to the documented
// difference: a number a double cannot hold exactly is our string.
::testing::AssertionResult SameJson(const json& ours, const json& theirs) {
  if (ours.is_string() && theirs.is_number()) {
    if (theirs.is_number_float()) {
      if (std::stod(ours.get<std::string>()) == theirs.get<double>()) return ::testing::AssertionSuccess();
    } else {
      std::string text = theirs.is_number_unsigned() ? std::to_string(theirs.get<uint64_t>())
                                                     : std::to_string(theirs.get<int64_t>());
      bool beyond = theirs.is_number_unsigned() || !IsSafe(theirs.get<int64_t>());
      if (ours == text && beyond) return ::testing::AssertionSuccess();
    }
    return ::testing::AssertionFailure() << ours << " vs " << theirs;
  }
  if (ours.is_array() && theirs.is_array() && ours.size() == theirs.size()) {
    for (size_t i = 0; i < ours.size(); ++i) {
      if (auto r = SameJson(ours[i], theirs[i]); !r) return r;
    }
    return ::testing::AssertionSuccess();
  }
  if (ours == theirs) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << ours << " vs " << theirs;
}

class OutputFormats : public testing::PostgresSuite {
 protected:
  void SetUp() override {
    PostgresSuite::SetUp();
    dir_ = testing::MakeTempDir("seedforge-formats");
    domain_file_ = dir_ / "formats.yaml";
    std::ofstream(domain_file_) << kDomain;
    domain_ = LoadDomain(domain_file_.string(), BuiltinRegistry());
    GenerateOptions options;
    options.seed = 11;
    options.today = DaysFromCivil(2026, 1, 1);
    generator_ = std::make_unique<Generator>(domain_, BuiltinRegistry(), options);
    entity_ = domain_.FindEntity("kinds");
    rows_ = generator_->entities()[entity_].rows;
    generator_->InitBatch(entity_, batch_);
    generator_->Generate(entity_, 0, rows_, batch_);
    def_ = &generator_->domain().entities[entity_];
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Generate(const std::string& format) {
    std::string output;
    fs::path out = dir_ / format;
    int status = RunCommand(SeedforgeBinary() + " generate -q --seed 11 --as-of 2026-01-01 --threads 2 --domain " +
                                ShellQuote(domain_file_.string()) + " --format " + format + " --out " +
                                ShellQuote(out.string()),
                            &output);
    EXPECT_EQ(status, 0) << output;
    return out;
  }

  // The generated value of column c in row i as text (BatchColumn::AppendText),
  // or nullopt for NULL.
  std::optional<std::string> Text(size_t c, size_t i) const {
    if (batch_.columns[c].IsNull(i)) return std::nullopt;
    return batch_.columns[c].Text(i);
  }

  // PostgreSQL's to_jsonb of each generated value of an array column, read
  // from the literal by the server's own array parser.
  std::vector<json> ArraysAsPostgresReadsThem(size_t c) {
    pqxx::connection conn(Sandbox().Uri());
    pqxx::nontransaction tx(conn);
    std::string values;
    for (size_t i = 0; i < rows_; ++i) {
      values += (i ? ", (" : "(") + std::to_string(i) + ", " + (Text(c, i) ? tx.quote(*Text(c, i)) : "NULL") + ")";
    }
    // Enum arrays need their type: make it in a throwaway schema.
    tx.exec("DROP SCHEMA IF EXISTS formats_arrays CASCADE");
    tx.exec("CREATE SCHEMA formats_arrays");
    tx.exec("SET search_path = formats_arrays");
    tx.exec("CREATE TYPE mood AS ENUM ('happy', 'it''s', E'back\\\\slash', 'a,b', ' spaced ', 'ünï')");
    std::vector<json> out;
    for (const auto& row : tx.exec("SELECT to_jsonb(v::" + def_->columns[c].type.ToSql() + ")::text FROM (VALUES " +
                                   values + ") AS t(n, v) ORDER BY n")) {
      out.push_back(row[0].is_null() ? json(nullptr) : json::parse(row[0].as<std::string>()));
    }
    tx.exec("DROP SCHEMA formats_arrays CASCADE");
    return out;
  }

  // Checks one JSON value against the generated value of column c, row i.
  void ExpectJson(size_t c, size_t i, const json& v, const std::vector<json>* arrays) {
    const DomainColumn& def = def_->columns[c];
    const BatchColumn& col = batch_.columns[c];
    SCOPED_TRACE("row " + std::to_string(i) + ", column " + def.name);
    if (col.IsNull(i)) {
      EXPECT_TRUE(v.is_null()) << v;
      return;
    }
    if (def.type.array) {
      EXPECT_TRUE(SameJson(v, (*arrays)[i]));
      return;
    }
    if (def.type.family == SqlType::Family::kJson || def.type.family == SqlType::Family::kJsonb) {
      EXPECT_EQ(v, json::parse(col.texts[i]));
      return;
    }
    switch (col.kind) {
      case ValueKind::kInt:
        if (IsSafe(col.ints[i])) {
          EXPECT_TRUE(v.is_number_integer()) << v;
          EXPECT_EQ(v.get<int64_t>(), col.ints[i]);
        } else {
          EXPECT_EQ(v, col.Text(i));  // as a string, every digit kept
        }
        break;
      case ValueKind::kDecimal:
        if (col.scale > 0 ? std::llabs(col.ints[i]) < 1'000'000'000'000'000 : IsSafe(col.ints[i])) {
          EXPECT_TRUE(v.is_number()) << v;
          EXPECT_EQ(v.get<double>(), std::stod(col.Text(i)));
        } else {
          EXPECT_EQ(v, col.Text(i));
        }
        break;
      case ValueKind::kFloat: EXPECT_EQ(v.get<double>(), col.floats[i]); break;
      case ValueKind::kBool: EXPECT_EQ(v, col.ints[i] != 0); break;
      default: EXPECT_EQ(v, col.Text(i));  // text, enum, uuid, date, timestamp
    }
  }

  fs::path dir_, domain_file_;
  Domain domain_;
  std::unique_ptr<Generator> generator_;
  int entity_ = -1;
  size_t rows_ = 0;
  Batch batch_;
  const DomainEntity* def_ = nullptr;
};

TEST_F(OutputFormats, CsvReadsBackAsTheGeneratedValues) {
  testing::CsvTable csv = testing::ReadCsv((Generate("csv") / "kinds.csv").string());
  std::vector<std::string> names;
  for (const DomainColumn& c : def_->columns) names.push_back(c.name);
  EXPECT_EQ(csv.header, names);
  ASSERT_EQ(csv.rows.size(), rows_);
  std::set<std::string> notes;
  for (size_t i = 0; i < rows_; ++i) {
    ASSERT_EQ(csv.rows[i].size(), names.size()) << "row " << i;
    for (size_t c = 0; c < names.size(); ++c) {
      EXPECT_EQ(csv.rows[i][c], Text(c, i)) << "row " << i << ", column " << names[c];
    }
    if (csv.rows[i][8]) notes.insert(*csv.rows[i][8]);
  }
  // Every awkward text value came up, empty string and NULL both.
  EXPECT_EQ(notes.size(), 16u);
  EXPECT_TRUE(notes.count(""));
  EXPECT_TRUE(std::any_of(csv.rows.begin(), csv.rows.end(), [](const auto& r) { return !r[8]; }));
}

TEST_F(OutputFormats, JsonAndJsonLinesParseAsTheGeneratedValues) {
  std::map<size_t, std::vector<json>> arrays;
  for (size_t c = 0; c < def_->columns.size(); ++c) {
    if (def_->columns[c].type.array) arrays[c] = ArraysAsPostgresReadsThem(c);
  }
  std::vector<json> lines;
  std::istringstream in(ReadFile(Generate("jsonl") / "kinds.jsonl"));
  for (std::string line; std::getline(in, line);) lines.push_back(json::parse(line));  // one value per line
  json document = json::parse(ReadFile(Generate("json") / "kinds.json"));
  ASSERT_EQ(lines.size(), rows_);
  ASSERT_TRUE(document.is_array());
  ASSERT_EQ(document.size(), rows_);
  for (size_t i = 0; i < rows_; ++i) {
    EXPECT_EQ(document[i], lines[i]) << "row " << i;
    ASSERT_EQ(lines[i].size(), def_->columns.size()) << lines[i];
    for (size_t c = 0; c < def_->columns.size(); ++c) {
      const std::string& name = def_->columns[c].name;
      ASSERT_TRUE(lines[i].contains(name)) << name;
      ExpectJson(c, i, lines[i][name], arrays.count(c) ? &arrays[c] : nullptr);
    }
  }
  // Both sides of 2^53 came up, as numbers and as strings.
  EXPECT_TRUE(lines.front()["big_up"].is_number_integer());
  EXPECT_TRUE(lines.back()["big_up"].is_string());
  EXPECT_TRUE(lines.back()["big_down"].is_string());
}

TEST_F(OutputFormats, SqlCopyAndLoadPutTheGeneratedValuesInTheDatabase) {
  std::map<std::string, std::string> digests;
  std::vector<json> ours;
  std::istringstream in(ReadFile(Generate("jsonl") / "kinds.jsonl"));
  for (std::string line; std::getline(in, line);) ours.push_back(json::parse(line));
  ASSERT_EQ(ours.size(), rows_);
  for (const std::string format : {"sql", "copy", "load"}) {
    SCOPED_TRACE(format);
    std::string uri = CreateDatabase("formats_" + format);
    {
      // A server whose defaults differ from UTC and standard strings: the
      // scripts must not depend on them.
      pqxx::connection c(uri);
      pqxx::nontransaction tx(c);
      tx.exec("ALTER DATABASE " + tx.quote_name(c.dbname()) + " SET timezone = 'America/New_York'");
      tx.exec("ALTER DATABASE " + tx.quote_name(c.dbname()) + " SET standard_conforming_strings = off");
    }
    std::string output;
    if (format == "load") {  // `seedforge load` sends the COPY rows itself
      ASSERT_EQ(RunCommand(SeedforgeBinary() + " load -q --seed 11 --as-of 2026-01-01 --threads 2 --create-schema --domain " +
                               ShellQuote(domain_file_.string()) + " --db " + ShellQuote(uri),
                           &output),
                0)
          << output;
    } else {
      fs::path script = Generate(format) / (format == "sql" ? "formats.sql" : "formats.copy.sql");
      ASSERT_EQ(Psql(uri, script, &output), 0) << output;
    }
    pqxx::connection c(uri);
    pqxx::nontransaction tx(c);
    tx.exec("SET timezone = 'UTC'");
    // Values whose text PostgreSQL prints as seedforge does: compared as text.
    std::vector<size_t> as_text;
    std::string select;
    for (size_t col = 0; col < def_->columns.size(); ++col) {
      const SqlType& type = def_->columns[col].type;
      using F = SqlType::Family;
      if (!type.array && type.family != F::kBoolean && type.family != F::kDouble && type.family != F::kJsonb &&
          type.family != F::kTimestamp && type.family != F::kTimestampTz) {
        as_text.push_back(col);
        select += std::string(select.empty() ? "" : ", ") + QuoteIdent(def_->columns[col].name) + "::text";
      }
    }
    pqxx::result text_rows = tx.exec("SELECT " + select + " FROM kinds t ORDER BY t.id");
    pqxx::result json_rows = tx.exec("SELECT to_jsonb(t)::text FROM kinds t ORDER BY id");
    ASSERT_EQ(text_rows.size(), rows_);
    ASSERT_EQ(json_rows.size(), rows_);
    for (size_t i = 0; i < rows_; ++i) {
      for (size_t k = 0; k < as_text.size(); ++k) {
        const auto field = text_rows[i][static_cast<int>(k)];
        std::optional<std::string> loaded;
        if (!field.is_null()) loaded = field.as<std::string>();
        EXPECT_EQ(loaded, Text(as_text[k], i)) << "row " << i << ", column " << def_->columns[as_text[k]].name;
      }
      // Everything else through to_jsonb, against our own JSON of the row
      // (which the JSON test holds to the generated values).
      json loaded = json::parse(json_rows[i][0].as<std::string>());
      for (size_t col = 0; col < def_->columns.size(); ++col) {
        const DomainColumn& def = def_->columns[col];
        json theirs = loaded[def.name], mine = ours[i][def.name];
        if (def.type.family == SqlType::Family::kTimestamp || def.type.family == SqlType::Family::kTimestampTz) {
          if (!theirs.is_null()) theirs = NormalTimestamp(theirs.get<std::string>());
          if (!mine.is_null()) mine = NormalTimestamp(mine.get<std::string>());
        }
        EXPECT_TRUE(SameJson(mine, theirs)) << "row " << i << ", column " << def.name;
      }
    }
    digests[format] = tx.exec1("SELECT md5(string_agg(to_jsonb(t)::text, E'\\n' ORDER BY id)) FROM kinds t")[0]
                          .as<std::string>();
  }
  EXPECT_EQ(digests["sql"], digests["copy"]);
  EXPECT_EQ(digests["sql"], digests["load"]);
}

}  // namespace
}  // namespace seedforge
