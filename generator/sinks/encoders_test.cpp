// Row encoders and identifier quoting on hand-made batches: every value a
// column can hold comes out as valid CSV or JSON with the value intact.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

#include "seedforge/output.h"
#include "seedforge/utf8.h"
#include "support/csv_reader.h"

namespace seedforge {
namespace {

using nlohmann::json;

DomainColumn Def(const std::string& name, const std::string& type) {
  DomainColumn c;
  c.name = name;
  c.type = ParseSqlType(type).value();
  return c;
}

BatchColumn TextValues(std::vector<std::string> values) {
  BatchColumn c;
  c.kind = ValueKind::kText;
  c.texts = std::move(values);
  return c;
}

BatchColumn IntColumn(ValueKind kind, std::vector<int64_t> values, int scale = 0) {
  BatchColumn c;
  c.kind = kind;
  c.scale = scale;
  c.ints = std::move(values);
  return c;
}

// Encodes one batch of `entity` as JSON Lines and parses every line.
std::vector<json> JsonLines(const DomainEntity& entity, const Batch& batch) {
  std::string out;
  MakeRowEncoder(Format::kJsonl, entity)->Encode(batch, out);
  std::vector<json> rows;
  size_t start = 0;
  for (size_t end; (end = out.find('\n', start)) != std::string::npos; start = end + 1) {
    rows.push_back(json::parse(out.substr(start, end - start)));  // throws on invalid JSON
  }
  EXPECT_EQ(start, out.size()) << "text after the last line";
  EXPECT_EQ(rows.size(), batch.size);
  return rows;
}

// The values of one text column of a typed entity, as JSON Lines.
std::vector<json> JsonOfTexts(const std::string& type, const std::vector<std::string>& values) {
  DomainEntity entity;
  entity.columns = {Def("v", type)};
  Batch batch;
  batch.size = values.size();
  batch.columns = {TextValues(values)};
  std::vector<json> out;
  for (const json& row : JsonLines(entity, batch)) out.push_back(row.at("v"));
  return out;
}

// quote_ident() of PostgreSQL 15 for each name (checked against the real
// server, with every key word, in tests/postgres_names_test.cpp).
TEST(QuoteIdent, QuotesWhatPostgresWouldNotReadBack) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"customers", "customers"},
      {"_x1", "_x1"},
      {"Customers", "\"Customers\""},        // upper case folds unquoted
      {"9lives", "\"9lives\""},              // a leading digit
      {"first name", "\"first name\""},      // a space
      {"we\"ird", "\"we\"\"ird\""},          // a quote, doubled
      {"it's", "\"it's\""},                  // a single quote is fine inside
      {"a*/b", "\"a*/b\""},                  // comment characters
      {"x--y", "\"x--y\""},
      {"ünï", "\"ünï\""},                    // non-ASCII letters
      {"select", "\"select\""},              // reserved
      {"left", "\"left\""},                  // type or function name key word
      {"int", "\"int\""},                    // column name key word
      {"time", "\"time\""},
      {"values", "\"values\""},
      {"system_user", "\"system_user\""},    // reserved from PostgreSQL 16
      {"name", "name"},                      // unreserved key words stay bare
      {"action", "action"},
      {"comment", "comment"},
  };
  for (const auto& [name, quoted] : cases) EXPECT_EQ(QuoteIdent(name), quoted) << name;
}

TEST(CsvEncoder, HeaderFieldsAreQuotedLikeValues) {
  DomainEntity entity;
  entity.columns = {Def("id", "integer"), Def("a,b", "text"), Def("say \"hi\"", "text"), Def(" pad", "text")};
  std::string header = EntityFilePrefix(Format::kCsv, entity);
  EXPECT_EQ(header, "id,\"a,b\",\"say \"\"hi\"\"\",\" pad\"\n");
  testing::CsvTable table = testing::ParseCsv(header);
  EXPECT_EQ(table.header, (std::vector<std::string>{"id", "a,b", "say \"hi\"", " pad"}));
}

TEST(JsonEncoder, JsonColumnsNestAndInvalidJsonStaysAString) {
  std::vector<json> v = JsonOfTexts("jsonb", {
                                                 R"({"a": [1, 2.5, null], "b": {"c": "d\n"}})",
                                                 "[]",
                                                 "\"just a string\"",
                                                 "42",
                                                 "{\n  \"multi\": \"line\"\n}",  // line breaks between tokens
                                                 "not json",
                                                 "{\"a\": 1",             // unterminated
                                                 "{\"a\": 1} extra",      // trailing text
                                                 "[\"\\ud800\"]",         // a lone surrogate
                                                 "\"raw\ttab\"",          // a control character in a string
                                                 "[1,]",
                                                 "01",
                                             });
  EXPECT_EQ(v[0], json::parse(R"({"a": [1, 2.5, null], "b": {"c": "d\n"}})"));
  EXPECT_EQ(v[1], json::array());
  EXPECT_EQ(v[2], "just a string");
  EXPECT_EQ(v[3], 42);
  EXPECT_EQ(v[4], json::parse(R"({"multi": "line"})"));
  EXPECT_EQ(v[5], "not json");
  EXPECT_EQ(v[6], "{\"a\": 1");
  EXPECT_EQ(v[7], "{\"a\": 1} extra");
  EXPECT_EQ(v[8], "[\"\\ud800\"]");
  EXPECT_EQ(v[9], "\"raw\ttab\"");
  EXPECT_EQ(v[10], "[1,]");
  EXPECT_EQ(v[11], "01");
}

TEST(JsonEncoder, DeepNestingNeitherCrashesNorPassesUnbalanced) {
  std::string deep = std::string(100000, '[') + std::string(100000, ']');
  std::string unbalanced = std::string(100000, '[') + std::string(99999, ']');
  DomainEntity entity;
  entity.columns = {Def("v", "json")};
  Batch batch;
  batch.size = 2;
  batch.columns = {TextValues({deep, unbalanced})};
  std::string out;
  MakeRowEncoder(Format::kJsonl, entity)->Encode(batch, out);
  std::string first = out.substr(0, out.find('\n'));
  EXPECT_EQ(first, "{\"v\":" + deep + "}");
  std::string second = out.substr(first.size() + 1);
  EXPECT_EQ(second, "{\"v\":\"" + unbalanced + "\"}\n");  // as a string
}

TEST(JsonEncoder, ArraysBecomeTypedJsonArrays) {
  std::vector<json> text = JsonOfTexts("text[]", {
                                                     R"({"new","sale"})",
                                                     "{}",
                                                     R"({a,b c , NULL,"NULL",null,"",  "say \"hi\"","back\\slash"})",
                                                     R"({\N,x\,y})",  // escapes in bare elements
                                                     R"({{a,b},{c,NULL}})",
                                                     R"([0:1]={x,y})",
                                                     "{a,b",  // malformed: as a string
                                                     "{a}}",
                                                     "plain",
                                                 });
  EXPECT_EQ(text[0], json::parse(R"(["new", "sale"])"));
  EXPECT_EQ(text[1], json::array());
  EXPECT_EQ(text[2], json::parse(R"(["a", "b c", null, "NULL", null, "", "say \"hi\"", "back\\slash"])"));
  EXPECT_EQ(text[3], json::parse(R"(["N", "x,y"])"));
  EXPECT_EQ(text[4], json::parse(R"([["a", "b"], ["c", null]])"));
  EXPECT_EQ(text[5], json::parse(R"(["x", "y"])"));
  EXPECT_EQ(text[6], "{a,b");
  EXPECT_EQ(text[7], "{a}}");
  EXPECT_EQ(text[8], "plain");

  std::vector<json> ints = JsonOfTexts("bigint[]", {"{1,-2,NULL,9007199254740991,9007199254740992}", "{{1,2},{3,4}}"});
  EXPECT_EQ(ints[0], json::parse(R"([1, -2, null, 9007199254740991, "9007199254740992"])"));
  EXPECT_EQ(ints[1], json::parse("[[1, 2], [3, 4]]"));
  EXPECT_TRUE(ints[0][0].is_number_integer());

  std::vector<json> numeric = JsonOfTexts("numeric[]", {"{1.50,-0.25,12,NaN,1234567890123456.78}"});
  EXPECT_EQ(numeric[0].dump(), R"([1.5,-0.25,12,null,"1234567890123456.78"])");

  std::vector<json> floats = JsonOfTexts("double precision[]", {"{0.1,-1e300,Infinity,NaN}"});
  EXPECT_EQ(floats[0], json::parse("[0.1, -1e300, null, null]"));

  std::vector<json> bools = JsonOfTexts("boolean[]", {"{t,f,true,FALSE,NULL}"});
  EXPECT_EQ(bools[0], json::parse("[true, false, true, false, null]"));

  std::vector<json> nested = JsonOfTexts("jsonb[]", {R"({"{\"a\": 1}","[1, 2]",NULL})"});
  EXPECT_EQ(nested[0], json::parse(R"([{"a": 1}, [1, 2], null])"));
}

TEST(JsonEncoder, IntegersADoubleCannotHoldAreStrings) {
  constexpr int64_t kSafe = (int64_t{1} << 53) - 1;
  DomainEntity entity;
  entity.columns = {Def("i", "bigint"), Def("d", "numeric(18,2)"), Def("n", "numeric(20,0)")};
  Batch batch;
  batch.size = 6;
  batch.columns = {
      IntColumn(ValueKind::kInt, {0, -42, kSafe, -kSafe, kSafe + 1, INT64_MIN}),
      IntColumn(ValueKind::kDecimal, {1230, -5, 999'999'999'999'999, -999'999'999'999'999, 1'000'000'000'000'000, INT64_MAX}, 2),
      IntColumn(ValueKind::kDecimal, {7, kSafe, kSafe + 1, -kSafe - 1, 0, 1}, 0),
  };
  std::vector<json> rows = JsonLines(entity, batch);
  EXPECT_EQ(rows[0]["i"], 0);
  EXPECT_EQ(rows[1]["i"], -42);
  EXPECT_EQ(rows[2]["i"], kSafe);
  EXPECT_EQ(rows[3]["i"], -kSafe);
  EXPECT_EQ(rows[4]["i"], "9007199254740992");
  EXPECT_EQ(rows[5]["i"], "-9223372036854775808");
  EXPECT_EQ(rows[0]["d"], 12.3);
  EXPECT_EQ(rows[1]["d"], -0.05);
  EXPECT_EQ(rows[2]["d"], 9999999999999.99);
  EXPECT_EQ(rows[3]["d"], -9999999999999.99);
  EXPECT_EQ(rows[4]["d"], "10000000000000.00");
  EXPECT_EQ(rows[5]["d"], "92233720368547758.07");
  EXPECT_EQ(rows[1]["n"], kSafe);
  EXPECT_EQ(rows[2]["n"], "9007199254740992");
  EXPECT_EQ(rows[3]["n"], "-9007199254740992");
}

TEST(JsonEncoder, StringsStayValidJsonWhateverTheirBytes) {
  std::vector<std::string> values = {"", "say \"hi\"", "back\\slash", "tab\there", "new\nline", "cr\r",
                                     std::string("nul\0x", 5), "\x1f\x7f", "ünï 漢字 🎉", "bad \xff byte",
                                     "cut \xe6\xbc", "overlong \xc0\xaf", "surrogate \xed\xa0\x80"};
  std::vector<json> v = JsonOfTexts("text", values);
  for (size_t i = 0; i < 9; ++i) EXPECT_EQ(v[i], values[i]) << i;
  EXPECT_EQ(v[9], "bad \xef\xbf\xbd byte");  // U+FFFD
  EXPECT_EQ(v[10], "cut \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(v[11], "overlong \xef\xbf\xbd\xef\xbf\xbd");
  EXPECT_EQ(v[12], "surrogate \xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd");
}

TEST(JsonEncoder, JsonArrayFileIsOneValidDocument) {
  DomainEntity entity;
  entity.columns = {Def("we\"ird\nkey", "text"), Def("f", "double precision")};
  Batch batch;
  batch.size = 3;
  BatchColumn f;
  f.kind = ValueKind::kFloat;
  f.floats = {0.1 + 0.2, -1e-300, std::numeric_limits<double>::quiet_NaN()};
  batch.columns = {TextValues({"a", "b", "c"}), f};
  std::string out = EntityFilePrefix(Format::kJson, entity);
  MakeRowEncoder(Format::kJson, entity)->Encode(batch, out);
  out += EntityFileSuffix(Format::kJson);
  json doc = json::parse(out);
  ASSERT_EQ(doc.size(), 3u);
  EXPECT_EQ(doc[0]["we\"ird\nkey"], "a");
  EXPECT_EQ(doc[0]["f"].get<double>(), 0.1 + 0.2);  // every digit kept
  EXPECT_EQ(doc[1]["f"].get<double>(), -1e-300);
  EXPECT_TRUE(doc[2]["f"].is_null());
}

TEST(Utf8, CharLengthFollowsRfc3629) {
  EXPECT_EQ(Utf8CharLength("a", 0), 1u);
  EXPECT_EQ(Utf8CharLength("\xc3\xbc", 0), 2u);
  EXPECT_EQ(Utf8CharLength("\xe6\xbc\xa2", 0), 3u);
  EXPECT_EQ(Utf8CharLength("\xf0\x9f\x8e\x89", 0), 4u);
  EXPECT_EQ(Utf8CharLength("\xc0\xaf", 0), 0u);      // overlong
  EXPECT_EQ(Utf8CharLength("\xed\xa0\x80", 0), 0u);  // surrogate
  EXPECT_EQ(Utf8CharLength("\xf4\x90\x80\x80", 0), 0u);  // above U+10FFFF
  EXPECT_EQ(Utf8CharLength("\xe6\xbc", 0), 0u);      // cut short
  EXPECT_EQ(Utf8Prefix("ab\xc3\xbc", 3), "ab");
  EXPECT_EQ(Utf8Prefix("ab\xc3\xbc", 4), "ab\xc3\xbc");
}

}  // namespace
}  // namespace seedforge
