// Files built into the binary: provider data tables, built-in domains and
// templates. seedforge is one native binary; these are embedded at build time
// from plugins/*/data/, domains/ and templates/ (see cmake/embed.cmake).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace seedforge {

// The content of an embedded file by its path relative to the repository
// root, e.g. "plugins/person/data/first_names_female.tsv"; nullptr-like empty
// optional when absent.
const std::string_view* FindResource(std::string_view path);

// Same, but throws Error naming the path when absent (a build problem).
std::string_view Resource(std::string_view path);

// Paths of embedded files starting with `prefix`, sorted.
std::vector<std::string> ResourcesUnder(std::string_view prefix);

}  // namespace seedforge
