#include "seedforge/model_cache.h"

#include <openssl/evp.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <sstream>

#include "learn/neural_module.h"
#include "seedforge/error.h"

#ifndef SEEDFORGE_VERSION_STRING
#define SEEDFORGE_VERSION_STRING "unknown"
#endif

namespace seedforge {

namespace fs = std::filesystem;

namespace {

// Bumped when the list of fields ModelCacheKey hashes changes.
constexpr char kKeyLayout[] = "seedforge model cache key 1";

// Variables that make LibTorch, oneDNN or OpenBLAS choose other kernels,
// whose results round differently.
constexpr const char* kKernelVariables[] = {"ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "DNNL_MAX_CPU_ISA",
                                            "OPENBLAS_CORETYPE"};

// SHA-256 (OpenSSL's EVP; libcrypto comes with libpq anyway) of a list of
// fields, each preceded by its length, so that two different lists never
// hash the same bytes.
class FieldHasher {
 public:
  FieldHasher() : ctx_(EVP_MD_CTX_new()) {
    if (!ctx_ || EVP_DigestInit_ex(ctx_, EVP_sha256(), nullptr) != 1) throw Error("cannot start a SHA-256 digest");
  }
  ~FieldHasher() { EVP_MD_CTX_free(ctx_); }
  FieldHasher(const FieldHasher&) = delete;
  FieldHasher& operator=(const FieldHasher&) = delete;

  void Bytes(std::string_view bytes) {
    Number(bytes.size());
    Update(bytes.data(), bytes.size());
  }
  void Number(uint64_t v) { Update(&v, sizeof(v)); }
  void Real(double v) {
    uint64_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    Number(bits);
  }
  // Unprefixed: for a file read in pieces, whose digest is then a field.
  void Update(const void* p, size_t n) {
    if (n && EVP_DigestUpdate(ctx_, p, n) != 1) throw Error("SHA-256 digest failed");
  }

  std::string HexDigest() {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_DigestFinal_ex(ctx_, digest, &size) != 1) throw Error("SHA-256 digest failed");
    static constexpr char kHex[] = "0123456789abcdef";
    std::string hex;
    for (unsigned int i = 0; i < size; ++i) {
      hex += kHex[digest[i] >> 4];
      hex += kHex[digest[i] & 15];
    }
    return hex;
  }

 private:
  EVP_MD_CTX* ctx_;
};

// The SHA-256 of a file's bytes, or "missing" when it cannot be read.
std::string FileDigest(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "missing";
  FieldHasher hasher;
  std::vector<char> buffer(1 << 16);
  while (in.read(buffer.data(), static_cast<std::streamsize>(buffer.size())) || in.gcount() > 0) {
    hasher.Update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  return hasher.HexDigest();
}

// What trains the model besides its inputs: this build of seedforge (the
// executable holds the transforms and the mixture, the module the training
// loops), the CPU's instruction sets and the kernel variables. Computed once
// per process: hashing the 5 MB executable takes a few milliseconds.
const std::string& TrainingEnvironment() {
  static const std::string environment = [] {
    FieldHasher hasher;
    hasher.Bytes(SEEDFORGE_VERSION_STRING);
    hasher.Number(kModelFileVersion);
    hasher.Bytes(FileDigest("/proc/self/exe"));
    hasher.Bytes(FileDigest(internal::NeuralModulePath()));
    std::string cpu;
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx")) cpu += "avx ";
    if (__builtin_cpu_supports("avx2")) cpu += "avx2 ";
    if (__builtin_cpu_supports("fma")) cpu += "fma ";
    if (__builtin_cpu_supports("avx512f")) cpu += "avx512f ";
    if (__builtin_cpu_supports("avx512bw")) cpu += "avx512bw ";
    if (__builtin_cpu_supports("avx512vl")) cpu += "avx512vl ";
    if (__builtin_cpu_supports("avx512dq")) cpu += "avx512dq ";
#endif
    hasher.Bytes(cpu);
    for (const char* name : kKernelVariables) {
      const char* value = std::getenv(name);
      hasher.Bytes(value ? value : "");
    }
    return hasher.HexDigest();
  }();
  return environment;
}

// Creates `dir` and its missing parents with mode 0700 (the XDG Base
// Directory Specification's mode for directories it creates).
bool MakeDirectories(const fs::path& dir, std::string* problem) {
  std::error_code ec;
  if (fs::is_directory(dir, ec)) return true;
  fs::path partial;
  for (const fs::path& part : dir) {
    partial /= part;
    if (fs::is_directory(partial, ec)) continue;
    if (::mkdir(partial.c_str(), 0700) != 0 && errno != EEXIST) {
      *problem = "cannot create " + partial.string() + ": " + std::strerror(errno);
      return false;
    }
  }
  if (!fs::is_directory(dir, ec)) {
    *problem = dir.string() + " is not a directory";
    return false;
  }
  return true;
}

}  // namespace

fs::path DefaultModelCacheDir() {
  if (const char* dir = std::getenv("SEEDFORGE_CACHE_DIR"); dir && *dir) return dir;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && xdg[0] == '/') return fs::path(xdg) / "seedforge";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "seedforge";
  return {};
}

std::string ModelCacheKey(std::string_view data, std::string_view synthesizer, const CsvReadOptions& read,
                          const FitOptions& fit) {
  FieldHasher hasher;
  hasher.Bytes(kKeyLayout);
  hasher.Bytes(TrainingEnvironment());
  hasher.Bytes(data);
  hasher.Bytes(synthesizer);
  hasher.Number(read.types.size());
  for (const auto& [column, type] : read.types) {  // a std::map: in name order, however they were given
    hasher.Bytes(column);
    hasher.Bytes(DataTypeName(type));
  }
  hasher.Number(read.formats.size());
  for (const auto& [column, format] : read.formats) {
    hasher.Bytes(column);
    hasher.Bytes(format.Name(true));
  }
  hasher.Bytes(read.null_marker);
  hasher.Number(read.max_rows);
  hasher.Number(static_cast<uint64_t>(fit.epochs));
  hasher.Number(static_cast<uint64_t>(fit.batch_size));
  hasher.Number(fit.seed);
  hasher.Number(static_cast<uint64_t>(fit.threads));
  hasher.Real(fit.ctgan.generator_lr);
  hasher.Real(fit.ctgan.discriminator_lr);
  hasher.Number(static_cast<uint64_t>(fit.ctgan.discriminator_steps));
  hasher.Number(static_cast<uint64_t>(fit.ctgan.pac));
  hasher.Number(fit.constraints.size());
  for (const Constraint& c : fit.constraints) hasher.Bytes(c.text);
  return hasher.HexDigest();
}

ModelCache::ModelCache(fs::path dir, std::function<void(const std::string&)> warn)
    : dir_(std::move(dir)), warn_(std::move(warn)) {}

fs::path ModelCache::EntryPath(const std::string& key) const { return dir_ / (key + ".model"); }

std::unique_ptr<Synthesizer> ModelCache::Find(const std::string& key, std::string_view synthesizer) const {
  if (dir_.empty()) return nullptr;
  const fs::path path = EntryPath(key);
  std::ifstream in(path, std::ios::binary);
  if (!in) return nullptr;
  std::ostringstream buffer;
  buffer << in.rdbuf();
  // Whatever is wrong with the entry (InputError for a bad file, bad_alloc
  // for an absurd one), the model is fitted again and the entry replaced.
  try {
    std::unique_ptr<Synthesizer> model = ParseSynthesizer(buffer.str(), path.string());
    if (model->Name() != synthesizer) return nullptr;
    return model;
  } catch (const std::exception&) {
    return nullptr;
  }
}

bool ModelCache::Store(const std::string& key, const Synthesizer& model) {
  // One writer per process, whichever cache object: AtomicFile names its
  // temporary file by process id, so two threads writing the same entry
  // would share it. Processes each have their own.
  static std::mutex mu;
  std::lock_guard<std::mutex> lock(mu);
  if (disabled_) return false;
  std::string problem;
  if (dir_.empty()) {
    problem = "none of SEEDFORGE_CACHE_DIR, XDG_CACHE_HOME and HOME is set";
  } else if (MakeDirectories(dir_, &problem)) {
    try {
      SaveSynthesizer(model, EntryPath(key).string());
      return true;
    } catch (const std::exception& e) {
      problem = e.what();
    }
  }
  disabled_ = true;
  if (warn_) {
    warn_("cannot write the model cache (" + problem +
          "); models are trained again on every run (--no-cache skips the cache)");
  }
  return false;
}

}  // namespace seedforge
