// One throwaway PostgreSQL server per test suite, never a mock.
//
// Derive a suite's fixture from PostgresSuite: SetUpTestSuite starts a
// PgSandbox in a fresh temp dir, TearDownTestSuite stops it and removes the
// dir. When the server cannot start (PostgreSQL missing, initdb failing),
// every test of the suite FAILS with the reason; nothing is skipped.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "sandbox/pg_sandbox.h"

namespace seedforge::testing {

class PostgresSuite : public ::testing::Test {
 public:
  static void SetUpTestSuite();
  static void TearDownTestSuite();

 protected:
  // Fails the test (fatally) when the suite's server did not start.
  void SetUp() override;

  static PgSandbox& Sandbox() { return *sandbox_; }

  // A new empty database on the suite's server; returns its URI.
  static std::string CreateDatabase(const std::string& name);

  // Runs a client binary of the server's PostgreSQL version (psql, ...).
  static std::string PgBinary(const std::string& name);

  // psql -X -q -v ON_ERROR_STOP=1 -d URI -f FILE; returns the exit status and
  // fills *output with stdout and stderr.
  static int Psql(const std::string& uri, const std::filesystem::path& file, std::string* output);

 private:
  static std::unique_ptr<PgSandbox> sandbox_;
  static std::filesystem::path temp_dir_;
  static std::string start_error_;
};

// Reads every foreign key of schema public from the catalog and checks that
// it is validated and that no row lacks its parent (composite keys too).
// Adds each (child table, parent table) pair to *links when given.
void ExpectForeignKeysHold(const std::string& uri, std::set<std::pair<std::string, std::string>>* links = nullptr);

// The command quoted for /bin/sh.
std::string ShellQuote(const std::string& s);

}  // namespace seedforge::testing
