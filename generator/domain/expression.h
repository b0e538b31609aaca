// Expressions of `compute:` columns: a value made from other columns of the
// same row, e.g. an interest rate that falls as the credit score rises,
//
//   clamp(normal(24 - credit_score * 0.02, 1.5), 2.9, 24.9)
//
// or an invoice total, `subtotal + tax`. Not a scripting language: numbers,
// 'text', true/false, null, column names, + - * / (numbers; a number added
// to a date or timestamp is days; two dates subtract to days), comparisons
// (= != < <= > >=, `x in ('a', 'b')`), and/or/not, and a few functions:
// if, coalesce, min, max, clamp, round, floor, ceil, abs, and the draws
// uniform, normal, lognormal, chance. NULL works as in SQL: an operation on
// NULL is NULL (a division by zero too), `if` takes a NULL condition as
// false. docs/domain-files.md, "Conditional values", is the reference.
//
// Thread safety: immutable after Parse; Evaluate is const.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/random.h"

namespace seedforge {

class Expression {
 public:
  enum class Type { kNull, kNumber, kText, kBool, kDate, kTimestamp };

  // One value during evaluation. Text views point into the row's columns or
  // the expression's literals, which outlive it.
  struct Value {
    Type type = Type::kNull;
    double number = 0;    // kNumber; kBool as 0/1
    int64_t instant = 0;  // kDate: days; kTimestamp: microseconds
    std::string_view text;
  };

  struct Problem {
    std::string message;
    size_t offset = 0;  // byte offset in the expression's text
  };

  // Parses `text`; nullptr (and `problem` set, if given) when it does not
  // parse.
  static std::unique_ptr<Expression> Parse(std::string_view text, Problem* problem);
  ~Expression();

  // The columns the expression reads, in order of first use; Evaluate takes
  // their values in this order.
  const std::vector<std::string>& Columns() const { return columns_; }

  // The type of the result given the types of Columns(), or a problem (a
  // text added to a number, an unknown function, a wrong argument count).
  // kNull: the expression is NULL on every row.
  bool Check(const std::vector<Type>& column_types, Type* result, Problem* problem) const;

  // The longest text the expression can give, with `column_lengths` the
  // longest values of Columns() (0 = unknown); 0 when unknown.
  size_t MaxTextLength(const std::vector<size_t>& column_lengths) const;

  // REQUIRES: Check succeeded for the types of `inputs`. Draws (uniform,
  // normal...) come from `random` in the order they are written.
  Value Evaluate(std::span<const Value> inputs, RandomStream& random) const;

  struct Node;

 private:
  Expression() = default;
  std::unique_ptr<Node> root_;
  std::vector<std::string> columns_;
  std::string text_;  // owns the literals' characters
};

const char* ExpressionTypeName(Expression::Type type);

// The type an expression sees values of `kind` as (text for uuids).
Expression::Type ExpressionTypeOf(ValueKind kind);

}  // namespace seedforge
