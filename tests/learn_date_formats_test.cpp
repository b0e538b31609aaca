// Dates and timestamps keep the format they were written in through
// `learn` -> `sample`: the table layer remembers each column's format, the
// model file stores it, and `sample` writes it back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "seedforge/calendar.h"
#include "seedforge/table.h"
#include "support/csv_reader.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;

std::string Seedforge(const std::string& args, int* status) {
  std::string output;
  *status = testing::RunCommand(testing::SeedforgeBinary() + " " + args, &output);
  return output;
}

// The text has the shape of the format's name: a digit where the name has
// Y, M, D, H or S, the same character elsewhere.
bool HasShape(const std::string& text, const std::string& name) {
  if (text.size() != name.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const bool digit = std::string_view("YMDHS").find(name[i]) != std::string_view::npos;
    if (digit ? !(text[i] >= '0' && text[i] <= '9') : text[i] != name[i]) return false;
  }
  return true;
}

struct Case {
  const char* format;  // DateFormat::Name
  bool timestamp;
  const char* type;    // --type, or "" to infer
};

// 200 rows from 2001 to 2005 written in `c.format`, learned by the copula
// and sampled: every sampled value is written in that format and lies in the
// data's range. Fails when a format is not recognised (the column would be
// left out of the model, or sampled as ISO text).
TEST(LearnDateFormats, EachFormatRoundTripsThroughLearnAndSample) {
  const Case cases[] = {
      {"YYYY-MM-DD", false, ""},
      {"YYYY-MM-DD HH:MM:SS", true, ""},
      {"YYYY-MM-DDTHH:MM:SSZ", true, ""},
      {"YYYY-MM-DDTHH:MM:SS+HH:MM", true, ""},
      {"YYYY/MM/DD HH:MM", true, ""},
      {"YYYY/MM/DD HH:MM:SS", true, ""},
      {"YYYY/MM/DD", false, ""},
      {"MM/DD/YYYY", false, ""},
      {"DD/MM/YYYY", false, ""},
      {"DD.MM.YYYY", false, ""},
      {"DD.MM.YYYY HH:MM", true, ""},
      {"epoch", true, "timestamp:epoch"},
  };
  const fs::path dir = testing::MakeTempDir("seedforge-date-formats");
  const int64_t first = DaysFromCivil(2001, 1, 1), last = DaysFromCivil(2005, 12, 31);
  for (const Case& c : cases) {
    SCOPED_TRACE(c.format);
    const DateFormat format = *DateFormat::Parse(c.format);
    const int64_t unit = !c.timestamp ? 1 : format.seconds ? 1'000'000 : 60'000'000;
    std::string csv = "at,amount\n";
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    uint64_t state = 12345;
    for (int i = 0; i < 200; ++i) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      const int64_t span = (last - first) * (c.timestamp ? kMicrosPerDay / unit : 1);
      const int64_t value = (c.timestamp ? first * kMicrosPerDay : first) + static_cast<int64_t>((state >> 11) % span) * unit;
      lo = std::min(lo, value);
      hi = std::max(hi, value);
      AppendDateTime(value, c.timestamp, format, csv);
      csv += "," + std::to_string(i % 50) + ".5\n";
    }
    std::ofstream(dir / "in.csv") << csv;
    int status = 0;
    const std::string type = *c.type ? std::string(" --type at=") + c.type : "";
    std::string output = Seedforge("learn -q --from " + (dir / "in.csv").string() + type + " --out " +
                                 (dir / "m.model").string(),
                             &status);
    ASSERT_EQ(status, 0) << output;
    output = Seedforge("sample -q --model " + (dir / "m.model").string() + " --rows 300 --out " + (dir / "out.csv").string(),
                 &status);
    ASSERT_EQ(status, 0) << output;
    const testing::CsvTable sampled = testing::ReadCsv((dir / "out.csv").string());
    const int at = sampled.Column("at");
    ASSERT_GE(at, 0) << "the date column was left out of the model";
    ASSERT_EQ(sampled.rows.size(), 300u);
    for (const auto& row : sampled.rows) {
      ASSERT_TRUE(row[at]);
      const std::string& text = *row[at];
      if (!format.epoch) {
        ASSERT_TRUE(HasShape(text, c.format)) << text;
      }
      std::optional<ParsedDateTime> parsed = ParseDateTime(text, format);
      ASSERT_TRUE(parsed) << text;
      const int64_t value = c.timestamp ? parsed->micros : parsed->micros / kMicrosPerDay;
      EXPECT_GE(value, lo) << text;
      EXPECT_LE(value, hi) << text;
      std::string again;
      AppendDateTime(value, c.timestamp, format, again);
      EXPECT_EQ(again, text);  // nothing finer than the format writes
    }
  }
}

// The acceptance case of issue 11: timestamps written 2001/01/01 00:47 were
// not recognised, and learn silently dropped the column.
TEST(LearnDateFormats, SlashTimestampsWithoutSecondsAreKept) {
  const fs::path dir = testing::MakeTempDir("seedforge-slash-timestamps");
  std::ofstream(dir / "trips.csv") << "started,minutes\n2001/01/01 00:47,12\n2001/01/02 13:05,40\n"
                                      "2001/01/03 08:30,7\n2001/01/05 22:10,25\n";
  int status = 0;
  std::string output =
      Seedforge("learn --from " + (dir / "trips.csv").string() + " --out " + (dir / "m.model").string(), &status);
  ASSERT_EQ(status, 0) << output;
  EXPECT_EQ(output.find("left out"), std::string::npos) << output;
  output = Seedforge("sample -q --model " + (dir / "m.model").string() + " --rows 20 --out " + (dir / "s.csv").string(),
               &status);
  ASSERT_EQ(status, 0) << output;
  const testing::CsvTable sampled = testing::ReadCsv((dir / "s.csv").string());
  ASSERT_EQ(sampled.Column("started"), 0);
  for (const auto& row : sampled.rows) EXPECT_TRUE(HasShape(row[0].value_or(""), "YYYY/MM/DD HH:MM")) << *row[0];
}

// --null NA: unquoted NA is NULL in learn (a number column stays numeric).
TEST(LearnDateFormats, NullMarkerOption) {
  const fs::path dir = testing::MakeTempDir("seedforge-null-marker");
  std::string csv = "x,label\n";
  for (int i = 0; i < 40; ++i) csv += (i % 4 ? std::to_string(i) + ".5" : std::string("NA")) + ",\"NA\"\n";
  std::ofstream(dir / "d.csv") << csv;
  int status = 0;
  std::string output = Seedforge("learn --from " + (dir / "d.csv").string() + " --null NA --out " +
                               (dir / "m.model").string(),
                           &status);
  ASSERT_EQ(status, 0) << output;
  EXPECT_NE(output.find("x"), std::string::npos);
  output = Seedforge("sample -q --model " + (dir / "m.model").string() + " --rows 200 --out " + (dir / "s.csv").string(),
               &status);
  ASSERT_EQ(status, 0) << output;
  const testing::CsvTable sampled = testing::ReadCsv((dir / "s.csv").string());
  const int x = sampled.Column("x"), label = sampled.Column("label");
  ASSERT_GE(x, 0);
  ASSERT_GE(label, 0);
  size_t nulls = 0;
  for (const auto& row : sampled.rows) {
    nulls += !row[x];
    if (row[x]) EXPECT_TRUE(ParseDecimal(*row[x])) << *row[x];
    EXPECT_EQ(row[label], "NA");  // the quoted text is a category
  }
  // A quarter of the data is NULL: over 200 rows, 50 expected (binomial
  // sd 6.1); an implementation that reads NA as text fails the column
  // above, one that drops NULLs gets 0.
  EXPECT_GT(nulls, 20u);
  EXPECT_LT(nulls, 80u);
}

}  // namespace
}  // namespace seedforge
