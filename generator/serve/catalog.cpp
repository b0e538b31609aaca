#include "serve/catalog.h"

#include <algorithm>

#include "seedforge/atomic_file.h"
#include "seedforge/error.h"

namespace seedforge::serve {

namespace fs = std::filesystem;

bool IsDomainName(const std::string& name) {
  return !name.empty() && name.size() <= kMaxNameBytes &&
         std::all_of(name.begin(), name.end(), [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; });
}

DomainCatalog::DomainCatalog(const fs::path& data_dir, const ProviderRegistry& registry)
    : data_dir_(data_dir), registry_(registry) {
  fs::create_directories(uploaded_dir());
  fs::create_directories(learned_dir());
}

std::optional<CatalogEntry> DomainCatalog::Summary(const std::string& name, const std::string& source,
                                                   const std::string& path, const DomainLoadOptions& load) {
  CatalogEntry entry{name, source, "", 0, path, load};
  std::shared_ptr<const Domain> domain;
  try {
    domain = Load(entry);
  } catch (const Error&) {
    return std::nullopt;  // a file that no longer parses (or is gone) is not offered
  }
  entry.description = domain->description;
  entry.entities = static_cast<int>(domain->entities.size());
  return entry;
}

std::shared_ptr<const Domain> DomainCatalog::Load(const CatalogEntry& entry) {
  std::error_code ec;
  const fs::file_time_type time = entry.source == "builtin" ? fs::file_time_type{} : fs::last_write_time(entry.path, ec);
  if (ec) throw UsageError("the domain '" + entry.name + "' is gone");
  {
    std::lock_guard lock(mutex_);
    if (auto it = cache_.find(entry.path); it != cache_.end() && it->second.time == time) return it->second.domain;
  }
  auto domain = std::make_shared<const Domain>(LoadDomain(entry.path, registry_, entry.load));
  std::lock_guard lock(mutex_);
  cache_[entry.path] = {time, domain, entry};
  return domain;
}

std::vector<CatalogEntry> DomainCatalog::List() {
  std::vector<CatalogEntry> entries;
  for (const std::string& name : BuiltinDomainNames()) {
    if (auto entry = Summary(name, "builtin", name, {})) entries.push_back(*entry);
  }
  std::vector<std::pair<std::string, fs::path>> files;
  std::error_code ec;
  for (const fs::directory_entry& file : fs::directory_iterator(uploaded_dir(), ec)) {
    const std::string stem = file.path().stem().string();
    if (file.path().extension() == ".yaml" && IsDomainName(stem)) {
      if (auto entry = Summary(stem, "uploaded", file.path().string(), {.confine_files_to = uploaded_dir().string()})) {
        entries.push_back(*entry);
      }
    }
  }
  for (const fs::directory_entry& dir : fs::directory_iterator(learned_dir(), ec)) {
    const std::string name = dir.path().filename().string();
    const fs::path file = dir.path() / (name + ".yaml");
    if (IsDomainName(name) && fs::is_regular_file(file)) {
      if (auto entry = Summary(name, "learned", file.string(), {.confine_files_to = dir.path().string()})) {
        entries.push_back(*entry);
      }
    }
  }
  std::stable_sort(entries.begin(), entries.end(), [](const CatalogEntry& a, const CatalogEntry& b) {
    return std::pair(a.source != "builtin", a.name) < std::pair(b.source != "builtin", b.name);
  });
  return entries;
}

std::optional<CatalogEntry> DomainCatalog::Find(const std::string& name) {
  if (!IsDomainName(name)) return std::nullopt;
  for (CatalogEntry& entry : List()) {
    if (entry.name == name) return entry;
  }
  return std::nullopt;
}

std::string DomainCatalog::Upload(const std::string& text) {
  const std::string root = uploaded_dir().string();
  // Messages name the upload, not the server's folders (relative paths
  // resolve in `root`, the folder it will be saved in).
  Domain domain = ParseDomain(text, "upload.yaml", registry_, {.confine_files_to = root});
  const std::string& name = domain.name;
  if (!IsDomainName(name)) {
    throw UsageError("an uploaded domain's name ('domain:') must be lowercase letters, digits and '_', got '" + name + "'");
  }
  const std::vector<std::string> builtin = BuiltinDomainNames();
  if (std::find(builtin.begin(), builtin.end(), name) != builtin.end() || fs::exists(learned_dir() / name)) {
    throw DomainConflict("a domain named '" + name + "' exists already (built-in or learned)");
  }
  AtomicFile file(uploaded_dir() / (name + ".yaml"));
  file.Write(text);
  file.Commit();
  return name;
}

}  // namespace seedforge::serve
