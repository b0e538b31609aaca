// The one type inference, typed columns, date formats and TableBuilder.
#include "seedforge/table.h"

#include <gtest/gtest.h>

#include "seedforge/calendar.h"
#include "seedforge/error.h"

namespace seedforge {
namespace {

const TableColumn& Col(const Table& t, const std::string& name) {
  const int c = t.Find(name);
  if (c < 0) throw std::runtime_error("no column " + name);
  return t.columns[c];
}

TEST(TableValues, NumbersAndBooleans) {
  EXPECT_EQ(ParseInteger(" +7 "), 7);
  EXPECT_EQ(ParseInteger("007"), 7);
  EXPECT_FALSE(ParseInteger("1.0"));
  EXPECT_FALSE(ParseInteger("99999999999999999999"));
  int decimals = 0;
  EXPECT_EQ(ParseDecimal(" 1.50 ", &decimals), 1.5);
  EXPECT_EQ(decimals, 2);
  EXPECT_EQ(ParseDecimal("+2e3", &decimals), 2000.0);
  EXPECT_EQ(decimals, -1);
  for (const char* bad : {"1.5x", "nan", "inf", "NA", ""}) EXPECT_FALSE(ParseDecimal(bad)) << bad;
  EXPECT_EQ(ParseBoolean("Yes"), true);
  EXPECT_EQ(ParseBoolean("f"), false);
  EXPECT_FALSE(ParseBoolean("1"));
}

TEST(TableValues, DatesAndTimestampsInEveryFormat) {
  const int64_t day = DaysFromCivil(2001, 2, 3) * kMicrosPerDay;
  const int64_t hm = (4 * 60 + 5) * 60'000'000LL;
  DateFormat mdy, dmy;
  mdy.order = DateFormat::Order::kMdy;
  dmy.order = DateFormat::Order::kDmy;
  struct Case {
    const char* text;
    DateFormat format;
    int64_t micros;
  };
  const Case cases[] = {
      {"2001-02-03", {}, day},
      {"2001-02-03T04:05:06Z", {}, day + hm + 6'000'000},
      {"2001-02-03 04:05:06.25", {}, day + hm + 6'250'000},
      {"2001-02-03T06:05+02:00", {}, day + hm},
      {"2001-02-03T02:35:00-0130", {}, day + hm},
      {"2001/02/03 04:05", {}, day + hm},
      {"2001/2/3", {}, day},
      {"02/03/2001", mdy, day},
      {"03/02/2001 04:05:00", dmy, day + hm},
      {"03.02.2001", dmy, day},
      {"03.02.2001 04:05", dmy, day + hm},
  };
  for (const Case& c : cases) {
    std::optional<ParsedDateTime> t = ParseDateTime(c.text, c.format);
    ASSERT_TRUE(t) << c.text;
    EXPECT_EQ(t->micros, c.micros) << c.text;
  }
  for (const char* bad : {"2001-02-29", "2001-02-03T25:00", "2001-13-01", "2001-02-03 04:05 extra", "20010203",
                          "2001-02/03"}) {
    EXPECT_FALSE(ParseDateTime(bad)) << bad;
  }
  DateFormat epoch;
  epoch.epoch = true;
  EXPECT_EQ(ParseDateTime("981173106", epoch)->micros, day + hm + 6'000'000);
  EXPECT_FALSE(ParseDateTime("2001-02-03", epoch));
}

// What each format writes, and that its name reads back as the same format.
TEST(TableValues, FormatsWriteAndNameThemselves) {
  const int64_t days = DaysFromCivil(2001, 2, 3);
  const int64_t micros = days * kMicrosPerDay + ((4 * 60 + 5) * 60 + 6) * 1'000'000LL;
  struct Case {
    const char* name;
    bool timestamp;
    const char* text;
  };
  const Case cases[] = {
      {"YYYY-MM-DD", false, "2001-02-03"},
      {"YYYY-MM-DD HH:MM:SS", true, "2001-02-03 04:05:06"},
      {"YYYY-MM-DDTHH:MM:SSZ", true, "2001-02-03T04:05:06Z"},
      {"YYYY-MM-DDTHH:MM:SS+HH:MM", true, "2001-02-03T04:05:06+00:00"},
      {"YYYY/MM/DD HH:MM", true, "2001/02/03 04:05"},
      {"YYYY/MM/DD", false, "2001/02/03"},
      {"MM/DD/YYYY", false, "02/03/2001"},
      {"DD/MM/YYYY HH:MM:SS", true, "03/02/2001 04:05:06"},
      {"DD.MM.YYYY", false, "03.02.2001"},
      {"DD.MM.YYYY HH:MM", true, "03.02.2001 04:05"},
      {"epoch", true, "981173106"},
  };
  for (const Case& c : cases) {
    std::optional<DateFormat> format = DateFormat::Parse(c.name);
    ASSERT_TRUE(format) << c.name;
    EXPECT_EQ(format->Name(c.timestamp), c.name);
    std::string text;
    AppendDateTime(c.timestamp ? micros : days, c.timestamp, *format, text);
    EXPECT_EQ(text, c.text) << c.name;
  }
  EXPECT_FALSE(DateFormat::Parse("YYYY-MM-DD HH"));
  EXPECT_FALSE(DateFormat::Parse("DD-MM"));
}

TEST(TableInference, EveryType) {
  std::string csv = "id,n,x,flag,day,at,grade,code,note,customer_id,none,row\n";
  for (int i = 0; i < 60; ++i) {
    const std::string d = std::to_string(i % 28 + 1);
    csv += std::to_string(i + 1) + "," + std::to_string(i % 9 - 4) + "," + std::to_string(i * 1.5) + "," +
           (i % 2 ? "yes" : "No") + ",2024-01-" + (d.size() < 2 ? "0" : "") + d + ",2024/01/" + d + " 10:" +
           (i % 2 ? "15" : "45") + "," + "ABC"[i % 3] + ",K" + std::to_string(i) + ",word" + std::to_string(i % 40) +
           "," + std::to_string(i % 7) + ",," + std::to_string(100 + i) + "\n";
  }
  const Table t = ParseTable(csv, "t.csv");
  EXPECT_EQ(t.rows(), 60u);
  EXPECT_EQ(Col(t, "id").type, ColumnType::kId);  // by name
  EXPECT_EQ(Col(t, "n").type, ColumnType::kInteger);
  EXPECT_EQ(Col(t, "n").ints[0], -4);
  EXPECT_EQ(Col(t, "x").type, ColumnType::kDecimal);
  EXPECT_EQ(Col(t, "x").decimals, 6);  // std::to_string writes 6 decimals
  EXPECT_EQ(Col(t, "flag").type, ColumnType::kBoolean);
  EXPECT_EQ(Col(t, "flag").ints[1], 1);
  EXPECT_EQ(Col(t, "day").type, ColumnType::kDate);
  EXPECT_TRUE(Col(t, "day").format.IsIso());
  EXPECT_EQ(Col(t, "day").ints[0], DaysFromCivil(2024, 1, 1));
  EXPECT_EQ(Col(t, "at").type, ColumnType::kTimestamp);
  EXPECT_EQ(Col(t, "at").format.Name(true), "YYYY/MM/DD HH:MM");
  EXPECT_EQ(Col(t, "grade").type, ColumnType::kCategory);
  EXPECT_EQ(Col(t, "code").type, ColumnType::kId);    // every value distinct
  EXPECT_EQ(Col(t, "note").type, ColumnType::kText);  // 40 distinct in 60
  EXPECT_EQ(Col(t, "customer_id").type, ColumnType::kId);
  EXPECT_EQ(Col(t, "none").type, ColumnType::kEmpty);
  EXPECT_EQ(Col(t, "row").type, ColumnType::kId);  // counting up by one
  EXPECT_EQ(Col(t, "row").reason, "row numbers (whole numbers counting up by one)");
}

// Row-number detection near the ends of int64 (a fuzzer's finding:
// INT64_MAX + 1 overflowed): values past the end do not count up, and a jump
// from INT64_MIN to INT64_MAX is no step of one.
TEST(TableInference, CountingUpStopsAtTheEndsOfInt64) {
  std::string at_end = "n\n";
  for (int i = 0; i < 25; ++i) at_end += (i % 2 ? "9223372036854775807\n" : "9223372036854775806\n");
  EXPECT_EQ(Col(ParseTable(at_end, "t.csv"), "n").type, ColumnType::kInteger);
  std::string extremes = "n\n";
  for (int i = 0; i < 25; ++i) extremes += (i % 2 ? "9223372036854775807\n" : "-9223372036854775808\n");
  EXPECT_EQ(Col(ParseTable(extremes, "t.csv"), "n").type, ColumnType::kInteger);
  std::string counting = "n\n";
  for (int i = 0; i < 25; ++i) counting += std::to_string(INT64_MAX - 24 + i) + "\n";
  EXPECT_EQ(Col(ParseTable(counting, "t.csv"), "n").type, ColumnType::kId);
}

// Year-last dates: a part above 12 decides the order; otherwise '/' is
// month first and '.' day first.
TEST(TableInference, DayMonthOrderFromTheData) {
  struct Case {
    const char* values;
    const char* format;
  };
  const Case cases[] = {
      {"01/02/2001\n03/04/2001\n", "MM/DD/YYYY"},
      {"01/02/2001\n13/04/2001\n", "DD/MM/YYYY"},
      {"01/02/2001\n03/24/2001\n", "MM/DD/YYYY"},
      {"01.02.2001\n03.04.2001\n", "DD.MM.YYYY"},
      {"01.02.2001\n03.14.2001\n", "MM.DD.YYYY"},
      {"01-02-2001 10:00\n31-12-2001 23:59\n", "DD-MM-YYYY HH:MM"},
  };
  for (const Case& c : cases) {
    const Table t = ParseTable(std::string("d\n") + c.values, "t.csv");
    ASSERT_TRUE(t.columns[0].type == ColumnType::kDate || t.columns[0].type == ColumnType::kTimestamp) << c.values;
    EXPECT_EQ(t.columns[0].format.Name(t.columns[0].type == ColumnType::kTimestamp), c.format) << c.values;
  }
  // Both parts above 12 somewhere, or mixed layouts: not dates.
  EXPECT_EQ(ParseTable("d\n13/01/2001\n01/13/2001\n", "t.csv").columns[0].type, ColumnType::kCategory);
  EXPECT_EQ(ParseTable("d\n2001-01-02\n01/02/2001\n", "t.csv").columns[0].type, ColumnType::kCategory);
}

TEST(TableInference, NullRuleAndMarker) {
  TableOptions options;
  options.csv.null_marker = "NA";
  const Table t = ParseTable("n,s\n1,\"\"\nNA,\"NA\"\n,x\n", "t.csv", options);
  EXPECT_EQ(Col(t, "n").type, ColumnType::kInteger);  // NA is no value
  EXPECT_TRUE(Col(t, "n").IsNull(1));
  EXPECT_TRUE(Col(t, "n").IsNull(2));
  EXPECT_FALSE(Col(t, "s").IsNull(0));  // "" is the empty string
  EXPECT_EQ(Col(t, "s").Text(0), "");
  EXPECT_EQ(Col(t, "s").Text(1), "NA");  // quoted: a value
  EXPECT_FALSE(Col(t, "s").IsNull(1));
}

TEST(TableInference, DeclaredTypesAndFormats) {
  TableOptions options;
  options.types["at"] = {ColumnType::kTimestamp, DateFormat::Parse("epoch")};
  options.types["n"] = {ColumnType::kInteger, std::nullopt};
  options.types["d"] = {ColumnType::kDate, std::nullopt};
  const Table t = ParseTable("at,n,d\n981173106.5,1.6,2001-02-03 23:00\n", "t.csv", options);
  EXPECT_EQ(Col(t, "at").ints[0], (DaysFromCivil(2001, 2, 3) * 86400 + 14706) * 1'000'000LL + 500'000);
  EXPECT_EQ(Col(t, "at").decimals, 1);
  EXPECT_EQ(Col(t, "n").ints[0], 2);  // rounded
  EXPECT_EQ(Col(t, "d").ints[0], DaysFromCivil(2001, 2, 3));
  EXPECT_EQ(Col(t, "d").reason, "declared");
}

// A column declared as any text keeps digits as text and still tells a
// category from an id; undeclared, the same values would be integers.
TEST(TableInference, DeclaredAnyTextChoosesAmongTextKinds) {
  TableOptions options;
  options.types["zip"] = {.any_text = true};
  options.types["code"] = {.any_text = true};
  const Table t = ParseTable("zip,code,n\n02139,7,7\n10001,7,8\n02139,8,9\n", "t.csv", options);
  EXPECT_EQ(Col(t, "zip").type, ColumnType::kCategory);
  EXPECT_EQ(Col(t, "zip").Text(0), "02139");
  EXPECT_EQ(Col(t, "code").type, ColumnType::kCategory);
  EXPECT_EQ(Col(t, "n").type, ColumnType::kInteger);
  TableOptions key;
  key.types["zip_id"] = {.any_text = true};
  EXPECT_EQ(Col(ParseTable("zip_id\n1\n", "t.csv", key), "zip_id").type, ColumnType::kId);
}

TEST(TableInference, BadDeclaredValueNamesFileAndLineUnlessLenient) {
  TableOptions options;
  options.types["n"] = {ColumnType::kInteger, std::nullopt};
  try {
    ParseTable("n\n1\n\"two\nlines\"\n", "t.csv", options);
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "t.csv:3: column 'n': 'two\nlines' is not an integer");
  }
  options.lenient = true;
  const Table t = ParseTable("n\n1\nx\n", "t.csv", options);
  EXPECT_TRUE(t.columns[0].IsNull(1));
  EXPECT_EQ(t.columns[0].unparsed, 1u);
  options.types["nope"] = {ColumnType::kInteger, std::nullopt};
  EXPECT_THROW(ParseTable("n\n1\n", "t.csv", options), InputError);
}

TEST(TableBuilder, HeaderNamesAndRowsOfNullableStrings) {
  try {
    TableBuilder({"q.sql", 1}, {"a", "b", "a"}, {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), "q.sql:1: duplicate column name 'a' in the header");
  }
  TableBuilder builder({"q.sql", 1}, {"", "v"}, {});
  const std::optional<std::string_view> row1[] = {"x", std::nullopt};
  const std::optional<std::string_view> row2[] = {"y", "2.5"};
  builder.AddRow(row1, 2);
  builder.AddRow(row2, 3);
  const Table t = std::move(builder).Finish();
  EXPECT_EQ(t.columns[0].name, "column1");  // R's unnamed row-name column
  EXPECT_EQ(t.columns[1].type, ColumnType::kDecimal);
  EXPECT_TRUE(t.columns[1].IsNull(0));
  EXPECT_EQ(t.columns[1].numbers[1], 2.5);
}

}  // namespace
}  // namespace seedforge
