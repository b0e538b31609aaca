// The report's CSV reader (RFC 4180) and its errors.
#include "eval/csv.h"

#include <gtest/gtest.h>

#include "seedforge/error.h"

namespace seedforge::eval {
namespace {

TEST(EvalCsv, QuotesEmbeddedNewlinesAndEscapedQuotes) {
  RawTable t = ParseCsv("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n", "t.csv");
  ASSERT_EQ(t.header, (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.columns[1].Value(0), "x, y");
  EXPECT_EQ(t.columns[2].Value(0), "say \"hi\"");
  EXPECT_EQ(t.columns[1].Value(1), "two\nlines");
  EXPECT_EQ(t.lines, (std::vector<uint32_t>{2, 3}));
}

TEST(EvalCsv, EmptyFieldsAreMissingAndOtherStringsAreValues) {
  RawTable t = ParseCsv("a,b\n,NA\n\"\",None\n", "t.csv");
  EXPECT_TRUE(t.columns[0].Missing(0));
  EXPECT_TRUE(t.columns[0].Missing(1));  // a quoted empty field too, as pandas reads it
  EXPECT_FALSE(t.columns[1].Missing(0));
  EXPECT_EQ(t.columns[1].Value(1), "None");
}

TEST(EvalCsv, CrlfBomBlankLinesAndNoFinalNewline) {
  RawTable t = ParseCsv("\xEF\xBB\xBFx,y\r\n1,2\r\n\r\n3,4", "t.csv");
  EXPECT_EQ(t.header[0], "x");
  ASSERT_EQ(t.rows(), 2u);
  EXPECT_EQ(t.columns[1].Value(1), "4");
  EXPECT_EQ(t.lines[1], 4u);
}

TEST(EvalCsv, UnnamedColumnGetsAName) {
  RawTable t = ParseCsv(",a\n1,2\n", "t.csv");
  EXPECT_EQ(t.header[0], "column1");
}

TEST(EvalCsv, RaggedRecordNamesFileAndLine) {
  // The bad record starts on line 4: line 3 ends inside a quoted field.
  try {
    ParseCsv("a,b\n1,\"multi\nline\"\n1,2,3\n", "data/t.csv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "data/t.csv:4: record has 3 field(s), the header has 2");
  }
}

TEST(EvalCsv, UnterminatedQuoteAndJunkAfterQuote) {
  EXPECT_THROW(ParseCsv("a\n\"open\n", "t.csv"), InputError);
  try {
    ParseCsv("a,b\n\"x\"y,1\n", "t.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:2:"), std::string::npos) << e.what();
  }
}

TEST(EvalCsv, DuplicateHeaderAndEmptyFile) {
  EXPECT_THROW(ParseCsv("a,a\n1,2\n", "t.csv"), InputError);
  EXPECT_THROW(ParseCsv("", "t.csv"), InputError);
}

TEST(EvalCsv, MissingFileIsAnInputErrorNamingIt) {
  try {
    ReadCsvFile("/nonexistent/real.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/real.csv: cannot open"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace seedforge::eval
