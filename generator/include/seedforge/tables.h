// Data tables for providers: weighted value lists read from embedded TSV.
//
// Tables are parsed once, when a provider is made, never per row. Sampling
// uses Walker's alias method (Vose's construction), O(1) per draw.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/random.h"

namespace seedforge {

// Rows of tab-separated fields; '#' lines and empty lines are skipped.
std::vector<std::vector<std::string_view>> ParseTsv(std::string_view text);

class AliasSampler {
 public:
  AliasSampler() = default;
  // REQUIRES: weights non-empty, each >= 0, sum > 0.
  explicit AliasSampler(const std::vector<double>& weights);

  size_t Sample(RandomStream& random) const;
  size_t size() const { return prob_.size(); }

 private:
  std::vector<double> prob_;
  std::vector<uint32_t> alias_;
};

// A list of values with weights (e.g. names with their frequency).
class WeightedTable {
 public:
  WeightedTable() = default;
  WeightedTable(std::vector<std::string> values, std::vector<double> weights);

  // Reads `value_column` and `weight_column` of an embedded TSV resource.
  static WeightedTable FromResource(std::string_view path, size_t value_column = 0,
                                    size_t weight_column = 1);

  size_t SampleIndex(RandomStream& random) const { return sampler_.Sample(random); }
  const std::string& Sample(RandomStream& random) const { return values_[SampleIndex(random)]; }

  const std::string& value(size_t i) const { return values_[i]; }
  double weight(size_t i) const { return weights_[i]; }
  size_t size() const { return values_.size(); }
  size_t MaxLength() const;  // longest value, in bytes

 private:
  std::vector<std::string> values_;
  std::vector<double> weights_;
  AliasSampler sampler_;
};

}  // namespace seedforge
