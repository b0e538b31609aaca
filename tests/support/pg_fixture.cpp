#include "support/pg_fixture.h"

#include <pqxx/pqxx>

#include "seedforge/error.h"
#include "test_util.h"

namespace seedforge::testing {

std::unique_ptr<PgSandbox> PostgresSuite::sandbox_;
std::filesystem::path PostgresSuite::temp_dir_;
std::string PostgresSuite::start_error_;

void PostgresSuite::SetUpTestSuite() {
  start_error_.clear();
  try {
    temp_dir_ = MakeTempDir("seedforge-pg");
    // A directory Start creates, so Stop removes it whole.
    sandbox_ = std::make_unique<PgSandbox>(PgSandbox::Start(temp_dir_ / "sandbox"));
  } catch (const std::exception& e) {
    start_error_ = e.what();
    if (start_error_.find("install-deps") == std::string::npos) {
      start_error_ += "\n(PostgreSQL 15 and its client come from scripts/install-deps.sh)";
    }
  }
}

void PostgresSuite::TearDownTestSuite() {
  if (sandbox_) {
    try {
      sandbox_->Stop();
    } catch (const std::exception& e) {
      ADD_FAILURE() << "stopping the suite's PostgreSQL sandbox: " << e.what();
    }
    sandbox_.reset();
  }
  std::error_code ec;
  if (!temp_dir_.empty()) std::filesystem::remove_all(temp_dir_, ec);
  temp_dir_.clear();
}

void PostgresSuite::SetUp() {
  ASSERT_TRUE(sandbox_) << "the suite's PostgreSQL sandbox did not start: " << start_error_;
}

std::string PostgresSuite::CreateDatabase(const std::string& name) {
  pqxx::connection admin(sandbox_->Uri());
  pqxx::nontransaction tx(admin);
  tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name));
  tx.exec("CREATE DATABASE " + tx.quote_name(name) + " TEMPLATE template0");
  return sandbox_->Uri(name);
}

std::string PostgresSuite::PgBinary(const std::string& name) { return (sandbox_->bin_dir() / name).string(); }

int PostgresSuite::Psql(const std::string& uri, const std::filesystem::path& file, std::string* output) {
  std::string command = ShellQuote(PgBinary("psql")) + " -X -q -v ON_ERROR_STOP=1 -d " + ShellQuote(uri) + " -f " +
                        ShellQuote(file.string());
  return RunCommand(command, output);
}

std::string ShellQuote(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace seedforge::testing
