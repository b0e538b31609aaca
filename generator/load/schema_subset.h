// A domain schema cut down to some of its tables (`learn --tables`).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/domain.h"

namespace seedforge {

// The domain text `text` (parsed as `schema`) with only the entities named
// in `keep`. A link from a kept table to a dropped one is dropped too, with
// one `note` each: its columns stay, filled by a plain provider of their
// type. Throws UsageError naming `file` and the schema's tables for a name
// that is no entity.
std::string SchemaSubset(const std::string& text, const Domain& schema, const std::vector<std::string>& keep,
                         const std::string& file, const std::function<void(std::string_view)>& note);

}  // namespace seedforge
