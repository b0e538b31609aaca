// Shared steps of the tests of the code `seedforge codegen` writes for
// TypeScript and Go (tests/codegen_typescript_test.cpp,
// tests/codegen_go_test.cpp): banking fixtures written once per process,
// their row counts read back with the tests' own CSV reader, and a fixture
// file with one field broken at a known line.
#pragma once

#include <filesystem>
#include <map>
#include <string>

namespace seedforge::testing {

// `seedforge generate --domain banking --seed 7 --format FORMAT` into a temp
// directory made once per (process, format); fails the calling test (and
// returns an empty path) when generate fails.
std::filesystem::path BankingFixtures(const std::string& format);

// Entity -> rows of each DIR/<entity>.csv, as the tests' CSV reader counts them.
std::map<std::string, size_t> CsvRowCounts(const std::filesystem::path& dir);

// "entity count" lines, one per entity, in `counts` order (sorted), from a
// program's output: the lines that are two words, the second a number.
std::map<std::string, size_t> ParseCountLines(const std::string& output);

// Copies `from` (every file, the manifest too) into `to` and replaces, in
// to/<file>, the text `old_text` on line `line` (1-based) with `new_text`.
// Returns false when that line does not hold old_text.
bool CopyWithBrokenLine(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& file,
                        int line, const std::string& old_text, const std::string& new_text);

// The same for a CSV file: field `field` (0-based) of line `line` becomes
// `new_text`. The line must have no quoted field.
bool CopyWithBrokenField(const std::filesystem::path& from, const std::filesystem::path& to, const std::string& file,
                         int line, int field, const std::string& new_text);

// Removes `path` (recursively) when the process exits: the temp dirs that
// a test file's shared steps make once and keep for all its tests.
void RemoveAtExit(const std::filesystem::path& path);

// tests/codegen/types.yaml with its `items.id` an identity column (GENERATED
// BY DEFAULT), for the glue tests that check identities continue past the
// loaded rows; "" when the file no longer has the line it changes.
std::string TypesDomainWithIdentity();

// The fenced block after `<!-- codegen_test: NAME -->` in docs/codegen.md
// ("" when there is none).
std::string DocumentedBlock(const std::string& name);

// The first path of `names` that is an executable on $PATH, or "".
std::string FindOnPath(const std::string& name);

}  // namespace seedforge::testing
