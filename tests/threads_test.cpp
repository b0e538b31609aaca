// Worker threads the system cannot give: a clean error (exit 1) naming the
// count, no std::terminate, nothing written; and --threads is range-checked
// the same way by every command that has it.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "support/pg_fixture.h"  // ShellQuote
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;
using testing::SourceDir;

// Runs seedforge with each thread's stack 1 GiB (threads take their default
// stack size from RLIMIT_STACK) and its address space capped at 1.5 GiB more
// than this test process has mapped: a worker thread or two fit, the next
// cannot be created (pthread_create fails with EAGAIN). The cap starts from
// this process's size because a sanitizer build reserves terabytes of shadow
// memory at start (in the child too); a fixed cap would stop it there.
// RLIMIT_NPROC would be simpler but does not bind root.
int RunStarved(const std::string& args, std::string* output) {
  size_t pages = 0;
  std::ifstream("/proc/self/statm") >> pages;
  const size_t limit_kib = pages * (::sysconf(_SC_PAGESIZE) / 1024) + (size_t{3} << 19);
  return RunCommand("ulimit -s 1048576 && ulimit -v " + std::to_string(limit_kib) + " && exec " + SeedforgeBinary() +
                        " " + args,
                    output);
}

class Threads : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-threads"); }
  void TearDown() override { fs::remove_all(dir_); }

  // The exit status is 1 (not a crash), the message names the count (the
  // pool's: ParallelFor's or the report's readers' may be smaller), and
  // `dir` holds nothing (no file, no temporary file).
  void ExpectCleanFailure(int status, const std::string& output, const fs::path& dir) {
    EXPECT_EQ(status, 1) << output;
    EXPECT_TRUE(std::regex_search(output, std::regex(R"(cannot start \d+ worker threads: )")))
        << output;
    EXPECT_EQ(output.find("terminate"), std::string::npos) << output;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      ADD_FAILURE() << "left behind: " << e.path();
  }

  fs::path dir_;
};

TEST_F(Threads, GenerateFailsCleanly) {
  const fs::path out = dir_ / "out";
  fs::create_directory(out);
  std::string output;
  int status = RunStarved(
      "generate -q --domain pci --rows cards=100000 --threads 1024 --out " + out.string(), &output);
  ExpectCleanFailure(status, output, out);
}

TEST_F(Threads, SampleFailsCleanly) {
  const fs::path model = dir_ / "customers.model";
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " learn -q --from " +
                           (SourceDir() / "seeds/banking/customers.csv").string() + " --out " +
                           model.string(),
                       &output),
            0)
      << output;
  const fs::path out = dir_ / "out";
  fs::create_directory(out);
  int status = RunStarved("sample -q --model " + model.string() +
                              " --rows 100000 --threads 1024 --out " + (out / "rows.csv").string(),
                          &output);
  ExpectCleanFailure(status, output, out);
}

TEST_F(Threads, ReportFailsCleanly) {
  const fs::path data = SourceDir() / "seeds/banking";
  const fs::path out = dir_ / "out";
  fs::create_directory(out);
  std::string output;
  for (const std::string& holdout :
       std::vector<std::string>{"", " --holdout " + (data / "customers.csv").string()}) {
    SCOPED_TRACE(holdout);
    int status =
        RunStarved("report -q --real " + (data / "customers.csv").string() + " --synthetic " +
                       (data / "customers.csv").string() + holdout + " --threads 1024 --out " +
                       (out / "report.html").string() + " --json " + (out / "report.json").string(),
                   &output);
    ExpectCleanFailure(status, output, out);
  }
}

// A negative or absurd count is a usage error (exit 2) naming the option,
// for every command with --threads.
TEST_F(Threads, EveryThreadsOptionIsRangeChecked) {
  const std::string csv = (SourceDir() / "seeds/banking/customers.csv").string();
  const std::vector<std::string> commands = {
      "generate --domain pci --rows cards=10 --out " + (dir_ / "g").string(),
      "load --domain pci --db postgresql://127.0.0.1:1/none",
      "learn --from " + csv + " --out " + (dir_ / "m").string(),
      "sample --model " + csv + " --out " + (dir_ / "s.csv").string(),
      "report --real " + csv + " --synthetic " + csv + " --out " + (dir_ / "r.html").string(),
  };
  for (const std::string& command : commands) {
    for (const char* threads : {"-1", "1025", "1000000", "99999999999"}) {
      SCOPED_TRACE(command + " --threads " + threads);
      std::string output;
      EXPECT_EQ(RunCommand(SeedforgeBinary() + " " + command + " --threads " + ShellQuote(threads),
                           &output),
                2)
          << output;
      EXPECT_NE(output.find("threads"), std::string::npos) << output;
    }
  }
  EXPECT_FALSE(fs::exists(dir_ / "g"));
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));
}

}  // namespace
}  // namespace seedforge
