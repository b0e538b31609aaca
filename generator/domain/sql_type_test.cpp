// SQL text the domain parser lets into DDL: one expression, however it is
// quoted, and nothing that ends the statement it sits in.
#include <gtest/gtest.h>

#include <optional>
#include <string>

#include "seedforge/domain.h"

namespace seedforge {
namespace {

TEST(SqlExpression, OneExpressionHoweverQuoted) {
  for (const char* ok : {
           "qty >= 1",
           "(qty >= 1) AND (qty <= 100)",
           "status = ANY (ARRAY['new'::text, 'it''s;'::text])",
           "note <> '\\'::text",                 // a backslash is a character (standard strings)
           "note <> E'\\';)'",                   // E'' escapes it
           "note <> $$;)--$$",                   // dollar quotes hold anything
           "note <> $v$ $$ ; $v$",
           "\"we;ird\" > 0",                     // a quoted name
           "\"a\"\"b\" > 0",
           "price * 1.5 > $1",                   // $1 is a parameter, not a quote
           "multi\nline\tcheck > 0",
           "now()",
       }) {
    EXPECT_EQ(SqlExpressionProblem(ok), "") << ok;
  }
}

TEST(SqlExpression, WhatCouldEndTheStatementIsRefused) {
  const struct {
    const char* text;
    const char* problem;
  } bad[] = {
      {"qty > 0)); DROP TABLE victim; --", "a ')' closes a parenthesis it did not open"},
      {"qty > 0; DROP TABLE victim", "it contains a ';'"},
      {"qty > 0 -- no closing parenthesis", "it contains a comment"},
      {"qty > 0 /* */", "it contains a comment"},
      {"'it''s", "a string is not terminated"},
      {"E'\\'", "a string is not terminated"},
      {"\"open > 0", "a quoted name is not terminated"},
      {"$v$ never closed", "a dollar-quoted string is not terminated"},
      {"(qty > 0", "a '(' is not closed"},
      {"qty > 0\x1e", "it contains a control character"},
  };
  for (const auto& b : bad) EXPECT_EQ(SqlExpressionProblem(b.text), b.problem) << b.text;
}


// The PostgreSQL types introspection meets in real schemas: each parses,
// prints back as the server names it, and takes its values as text.
TEST(SqlType, PostgresTypesWrittenAsText) {
  for (const char* name : {"bytea", "inet", "cidr", "interval", "money", "time", "citext", "tsvector",
                           "int4range", "int8range", "numrange", "daterange", "tsrange", "tstzrange"}) {
    std::optional<SqlType> type = ParseSqlType(name);
    ASSERT_TRUE(type) << name;
    EXPECT_EQ(type->ToSql(), name);
    EXPECT_TRUE(type->TakesText()) << name;
    EXPECT_FALSE(type->IsInteger()) << name;
  }
  EXPECT_EQ(ParseSqlType("time without time zone")->ToSql(), "time");
  EXPECT_TRUE(ParseSqlType("citext")->IsText());   // a name or an e-mail provider may fill it
  EXPECT_FALSE(ParseSqlType("bytea")->IsText());   // but not a bytea
  EXPECT_EQ(ParseSqlType("inet[]")->ToSql(), "inet[]");
}

}  // namespace
}  // namespace seedforge
