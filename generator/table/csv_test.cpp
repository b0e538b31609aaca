// The one CSV reader: RFC 4180 records, the NULL rule, errors naming
// file:line, and streaming with a row limit.
#include "seedforge/csv.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "seedforge/error.h"
#include "seedforge/table.h"
#include "test_util.h"

namespace seedforge {
namespace {

using Fields = std::vector<std::optional<std::string>>;

// Every data record of `text`, NULL as nullopt.
std::vector<Fields> Records(std::string_view text, const CsvOptions& options = {}) {
  std::unique_ptr<CsvReader> reader = CsvReader::FromText(text, "t.csv", options);
  std::vector<Fields> out;
  while (reader->Next()) {
    Fields row;
    for (const auto& f : reader->fields()) row.push_back(f ? std::optional<std::string>(*f) : std::nullopt);
    out.push_back(row);
  }
  return out;
}

std::string ErrorOf(std::string_view text) {
  try {
    Records(text);
  } catch (const InputError& e) {
    return e.what();
  }
  return "no error";
}

TEST(CsvReader, QuotesEmbeddedNewlinesAndDoubledQuotes) {
  std::unique_ptr<CsvReader> reader =
      CsvReader::FromText("a,b,c\n1,\"x, y\",\"say \"\"hi\"\"\"\n2,\"two\nlines\",z\n3,4,5\n", "t.csv");
  EXPECT_EQ(reader->header(), (std::vector<std::string>{"a", "b", "c"}));
  ASSERT_TRUE(reader->Next());
  EXPECT_EQ(*reader->fields()[1], "x, y");
  EXPECT_EQ(*reader->fields()[2], "say \"hi\"");
  EXPECT_EQ(reader->line(), 2);
  ASSERT_TRUE(reader->Next());
  EXPECT_EQ(*reader->fields()[1], "two\nlines");
  ASSERT_TRUE(reader->Next());
  EXPECT_EQ(reader->line(), 5);  // the embedded line break counts
  EXPECT_FALSE(reader->Next());
}

TEST(CsvReader, EmptyUnquotedIsNullAndQuotedEmptyIsTheEmptyString) {
  EXPECT_EQ(Records("a,b,c\n,\"\",NA\n"), (std::vector<Fields>{{std::nullopt, "", "NA"}}));
}

TEST(CsvReader, NullMarkerMakesUnquotedMatchesNullButNotQuotedOnes) {
  CsvOptions options;
  options.null_marker = "NA";
  EXPECT_EQ(Records("a,b,c,d\nNA,\"NA\",,NAN\n", options),
            (std::vector<Fields>{{std::nullopt, "NA", std::nullopt, "NAN"}}));
}

TEST(CsvReader, CrlfBomBlankLinesAndNoFinalLineBreak) {
  std::unique_ptr<CsvReader> reader = CsvReader::FromText("\xEF\xBB\xBFx,y\r\n1,2\r\n\r\n3,4", "t.csv");
  EXPECT_EQ(reader->header()[0], "x");
  ASSERT_TRUE(reader->Next());
  EXPECT_EQ(*reader->fields()[1], "2");
  ASSERT_TRUE(reader->Next());
  EXPECT_EQ(*reader->fields()[1], "4");
  EXPECT_EQ(reader->line(), 4);
  EXPECT_FALSE(reader->Next());
}

// With one column, our writer writes a NULL as an empty line.
TEST(CsvReader, BlankLineOfAOneColumnFileIsANull) {
  EXPECT_EQ(Records("a\n1\n\n2\n"), (std::vector<Fields>{{"1"}, {std::nullopt}, {"2"}}));
}

TEST(CsvReader, ErrorsNameFileAndLine) {
  // The ragged record starts on line 4: line 3 ends inside a quoted field.
  EXPECT_EQ(ErrorOf("a,b\n1,\"multi\nline\"\n1,2,3\n"), "t.csv:4: expected 2 fields as in the header, found 3");
  EXPECT_EQ(ErrorOf("a,b\n1,2\n3,\"open\n\n"),
            "t.csv:3: unterminated quoted field (a '\"' opens it here and never closes)");
  EXPECT_EQ(ErrorOf("a,b\n\"x\"y,1\n"), "t.csv:2: unexpected character 'y' after a closing quote");
  EXPECT_EQ(ErrorOf(""), "t.csv:1: empty file: a header row is needed");
}

TEST(CsvReader, MissingFileIsAnInputErrorNamingIt) {
  try {
    CsvReader::Open("/nonexistent/real.csv");
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/real.csv: cannot open"), std::string::npos) << e.what();
  }
}

// A file far larger than the reader's 64 KiB chunk, with a record split
// across chunks, and a limit that stops reading early.
TEST(CsvReader, StreamsAFileAndStopsAtMaxRows) {
  const std::filesystem::path dir = testing::MakeTempDir("seedforge-csv-stream");
  const std::filesystem::path path = dir / "big.csv";
  {
    std::ofstream out(path, std::ios::binary);
    out << "n,text\n";
    for (int i = 0; i < 50000; ++i) out << i << ",\"row " << i << " says \"\"hi\"\"\"\n";
  }
  std::unique_ptr<CsvReader> reader = CsvReader::Open(path.string());
  int rows = 0;
  while (reader->Next()) {
    ASSERT_EQ(*reader->fields()[0], std::to_string(rows));
    ASSERT_EQ(*reader->fields()[1], "row " + std::to_string(rows) + " says \"hi\"");
    ++rows;
  }
  EXPECT_EQ(rows, 50000);

  // A broken record after the limit is never reached.
  {
    std::ofstream out(path, std::ios::binary | std::ios::app);
    out << "1,2,3\n";
  }
  CsvOptions options;
  options.max_rows = 10;
  reader = CsvReader::Open(path.string(), options);
  rows = 0;
  while (reader->Next()) ++rows;
  EXPECT_EQ(rows, 10);
  TableOptions table_options;
  table_options.csv.max_rows = 49999;
  EXPECT_EQ(ReadTable(path.string(), table_options).rows(), 49999u);
  EXPECT_THROW(ReadTable(path.string()), InputError);
}

}  // namespace
}  // namespace seedforge
