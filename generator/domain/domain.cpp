// ParseDomain composes the steps of steps.h; LoadDomain finds a domain's
// text by built-in name or path. The lookups of domain.h live here too.
#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "domain/steps.h"
#include "seedforge/domain.h"
#include "seedforge/resources.h"

namespace seedforge {
namespace {

// The index of the item called `name` in `items`, or -1.
template <typename Named>
int IndexOfName(const std::vector<Named>& items, const std::string& name) {
  auto it = std::find_if(items.begin(), items.end(), [&](const Named& item) { return item.name == name; });
  return it == items.end() ? -1 : static_cast<int>(it - items.begin());
}

}  // namespace

std::string DateRule::Shown() const {
  std::string text = entity.empty() ? column : entity + "." + column;
  auto unit = [](int n, const char* one) { return std::to_string(std::abs(n)) + " " + one + (std::abs(n) == 1 ? "" : "s"); };
  if (years) text += (years > 0 ? " + " : " - ") + unit(years, "year");
  if (days) text += (days > 0 ? " + " : " - ") + unit(days, "day");
  return text;
}

const char* Aggregate::OpName(Op op) {
  switch (op) {
    case Op::kCount: return "count";
    case Op::kSum: return "sum";
    case Op::kMin: return "min";
    case Op::kMax: return "max";
    case Op::kFirst: return "first";
    case Op::kLast: return "last";
  }
  return "";
}

std::string Aggregate::Shown() const {
  return std::string(OpName(op)) + ": " + entity + (column.empty() ? "" : "." + column);
}

int DomainEntity::FindColumn(const std::string& column) const { return IndexOfName(columns, column); }

std::vector<std::string> DomainEntity::PrimaryKey() const {
  std::vector<std::string> key;
  for (const DomainColumn& c : columns) {
    if (c.primary_key) key.push_back(c.name);
  }
  return key;
}

int DomainEntity::CountingLink() const {
  for (size_t i = 0; i < links.size(); ++i) {
    if (links[i].per_parent && links[i].parent != name) return static_cast<int>(i);
  }
  return -1;
}

int Domain::FindEntity(const std::string& entity) const { return IndexOfName(entities, entity); }

bool PathStaysInside(const std::string& path, const std::string& root, std::string* why) {
  namespace fs = std::filesystem;
  const fs::path given(path);
  if (path.empty()) {
    *why = "an empty path";
  } else if (given.is_absolute()) {
    *why = "an absolute path";
  } else if (std::any_of(given.begin(), given.end(), [](const fs::path& part) { return part == ".."; })) {
    *why = "a path with '..'";
  } else {
    // Symlinks: the real location of the longest existing prefix must stay
    // under the real root.
    std::error_code ec;
    const fs::path real_root = fs::weakly_canonical(fs::absolute(root), ec);
    const fs::path real = fs::weakly_canonical(fs::absolute(root) / given, ec);
    if (ec) {
      *why = "a path that cannot be resolved";
    } else {
      auto [root_end, real_it] = std::mismatch(real_root.begin(), real_root.end(), real.begin(), real.end());
      if (root_end != real_root.end()) *why = "a path leading outside its folder (through a symlink)";
      else return true;
    }
  }
  return false;
}

namespace {

// DomainLoadOptions::confine_files_to: every file the domain names stays in
// the folder.
void ConfineFiles(Domain& domain, const std::string& root, std::vector<Diagnostic>& diagnostics) {
  for (DomainEntity& entity : domain.entities) {
    if (!entity.model) continue;
    std::string why;
    if (!PathStaysInside(entity.model->path, root, &why)) {
      diagnostics.push_back({entity.model->where, "entity '" + entity.name + "': the model path '" +
                                                      entity.model->path + "' is " + why +
                                                      "; an uploaded domain may only name files beside it"});
    }
    entity.model->confined_to = root;
  }
}

}  // namespace

Domain ParseDomain(const std::string& text, const std::string& file, const ProviderRegistry& registry,
                   const DomainLoadOptions& load) {
  std::vector<Diagnostic> diagnostics;
  Domain domain = ParseDomainYaml(text, file, diagnostics);
  if (diagnostics.empty() && !load.confine_files_to.empty()) ConfineFiles(domain, load.confine_files_to, diagnostics);
  if (diagnostics.empty()) {
    ResolveDomain(domain, registry, diagnostics);
    ValidateDomain(domain, registry, diagnostics);
  }
  if (!diagnostics.empty()) {
    std::stable_sort(diagnostics.begin(), diagnostics.end(), [](const auto& a, const auto& b) {
      return std::tie(a.where.line, a.where.column) < std::tie(b.where.line, b.where.column);
    });
    throw InputError(std::move(diagnostics));
  }
  return domain;
}

std::vector<std::string> BuiltinDomainNames() {
  std::vector<std::string> names;
  for (const std::string& path : ResourcesUnder("domains/")) {
    std::filesystem::path p(path);
    if (p.extension() == ".yaml") names.push_back(p.stem().string());
  }
  return names;
}

Domain LoadDomain(const std::string& name_or_path, const ProviderRegistry& registry, const DomainLoadOptions& load) {
  namespace fs = std::filesystem;
  // A path is told from a name by its spelling alone, never by what happens
  // to exist in the working directory: a folder or file named `banking` there
  // must not shadow the built-in domain.
  const std::string& s = name_or_path;
  auto ends_with = [&](std::string_view suffix) {
    return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  bool is_path = s.find('/') != std::string::npos || ends_with(".yaml") || ends_with(".yml");
  if (!is_path) {
    std::string resource = "domains/" + s + ".yaml";
    if (const std::string_view* text = FindResource(resource)) {
      return ParseDomain(std::string(*text), resource, registry);
    }
    std::string all;
    for (const std::string& n : BuiltinDomainNames()) all += (all.empty() ? "" : ", ") + n;
    std::error_code ec;
    if (fs::is_regular_file(s, ec)) {
      throw UsageError("unknown domain '" + s + "' (built-in: " + all + "); to use the file " + s +
                       " write --domain ./" + s);
    }
    std::string message = "unknown domain '" + s + "'";
    auto close = ClosestNames(s, BuiltinDomainNames());
    if (!close.empty()) message += "; did you mean '" + close.front() + "'?";
    throw UsageError(message + " (built-in: " + all + "; or give a path to a domain file: one with a '/' or a "
                     ".yaml or .yml suffix)");
  }
  std::ifstream in(name_or_path, std::ios::binary);
  if (!in) throw UsageError("cannot read domain file '" + name_or_path + "'");
  std::stringstream ss;
  ss << in.rdbuf();
  return ParseDomain(ss.str(), name_or_path, registry, load);
}

}  // namespace seedforge
