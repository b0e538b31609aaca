// The domains a server offers: the built-in ones, those an admin uploaded
// (DATA/domains/uploaded/<name>.yaml) and those learned from a CSV sample
// (DATA/domains/learned/<name>/<name>.yaml, beside its model).
//
// Uploaded domains are read with DomainLoadOptions::confine_files_to their
// folder: a `model:` path in one cannot reach a file of the server.
//
// Thread safety: every method may be called from any thread.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"

namespace seedforge::serve {

// An upload whose name a built-in or learned domain has (HTTP 409).
class DomainConflict : public UsageError {
 public:
  using UsageError::UsageError;
};

// Names of uploaded and learned domains: they become file names.
bool IsDomainName(const std::string& name);

struct CatalogEntry {
  std::string name;
  std::string source;  // builtin | uploaded | learned
  std::string description;
  int entities = 0;
  std::string path;  // the domain file; for built-in ones the name
  DomainLoadOptions load;
};

class DomainCatalog {
 public:
  DomainCatalog(const std::filesystem::path& data_dir, const ProviderRegistry& registry);

  // Every domain, built-in first, then by name. A file that no longer
  // parses is left out.
  std::vector<CatalogEntry> List();
  std::optional<CatalogEntry> Find(const std::string& name);
  // The parsed domain, shared: parsed once per file version (a Domain is
  // immutable after parsing).
  std::shared_ptr<const Domain> Load(const CatalogEntry& entry);

  // Validates an uploaded domain's text and saves it under its `domain:`
  // name, replacing an upload of that name. Throws InputError (line and
  // column of each problem) or UsageError (a name that is not
  // [a-z0-9_]+, or one a built-in or learned domain has).
  std::string Upload(const std::string& text);

  std::filesystem::path uploaded_dir() const { return data_dir_ / "domains" / "uploaded"; }
  std::filesystem::path learned_dir() const { return data_dir_ / "domains" / "learned"; }
  const ProviderRegistry& registry() const { return registry_; }

 private:
  std::optional<CatalogEntry> Summary(const std::string& name, const std::string& source, const std::string& path,
                                      const DomainLoadOptions& load);

  std::filesystem::path data_dir_;
  const ProviderRegistry& registry_;
  std::mutex mutex_;
  // Parsed domains and their summaries by path, with the file's time when
  // parsed (built-in domains: the epoch).
  struct Parsed {
    std::filesystem::file_time_type time;
    std::shared_ptr<const Domain> domain;
    CatalogEntry entry;
  };
  std::map<std::string, Parsed> cache_;
};

}  // namespace seedforge::serve
