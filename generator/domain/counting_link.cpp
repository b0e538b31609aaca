#include <algorithm>

#include "seedforge/database.h"

namespace seedforge {

int CountingLink(const DomainEntity& entity, const std::function<uint64_t(size_t link)>& parent_rows,
                 const std::function<bool(size_t link)>& never_null) {
  int best = -1;
  size_t best_position = entity.columns.size();
  for (size_t l = 0; l < entity.links.size(); ++l) {
    const DomainLink& link = entity.links[l];
    if (link.parent == entity.name || parent_rows(l) < kMinCountingParents) continue;
    bool declared_not_null = true;
    size_t position = entity.columns.size();
    for (const std::string& name : link.columns) {
      const int c = entity.FindColumn(name);
      declared_not_null = declared_not_null && c >= 0 && (entity.columns[c].not_null || entity.columns[c].primary_key);
      position = std::min(position, c < 0 ? entity.columns.size() : static_cast<size_t>(c));
    }
    if (position >= best_position || (!declared_not_null && !never_null(l))) continue;
    best_position = position;
    best = static_cast<int>(l);
  }
  return best;
}

}  // namespace seedforge
