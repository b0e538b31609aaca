// Introspection's text parsing (load/introspect_text.h): catalog arrays,
// CHECK definitions and YAML scalars. Cases the fuzzer
// (tests/fuzz/values_fuzz.cpp) found are marked.
#include "load/introspect_text.h"

#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include "seedforge/error.h"

namespace seedforge::internal {
namespace {

TEST(IntrospectText, ParseIntArrayReadsCatalogArrays) {
  EXPECT_EQ(ParseIntArray("{1,2,3}"), (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(ParseIntArray("1 2"), (std::vector<int>{1, 2}));
  EXPECT_EQ(ParseIntArray("{-1}"), (std::vector<int>{-1}));
  EXPECT_TRUE(ParseIntArray("{}").empty());
}

// Fuzzer: std::stoi's std::invalid_argument / std::out_of_range escaped.
TEST(IntrospectText, ParseIntArrayRefusesWhatIsNoNumberWithAnError) {
  EXPECT_THROW(ParseIntArray("{-}"), Error);
  EXPECT_THROW(ParseIntArray("{1-2}"), Error);
  EXPECT_THROW(ParseIntArray("{99999999999}"), Error);
}

TEST(IntrospectText, ReadCheckFindsRangesListsAndOrder) {
  std::map<std::string, CheckFacts> facts;
  ReadCheck("CHECK (((qty >= 1) AND (qty < 100)))", facts);
  ReadCheck("CHECK ((status = ANY (ARRAY['new'::text, 'it''s'::text])))", facts);
  ReadCheck("CHECK ((ends_on >= starts_on))", facts);
  EXPECT_EQ(facts["qty"].min, 1.0);
  EXPECT_FALSE(facts["qty"].min_exclusive);
  EXPECT_EQ(facts["qty"].max, 100.0);
  EXPECT_TRUE(facts["qty"].max_exclusive);
  EXPECT_EQ(facts["status"].in_list, (std::vector<std::string>{"new", "it's"}));
  EXPECT_EQ(facts["ends_on"].after, "starts_on");
}

// Fuzzer: the comparison's literal matched [0-9.]+ without being a number
// ('.', or digits past double's range), and std::stod threw
// std::invalid_argument / std::out_of_range out of introspection.
TEST(IntrospectText, ReadCheckSkipsLiteralsThatAreNoNumber) {
  std::map<std::string, CheckFacts> facts;
  EXPECT_NO_THROW(ReadCheck("CHECK ((code >= '.'::text))", facts));
  EXPECT_NO_THROW(ReadCheck("CHECK ((x < " + std::string(400, '9') + "))", facts));
  EXPECT_NO_THROW(ReadCheck("CHECK ((v > 1.2.3))", facts));
  EXPECT_FALSE(facts["code"].min.has_value());
  EXPECT_FALSE(facts["x"].max.has_value());
  EXPECT_FALSE(facts["v"].min.has_value());
}

// Found with values_fuzz on a written input: `= ANY (ARRAY[...])` with
// 8,000 values (119 KB) overflowed the stack in std::regex (ASan:
// stack-overflow), which recursed once per character of the list.
TEST(IntrospectText, ReadCheckReadsLongValueLists) {
  std::string definition = "CHECK ((code = ANY (ARRAY[";
  for (int i = 0; i < 20'000; ++i) definition += (i ? ", '" : "'") + std::to_string(i) + "'::text";
  definition += "])))";
  std::map<std::string, CheckFacts> facts;
  ReadCheck(definition, facts);
  ASSERT_EQ(facts["code"].in_list.size(), 20'000u);
  EXPECT_EQ(facts["code"].in_list.back(), "19999");
}

// A ']' inside a value, a doubled quote (twice), and the casts PostgreSQL
// writes around a varchar column's list.
TEST(IntrospectText, ReadCheckListsKeepQuotesAndCasts) {
  std::map<std::string, CheckFacts> facts;
  ReadCheck("CHECK (((kind)::text = ANY ((ARRAY['a]'::character varying, "
            "'''''x'::character varying])::text[])))",
            facts);
  EXPECT_EQ(facts["kind"].in_list, (std::vector<std::string>{"a]", "''x"}));
}

std::string ReadBack(const std::string& scalar) {
  YAML::Node node = YAML::Load("k: " + scalar + "\n");
  return node["k"].Scalar();
}

TEST(IntrospectText, YamlScalarsReadBackUnchanged) {
  for (const std::string s : {"plain_name", "yes", "", "it's", "a: b", "- x", "nextval('s'::regclass)", "#x",
                              "trailing ", "back\\slash \"q\""}) {
    EXPECT_EQ(ReadBack(Yaml(s)), s) << Yaml(s);
  }
  EXPECT_EQ(Yaml("plain_name"), "plain_name");
  EXPECT_EQ(Yaml("it's"), "'it''s'");
}

// Found with values_fuzz on a written input: a 100,000-character name
// overflowed the stack in std::regex (ASan: stack-overflow).
TEST(IntrospectText, YamlTakesLongText) {
  const std::string s(200'000, 'a');
  EXPECT_EQ(Yaml(s), s);
  EXPECT_EQ(ReadBack(Yaml(s + ":")), s + ":");
}

// Fuzzer: a line break inside a single-quoted scalar reads back as a space
// (YAML folds it), so a CHECK or DEFAULT with a newline changed on the way.
TEST(IntrospectText, YamlKeepsLineBreaksAndControlCharacters) {
  for (const std::string s : {"2\x01\n", "a\nb", "(x > 0)\n  AND (x < 9)", "tab\there", "cr\r\n"}) {
    EXPECT_EQ(ReadBack(Yaml(s)), s) << Yaml(s);
  }
}

}  // namespace
}  // namespace seedforge::internal
