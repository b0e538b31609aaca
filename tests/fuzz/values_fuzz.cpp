// The small value parsers of domain files, learn, the report and
// introspection. The first byte chooses the parser, the rest is its text:
//   0  ParseSqlType (domain column types; introspection's format_type())
//   1  ParseDateSpec / ParseTimestampSpec (provider parameters)
//   2  the table layer's ParseInteger/ParseDecimal/ParseBoolean/ParseDateTime
//      (generator/table/values.cpp), used by learn and the report
//   3  DateFormat::Parse: a format's name reads back as the same format
//   4  Constraint::Parse and Condition::Parse (learn, sample, domains)
//   5  Params' typed getters on one scalar (Int, Double, Bool, Date, ...)
//   6  introspection's ParseIntArray and ReadCheck (catalog text)
//   7  introspection's Yaml(): the scalar must read back unchanged
//   8  ParseDataType, ParseFormat
// Besides "no crash", each checks a property the code promises where there
// is a cheap one (a round trip, a canonical form).
#include <yaml-cpp/yaml.h>

#include <cstdio>

#include "fuzz/fuzz_util.h"
#include "learn/values.h"
#include "load/introspect_text.h"
#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/output.h"
#include "seedforge/params.h"
#include "seedforge/synthesizer.h"
#include "seedforge/table.h"

using namespace seedforge;

namespace {

constexpr int64_t kToday = 19'723;  // 2024-01-01

void SqlTypeText(const std::string& text) {
  const std::vector<std::string> enums = {"mood", "Status"};
  std::optional<seedforge::SqlType> type = ParseSqlType(text, enums);
  if (!type) return;
  // The canonical spelling parses to itself.
  const std::string sql = type->ToSql();
  std::optional<seedforge::SqlType> again = ParseSqlType(sql, enums);
  FUZZ_CHECK(again && again->ToSql() == sql);
}

void DateSpec(const std::string& text) {
  int64_t days = 0, micros = 0;
  if (ParseDateSpec(text, kToday, &days)) FUZZ_CHECK(ParseTimestampSpec(text, kToday, &micros));
}

void TableValues(std::string_view text) {
  (void)ParseInteger(text);
  (void)ParseDecimal(text);
  (void)ParseBoolean(text);
  const bool iso_date = text.size() == 10 && text[4] == '-' && text[7] == '-' &&
                        text.substr(0, 4).find_first_not_of("0123456789") == std::string_view::npos &&
                        text.substr(5, 2).find_first_not_of("0123456789") == std::string_view::npos &&
                        text.substr(8).find_first_not_of("0123456789") == std::string_view::npos;
  if (std::optional<ParsedDateTime> t = ParseDateTime(text); t && iso_date) {
    // A date names one day: formatting it gives the text back.
    std::string again;
    AppendDateTime(t->micros / kMicrosPerDay, false, DateFormat{}, again);
    FUZZ_CHECK(text == again);
  }
}

void DateFormatNames(std::string_view text) {
  if (std::optional<DateFormat> format = DateFormat::Parse(text)) {
    std::optional<DateFormat> again = DateFormat::Parse(format->Name(true));
    FUZZ_CHECK(again && *again == *format);
  }
}

void Expressions(const std::string& text) {
  fuzz::Reject([&] { Constraint::Parse(text); });
  fuzz::Reject([&] { Condition::Parse(text); });
}

void ParamGetters(const std::string& text) {
  ParamValue value;
  value.scalar = text;
  value.where = {"fuzz.yaml", 1, 1};
  Params params({{"v", value}}, {"fuzz.yaml", 1, 1});
  fuzz::Reject([&] { params.Int("v", 0); });
  fuzz::Reject([&] { params.Double("v", 0); });
  fuzz::Reject([&] { params.Bool("v", false); });
  fuzz::Reject([&] { params.Date("v", "", kToday); });
  fuzz::Reject([&] { params.Timestamp("v", "", kToday); });
  fuzz::Reject([&] { params.StringList("v"); });
  fuzz::Reject([&] { params.Weighted("v"); });
}

void Catalog(const std::string& text) {
  fuzz::Reject([&] { internal::ParseIntArray(text); });
  std::map<std::string, internal::CheckFacts> facts;
  fuzz::Reject([&] { internal::ReadCheck(text, facts); });
}

void YamlScalar(const std::string& text) {
  // Catalog text is UTF-8 without NUL; invalid UTF-8 is out of scope here.
  for (char c : text) {
    if (c == '\0' || static_cast<unsigned char>(c) >= 0x80) return;
  }
  const std::string yaml = "k: " + internal::Yaml(text) + "\n";
  YAML::Node node = YAML::Load(yaml);
  FUZZ_CHECK(node.IsMap() && node["k"].IsScalar());
  FUZZ_CHECK(node["k"].Scalar() == text);
}

void Names(const std::string& text) {
  (void)ParseDataType(text);
  (void)ParseFormat(text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string text(fuzz::AsText(data + 1, size - 1));
  fuzz::Reject([&] {
    switch (data[0] % 9) {
      case 0: SqlTypeText(text); break;
      case 1: DateSpec(text); break;
      case 2: TableValues(text); break;
      case 3: DateFormatNames(text); break;
      case 4: Expressions(text); break;
      case 5: ParamGetters(text); break;
      case 6: Catalog(text); break;
      case 7: YamlScalar(text); break;
      case 8: Names(text); break;
    }
  });
  return 0;
}
