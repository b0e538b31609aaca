#include "seedforge/registry.h"

#include <algorithm>

namespace seedforge {

const FieldSpec* ProviderSpec::FindField(const std::string& field) const {
  int i = FieldIndex(field);
  return i < 0 ? nullptr : &fields[i];
}

int ProviderSpec::FieldIndex(const std::string& field) const {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].name == field) return static_cast<int>(i);
  }
  return -1;
}

const ParamSpec* ProviderSpec::FindParam(const std::string& param) const {
  for (const ParamSpec& p : params) {
    if (p.name == param) return &p;
  }
  return nullptr;
}

void ProviderRegistry::Add(ProviderSpec spec) {
  auto it = specs_.find(spec.name);
  if (it != specs_.end()) {
    throw Error("provider '" + spec.name + "' registered twice, by packs '" + it->second.pack +
                "' and '" + spec.pack + "'");
  }
  if (spec.fields.empty() || !spec.make) {
    throw Error("provider '" + spec.name + "' of pack '" + spec.pack +
                "' needs at least one field and a factory");
  }
  std::string name = spec.name;
  specs_.emplace(std::move(name), std::move(spec));
}

const ProviderSpec* ProviderRegistry::Find(const std::string& name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

std::vector<std::string> ProviderRegistry::Suggest(const std::string& name) const {
  std::vector<std::string> names;
  for (const auto& [n, spec] : specs_) names.push_back(n);
  return ClosestNames(name, names);
}

std::vector<const ProviderSpec*> ProviderRegistry::All() const {
  std::vector<const ProviderSpec*> out;
  for (const auto& [n, spec] : specs_) out.push_back(&spec);
  return out;
}

namespace {
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = prev[j - 1] + (a[i - 1] != b[j - 1]);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, substitution});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}
}  // namespace

std::vector<std::string> ClosestNames(const std::string& name,
                                      const std::vector<std::string>& candidates) {
  // Within a third of the name's length, at least 2: catches typos without
  // suggesting unrelated names.
  size_t limit = std::max<size_t>(2, name.size() / 3);
  std::vector<std::pair<size_t, std::string>> scored;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(name, c);
    bool prefix = c.rfind(name, 0) == 0 && name.size() >= 3;
    if (d <= limit || prefix) scored.emplace_back(prefix ? 0 : d, c);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < 3; ++i) out.push_back(scored[i].second);
  return out;
}

}  // namespace seedforge
