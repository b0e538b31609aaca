// The order entities are made and loaded in: parents first.
#include <algorithm>

#include "seedforge/domain.h"

namespace seedforge {

std::vector<int> EntityLoadOrder(const Domain& domain) {
  const size_t n = domain.entities.size();
  auto edges = [&](bool strict_only) {
    std::vector<std::vector<int>> parents(n);
    for (size_t i = 0; i < n; ++i) {
      const DomainEntity& e = domain.entities[i];
      for (const DomainLink& link : e.links) {
        int p = domain.FindEntity(link.parent);
        if (p == static_cast<int>(i)) continue;
        bool not_null = true;
        for (const std::string& c : link.columns) not_null = not_null && e.columns[e.FindColumn(c)].not_null;
        if (!strict_only || not_null || link.per_parent) parents[i].push_back(p);
      }
    }
    return parents;
  };
  // One entity at a time: the first whose parents are all placed; when a
  // cycle leaves none, the first whose NOT NULL and counting parents are, so
  // that as few links as possible point forward.
  const auto all = edges(false), strict = edges(true);
  std::vector<int> order;
  std::vector<bool> placed(n, false);
  auto ready = [&](size_t i, const std::vector<std::vector<int>>& parents) {
    return std::all_of(parents[i].begin(), parents[i].end(), [&](int p) { return placed[p]; });
  };
  while (order.size() < n) {
    int next = -1;
    for (size_t i = 0; i < n && next < 0; ++i) {
      if (!placed[i] && ready(i, all)) next = static_cast<int>(i);
    }
    for (size_t i = 0; i < n && next < 0; ++i) {
      if (!placed[i] && ready(i, strict)) next = static_cast<int>(i);
    }
    if (next < 0) break;  // a cycle of NOT NULL links: refused by validation
    placed[next] = true;
    order.push_back(next);
  }
  return order;
}

}  // namespace seedforge
