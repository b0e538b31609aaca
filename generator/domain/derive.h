// Derived columns: text built from other columns of the same row.
//
//   derive: "{first_name|lower}.{last_name|lower}@example.com"
//
// `{column}` inserts a column's value; filters after `|`: lower, upper,
// slug (lower-case ASCII letters and digits only), digits (digits only),
// initial (first character). `{{` and `}}` are literal braces. A NULL input
// gives an empty insertion.
#pragma once

#include <string>
#include <vector>

#include "seedforge/column.h"

namespace seedforge {

class DeriveTemplate {
 public:
  // The column names a template reads; sets *error on a malformed template.
  static std::vector<std::string> References(const std::string& text, std::string* error);

  // REQUIRES: References(text) succeeded; `columns` are the referenced
  // columns in the order References returned them.
  DeriveTemplate(const std::string& text);

  void Render(const std::vector<const BatchColumn*>& columns, size_t row, std::string& out) const;

  // The longest text Render makes, in bytes, when the referenced columns'
  // texts are at most input_lengths[i] bytes (in References order); 0 when
  // one of them is unknown (0).
  size_t MaxLength(const std::vector<size_t>& input_lengths) const;

 private:
  enum class Filter { kNone, kLower, kUpper, kSlug, kDigits, kInitial };
  struct Piece {
    std::string literal;  // when column < 0
    int column = -1;
    std::vector<Filter> filters;
  };
  std::vector<Piece> pieces_;
};

}  // namespace seedforge
