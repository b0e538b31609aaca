// A file that appears whole or not at all.
//
// Bytes go to a temporary file beside the target (same directory, so the
// rename is atomic on POSIX), named `.NAME.tmp-PID`; Commit() renames it into
// place. If Commit is never called, the destructor removes the temporary
// file. The destructor never throws (the libpqxx stream_to discipline).
//
// A process that dies runs no destructor. For SIGINT, SIGTERM and SIGHUP,
// RemoveTempFilesOnSignal installs a handler that removes every live
// temporary file first. For what no handler sees (SIGKILL, a crash, a power
// cut), the next AtomicFile for the same target removes the temporary files
// of that target whose PID is no live process.
//
// Thread safety: an AtomicFile is used by one thread at a time; separate
// AtomicFiles may live on separate threads.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>
#include <string_view>

namespace seedforge {

namespace internal {
struct LiveTemp;  // an entry of the signal handler's registry (atomic_file.cpp)
}  // namespace internal

class AtomicFile {
 public:
  // Creates the temporary file; throws Error naming the path on failure.
  explicit AtomicFile(std::filesystem::path target);
  ~AtomicFile() noexcept;
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  // Throws Error (e.g. disk full) naming the target.
  void Write(std::string_view bytes);
  // Flushes, closes and renames into place. Throws Error on failure.
  void Finish();  // flush and close, keep the temporary file
  void Commit();  // Finish() if needed, then rename
  void Abort() noexcept;

  const std::filesystem::path& target() const { return target_; }
  // The temporary file, for libraries that write by file name (libxlsxwriter,
  // libzip): call Finish() first, let them replace it, then Commit(). It
  // stays registered, so a signal still removes it.
  const std::filesystem::path& temp_path() const { return temp_; }
  uint64_t bytes() const { return bytes_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
  uint64_t bytes_ = 0;
  internal::LiveTemp* live_ = nullptr;  // this file's entry in the signal handler's registry
};

// Makes SIGINT, SIGTERM and SIGHUP remove the temporary file of every
// AtomicFile not yet committed or aborted, then end the process by the same
// signal's default action (so the exit status still names the signal). A
// signal the process ignores stays ignored. Call once, early in main, before
// other threads start.
void RemoveTempFilesOnSignal();

// Files seedforge wrote into an output directory (its `.seedforge-files`
// manifest, paths relative to `dir`), so that a later run may replace them
// but never a file the user put there. An absent manifest is empty.
std::set<std::string> ReadManifest(const std::filesystem::path& dir);
void WriteManifest(const std::filesystem::path& dir, const std::set<std::string>& names);

}  // namespace seedforge
