// The provider chooser without a server: names, types, CHECKs and sampled
// values in, the source of a column line out.
#include "domain/column_guess.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <string>
#include <vector>

namespace seedforge {
namespace {

ColumnEvidence Column(const std::string& name, const std::string& type,
                      std::vector<std::optional<std::string>> sample = {}) {
  ColumnEvidence e;
  e.table = "film";
  e.name = name;
  e.type = *ParseSqlType(type);
  e.not_null = true;
  e.sample = std::move(sample);
  return e;
}

std::vector<std::optional<std::string>> Repeat(const std::vector<std::string>& values, size_t times) {
  std::vector<std::optional<std::string>> out;
  for (size_t t = 0; t < times; ++t) {
    for (const std::string& v : values) out.emplace_back(v);
  }
  return out;
}

std::string Source(const ColumnEvidence& e) { return GuessColumn(e, BuiltinRegistry()).source; }

// Pagila's `active` is a smallint 0/1 flag: from its name and type alone it
// is a number (up to 1000 here, 100,000 for an integer); its values keep it
// a flag.
TEST(ColumnGuess, SmallIntegerFlagStaysZeroOrOne) {
  EXPECT_EQ(Source(Column("active", "smallint")), "provider: integer, params: {min: 0, max: 1000}");
  EXPECT_EQ(Source(Column("active", "smallint", Repeat({"1", "1", "0", "1"}, 50))),
            "provider: integer, params: {min: 0, max: 1}");
  EXPECT_EQ(Source(Column("release_year", "integer", Repeat({"2006", "2011"}, 5))),
            "provider: integer, params: {min: 2006, max: 2011}");
}

// A film's title is not a job title: capitalised words make a title, in the
// data's case and word counts; without data a `title` is free text.
TEST(ColumnGuess, TitlesLookLikeTitles) {
  std::vector<std::optional<std::string>> titles;
  for (const char* first : {"ACADEMY", "ACE", "ALIEN", "ALONE"}) {
    for (const char* second : {"DINOSAUR", "GOLDFINGER", "CENTER", "TRIP"}) titles.emplace_back(std::string(first) + " " + second);
  }
  EXPECT_EQ(Source(Column("title", "varchar(255)", titles)),
            "provider: title, params: {min_words: 2, max_words: 2, case: upper, max_length: 255}");
  EXPECT_EQ(Source(Column("name", "varchar(120)", Repeat({"Rock", "Sci Fi & Fantasy", "Bossa Nova", "Heavy Metal"}, 1))),
            "provider: title, params: {min_words: 1, max_words: 4, case: title, max_length: 120}");
  EXPECT_EQ(Source(Column("title", "varchar(40)")), "provider: text, params: {max_words: 5, max_length: 40}");
  EXPECT_EQ(Source(Column("job_title", "varchar(40)")), "provider: job_title");
  // Sentences are not titles.
  EXPECT_EQ(Source(Column("description", "text", Repeat({"A Epic Drama of a Feminist who must fight"}, 3))),
            "provider: text, params: {max_words: 9, max_length: 41}");
}

TEST(ColumnGuess, FewRepeatedValuesAreACategoryOfThem) {
  EXPECT_EQ(Source(Column("country", "varchar(40)", Repeat({"USA", "USA", "Canada", "ON"}, 5))),
            "provider: category, params: {values: {Canada: 0.25, 'ON': 0.25, USA: 0.5}}");
  // A name of a person is never a list of the names seen.
  EXPECT_EQ(Source(Column("first_name", "varchar(40)", Repeat({"Mary", "Linda"}, 20))), "provider: person.first_name");
  // A CHECK's list wins over the sample.
  ColumnEvidence status = Column("status", "text", Repeat({"new"}, 20));
  CheckFacts facts;
  facts.in_list = {"new", "paid"};
  status.check = &facts;
  EXPECT_EQ(Source(status), "provider: category, params: {values: [new, paid]}");
}

// Personal data recognised by the shape of the values under any name.
TEST(ColumnGuess, PersonalDataByValuePattern) {
  EXPECT_EQ(Source(Column("contact", "varchar(80)", Repeat({"ann@example.org", "bo.li@mail.example.com"}, 10))),
            "provider: email");
  EXPECT_EQ(Source(Column("pan", "varchar(19)", Repeat({"4111111111111111", "5500 0000 0000 0004"}, 10))),
            "provider: credit_card.number");
  EXPECT_EQ(Source(Column("contact_no", "varchar(24)", Repeat({"+1 (403) 262-3443", "+55 (12) 3923-5555"}, 10))),
            "provider: phone");
  EXPECT_EQ(Source(Column("post", "varchar(10)", Repeat({"90210", "10001-1234"}, 10))), "provider: address.zip");
  // A bare `name` is a person's only in a table of people.
  ColumnEvidence name = Column("name", "varchar(60)");
  name.table = "customer";
  EXPECT_EQ(Source(name), "provider: person.full_name");
}

TEST(ColumnGuess, NumbersAndDatesKeepTheDataRange) {
  EXPECT_EQ(Source(Column("amount", "numeric(5,2)", Repeat({"0.99", "9.99", "4.50"}, 3))),
            "provider: decimal, params: {min: 0.99, max: 9.99, scale: 2}");
  EXPECT_EQ(Source(Column("replacement_cost", "money", Repeat({"$9.99", "$1,029.99"}, 3))),
            "provider: decimal, params: {min: 9.99, max: 1029.99, scale: 2}");
  EXPECT_EQ(Source(Column("hired", "timestamp", Repeat({"2003-05-01 00:00:00", "2002-08-14 08:30:00"}, 2))),
            "provider: timestamp, params: {from: '2002-08-14 08:30:00', to: '2003-05-01 00:00:00'}");
  EXPECT_EQ(Source(Column("opens_at", "time", Repeat({"09:00:00", "08:30:00"}, 2))),
            "provider: time_of_day, params: {from: '08:30:00', to: '09:00:00'}");
}

TEST(ColumnGuess, NullRateFromTheSample) {
  ColumnEvidence fax = Column("fax", "varchar(24)", {std::nullopt, std::nullopt, std::nullopt, "+1 (780) 428-3457"});
  fax.not_null = false;
  const ColumnGuess guess = GuessColumn(fax, BuiltinRegistry());
  EXPECT_EQ(guess.source, "provider: phone");
  ASSERT_TRUE(guess.null_rate);
  EXPECT_DOUBLE_EQ(*guess.null_rate, 0.75);
  fax.sample.clear();
  EXPECT_DOUBLE_EQ(*GuessColumn(fax, BuiltinRegistry()).null_rate, 0.05);  // no data: a default
  EXPECT_FALSE(GuessColumn(Column("fax", "text"), BuiltinRegistry()).null_rate);  // NOT NULL
}

TEST(ColumnGuess, PostgresTypes) {
  EXPECT_EQ(Source(Column("poster", "bytea", Repeat({"\\x0a0b0c", "\\x0a0b0c0d0e"}, 2))),
            "provider: bytes, params: {min_length: 3, max_length: 5}");
  EXPECT_EQ(Source(Column("last_ip", "inet")), "provider: ip.inet");
  EXPECT_EQ(Source(Column("network", "cidr")), "provider: ip.cidr");
  EXPECT_EQ(Source(Column("showing", "daterange")), "provider: range, params: {of: date}");
  EXPECT_EQ(Source(Column("email", "citext")), "provider: email");
  ColumnEvidence search = Column("search", "tsvector");
  search.text_columns = {"title", "description"};
  EXPECT_EQ(Source(search), "provider: tsvector, params: {source: title, source2: description}");
}

TEST(ColumnGuess, KeysStayUnique) {
  ColumnEvidence id = Column("film_id", "integer", Repeat({"1", "2"}, 1));
  id.primary_key = true;
  EXPECT_EQ(Source(id), "provider: sequence");
  ColumnEvidence code = Column("code", "varchar(3)", Repeat({"AB", "AB"}, 10));
  code.unique = true;
  const ColumnGuess guess = GuessColumn(code, BuiltinRegistry());
  EXPECT_EQ(guess.source, "provider: pattern, params: {pattern: '***'}");
  EXPECT_EQ(guess.max_rows, 36u * 36u * 36u);
}

TEST(PerParentFromCounts, WeightsFitsOrOneCount) {
  EXPECT_EQ(PerParentFromCounts({{4, 200}}), "4");
  EXPECT_EQ(PerParentFromCounts({{0, 1}, {1, 3}}), "{weights: {0: 0.25, 1: 0.75}}");
  // 25 distinct counts spread like a Poisson of mean 30 (variance = mean).
  std::map<int64_t, uint64_t> poisson;
  for (int64_t k = 18; k <= 42; ++k) poisson[k] = static_cast<uint64_t>(1000 * std::exp(-(k - 30.0) * (k - 30.0) / 60));
  const std::string p = PerParentFromCounts(poisson);
  EXPECT_EQ(p.rfind("{poisson: 30", 0), 0u) << p;
  EXPECT_NE(p.find("min: 18, max: 42"), std::string::npos) << p;
  // A heavy tail: 30 counts from 1 to 5888, variance far above the mean.
  std::map<int64_t, uint64_t> heavy;
  for (int64_t i = 0; i < 30; ++i) heavy[1 + 7 * i * i] = 10;
  const std::string l = PerParentFromCounts(heavy);
  EXPECT_EQ(l.rfind("{lognormal: {mu: ", 0), 0u) << l;
  EXPECT_NE(l.find("min: 1, max: 5888"), std::string::npos) << l;
}

}  // namespace
}  // namespace seedforge
