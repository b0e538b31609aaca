// Errors that end a command.
//
// seedforge uses exceptions for what ends a command and return values for
// what is expected. Every exception that reaches `main` maps to an exit code:
// UsageError and InputError exit 2 (the message names what and where), any
// other Error exits 1. The per-row hot path never throws: the plan validates
// everything first.
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace seedforge {

class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The command line was wrong: an unknown option value, a missing argument.
class UsageError : public Error {
 public:
  using Error::Error;
};

// A place in an input file. Lines and columns are 1-based; 0 means unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;

  // "file:line:column", dropping the parts that are unknown.
  std::string ToString() const;
};

// One problem found in an input, with where it is.
struct Diagnostic {
  SourceLocation where;
  std::string message;

  std::string ToString() const;  // "file:line:column: message"
};

// Bad input: a domain file, a data file, a parameter. Carries every
// diagnostic found, so a user fixes all of them in one round.
class InputError : public Error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  InputError(SourceLocation where, const std::string& message);

  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

}  // namespace seedforge
