// Helpers shared by the providers that turn people's names into text:
// `person` (this pack), `username` (this pack) and `email` (contact pack).
//
// - AppendFoldedName: a name as lower-case ASCII letters, for identifiers.
// - NameTables: the pack's name frequency tables, parsed once per provider.
// - FoldedNamesOfRow, HandleShape, BuildHandleStem: "j.smith"-style stems of
//   usernames and e-mail local parts, from a row's name columns or from
//   names drawn for it.
// - UniqueNumber: a bijection from row indices to short positive integers,
//   for "jsmith4821"-style suffixes that make a column unique by
//   construction.
//
// Thread safety: all types are immutable after construction.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/random.h"
#include "seedforge/tables.h"

namespace seedforge::person {

// Appends `text` folded to lower-case ASCII letters: A-Z are lowered, the
// letters of Latin-1 and Latin Extended-A lose their accents (é -> e,
// ß -> ss, Æ -> ae, Ł -> l) and everything else (digits, spaces, hyphens,
// apostrophes, other scripts, malformed UTF-8) is dropped. Identifiers built
// from names therefore never contain digits, which UniqueNumber relies on.
void AppendFoldedName(std::string_view text, std::string& out);

// Splits a full name into its first and last words ("Mary Ann Smith" ->
// "Mary", "Smith"); a single word is a first name with no last name.
void SplitFullName(std::string_view full, std::string_view* first, std::string_view* last);

// The person pack's name tables (see plugins/person/data/SOURCES.md).
struct NameTables {
  WeightedTable female;  // first names, weighted by US births 1946-2007
  WeightedTable male;
  WeightedTable last;  // surnames, weighted by Census frequency

  static NameTables Load();
};

// The folded first and last names of row i (see AppendFoldedName) into
// `first` and `last` (cleared first). With `tables`, they are drawn for the
// row (a female or male first name, then a surname); otherwise they come
// from the row's columns: `first_in`, `last_in`, or a full name `name_in`
// split when neither gave a name. Missing columns and NULLs give "".
void FoldedNamesOfRow(const NameTables* tables, const BatchColumn* first_in, const BatchColumn* last_in,
                      const BatchColumn* name_in, size_t i, RandomStream& random, std::string& first,
                      std::string& last);

// How a handle is made of a first name and a last name.
enum class HandleShape {
  kFirstDotLast,    // john.smith
  kFlast,           // jsmith
  kFirstLast,       // johnsmith
  kFirstUnderLast,  // john_smith
  kFDotLast,        // j.smith
  kLastF,           // smithj
  kFirstL,          // johns
  kFirst,           // john
};

// Writes the handle stem of `shape` from folded names into `out` (cleared
// first): lower-case letters and '.' or '_' only, at most `max_length`
// characters, never empty ("user" without names), never starting or ending
// with '.' or '_' (a dot-atom, RFC 5322 section 3.2.3) and never ending in a
// digit, so that digits appended after it are a self-delimiting suffix (see
// UniqueNumber). With one name missing, the other is the stem.
void BuildHandleStem(HandleShape shape, const std::string& first, const std::string& last, size_t max_length,
                     std::string& out);

// A bijection from row indices onto positive integers that grows with the
// row count instead of spanning a fixed range: rows 0-89 get the two-digit
// numbers 10-99 in a keyed random order, the next 900 rows the three-digit
// numbers, and so on (tier t holds the 9 * 10^(t+1) numbers of t+2 digits).
// So a 100,000-row table gets at most six digits, and the number is
// written without leading zeros. Appended to a stem that ends in a letter,
// it makes `stem + number` distinct for distinct rows whatever the stems:
// two equal strings have equal trailing digit runs, hence equal numbers,
// hence equal rows.
class UniqueNumber {
 public:
  explicit UniqueNumber(uint64_t key);

  // REQUIRES: row < 10^19 - 10 (every row index an entity can have).
  uint64_t operator()(uint64_t row) const;

 private:
  static constexpr int kTiers = 18;  // 2..19 digits: all that fit in 64 bits
  std::vector<IndexPermutation> tiers_;
};

// Appends `value` in decimal.
inline void AppendDecimalDigits(uint64_t value, std::string& out) {
  char buf[20];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value != 0);
  while (n > 0) out.push_back(buf[--n]);
}

}  // namespace seedforge::person
