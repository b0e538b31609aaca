#include "seedforge/atomic_file.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "seedforge/error.h"

namespace seedforge {

AtomicFile::AtomicFile(std::filesystem::path target) : target_(std::move(target)) {
  // Built step by step: GCC 12 warns falsely (-Wrestrict) on "." + string.
  std::string name = ".";
  name += target_.filename().string();
  name += ".tmp-";
  name += std::to_string(::getpid());
  temp_ = target_.parent_path() / name;
  file_ = std::fopen(temp_.c_str(), "wb");
  if (!file_) {
    throw Error("cannot write " + target_.string() + ": " + std::strerror(errno));
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
}

void AtomicFile::Abort() noexcept {
  if (file_) {
    std::fclose(file_);
    file_ = nullptr;
  }
  std::error_code ec;
  std::filesystem::remove(temp_, ec);
  committed_ = true;  // nothing left to clean
}

}  // namespace seedforge
