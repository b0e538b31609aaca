// The expression language of `compute:` columns: what parses, what type
// checks, and what rows evaluate to (SQL's NULL rules included).
#include "domain/expression.h"

#include <gtest/gtest.h>

#include <cmath>

#include "seedforge/calendar.h"

namespace seedforge {
namespace {

using Type = Expression::Type;
using Value = Expression::Value;

Value Num(double x) { return {Type::kNumber, x, 0, {}}; }
Value Text(std::string_view s) { return {Type::kText, 0, 0, s}; }
Value Date(int y, unsigned m, unsigned d) { return {Type::kDate, 0, DaysFromCivil(y, m, d), {}}; }
Value Null() { return {}; }

// A Value that owns its text: a result's text may point into the
// expression's literals, which do not outlive Eval.
struct Result {
  Type type = Type::kNull;
  double number = 0;
  int64_t instant = 0;
  std::string text;
};

// Evaluates `text` with its columns bound, in order of first use, to `inputs`.
Result Eval(std::string_view text, std::vector<Value> inputs = {}, uint64_t row = 0) {
  Expression::Problem problem;
  auto e = Expression::Parse(text, &problem);
  EXPECT_TRUE(e) << text << ": " << problem.message;
  if (!e) return {};
  std::vector<Type> types;
  for (const Value& v : inputs) types.push_back(v.type);
  Type result;
  EXPECT_TRUE(e->Check(types, &result, &problem)) << text << ": " << problem.message;
  RandomStream random(7, row);
  const Value v = e->Evaluate(inputs, random);
  return {v.type, v.number, v.instant, std::string(v.text)};
}

Expression::Problem ParseProblem(std::string_view text) {
  Expression::Problem problem;
  EXPECT_FALSE(Expression::Parse(text, &problem)) << text;
  return problem;
}

Expression::Problem CheckProblem(std::string_view text, std::vector<Type> types) {
  Expression::Problem problem;
  auto e = Expression::Parse(text, &problem);
  EXPECT_TRUE(e) << problem.message;
  Type result;
  EXPECT_FALSE(e->Check(types, &result, &problem)) << text;
  return problem;
}

TEST(Expression, ArithmeticFollowsPrecedence) {
  EXPECT_DOUBLE_EQ(Eval("1 + 2 * 3").number, 7);
  EXPECT_DOUBLE_EQ(Eval("(1 + 2) * 3").number, 9);
  EXPECT_DOUBLE_EQ(Eval("-2 * -3 - 1").number, 5);
  EXPECT_DOUBLE_EQ(Eval("10 / 4").number, 2.5);
  EXPECT_DOUBLE_EQ(Eval("30 - score * 0.03", {Num(800)}).number, 6);
}

TEST(Expression, NullPropagatesAsInSql) {
  EXPECT_EQ(Eval("x + 1", {Null()}).type, Type::kNull);
  EXPECT_EQ(Eval("1 / 0").type, Type::kNull);  // no infinity reaches a column
  EXPECT_EQ(Eval("x = 'a'", {Null()}).type, Type::kNull);
  EXPECT_DOUBLE_EQ(Eval("coalesce(x, 5)", {Null()}).number, 5);
  // if() takes a NULL condition as false; and/or are three-valued.
  EXPECT_DOUBLE_EQ(Eval("if(x > 1, 1, 2)", {Null()}).number, 2);
  EXPECT_EQ(Eval("x > 1 and false", {Null()}).number, 0);
  EXPECT_EQ(Eval("x > 1 and true", {Null()}).type, Type::kNull);
  EXPECT_EQ(Eval("x > 1 or true", {Null()}).number, 1);
}

TEST(Expression, ComparesTextAndChoosesBranches) {
  EXPECT_EQ(Eval("if(kind in ('deposit', 'transfer_in'), 'credit', 'debit')", {Text("deposit")}).text, "credit");
  EXPECT_EQ(Eval("if(kind in ('deposit', 'transfer_in'), 'credit', 'debit')", {Text("fee")}).text, "debit");
  EXPECT_EQ(Eval("kind not in ('a', 'b')", {Text("c")}).number, 1);
  EXPECT_EQ(Eval("'it''s' = x", {Text("it's")}).number, 1);
  EXPECT_EQ(Eval("not (x != 'a')", {Text("a")}).number, 1);
}

TEST(Expression, DatesMoveByDaysAndSubtractToDays) {
  const Result d = Eval("opened + 365", {Date(2024, 1, 1)});
  EXPECT_EQ(d.type, Type::kDate);
  EXPECT_EQ(d.instant, DaysFromCivil(2024, 12, 31));  // 2024 is a leap year
  EXPECT_DOUBLE_EQ(Eval("b - a", {Date(2024, 3, 1), Date(2024, 2, 1)}).number, 29);  // b, a: first use
  EXPECT_EQ(Eval("a < b", {Date(2024, 3, 1), Date(2024, 2, 1)}).number, 0);
  const Result latest = Eval("max(a, b)", {Date(2024, 3, 1), Date(2024, 2, 1)});
  EXPECT_EQ(latest.instant, DaysFromCivil(2024, 3, 1));
}

TEST(Expression, FunctionsClampAndRound) {
  EXPECT_DOUBLE_EQ(Eval("clamp(40, 2.9, 29.9)").number, 29.9);
  EXPECT_DOUBLE_EQ(Eval("clamp(-1, 2.9, 29.9)").number, 2.9);
  EXPECT_DOUBLE_EQ(Eval("round(2.345, 2)").number, 2.35);
  EXPECT_DOUBLE_EQ(Eval("min(3, 1, 2)").number, 1);
  EXPECT_DOUBLE_EQ(Eval("abs(-4) + floor(1.7) + ceil(1.2)").number, 7);
}

TEST(Expression, DrawsAreThoseOfTheRowAndInRange) {
  // A pure function of the row: the same row draws the same value.
  EXPECT_DOUBLE_EQ(Eval("uniform(0, 1)", {}, 5).number, Eval("uniform(0, 1)", {}, 5).number);
  EXPECT_NE(Eval("uniform(0, 1)", {}, 5).number, Eval("uniform(0, 1)", {}, 6).number);
  double sum = 0, squares = 0;
  const int n = 20000;
  for (int row = 0; row < n; ++row) {
    const double u = Eval("uniform(10, 20)", {}, row).number;
    ASSERT_GE(u, 10);
    ASSERT_LT(u, 20);
    const double z = Eval("normal(5, 2)", {}, row).number;
    sum += z;
    squares += z * z;
  }
  // Mean of 20,000 normals with sd 2: standard error 0.014; 5 sigma.
  EXPECT_NEAR(sum / n, 5, 0.071);
  EXPECT_NEAR(std::sqrt(squares / n - (sum / n) * (sum / n)), 2, 0.05);
  // Dates drawn between two dates stay between them, whole days.
  for (int row = 0; row < 1000; ++row) {
    const Result d = Eval("uniform(a, b)", {Date(2024, 1, 1), Date(2024, 1, 10)}, row);
    ASSERT_EQ(d.type, Type::kDate);
    ASSERT_GE(d.instant, DaysFromCivil(2024, 1, 1));
    ASSERT_LE(d.instant, DaysFromCivil(2024, 1, 10));
  }
}

TEST(Expression, ParseErrorsSayWhere) {
  auto p = ParseProblem("score * (2 + )");
  EXPECT_EQ(p.message, "expected a value, found ')'");
  EXPECT_EQ(p.offset, 13u);
  EXPECT_EQ(ParseProblem("'open").message, "unterminated 'text'");
  EXPECT_EQ(ParseProblem("a $ b").offset, 2u);
  EXPECT_EQ(ParseProblem("a not b").message, "expected 'in' after 'not'");
  EXPECT_EQ(ParseProblem("1 +").message, "the expression ends where a value is expected");
}

TEST(Expression, TypeErrorsSayWhat) {
  EXPECT_EQ(CheckProblem("kind + 1", {Type::kText}).message, "cannot add a number to text");
  EXPECT_EQ(CheckProblem("if(x, 1, 'a')", {Type::kBool}).message, "the two branches of 'if' differ: a number and text");
  EXPECT_EQ(CheckProblem("if(1, 1, 2)", {}).message, "the condition of 'if' must be true/false, not a number");
  EXPECT_EQ(CheckProblem("clamp(1, 2)", {}).message, "'clamp' takes 3 arguments, given 2");
  const auto unknown = CheckProblem("sqrt(4)", {});
  EXPECT_NE(unknown.message.find("unknown function 'sqrt'"), std::string::npos);
  EXPECT_EQ(CheckProblem("a * b", {Type::kDate, Type::kNumber}).message, "'*' takes numbers, not a date");
}

TEST(Expression, LongestTextComesFromLiteralsAndColumns) {
  auto e = Expression::Parse("if(x > 1, 'high', name)", nullptr);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->Columns(), (std::vector<std::string>{"x", "name"}));
  EXPECT_EQ(e->MaxTextLength({0, 12}), 12u);
  EXPECT_EQ(e->MaxTextLength({0, 0}), 0u);  // the name's length is unknown
}

}  // namespace
}  // namespace seedforge
