// Shared helpers for tests: run a provider directly, make temp dirs, run the
// seedforge binary.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "seedforge/column.h"
#include "seedforge/params.h"

namespace seedforge::testing {

// Params from plain strings ("a,b,c" works for lists).
Params MakeParams(const std::map<std::string, std::string>& values);

struct ProviderRun {
  std::map<std::string, std::string> params;
  size_t rows = 1000;
  uint64_t first_row = 0;
  uint64_t key = 42;
  std::vector<const BatchColumn*> inputs;  // aligned with the spec's column params
  std::vector<bool> unique;           // per field; empty = none
  int64_t today = DaysFromCivil(2026, 1, 1);
};

// Makes the named built-in provider and fills every one of its fields for
// rows [first_row, first_row + rows). Returns one BatchColumn per field, in the
// spec's field order.
std::vector<BatchColumn> RunProvider(const std::string& provider, const ProviderRun& run);

// A fresh empty directory under the system temp dir, removed by the caller.
std::filesystem::path MakeTempDir(const std::string& prefix);

// Runs a shell command; returns its exit status and captures stdout+stderr.
int RunCommand(const std::string& command, std::string* output = nullptr);

// The seedforge binary built beside the tests, and the source tree.
std::string SeedforgeBinary();
std::filesystem::path SourceDir();

// The folder of real datasets beside the repository (../shared/data from its
// root, where CI has them; or $SEEDFORGE_SHARED_DATA): looked for from the
// source folder and the working folder upwards. Empty when none has it.
std::filesystem::path SharedDataDir();

std::string ReadFile(const std::filesystem::path& path);

}  // namespace seedforge::testing
