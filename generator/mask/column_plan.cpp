#include "mask/column_plan.h"

#include <algorithm>

#include "seedforge/error.h"

namespace seedforge::mask {

int FindEntityKey(const MaskRule& rule, const std::vector<std::string>& header) {
  const auto entity_it = rule.spec.options.find("entity");
  const auto key_it = rule.spec.options.find("key");
  auto find = [&](const std::string& name) {
    auto it = std::find(header.begin(), header.end(), name);
    return it == header.end() ? -1 : static_cast<int>(it - header.begin());
  };
  if (key_it != rule.spec.options.end()) {
    const int at = find(key_it->second);
    if (at < 0) throw InputError(rule.where, "date_shift key '" + key_it->second + "' is no column of " + rule.table);
    return at;
  }
  if (entity_it == rule.spec.options.end()) return -1;
  const std::string& entity = entity_it->second;
  const size_t dot = entity.find('.');
  if (dot == std::string::npos || dot == 0 || dot + 1 == entity.size()) {
    throw InputError(rule.where, "date_shift entity is TABLE.KEY (e.g. customers.id), not '" + entity + "'");
  }
  const std::string table = entity.substr(0, dot), column = entity.substr(dot + 1);
  if (table == rule.table) {
    if (const int at = find(column); at >= 0) return at;
  }
  std::string singular = table;
  if (singular.size() > 3 && singular.ends_with("ies")) {
    singular = singular.substr(0, singular.size() - 3) + "y";
  } else if (singular.size() > 1 && singular.ends_with('s')) {
    singular.pop_back();
  }
  for (const std::string& name : {singular + "_" + column, table + "_" + column}) {
    if (const int at = find(name); at >= 0) return at;
  }
  throw InputError(rule.where, "date_shift on " + rule.table + "." + rule.column + ": no column of " + rule.table +
                                   " holds " + entity + " (name it with key: COLUMN)");
}


}  // namespace seedforge::mask
