// The model cache: neural models (CTGAN, TVAE) fitted from a domain's
// sample data (`model: {from: DATA.csv, synthesizer: ctgan}`), kept on disk
// so that the next run of the same plan loads the model instead of training
// it again (minutes of training become milliseconds of reading).
//
// An entry is an ordinary model file (SaveSynthesizer's format: versioned,
// checksummed) named by its key, `<dir>/<64 hex digits>.model`. The key is
// the SHA-256 of everything that decides what Fit produces (ModelCacheKey),
// so an entry is never stale: a new key is simply a miss. Entries are
// written whole or not at all (AtomicFile: temporary file and rename), so
// concurrent runs writing the same entry each rename a complete file into
// place and readers see the old file or the new one, both complete. An entry
// that does not parse as a model of the expected synthesizer (corrupt,
// truncated, foreign) is a miss: the caller refits and overwrites it.
//
// Nothing here fails a command: a directory that cannot be created or
// written is reported once through the warning callback, and the cache then
// stops writing.
//
// Thread safety: a ModelCache may be shared between threads.
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "seedforge/synthesizer.h"

namespace seedforge {

// The directory of the model cache, from the environment:
// $SEEDFORGE_CACHE_DIR when set and not empty; else $XDG_CACHE_HOME/seedforge
// when XDG_CACHE_HOME is an absolute path (the XDG Base Directory
// Specification ignores a relative one); else $HOME/.cache/seedforge.
// Empty when none of these is set.
std::filesystem::path DefaultModelCacheDir();

// The key of the model Fit makes from `data` (the bytes of the CSV file)
// read with `read` and fitted by `synthesizer` with `fit`: the lowercase hex
// SHA-256 of, each field length-prefixed,
//   - the data bytes, the synthesizer name, read.types and read.max_rows;
//   - fit.epochs, batch_size, seed, threads (training's reductions depend on
//     the thread count) and every CTGAN hyperparameter;
//   - fit.constraints (stored with the model; domains pass none: theirs are
//     applied when sampling, so they never split the cache);
//   - seedforge's version, the model file format version, a digest of the
//     seedforge executable and of the neural module (a rebuilt binary
//     trains with other code), and the CPU's vector instruction sets
//     (LibTorch and oneDNN pick kernels by them, and kernels round
//     differently).
// fit.progress is left out: it does not change the model.
std::string ModelCacheKey(std::string_view data, std::string_view synthesizer, const CsvReadOptions& read,
                          const FitOptions& fit);

class ModelCache {
 public:
  // `dir` need not exist; it is created (mode 0700, as XDG asks) on the
  // first Store. `warn` is told, at most once, why the cache cannot be
  // written; may be empty.
  ModelCache(std::filesystem::path dir, std::function<void(const std::string&)> warn);

  const std::filesystem::path& dir() const { return dir_; }
  // The entry's file, `dir/<key>.model`.
  std::filesystem::path EntryPath(const std::string& key) const;

  // The cached model of `key`, or null when there is none or the entry is
  // unreadable, corrupt, truncated or not a `synthesizer` model. Never
  // throws for the entry's sake.
  std::unique_ptr<Synthesizer> Find(const std::string& key, std::string_view synthesizer) const;

  // Writes `model` as the entry of `key`, replacing any. Returns false when
  // it cannot (then warns, once per cache, and writes nothing more).
  bool Store(const std::string& key, const Synthesizer& model);

 private:
  std::filesystem::path dir_;
  std::function<void(const std::string&)> warn_;
  bool disabled_ = false;  // guarded by the mutex of Store
};

}  // namespace seedforge
