#include "domain/expression.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <optional>

#include "seedforge/calendar.h"

namespace seedforge {

namespace {

using Type = Expression::Type;
using Value = Expression::Value;

enum class Op {
  kNumber, kText, kBool, kNull, kColumn,
  kAdd, kSub, kMul, kDiv, kNeg,
  kEq, kNe, kLt, kLe, kGt, kGe, kIn, kNotIn,
  kAnd, kOr, kNot,
  kCall,
};

// Functions: name, fewest and most arguments (-1: any number).
struct Function {
  std::string_view name;
  int min_args, max_args;
};
constexpr Function kFunctions[] = {
    {"if", 3, 3},      {"coalesce", 1, -1}, {"min", 2, -1},      {"max", 2, -1},
    {"clamp", 3, 3},   {"round", 1, 2},     {"floor", 1, 1},     {"ceil", 1, 1},
    {"abs", 1, 1},     {"uniform", 2, 2},   {"normal", 2, 2},    {"lognormal", 2, 2},
    {"chance", 1, 1},
};

const Function* FindFunction(std::string_view name) {
  for (const Function& f : kFunctions) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

bool IsInstant(Type t) { return t == Type::kDate || t == Type::kTimestamp; }

}  // namespace

struct Expression::Node {
  Op op = Op::kNull;
  double number = 0;
  std::string text;  // kText: the literal, unquoted; kCall: the function's name
  int column = -1;        // kColumn: index into Columns()
  std::vector<std::unique_ptr<Node>> args;
  size_t offset = 0;
};

Expression::Type ExpressionTypeOf(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInt:
    case ValueKind::kDecimal:
    case ValueKind::kFloat: return Type::kNumber;
    case ValueKind::kBool: return Type::kBool;
    case ValueKind::kDate: return Type::kDate;
    case ValueKind::kTimestamp: return Type::kTimestamp;
    case ValueKind::kText:
    case ValueKind::kUuid: return Type::kText;
  }
  return Type::kText;
}

const char* ExpressionTypeName(Expression::Type type) {
  switch (type) {
    case Type::kNull: return "null";
    case Type::kNumber: return "a number";
    case Type::kText: return "text";
    case Type::kBool: return "true/false";
    case Type::kDate: return "a date";
    case Type::kTimestamp: return "a timestamp";
  }
  return "?";
}

namespace {

std::string Unquote(std::string_view literal) {
  std::string out;
  for (size_t i = 0; i < literal.size(); ++i) {
    out += literal[i];
    if (literal[i] == '\'') ++i;  // '' is one quote
  }
  return out;
}

// Recursive descent over the text, one token of lookahead.
class Parser {
 public:
  Parser(std::string_view text, std::vector<std::string>& columns) : text_(text), columns_(columns) {}

  std::unique_ptr<Expression::Node> Parse(Expression::Problem* problem) {
    Next();
    auto root = Or();
    if (ok_ && token_ != Token::kEnd) Fail("unexpected '" + std::string(word_) + "'");
    if (!ok_) {
      if (problem) *problem = problem_;
      return nullptr;
    }
    return root;
  }

 private:
  enum class Token { kEnd, kNumber, kString, kName, kSymbol };
  using NodePtr = std::unique_ptr<Expression::Node>;

  void Fail(const std::string& message) {
    if (!ok_) return;
    ok_ = false;
    problem_ = {message, start_};
  }

  void Next() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
    start_ = pos_;
    if (pos_ >= text_.size()) {
      token_ = Token::kEnd;
      word_ = "end";
      return;
    }
    const char c = text_[pos_];
    if (std::isdigit(static_cast<unsigned char>(c)) || (c == '.' && pos_ + 1 < text_.size() &&
                                                        std::isdigit(static_cast<unsigned char>(text_[pos_ + 1])))) {
      const std::string rest(text_.substr(pos_, 64));
      char* end = nullptr;
      number_ = std::strtod(rest.c_str(), &end);
      pos_ += static_cast<size_t>(end - rest.c_str());
      token_ = Token::kNumber;
    } else if (c == '\'') {
      // 'it''s': a doubled quote is one quote, as in SQL.
      ++pos_;
      while (true) {
        if (pos_ >= text_.size()) {
          Fail("unterminated 'text'");
          return;
        }
        if (text_[pos_] == '\'') {
          if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '\'') {
            pos_ += 2;
            continue;
          }
          ++pos_;
          break;
        }
        ++pos_;
      }
      token_ = Token::kString;
    } else if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      while (pos_ < text_.size() &&
             (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_')) {
        ++pos_;
      }
      token_ = Token::kName;
    } else {
      static constexpr std::string_view kTwo[] = {"<=", ">=", "!=", "<>"};
      token_ = Token::kSymbol;
      pos_ += 1;
      for (std::string_view two : kTwo) {
        if (text_.substr(start_, 2) == two) pos_ = start_ + 2;
      }
      if (std::string_view("+-*/(),=<>").find(c) == std::string_view::npos && pos_ == start_ + 1) {
        Fail("unexpected character '" + std::string(1, c) + "'");
      }
    }
    word_ = text_.substr(start_, pos_ - start_);
  }

  bool Is(std::string_view word) const {
    if (token_ == Token::kSymbol) return word_ == word;
    if (token_ != Token::kName || word_.size() != word.size()) return false;
    return std::equal(word_.begin(), word_.end(), word.begin(),
                      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
  }

  bool Accept(std::string_view word) {
    if (!Is(word)) return false;
    Next();
    return true;
  }

  void Expect(std::string_view word) {
    if (!Accept(word)) Fail("expected '" + std::string(word) + "', found '" + std::string(word_) + "'");
  }

  NodePtr Make(Op op, size_t offset) {
    auto node = std::make_unique<Expression::Node>();
    node->op = op;
    node->offset = offset;
    return node;
  }

  NodePtr Binary(Op op, size_t offset, NodePtr left, NodePtr right) {
    auto node = Make(op, offset);
    node->args.push_back(std::move(left));
    node->args.push_back(std::move(right));
    return node;
  }

  NodePtr Or() {
    auto left = And();
    while (ok_ && Is("or")) {
      const size_t at = start_;
      Next();
      left = Binary(Op::kOr, at, std::move(left), And());
    }
    return left;
  }

  NodePtr And() {
    auto left = Not();
    while (ok_ && Is("and")) {
      const size_t at = start_;
      Next();
      left = Binary(Op::kAnd, at, std::move(left), Not());
    }
    return left;
  }

  NodePtr Not() {
    if (Is("not")) {
      auto node = Make(Op::kNot, start_);
      Next();
      node->args.push_back(Not());
      return node;
    }
    return Comparison();
  }

  NodePtr Comparison() {
    auto left = Sum();
    if (!ok_) return left;
    static constexpr std::pair<std::string_view, Op> kOps[] = {{"=", Op::kEq},  {"!=", Op::kNe}, {"<>", Op::kNe},
                                                               {"<=", Op::kLe}, {">=", Op::kGe}, {"<", Op::kLt},
                                                               {">", Op::kGt}};
    for (const auto& [word, op] : kOps) {
      if (token_ == Token::kSymbol && word_ == word) {
        const size_t at = start_;
        Next();
        return Binary(op, at, std::move(left), Sum());
      }
    }
    const size_t at = start_;
    const bool negated = Is("not");
    if (negated) Next();
    if (Accept("in")) {
      auto node = Make(negated ? Op::kNotIn : Op::kIn, at);
      node->args.push_back(std::move(left));
      Expect("(");
      do {
        node->args.push_back(Or());
      } while (ok_ && Accept(","));
      Expect(")");
      return node;
    }
    if (negated) Fail("expected 'in' after 'not'");
    return left;
  }

  NodePtr Sum() {
    auto left = Product();
    while (ok_ && (Is("+") || Is("-"))) {
      const Op op = Is("+") ? Op::kAdd : Op::kSub;
      const size_t at = start_;
      Next();
      left = Binary(op, at, std::move(left), Product());
    }
    return left;
  }

  NodePtr Product() {
    auto left = Unary();
    while (ok_ && (Is("*") || Is("/"))) {
      const Op op = Is("*") ? Op::kMul : Op::kDiv;
      const size_t at = start_;
      Next();
      left = Binary(op, at, std::move(left), Unary());
    }
    return left;
  }

  NodePtr Unary() {
    if (Is("-")) {
      auto node = Make(Op::kNeg, start_);
      Next();
      node->args.push_back(Unary());
      return node;
    }
    if (Is("+")) {
      Next();
      return Unary();
    }
    return Primary();
  }

  NodePtr Primary() {
    const size_t at = start_;
    if (!ok_) return Make(Op::kNull, at);
    switch (token_) {
      case Token::kNumber: {
        auto node = Make(Op::kNumber, at);
        node->number = number_;
        Next();
        return node;
      }
      case Token::kString: {
        auto node = Make(Op::kText, at);
        node->text = Unquote(word_.substr(1, word_.size() - 2));
        Next();
        return node;
      }
      case Token::kName: {
        if (Is("true") || Is("false")) {
          auto node = Make(Op::kBool, at);
          node->number = Is("true") ? 1 : 0;
          Next();
          return node;
        }
        if (Is("null")) {
          Next();
          return Make(Op::kNull, at);
        }
        static constexpr std::string_view kReserved[] = {"and", "or", "not", "in"};
        for (std::string_view word : kReserved) {
          if (Is(word)) {
            Fail("expected a value, found '" + std::string(word_) + "'");
            return Make(Op::kNull, at);
          }
        }
        const std::string_view name = word_;
        Next();
        if (Is("(")) {
          Next();
          auto node = Make(Op::kCall, at);
          node->text = std::string(name);
          if (!Is(")")) {
            do {
              node->args.push_back(Or());
            } while (ok_ && Accept(","));
          }
          Expect(")");
          return node;
        }
        auto node = Make(Op::kColumn, at);
        auto found = std::find(columns_.begin(), columns_.end(), name);
        node->column = static_cast<int>(found - columns_.begin());
        if (found == columns_.end()) columns_.emplace_back(name);
        return node;
      }
      case Token::kSymbol:
        if (Accept("(")) {
          auto inner = Or();
          Expect(")");
          return inner;
        }
        [[fallthrough]];
      case Token::kEnd:
        Fail(token_ == Token::kEnd ? "the expression ends where a value is expected"
                                   : "expected a value, found '" + std::string(word_) + "'");
        return Make(Op::kNull, at);
    }
    return Make(Op::kNull, at);
  }

  std::string_view text_;
  std::vector<std::string>& columns_;
  size_t pos_ = 0, start_ = 0;
  Token token_ = Token::kEnd;
  std::string_view word_;
  double number_ = 0;
  bool ok_ = true;
  Expression::Problem problem_;
};

// Static types, bottom up; stops at the first problem.
class Checker {
 public:
  explicit Checker(const std::vector<Type>& columns) : columns_(columns) {}

  bool TypeOf(const Expression::Node& node, Type* out) {
    std::vector<Type> args;
    for (const auto& arg : node.args) {
      Type t;
      if (!TypeOf(*arg, &t)) return false;
      args.push_back(t);
    }
    auto fail = [&](const std::string& message) {
      problem = {message, node.offset};
      return false;
    };
    // The type shared by `types` ignoring NULLs (dates and timestamps
    // share timestamp), or nullopt when they differ.
    auto common = [](const std::vector<Type>& types, size_t from) -> std::optional<Type> {
      Type t = Type::kNull;
      for (size_t i = from; i < types.size(); ++i) {
        if (types[i] == Type::kNull || types[i] == t) continue;
        if (t == Type::kNull) {
          t = types[i];
        } else if (IsInstant(t) && IsInstant(types[i])) {
          t = Type::kTimestamp;
        } else {
          return std::nullopt;
        }
      }
      return t;
    };
    auto both = [&](Type a, Type b, Type want) { return (a == want || a == Type::kNull) && (b == want || b == Type::kNull); };
    switch (node.op) {
      case Op::kNumber: *out = Type::kNumber; return true;
      case Op::kText: *out = Type::kText; return true;
      case Op::kBool: *out = Type::kBool; return true;
      case Op::kNull: *out = Type::kNull; return true;
      case Op::kColumn: *out = columns_[node.column]; return true;
      case Op::kNeg:
        if (args[0] != Type::kNumber && args[0] != Type::kNull) return fail("'-' negates numbers, not " + std::string(ExpressionTypeName(args[0])));
        *out = args[0];
        return true;
      case Op::kAdd:
      case Op::kSub: {
        const Type a = args[0], b = args[1];
        if (both(a, b, Type::kNumber)) {
          *out = a == Type::kNull || b == Type::kNull ? Type::kNull : Type::kNumber;
          return true;
        }
        if (IsInstant(a) && (b == Type::kNumber || b == Type::kNull)) {
          *out = a;  // a date plus days
          return true;
        }
        if (node.op == Op::kAdd && a == Type::kNumber && IsInstant(b)) {
          *out = b;
          return true;
        }
        if (node.op == Op::kSub && IsInstant(a) && IsInstant(b)) {
          *out = Type::kNumber;  // days between
          return true;
        }
        return fail(std::string("cannot ") + (node.op == Op::kAdd ? "add " : "subtract ") + ExpressionTypeName(b) +
                    (node.op == Op::kAdd ? " to " : " from ") + ExpressionTypeName(a));
      }
      case Op::kMul:
      case Op::kDiv:
        if (!both(args[0], args[1], Type::kNumber)) {
          return fail(std::string("'") + (node.op == Op::kMul ? "*" : "/") + "' takes numbers, not " +
                      ExpressionTypeName(args[0] == Type::kNumber ? args[1] : args[0]));
        }
        *out = Type::kNumber;
        return true;
      case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: {
        auto t = common(args, 0);
        if (!t) return fail(std::string("cannot compare ") + ExpressionTypeName(args[0]) + " with " + ExpressionTypeName(args[1]));
        if (node.op != Op::kEq && node.op != Op::kNe && *t == Type::kBool) return fail("true/false values have no order");
        *out = Type::kBool;
        return true;
      }
      case Op::kIn:
      case Op::kNotIn:
        if (!common(args, 0)) return fail("'in' compares values of one type");
        *out = Type::kBool;
        return true;
      case Op::kAnd: case Op::kOr: case Op::kNot:
        for (Type t : args) {
          if (t != Type::kBool && t != Type::kNull) return fail(std::string("'and', 'or' and 'not' take true/false, not ") + ExpressionTypeName(t));
        }
        *out = Type::kBool;
        return true;
      case Op::kCall: break;
    }
    const Function* f = FindFunction(node.text);
    if (!f) {
      std::string names;
      for (const Function& g : kFunctions) names += (names.empty() ? "" : ", ") + std::string(g.name);
      return fail("unknown function '" + std::string(node.text) + "' (known: " + names + ")");
    }
    const int n = static_cast<int>(args.size());
    if (n < f->min_args || (f->max_args >= 0 && n > f->max_args)) {
      const std::string want = f->min_args == f->max_args ? std::to_string(f->min_args)
                               : f->max_args < 0          ? "at least " + std::to_string(f->min_args)
                                                          : std::to_string(f->min_args) + " or " + std::to_string(f->max_args);
      return fail("'" + std::string(f->name) + "' takes " + want + " arguments, given " + std::to_string(n));
    }
    const std::string_view name = f->name;
    auto numbers = [&](size_t from, size_t to) {
      for (size_t i = from; i < to && i < args.size(); ++i) {
        if (args[i] != Type::kNumber && args[i] != Type::kNull) return false;
      }
      return true;
    };
    if (name == "if") {
      if (args[0] != Type::kBool && args[0] != Type::kNull) return fail("the condition of 'if' must be true/false, not " + std::string(ExpressionTypeName(args[0])));
      auto t = common(args, 1);
      if (!t) return fail(std::string("the two branches of 'if' differ: ") + ExpressionTypeName(args[1]) + " and " + ExpressionTypeName(args[2]));
      *out = *t;
      return true;
    }
    if (name == "coalesce" || name == "min" || name == "max" || name == "clamp" || name == "uniform") {
      auto t = common(args, 0);
      if (!t) return fail("the arguments of '" + std::string(name) + "' must be of one type");
      if (name != "coalesce" && *t != Type::kNull && *t != Type::kNumber && !IsInstant(*t)) {
        return fail("'" + std::string(name) + "' takes numbers, dates or timestamps, not " + ExpressionTypeName(*t));
      }
      *out = *t;
      return true;
    }
    if (!numbers(0, args.size())) return fail("'" + std::string(name) + "' takes numbers");
    *out = name == "chance" ? Type::kBool : Type::kNumber;
    return true;
  }

  Expression::Problem problem;

 private:
  const std::vector<Type>& columns_;
};

// Instants compare and mix as SQL does, a date being its midnight.
int64_t AsMicros(const Value& v) { return v.type == Type::kDate ? v.instant * kMicrosPerDay : v.instant; }

int Compare(const Value& a, const Value& b) {
  if (a.type == Type::kText) return a.text < b.text ? -1 : a.text > b.text ? 1 : 0;
  if (IsInstant(a.type)) {
    if (a.type == b.type) return a.instant < b.instant ? -1 : a.instant > b.instant ? 1 : 0;
    const int64_t x = AsMicros(a), y = AsMicros(b);
    return x < y ? -1 : x > y ? 1 : 0;
  }
  return a.number < b.number ? -1 : a.number > b.number ? 1 : 0;
}

Value Number(double x) {
  Value v;
  if (!std::isfinite(x)) return v;  // NULL, as a division by zero
  v.type = Type::kNumber;
  v.number = x;
  return v;
}

Value Bool(bool b) {
  Value v;
  v.type = Type::kBool;
  v.number = b ? 1 : 0;
  return v;
}

Value Instant(Type type, int64_t instant) {
  Value v;
  v.type = type;
  v.instant = instant;
  return v;
}

// An instant moved by `days` (fractions of a day on timestamps).
Value AddDays(const Value& at, double days) {
  if (at.type == Type::kDate) return Instant(Type::kDate, at.instant + std::llround(days));
  return Instant(Type::kTimestamp, at.instant + std::llround(days * static_cast<double>(kMicrosPerDay)));
}

class Evaluator {
 public:
  Evaluator(std::span<const Value> inputs, RandomStream& random) : inputs_(inputs), random_(random) {}

  Value Eval(const Expression::Node& node) {
    const auto& a = node.args;
    switch (node.op) {
      case Op::kNumber: return Number(node.number);
      case Op::kText: {
        Value v;
        v.type = Type::kText;
        v.text = node.text;
        return v;
      }
      case Op::kBool: return Bool(node.number != 0);
      case Op::kNull: return Value{};
      case Op::kColumn: return inputs_[node.column];
      case Op::kNeg: {
        Value x = Eval(*a[0]);
        return x.type == Type::kNull ? x : Number(-x.number);
      }
      case Op::kAdd:
      case Op::kSub: {
        const Value x = Eval(*a[0]), y = Eval(*a[1]);
        if (x.type == Type::kNull || y.type == Type::kNull) return Value{};
        const double sign = node.op == Op::kAdd ? 1 : -1;
        if (x.type == Type::kNumber && y.type == Type::kNumber) return Number(x.number + sign * y.number);
        if (IsInstant(x.type) && y.type == Type::kNumber) return AddDays(x, sign * y.number);
        if (x.type == Type::kNumber) return AddDays(y, x.number);
        if (x.type == Type::kDate && y.type == Type::kDate) return Number(static_cast<double>(x.instant - y.instant));
        return Number(static_cast<double>(AsMicros(x) - AsMicros(y)) / static_cast<double>(kMicrosPerDay));
      }
      case Op::kMul:
      case Op::kDiv: {
        const Value x = Eval(*a[0]), y = Eval(*a[1]);
        if (x.type == Type::kNull || y.type == Type::kNull) return Value{};
        return Number(node.op == Op::kMul ? x.number * y.number : x.number / y.number);
      }
      case Op::kEq: case Op::kNe: case Op::kLt: case Op::kLe: case Op::kGt: case Op::kGe: {
        const Value x = Eval(*a[0]), y = Eval(*a[1]);
        if (x.type == Type::kNull || y.type == Type::kNull) return Value{};
        const int c = Compare(x, y);
        switch (node.op) {
          case Op::kEq: return Bool(c == 0);
          case Op::kNe: return Bool(c != 0);
          case Op::kLt: return Bool(c < 0);
          case Op::kLe: return Bool(c <= 0);
          case Op::kGt: return Bool(c > 0);
          default: return Bool(c >= 0);
        }
      }
      case Op::kIn:
      case Op::kNotIn: {
        const Value x = Eval(*a[0]);
        if (x.type == Type::kNull) return Value{};
        bool found = false;
        for (size_t i = 1; i < a.size() && !found; ++i) {
          const Value y = Eval(*a[i]);
          found = y.type != Type::kNull && Compare(x, y) == 0;
        }
        return Bool(found == (node.op == Op::kIn));
      }
      case Op::kAnd: {
        // SQL's three-valued logic: false wins over NULL.
        const Value x = Eval(*a[0]);
        if (x.type == Type::kBool && x.number == 0) return x;
        const Value y = Eval(*a[1]);
        if (y.type == Type::kBool && y.number == 0) return y;
        return x.type == Type::kNull || y.type == Type::kNull ? Value{} : Bool(true);
      }
      case Op::kOr: {
        const Value x = Eval(*a[0]);
        if (x.type == Type::kBool && x.number != 0) return x;
        const Value y = Eval(*a[1]);
        if (y.type == Type::kBool && y.number != 0) return y;
        return x.type == Type::kNull || y.type == Type::kNull ? Value{} : Bool(false);
      }
      case Op::kNot: {
        const Value x = Eval(*a[0]);
        return x.type == Type::kNull ? x : Bool(x.number == 0);
      }
      case Op::kCall: return Call(node);
    }
    return Value{};
  }

 private:
  Value Call(const Expression::Node& node) {
    const auto& a = node.args;
    const std::string_view name = node.text;
    if (name == "if") {
      const Value c = Eval(*a[0]);
      return Eval(*a[c.type == Type::kBool && c.number != 0 ? 1 : 2]);
    }
    if (name == "coalesce") {
      for (const auto& arg : a) {
        Value v = Eval(*arg);
        if (v.type != Type::kNull) return v;
      }
      return Value{};
    }
    std::vector<Value> v;
    v.reserve(a.size());
    for (const auto& arg : a) v.push_back(Eval(*arg));
    // Draws first, whatever the arguments, so that a row's later draws
    // do not depend on whether this one's arguments were NULL.
    if (name == "uniform" || name == "normal" || name == "lognormal" || name == "chance") {
      const double u = name == "uniform" || name == "chance" ? random_.Uniform() : random_.Normal();
      for (const Value& x : v) {
        if (x.type == Type::kNull) return Value{};
      }
      if (name == "chance") return Bool(u < v[0].number);
      if (name == "normal") return Number(v[0].number + v[1].number * u);
      if (name == "lognormal") return Number(std::exp(v[0].number + v[1].number * u));
      if (IsInstant(v[0].type) || IsInstant(v[1].type)) {
        const Type type = v[0].type == Type::kDate && v[1].type == Type::kDate ? Type::kDate : Type::kTimestamp;
        const int64_t lo = type == Type::kDate ? v[0].instant : AsMicros(v[0]);
        const int64_t hi = type == Type::kDate ? v[1].instant : AsMicros(v[1]);
        if (hi < lo) return Value{};
        // Dates whole days, timestamps whole seconds, as the providers draw.
        const int64_t unit = type == Type::kDate ? 1 : 1'000'000;
        const int64_t first = lo / unit + (lo % unit > 0 ? 1 : 0), last = hi / unit - (hi % unit < 0 ? 1 : 0);
        if (last < first) return Instant(type, lo);
        const auto span = static_cast<double>(last - first + 1);
        return Instant(type, (first + std::min(static_cast<int64_t>(u * span), last - first)) * unit);
      }
      return Number(v[0].number + (v[1].number - v[0].number) * u);
    }
    for (const Value& x : v) {
      if (x.type == Type::kNull) return Value{};
    }
    if (name == "min" || name == "max") {
      Value best = v[0];
      for (const Value& x : v) {
        const int c = Compare(x, best);
        if (name == "min" ? c < 0 : c > 0) best = x;
      }
      return best;
    }
    if (name == "clamp") {
      if (Compare(v[0], v[1]) < 0) return v[1];
      if (Compare(v[0], v[2]) > 0) return v[2];
      return v[0];
    }
    const double x = v[0].number;
    if (name == "round") {
      const double unit = v.size() > 1 ? std::pow(10.0, std::round(v[1].number)) : 1;
      return Number(std::round(x * unit) / unit);
    }
    if (name == "floor") return Number(std::floor(x));
    if (name == "ceil") return Number(std::ceil(x));
    return Number(std::fabs(x));  // abs
  }

  std::span<const Value> inputs_;
  RandomStream& random_;
};

size_t LongestText(const Expression::Node& node, const std::vector<size_t>& column_lengths, bool* known) {
  switch (node.op) {
    case Op::kText: return node.text.size();
    case Op::kColumn:
      if (column_lengths[node.column] == 0) *known = false;
      return column_lengths[node.column];
    case Op::kCall: {
      size_t longest = 0;
      // Only these pass a text argument through.
      if (node.text == "if" || node.text == "coalesce" || node.text == "min" || node.text == "max" || node.text == "clamp") {
        for (size_t i = node.text == "if" ? 1 : 0; i < node.args.size(); ++i) {
          longest = std::max(longest, LongestText(*node.args[i], column_lengths, known));
        }
      }
      return longest;
    }
    default: return 0;
  }
}

}  // namespace

Expression::~Expression() = default;

std::unique_ptr<Expression> Expression::Parse(std::string_view text, Problem* problem) {
  std::unique_ptr<Expression> e(new Expression());
  e->text_ = std::string(text);
  Parser parser(e->text_, e->columns_);
  e->root_ = parser.Parse(problem);
  if (!e->root_) return nullptr;
  return e;
}

bool Expression::Check(const std::vector<Type>& column_types, Type* result, Problem* problem) const {
  Checker checker(column_types);
  if (checker.TypeOf(*root_, result)) return true;
  *problem = checker.problem;
  return false;
}

size_t Expression::MaxTextLength(const std::vector<size_t>& column_lengths) const {
  bool known = true;
  const size_t longest = LongestText(*root_, column_lengths, &known);
  return known ? longest : 0;
}

Expression::Value Expression::Evaluate(std::span<const Value> inputs, RandomStream& random) const {
  return Evaluator(inputs, random).Eval(*root_);
}

}  // namespace seedforge
