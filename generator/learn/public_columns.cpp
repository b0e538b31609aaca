#include "learn/public_columns.h"

#include <fmt/format.h>

#include <cmath>
#include <set>

#include "learn/values.h"
#include "seedforge/error.h"

namespace seedforge::internal {

std::vector<ModelColumn> PublicModelColumns(const DataTable& table, const DpOptions& dp, const std::string& model) {
  std::vector<ModelColumn> columns = LearnColumns(table);
  std::set<std::string> learned;
  for (const ModelColumn& c : columns) learned.insert(c.name);
  for (const auto& [name, _] : dp.public_columns) {
    if (!learned.count(name)) {
      throw UsageError(fmt::format("{} --dp: public bounds are given for '{}', which is not a learned column of {}",
                                   model, name, table.source));
    }
  }
  for (ModelColumn& c : columns) {
    const auto it = dp.public_columns.find(c.name);
    const PublicColumn* pub = it == dp.public_columns.end() ? nullptr : &it->second;
    c.null_rate = 0;
    switch (c.type) {
      case DataType::kBoolean:
        c.min = 0;
        c.max = 1;
        c.frequencies = {0.5, 0.5};
        break;
      case DataType::kCategorical: {
        if (!pub || pub->categories.empty()) {
          throw UsageError(fmt::format(
              "{} --dp: column '{}' has no public category list: a list read from the data would reveal its rare "
              "values (give every value it can take, from the domain or the user{})",
              model, c.name, dp.preprocessing_share > 0 ? "; ctgan and tvae spend no budget on categories" : ""));
        }
        c.categories = pub->categories;
        const std::set<std::string> known(c.categories.begin(), c.categories.end());
        if (known.size() != c.categories.size()) {
          throw UsageError(fmt::format("{} --dp: the public categories of column '{}' repeat a value", model, c.name));
        }
        c.frequencies.assign(c.categories.size(), 1.0 / static_cast<double>(c.categories.size()));
        c.min = 0;
        c.max = static_cast<double>(c.categories.size() - 1);
        break;
      }
      default:
        if (!pub || !pub->min || !pub->max) {
          throw UsageError(fmt::format(
              "{} --dp: column '{}' has no public bounds: the range of the data would reveal its extreme rows "
              "(give its min and max, from the domain or the user{})",
              model, c.name, dp.preprocessing_share > 0 ? "; ctgan and tvae spend no budget on bounds" : ""));
        }
        if (!std::isfinite(*pub->min) || !std::isfinite(*pub->max) || *pub->min > *pub->max) {
          throw UsageError(fmt::format("{} --dp: the public bounds of column '{}' are not a range", model, c.name));
        }
        c.min = *pub->min;
        c.max = *pub->max;
    }
  }
  return columns;
}

std::vector<std::string> DescribePublicColumns(const std::vector<ModelColumn>& columns) {
  std::vector<std::string> out;
  for (const ModelColumn& c : columns) {
    switch (c.type) {
      case DataType::kBoolean: out.push_back(c.name + ": boolean"); break;
      case DataType::kCategorical: out.push_back(fmt::format("{}: {} categories", c.name, c.categories.size())); break;
      default: out.push_back(fmt::format("{}: [{:g}, {:g}]", c.name, c.min, c.max));
    }
  }
  return out;
}

}  // namespace seedforge::internal
