// A file that appears whole or not at all.
//
// Bytes go to a temporary file beside the target (same directory, so the
// rename is atomic on POSIX); Commit() renames it into place. If Commit is
// never called, the destructor removes the temporary file. The destructor
// never throws (the libpqxx stream_to discipline).
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <string_view>

namespace seedforge {

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
  uint64_t bytes() const { return bytes_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  std::FILE* file_ = nullptr;
  bool committed_ = false;
  uint64_t bytes_ = 0;
};

}  // namespace seedforge
