#include "seedforge/worker_threads.h"

#include <gtest/gtest.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <set>

#include "seedforge/error.h"

namespace seedforge {
namespace {

TEST(WorkerThreads, RunsEachIndexOnceAndJoins) {
  std::mutex mutex;
  std::multiset<int> seen;
  WorkerThreads pool(
      8,
      [&](int t) {
        std::lock_guard lock(mutex);
        seen.insert(t);
      },
      [] {});
  pool.Join();
  pool.Join();  // idempotent
  EXPECT_EQ(seen, (std::multiset<int>{0, 1, 2, 3, 4, 5, 6, 7}));
}

// Workers that wait until stopped: the destructor must stop them, or it
// would wait forever (and a std::vector<std::thread> would terminate).
TEST(WorkerThreads, DestructorStopsAndJoins) {
  std::mutex mutex;
  std::condition_variable changed;
  bool stopped = false;
  std::atomic<int> returned{0};
  {
    WorkerThreads pool(
        4,
        [&](int) {
          std::unique_lock lock(mutex);
          changed.wait(lock, [&] { return stopped; });
          ++returned;
        },
        [&] {
          std::lock_guard lock(mutex);
          stopped = true;
          changed.notify_all();
        });
  }
  EXPECT_EQ(returned.load(), 4);
}

// Address space for one 256 MiB stack beyond what the process uses, in a
// forked child: some threads start, then pthread_create fails. The threads
// already started wait until stopped, so the constructor must stop them and
// join them before throwing. Exit codes tell the parent what went wrong.
TEST(WorkerThreads, AThreadThatCannotStartIsAnErrorNotTerminate) {
  pid_t pid = fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    constexpr size_t kStack = size_t{256} << 20;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, kStack);
    pthread_setattr_default_np(&attr);  // what std::thread uses
    size_t pages = 0;
    std::ifstream("/proc/self/statm") >> pages;
    const rlim_t limit = pages * ::sysconf(_SC_PAGESIZE) + kStack + kStack / 2;
    rlimit cap = {limit, limit};
    if (setrlimit(RLIMIT_AS, &cap) != 0) _exit(10);
    std::mutex mutex;
    std::condition_variable changed;
    bool stopped = false;
    int started = 0, returned = 0;
    try {
      WorkerThreads pool(
          64,
          [&](int) {
            std::unique_lock lock(mutex);
            ++started;
            changed.wait(lock, [&] { return stopped; });
            ++returned;
          },
          [&] {
            std::lock_guard lock(mutex);
            stopped = true;
            changed.notify_all();
          });
      _exit(11);  // every thread started: the test proves nothing
    } catch (const Error& e) {
      if (std::string(e.what()).find("cannot start 64 worker threads: ") != 0) _exit(12);
      // Joined: whatever started has returned, and at least one had.
      std::lock_guard lock(mutex);
      if (returned != started) _exit(13);
      _exit(started >= 1 ? 0 : 14);
    } catch (...) {
      _exit(15);
    }
  }
  int status = 0;
  ASSERT_EQ(waitpid(pid, &status, 0), pid);
  ASSERT_TRUE(WIFEXITED(status)) << "the child died of signal "
                                 << (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  EXPECT_EQ(WEXITSTATUS(status), 0)
      << "10: setrlimit failed, 11: all threads started, 12: wrong message, "
         "13: not joined, 14: none started, 15: not an Error";
}

}  // namespace
}  // namespace seedforge
