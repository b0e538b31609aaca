// The order a domain's entities are made and loaded in: parents first.
#pragma once

#include <vector>

#include "seedforge/domain.h"

namespace seedforge {

// The entities of `domain`, parents first: the order generate plans and
// writes them in and a loader fills a database in. All links count first;
// where links form a cycle, only NOT NULL and counting links keep their
// order (the nullable link of the cycle is the one a loader fills afterwards).
std::vector<int> EntityLoadOrder(const Domain& domain);

}  // namespace seedforge
