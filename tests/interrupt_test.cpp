// Interrupted runs leave nothing behind: SIGINT and SIGTERM during a run that
// writes through AtomicFile remove its temporary files and end the process
// by the signal; the temporary files a killed run could not remove (SIGKILL)
// are removed by the next run writing the same file, and nothing else is.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::SourceDir;

std::vector<std::string> ListDir(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string Join(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// Starts the seedforge binary with `args`, its output thrown away.
pid_t Start(const std::vector<std::string>& args) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv;
    std::string binary = SeedforgeBinary();
    argv.push_back(binary.data());
    std::vector<std::string> copy = args;
    for (std::string& a : copy) argv.push_back(a.data());
    argv.push_back(nullptr);
    // As an interactive shell starts it: a shell's background jobs (and so
    // this test under some runners) inherit SIGINT ignored, which seedforge
    // leaves ignored.
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    ::execv(binary.c_str(), argv.data());
    _exit(127);
  }
  return pid;
}

// Waits until `dir` holds a file whose name matches `pattern` (the run's
// temporary file), or the process has ended. Returns whether it appeared.
bool WaitForFile(const fs::path& dir, const std::regex& pattern, pid_t pid) {
  for (int i = 0; i < 1200; ++i) {
    for (const std::string& name : ListDir(dir)) {
      if (std::regex_match(name, pattern)) return true;
    }
    int status;
    if (::waitpid(pid, &status, WNOHANG) == pid) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return false;
}

// A pid that was a process a moment ago and is none now.
pid_t DeadPid() {
  pid_t pid = fork();
  if (pid == 0) _exit(0);
  int status;
  ::waitpid(pid, &status, 0);
  return pid;
}

class Interrupt : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-interrupt"); }
  void TearDown() override { fs::remove_all(dir_); }

  // Starts `args`, signals it once `dir` holds a temporary file matching
  // `temp`, and checks that it died of the signal and left `dir` empty.
  void InterruptOnceWriting(const std::vector<std::string>& args, const fs::path& dir,
                            const std::string& temp, int signal_number) {
    SCOPED_TRACE(strsignal(signal_number));
    pid_t pid = Start(args);
    ASSERT_GT(pid, 0);
    const std::regex pattern(temp + std::to_string(pid));
    const bool writing = WaitForFile(dir, pattern, pid);
    ::kill(pid, signal_number);
    int status = 0;
    ::waitpid(pid, &status, 0);
    ASSERT_TRUE(writing) << "no temporary file appeared; the run ended with status " << status;
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == signal_number)
        << "expected death by the signal, got status " << status;
    EXPECT_EQ(Join(ListDir(dir)), "") << "left behind";
  }

  fs::path dir_;
};

// Millions of rows on one thread: far longer than it takes to signal.
TEST_F(Interrupt, GenerateRemovesItsTemporaryFiles) {
  for (int signal_number : {SIGINT, SIGTERM}) {
    const fs::path out = dir_ / "out";
    fs::create_directory(out);
    InterruptOnceWriting({"generate", "-q", "--domain", "pci", "--rows", "cards=50000000",
                          "--threads", "1", "--out", out.string()},
                         out, R"(\.cards\.csv\.tmp-)", signal_number);
    // A script: one temporary file, the same way.
    InterruptOnceWriting({"generate", "-q", "--domain", "pci", "--rows", "cards=50000000",
                          "--threads", "1", "--format", "sql", "--out", out.string()},
                         out, R"(\.pci\.sql\.tmp-)", signal_number);
  }
}

// The workbook and the document: the file libxlsxwriter or libzip writes
// by name is ours, and their own temporary files have no name.
TEST_F(Interrupt, XlsxAndDocxRemoveTheirTemporaryFiles) {
  for (int signal_number : {SIGINT, SIGTERM}) {
    const fs::path out = dir_ / "out";
    fs::create_directory(out);
    InterruptOnceWriting({"generate", "-q", "--domain", "employee", "--rows", "employees=20000000",
                          "--threads", "1", "--format", "xlsx", "--out", out.string()},
                         out, R"(\.employee\.xlsx\.tmp-)", signal_number);
    InterruptOnceWriting({"generate", "-q", "--domain", "employee", "--rows", "employees=20000000",
                          "--threads", "1", "--format", "docx", "--out", out.string()},
                         out, R"(\.employee\.docx\.tmp-)", signal_number);
  }
}

TEST_F(Interrupt, SampleRemovesItsTemporaryFile) {
  std::string output;
  const fs::path model = dir_ / "customers.model";
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " learn -q --from " +
                           (SourceDir() / "seeds/banking/customers.csv").string() + " --out " +
                           model.string(),
                       &output),
            0)
      << output;
  const fs::path out = dir_ / "sample";
  fs::create_directory(out);
  for (int signal_number : {SIGINT, SIGTERM}) {
    InterruptOnceWriting({"sample", "-q", "--model", model.string(), "--rows", "100000000",
                          "--threads", "1", "--out", (out / "rows.csv").string()},
                         out, R"(\.rows\.csv\.tmp-)", signal_number);
  }
}

// What SIGKILL leaves, the next run writing the same file removes; only that.
TEST_F(Interrupt, ANewRunRemovesStaleTemporaryFilesOfDeadRunsOnly) {
  const fs::path out = dir_ / "out";
  fs::create_directory(out);
  const std::string dead = std::to_string(DeadPid());
  const std::string alive = std::to_string(::getpid());  // this test: alive, and not the run
  const std::vector<std::string> stale = {".cards.csv.tmp-" + dead,
                                          ".cards.csv.tmp-" + dead + ".a1B2c3"};  // libzip's, for docx
  const std::vector<std::string> kept = {
      ".cards.csv.tmp-" + alive,       // a live process may still be writing it
      ".cards.csv.tmp-" + dead + "x",  // not the pattern
      ".cards.csv.tmp-0" + dead,       // not as seedforge writes a pid
      "cards.csv.tmp-" + dead,         // no leading dot
      ".cards.csv.tmp-",               // no pid
      ".cards.csv.tmp-" + dead + ".a1B2c",    // not mkstemp's six characters
      ".cards.csv.tmp-" + dead + ".a1B2c3.",  // nor this
      ".cards.csv.tmp-" + alive + ".a1B2c3",  // a live process's
      ".cards.csv.tmp-.a1B2c3",               // no pid
      ".notes.txt.tmp-" + dead,        // not a file this run writes
      ".cards.csv.bak-" + dead,
  };
  for (const std::string& name : stale) std::ofstream(out / name) << "half a file";
  for (const std::string& name : kept) std::ofstream(out / name) << "the user's";
  const std::string folder =
      ".cards.csv.tmp-" + std::to_string(DeadPid());  // a folder: never removed
  fs::create_directory(out / folder);
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " generate -q --domain pci --rows cards=10 --out " +
                           out.string(),
                       &output),
            0)
      << output;
  for (const std::string& name : stale) EXPECT_FALSE(fs::exists(out / name)) << name;
  for (const std::string& name : kept) {
    EXPECT_TRUE(fs::exists(out / name)) << name;
    EXPECT_EQ(testing::ReadFile(out / name), "the user's") << name;
  }
  EXPECT_TRUE(fs::is_directory(out / folder));
  EXPECT_TRUE(fs::exists(out / "cards.csv"));
}

}  // namespace
}  // namespace seedforge
