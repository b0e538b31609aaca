// Test helpers for the report: tables from CSV text, and seeded random CSV
// data with a known structure (only the tests include this).
#pragma once

#include <cmath>
#include <cstdio>
#include <string>

#include "eval/table.h"
#include "seedforge/random.h"

namespace seedforge::eval::testing {

// A TableSet named "t" from CSV texts (holdout optional), as LoadDataset
// builds it from files.
inline TableSet MakeTableSet(const std::string& real, const std::string& synthetic,
                             const std::string& holdout = "") {
  TableSet t;
  t.name = "t";
  Table r = ParseTable(real, "real.csv");
  t.columns = InferSchema(r);
  t.real = Encode(r, t.columns);
  for (ColumnEncoding& c : t.columns) c.real_labels = c.labels.size();
  t.synthetic = Encode(ParseTable(synthetic, "synthetic.csv"), t.columns);
  if (!holdout.empty()) t.holdout = Encode(ParseTable(holdout, "holdout.csv"), t.columns);
  return t;
}

inline Dataset MakeDataset(const std::string& real, const std::string& synthetic, const std::string& holdout = "") {
  Dataset d;
  d.tables.push_back(MakeTableSet(real, synthetic, holdout));
  return d;
}

// Options of RandomCsv: the default is one fixed distribution; the flags
// change it to make "clearly different" data.
struct Shape {
  double x_shift = 0;       // added to x (before y, group and label are derived from it)
  double flag_rate = 0.3;
  double slope = 2;         // y = slope * x + noise
  bool flip_category = false;
  bool shuffle_target = false;  // "label" independent of x
};

// n rows of: x ~ N(shift, 1), y = slope·x + N(0, 0.5), group in {a,b,c}
// depending on x (a below -0.5, c above 0.5, b between; 10% random), flag
// true with probability flag_rate, label = (x + N(0, 0.5) > 0) as yes/no.
inline std::string RandomCsv(size_t n, uint64_t seed, const Shape& shape = {}) {
  std::string csv = "x,y,group,flag,label\n";
  for (size_t i = 0; i < n; ++i) {
    RandomStream rng(seed, i);
    auto normal = [&] {  // Box–Muller
      double u1 = rng.Uniform(), u2 = rng.Uniform();
      return std::sqrt(-2 * std::log(1 - u1)) * std::cos(2 * M_PI * u2);
    };
    double x = normal() + shape.x_shift;
    double y = shape.slope * x + 0.5 * normal();
    const char* group = x < -0.5 ? "a" : x > 0.5 ? "c" : "b";
    static const char* const kGroups[] = {"a", "b", "c"};
    if (rng.Uniform() < 0.1) group = kGroups[rng.Below(3)];
    if (shape.flip_category) group = group[0] == 'a' ? "c" : group[0] == 'c' ? "a" : "b";
    bool flag = rng.Uniform() < shape.flag_rate;
    bool label = x + 0.5 * normal() > 0;
    if (shape.shuffle_target) label = rng.Uniform() < 0.5;
    char line[160];
    std::snprintf(line, sizeof line, "%.6f,%.6f,%c,%s,%s\n", x, y, group[0], flag ? "true" : "false",
                  label ? "yes" : "no");
    csv += line;
  }
  return csv;
}

}  // namespace seedforge::eval::testing
