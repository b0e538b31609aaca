// `job_title` and `department`: office and business job titles with the
// department each belongs to, weighted by rough US employment in the
// matching occupation (BLS OEWS; data/SOURCES.md), so clerks and sales
// representatives outnumber chief officers as they do in a payroll.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "business/business_providers.h"
#include "seedforge/error.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

enum JobField : size_t { kTitle, kDepartment, kLevel };

constexpr std::string_view kTitleTable = "plugins/business/data/job_titles.tsv";

// Seniority prefixes for titles that take them, with their shares: most
// people in a role carry the plain title; "Senior" is the next most common
// (a rough reading of job-posting titles, not a measurement).
struct Level {
  std::string_view prefix;  // "" for the plain title
  std::string_view label;   // the `level` field
  double share;
};
constexpr Level kLevels[] = {{"", "", 0.55},
                             {"Junior ", "Junior", 0.12},
                             {"Senior ", "Senior", 0.25},
                             {"Lead ", "Lead", 0.05},
                             {"Principal ", "Principal", 0.03}};

struct Title {
  std::string title;
  std::string department;
  bool levels;
};

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

struct TitleTable {
  std::vector<Title> titles;
  std::vector<double> weights;
  std::vector<std::string> departments;  // in order of first appearance
};

TitleTable LoadTitles() {
  TitleTable t;
  for (const auto& f : ParseTsv(Resource(kTitleTable))) {
    if (f.size() < 4) throw Error("data table " + std::string(kTitleTable) + ": bad row");
    t.titles.push_back({std::string(f[0]), std::string(f[1]), f[3] == "y"});
    t.weights.push_back(std::strtod(std::string(f[2]).c_str(), nullptr));
    if (std::find(t.departments.begin(), t.departments.end(), f[1]) == t.departments.end()) {
      t.departments.emplace_back(f[1]);
    }
  }
  return t;
}

// Keeps the titles of the departments named by `param` (a list keeps the
// table's shares, a map sets each department's share); all when absent.
void SelectDepartments(const Params& params, const std::string& param, TitleTable& t) {
  if (!params.Has(param)) return;
  const bool explicit_shares = params.Find(param)->type == ParamValue::Type::kMap;
  std::vector<double> share(t.departments.size(), 0);
  for (const auto& [name, weight] : params.Weighted(param)) {
    auto it = std::find_if(t.departments.begin(), t.departments.end(),
                           [&, &name = name](const std::string& d) { return SameIgnoringCase(d, name); });
    if (it == t.departments.end()) {
      std::string known;
      for (const std::string& d : t.departments) known += (known.empty() ? "" : ", ") + d;
      params.Fail(param, "unknown department '" + name + "'; known: " + known);
    }
    share[static_cast<size_t>(it - t.departments.begin())] += explicit_shares ? weight : 1;
  }
  std::vector<double> total(t.departments.size(), 0);
  auto dept_of = [&](const Title& title) {
    return static_cast<size_t>(std::find(t.departments.begin(), t.departments.end(),
                                         title.department) -
                               t.departments.begin());
  };
  for (size_t i = 0; i < t.titles.size(); ++i) total[dept_of(t.titles[i])] += t.weights[i];
  TitleTable kept;
  for (size_t i = 0; i < t.titles.size(); ++i) {
    const size_t d = dept_of(t.titles[i]);
    if (share[d] <= 0) continue;
    kept.titles.push_back(t.titles[i]);
    kept.weights.push_back(explicit_shares ? t.weights[i] * share[d] / total[d] : t.weights[i]);
    if (std::find(kept.departments.begin(), kept.departments.end(), t.titles[i].department) ==
        kept.departments.end()) {
      kept.departments.push_back(t.titles[i].department);
    }
  }
  t = std::move(kept);
}

class JobTitleProvider : public Provider {
 public:
  JobTitleProvider(TitleTable table, bool use_levels)
      : table_(std::move(table)), sampler_(table_.weights), use_levels_(use_levels) {}

  void Fill(const FillArgs& args) const override {
    auto out = [&](size_t f) { return f < args.outputs.size() ? args.outputs[f] : nullptr; };
    BatchColumn* title = out(kTitle);
    BatchColumn* department = out(kDepartment);
    BatchColumn* level = out(kLevel);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      const Title& t = table_.titles[sampler_.Sample(random)];
      double u = random.Uniform();
      const Level* lv = &kLevels[0];
      if (use_levels_ && t.levels) {
        for (const Level& candidate : kLevels) {
          lv = &candidate;
          if (u < candidate.share) break;
          u -= candidate.share;
        }
      }
      if (title) {
        std::string& s = title->texts[i];
        s.assign(lv->prefix);
        s.append(t.title);
      }
      if (department) department->texts[i].assign(t.department);
      if (level) level->texts[i].assign(lv->label);
    }
  }

  size_t MaxLength(size_t field) const override {
    size_t longest = 0;
    for (const Title& t : table_.titles) {
      if (field == kTitle) longest = std::max(longest, t.title.size() + (t.levels ? 10 : 0));
      if (field == kDepartment) longest = std::max(longest, t.department.size());
    }
    return field == kLevel ? 9 : longest;
  }

 private:
  TitleTable table_;
  AliasSampler sampler_;
  bool use_levels_;
};

// One department per row, with the job_title table's headcount shares.
class DepartmentProvider : public Provider {
 public:
  explicit DepartmentProvider(WeightedTable table) : table_(std::move(table)) {}
  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      out.texts[i].assign(table_.Sample(random));
    }
  }
  size_t MaxLength(size_t) const override { return table_.MaxLength(); }

 private:
  WeightedTable table_;
};

}  // namespace

std::unique_ptr<Provider> MakeJobTitleProvider(const Params& params, const ProviderContext&) {
  TitleTable table = LoadTitles();
  SelectDepartments(params, "departments", table);
  return std::make_unique<JobTitleProvider>(std::move(table), params.Bool("levels", true));
}

std::unique_ptr<Provider> MakeDepartmentProvider(const Params& params, const ProviderContext&) {
  // A department is as likely as the titles in it are together: the
  // job_title table, summed, is the department's headcount share.
  TitleTable table = LoadTitles();
  SelectDepartments(params, "departments", table);
  std::vector<double> weights(table.departments.size(), 0);
  for (size_t i = 0; i < table.titles.size(); ++i) {
    const size_t d = static_cast<size_t>(
        std::find(table.departments.begin(), table.departments.end(), table.titles[i].department) -
        table.departments.begin());
    weights[d] += table.weights[i];
  }
  return std::make_unique<DepartmentProvider>(
      WeightedTable(std::move(table.departments), std::move(weights)));
}

}  // namespace seedforge
