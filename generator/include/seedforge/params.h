// Provider parameters as written in a domain file.
//
// A small tree (scalar, list or map) that remembers where each value was
// written, so a provider rejects a bad value with file:line:column. Keeps
// the YAML library out of provider code.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "seedforge/error.h"

namespace seedforge {

struct ParamValue {
  enum class Type { kScalar, kList, kMap };
  Type type = Type::kScalar;
  std::string scalar;
  std::vector<ParamValue> list;
  std::vector<std::pair<std::string, ParamValue>> map;  // in file order
  SourceLocation where;

  // Declared, and defaulted below the class, so that clang with libstdc++
  // can instantiate pair<string, ParamValue> inside ParamValue (an
  // implicit default constructor would need the pair complete first).
  ParamValue();
};
inline ParamValue::ParamValue() = default;

// Parses the date syntax of Params::Date; false when it does not parse.
bool ParseDateSpec(const std::string& text, int64_t today, int64_t* days);
bool ParseTimestampSpec(const std::string& text, int64_t today, int64_t* micros);

class Params {
 public:
  Params() = default;
  Params(std::map<std::string, ParamValue> values, SourceLocation where)
      : values_(std::move(values)), where_(std::move(where)) {}

  bool Has(const std::string& name) const { return values_.count(name) != 0; }
  const ParamValue* Find(const std::string& name) const;

  // Typed getters; each throws InputError at the value's location when it
  // does not parse, and returns `fallback` when the parameter is absent.
  std::string String(const std::string& name, const std::string& fallback) const;
  int64_t Int(const std::string& name, int64_t fallback) const;
  double Double(const std::string& name, double fallback) const;
  bool Bool(const std::string& name, bool fallback) const;
  std::vector<std::string> StringList(const std::string& name) const;  // list or "a,b,c"
  // A date: YYYY-MM-DD, or today[+-]N(d|m|y) relative to `today` (days since
  // 1970-01-01). Returns days since 1970-01-01.
  int64_t Date(const std::string& name, const std::string& fallback, int64_t today) const;
  // A timestamp: YYYY-MM-DD[ HH:MM[:SS]] or a relative date as above, at
  // midnight UTC. Returns microseconds since 1970-01-01T00:00:00Z.
  int64_t Timestamp(const std::string& name, const std::string& fallback, int64_t today) const;
  // A map of value -> weight, or a list of values (equal weights).
  std::vector<std::pair<std::string, double>> Weighted(const std::string& name) const;

  // Location of a parameter (or of the params block when absent).
  const SourceLocation& Where(const std::string& name) const;
  [[noreturn]] void Fail(const std::string& name, const std::string& message) const;

  const std::map<std::string, ParamValue>& values() const { return values_; }

 private:
  std::map<std::string, ParamValue> values_;
  SourceLocation where_;
};

}  // namespace seedforge
