#include "seedforge/tables.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "seedforge/error.h"
#include "seedforge/resources.h"

namespace seedforge {

std::vector<std::vector<std::string_view>> ParseTsv(std::string_view text) {
  std::vector<std::vector<std::string_view>> rows;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string_view> fields;
    size_t start = 0;
    while (true) {
      size_t tab = line.find('\t', start);
      fields.push_back(line.substr(start, tab == std::string_view::npos ? line.npos : tab - start));
      if (tab == std::string_view::npos) break;
      start = tab + 1;
    }
    rows.push_back(std::move(fields));
  }
  return rows;
}

AliasSampler::AliasSampler(const std::vector<double>& weights) {
  const size_t n = weights.size();
  double total = 0;
  for (double w : weights) total += w;
  if (n == 0 || !(total > 0)) throw Error("AliasSampler needs a positive total weight");
  prob_.assign(n, 0);
  alias_.assign(n, 0);
  std::vector<double> scaled(n);
  std::vector<uint32_t> small, large;
  for (size_t i = 0; i < n; ++i) {
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    uint32_t s = small.back(), l = large.back();
    small.pop_back();
    prob_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] = (scaled[l] + scaled[s]) - 1.0;
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  for (uint32_t i : large) prob_[i] = 1.0;
  for (uint32_t i : small) prob_[i] = 1.0;  // rounding leftovers
}

size_t AliasSampler::Sample(RandomStream& random) const {
  uint64_t bits = random.Next();
  // High bits choose the column, low 53 bits the coin: one draw per sample.
  size_t column = static_cast<size_t>((static_cast<unsigned __int128>(bits) * prob_.size()) >> 64);
  double coin = static_cast<double>(bits & ((1ULL << 53) - 1)) * 0x1.0p-53;
  return coin < prob_[column] ? column : alias_[column];
}

WeightedTable::WeightedTable(std::vector<std::string> values, std::vector<double> weights)
    : values_(std::move(values)), weights_(std::move(weights)), sampler_(weights_) {}

WeightedTable WeightedTable::FromResource(std::string_view path, size_t value_column,
                                          size_t weight_column) {
  std::vector<std::string> values;
  std::vector<double> weights;
  for (const auto& row : ParseTsv(Resource(path))) {
    if (row.size() <= std::max(value_column, weight_column)) {
      throw Error("data table " + std::string(path) + ": row with too few columns");
    }
    values.emplace_back(row[value_column]);
    std::string w(row[weight_column]);
    weights.push_back(std::strtod(w.c_str(), nullptr));
  }
  return WeightedTable(std::move(values), std::move(weights));
}

size_t WeightedTable::MaxLength() const {
  size_t longest = 0;
  for (const std::string& v : values_) longest = std::max(longest, v.size());
  return longest;
}

}  // namespace seedforge
