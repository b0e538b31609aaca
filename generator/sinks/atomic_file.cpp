#include "seedforge/atomic_file.h"

#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <string>

#include "seedforge/error.h"

namespace seedforge {

namespace internal {

// The registry of live temporary files that the signal handler walks. A
// handler may run on any thread, at any moment, while other threads add and
// remove entries, so it can use nothing but lock-free atomics and
// async-signal-safe calls (unlink, signal, raise; POSIX.1-2017 2.4.3).
// Entries are never freed, only reused: a list that only grows at its head
// can be walked safely at any time. Its length is the most AtomicFiles ever
// open at once (one per output file of a run).
//
// An entry's state moves kFree -> kFilling (the path is being written) ->
// kLive -> kFree when its file is committed or aborted, or kLive -> kTaken
// when the handler claims it, after which nobody writes the path again. The
// claim makes reading the path race-free: the owner can only reuse an entry
// it takes back from kLive.
struct LiveTemp {
  enum : int { kFree, kFilling, kLive, kTaken };
  std::atomic<int> state{kFree};
  char path[PATH_MAX];
  LiveTemp* next = nullptr;
};

}  // namespace internal

namespace {

using internal::LiveTemp;

static_assert(std::atomic<int>::is_always_lock_free && std::atomic<LiveTemp*>::is_always_lock_free,
              "the signal handler needs lock-free atomics");

std::atomic<LiveTemp*> live_temps{nullptr};

// Adds `path` to the registry before the file exists, so that no moment is
// left when the file exists and the handler does not know it. Returns null
// for a path too long for any system call (the file cannot be made anyway).
LiveTemp* Register(const std::string& path) {
  if (path.size() >= PATH_MAX) return nullptr;
  LiveTemp* entry = nullptr;
  for (LiveTemp* e = live_temps.load(); e && !entry; e = e->next) {
    int expected = LiveTemp::kFree;
    if (e->state.compare_exchange_strong(expected, LiveTemp::kFilling)) entry = e;
  }
  if (!entry) {
    entry = new LiveTemp;  // never freed: see LiveTemp
    entry->state.store(LiveTemp::kFilling);
    entry->next = live_temps.load();
    while (!live_temps.compare_exchange_weak(entry->next, entry)) {
    }
  }
  std::memcpy(entry->path, path.c_str(), path.size() + 1);
  entry->state.store(LiveTemp::kLive);
  return entry;
}

// After the file is renamed or removed. An entry the handler has taken stays
// taken (the process is ending anyway).
void Unregister(LiveTemp* entry) {
  if (!entry) return;
  int expected = LiveTemp::kLive;
  entry->state.compare_exchange_strong(expected, LiveTemp::kFree);
}

void RemoveLiveTempsAndDie(int signal_number) {
  for (LiveTemp* e = live_temps.load(); e; e = e->next) {
    int expected = LiveTemp::kLive;
    if (e->state.compare_exchange_strong(expected, LiveTemp::kTaken)) ::unlink(e->path);
  }
  // The default action, re-raised: the process ends as if never caught, and
  // its parent sees the signal in the exit status. The handler was
  // installed with SA_RESETHAND, so the disposition is already the default;
  // setting it again covers a second signal that arrived on another thread.
  ::signal(signal_number, SIG_DFL);
  ::raise(signal_number);
}

// Removes the temporary files a dead seedforge process left for `target`:
// names `.NAME.tmp-PID` (exactly: digits to the end; or followed by libzip's
// `.XXXXXX`) beside it, whose PID is
// no live process, and which are regular files. Nothing else is touched. A
// PID that is alive (another seedforge writing the same file, or a reused
// PID) keeps its file. Best effort: a file that cannot be removed stays.
void RemoveStaleTemps(const std::filesystem::path& target) {
  std::string prefix = ".";  // step by step: see the -Wrestrict note below
  prefix += target.filename().string();
  prefix += ".tmp-";
  const std::filesystem::path dir = target.parent_path();
  DIR* listing = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!listing) return;
  while (const dirent* entry = ::readdir(listing)) {
    const std::string name = entry->d_name;
    if (name.size() <= prefix.size() || name.compare(0, prefix.size(), prefix) != 0) continue;
    std::string digits = name.substr(prefix.size());
    // libzip (the docx writer) writes the package through a temporary file
    // of its own beside ours, our name and mkstemp's ".XXXXXX"; a signal in
    // that step leaves it, and it goes the same way.
    if (const size_t dot = digits.find('.'); dot != std::string::npos) {
      const std::string tail = digits.substr(dot + 1);
      if (tail.size() != 6 || tail.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789") !=
                                  std::string::npos) {
        continue;
      }
      digits.resize(dot);
      if (digits.empty()) continue;
    }
    // As std::to_string writes a PID: no sign, no leading zero.
    if (digits.size() > 9 || digits[0] == '0' ||
        digits.find_first_not_of("0123456789") != std::string::npos) {
      continue;
    }
    const pid_t pid = static_cast<pid_t>(std::stol(digits));
    if (pid <= 1 || pid == ::getpid()) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // alive, or not ours to signal: alive
    const std::filesystem::path path = dir / name;
    struct stat info;
    if (::lstat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode)) ::unlink(path.c_str());
  }
  ::closedir(listing);
}

}  // namespace

void RemoveTempFilesOnSignal() {
  for (int signal_number : {SIGINT, SIGTERM, SIGHUP}) {
    struct sigaction old;
    if (::sigaction(signal_number, nullptr, &old) != 0 || old.sa_handler == SIG_IGN) continue;
    struct sigaction action;
    std::memset(&action, 0, sizeof(action));
    action.sa_handler = RemoveLiveTempsAndDie;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;
    ::sigaction(signal_number, &action, nullptr);
  }
}

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  RemoveStaleTemps(target_);
  // Built step by step: GCC 12 warns falsely (-Wrestrict) on "." + string.
  std::string name = ".";
  name += target_.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  temp_ = target_.parent_path() / name;
  live_ = Register(temp_.string());
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) {
    const int error = errno;
    Unregister(live_);
    throw Error("cannot write " + target_.string() + ": " + std::strerror(error));
  }
  // A large buffer: rows arrive as whole batches; fewer write calls.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
}

AtomicFile::~AtomicFile() noexcept {
  if (!committed_) Abort();
}

void AtomicFile::Write(std::string_view bytes) {
  if (bytes.empty()) return;
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    throw Error("cannot write " + target_.string() + ": " + std::strerror(errno));
  }
  bytes_ += bytes.size();
}

void AtomicFile::Finish() {
  if (!file_) return;
  // No fsync: the rename makes the file appear whole to every other process;
  // surviving a power cut is not what test fixtures need, and fsync would
  // cost more than generating the rows.
  int failed = std::fflush(file_) != 0 || std::ferror(file_);
  failed |= std::fclose(file_) != 0;
  file_ = nullptr;
  if (failed) throw Error("cannot write " + target_.string() + ": " + std::strerror(errno));
}

void AtomicFile::Commit() {
  Finish();
  std::error_code ec;
  std::filesystem::rename(temp_, target_, ec);
  if (ec) throw Error("cannot create " + target_.string() + ": " + ec.message());
  committed_ = true;
  Unregister(live_);
  live_ = nullptr;
}

void AtomicFile::Abort() noexcept {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
  committed_ = true;  // nothing left to clean
  Unregister(live_);
  live_ = nullptr;
}

namespace {
constexpr const char* kManifest = ".seedforge-files";
}  // namespace

std::set<std::string> ReadManifest(const std::filesystem::path& dir) {
  std::set<std::string> names;
  std::ifstream in(dir / kManifest);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty()) names.insert(line);
  }
  return names;
}

void WriteManifest(const std::filesystem::path& dir, const std::set<std::string>& names) {
  AtomicFile file(dir / kManifest);
  std::string text;
  for (const std::string& n : names) text += n + "\n";
  file.Write(text);
  file.Commit();
}

}  // namespace seedforge
