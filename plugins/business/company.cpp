// `company`: a made-up US business name and its industry: "Garcia Plumbing
// LLC", "Summit Analytics Inc.", "Walker & Reed", "Nguyen, Park & Cole LLP".
// Names are built from Census surnames, descriptive words, words of the
// industry and legal-form suffixes (data/SOURCES.md). Any resemblance to
// a real firm is chance: the parts are common words.
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

enum CompanyField : size_t { kName, kIndustry };

// Name shapes and how often each is used. Surname-led names are the most
// common form of small US businesses; the partnership forms are typical of
// law, accounting and consulting firms.
enum Shape : size_t { kSurnameWord, kDescriptorWord, kTwoSurnames, kThreeSurnames };
constexpr double kShapeShares[] = {0.40, 0.35, 0.17, 0.08};

struct Industry {
  std::string name;
  std::vector<std::string> words;
};

bool SameIgnoringCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

class CompanyProvider : public Provider {
 public:
  CompanyProvider(std::vector<Industry> industries, const std::vector<double>& weights)
      : industries_(std::move(industries)),
        industry_sampler_(weights),
        surnames_(WeightedTable::FromResource("plugins/business/data/surnames.tsv")),
        descriptors_(WeightedTable::FromResource("plugins/business/data/company_words.tsv")),
        suffixes_(WeightedTable::FromResource("plugins/business/data/company_suffixes.tsv")) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn* name = kName < args.outputs.size() ? args.outputs[kName] : nullptr;
    BatchColumn* industry = kIndustry < args.outputs.size() ? args.outputs[kIndustry] : nullptr;
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // The industry comes first; the draws after it depend on the shape,
      // but only the name reads them, so the industry of a row is the same
      // whether or not its name is asked for.
      RandomStream random(args.key, args.rows[i]);
      const Industry& ind = industries_[industry_sampler_.Sample(random)];
      if (industry) industry->texts[i].assign(ind.name);
      if (!name) continue;
      const std::string& word = ind.words[random.Below(ind.words.size())];
      double u = random.Uniform();
      size_t shape = std::size(kShapeShares) - 1;
      for (size_t s = 0; s < std::size(kShapeShares); ++s) {
        if (u < kShapeShares[s]) {
          shape = s;
          break;
        }
        u -= kShapeShares[s];
      }
      std::string& s = name->texts[i];
      s.clear();
      switch (shape) {
        case kSurnameWord:
          s.append(surnames_.Sample(random));
          s.push_back(' ');
          s.append(word);
          AppendSuffix(word, suffixes_.Sample(random), s);
          break;
        case kDescriptorWord:
          s.append(descriptors_.Sample(random));
          s.push_back(' ');
          s.append(word);
          AppendSuffix(word, suffixes_.Sample(random), s);
          break;
        case kTwoSurnames: {
          size_t first = surnames_.SampleIndex(random);
          size_t second = Other(surnames_.SampleIndex(random), first, first);
          s.append(surnames_.value(first));
          s.append(" & ");
          s.append(surnames_.value(second));
          AppendSuffix("", suffixes_.Sample(random), s);
          break;
        }
        default: {
          // "Nguyen, Park & Cole LLP": the limited liability partnership is
          // the usual form of such firms (law and accounting practices).
          size_t first = surnames_.SampleIndex(random);
          size_t second = Other(surnames_.SampleIndex(random), first, first);
          size_t third = Other(surnames_.SampleIndex(random), first, second);
          s.append(surnames_.value(first));
          s.append(", ");
          s.append(surnames_.value(second));
          s.append(" & ");
          s.append(surnames_.value(third));
          s.append(" LLP");
          break;
        }
      }
    }
  }

  size_t MaxLength(size_t field) const override {
    if (field == kIndustry) {
      size_t longest = 0;
      for (const Industry& ind : industries_) longest = std::max(longest, ind.name.size());
      return longest;
    }
    size_t word = 0;
    for (const Industry& ind : industries_) {
      for (const std::string& w : ind.words) word = std::max(word, w.size());
    }
    const size_t surname = surnames_.MaxLength(), suffix = suffixes_.MaxLength();
    return std::max({surname + 1 + word + 1 + suffix,
                     descriptors_.MaxLength() + 1 + word + 1 + suffix,
                     surname + 3 + surname + 1 + suffix, 3 * surname + 2 + 3 + 4});
  }

 private:
  // Partners are different people: steps past a surname already used.
  size_t Other(size_t index, size_t a, size_t b) const {
    while (index == a || index == b) index = (index + 1) % surnames_.size();
    return index;
  }

  // " LLC" after the name, unless the suffix is empty or repeats the last
  // word ("Harper Partners Partners"; both tables capitalise alike).
  static void AppendSuffix(std::string_view word, const std::string& suffix, std::string& s) {
    if (suffix.empty() || word == suffix) return;
    s.push_back(' ');
    s.append(suffix);
  }

  std::vector<Industry> industries_;
  AliasSampler industry_sampler_;
  WeightedTable surnames_;
  WeightedTable descriptors_;
  WeightedTable suffixes_;
};

constexpr std::string_view kIndustryTable = "plugins/business/data/industries.tsv";

}  // namespace

std::unique_ptr<Provider> MakeCompanyProvider(const Params& params, const ProviderContext&) {
  std::vector<Industry> all;
  std::vector<double> table_weights;
  for (const auto& f : ParseTsv(Resource(kIndustryTable))) {
    if (f.size() < 3) throw Error("data table " + std::string(kIndustryTable) + ": bad row");
    Industry ind;
    ind.name = std::string(f[0]);
    std::string_view words = f[2];
    while (!words.empty()) {
      const size_t comma = words.find(',');
      ind.words.emplace_back(words.substr(0, comma));
      if (comma == std::string_view::npos) break;
      words.remove_prefix(comma + 1);
    }
    table_weights.push_back(std::strtod(std::string(f[1]).c_str(), nullptr));
    all.push_back(std::move(ind));
  }
  if (!params.Has("industries")) return std::make_unique<CompanyProvider>(all, table_weights);

  // A list keeps the table's shares among the chosen industries; a map sets
  // them.
  const bool explicit_shares = params.Find("industries")->type == ParamValue::Type::kMap;
  std::vector<Industry> chosen;
  std::vector<double> weights;
  for (const auto& [name, weight] : params.Weighted("industries")) {
    auto it = std::find_if(all.begin(), all.end(),
                           [&, &name = name](const Industry& ind) { return SameIgnoringCase(ind.name, name); });
    if (it == all.end()) {
      std::string known;
      for (const Industry& ind : all) known += (known.empty() ? "" : ", ") + ind.name;
      params.Fail("industries", "unknown industry '" + name + "'; known: " + known);
    }
    if (weight <= 0) continue;
    chosen.push_back(*it);
    weights.push_back(explicit_shares ? weight : table_weights[static_cast<size_t>(it - all.begin())]);
  }
  return std::make_unique<CompanyProvider>(std::move(chosen), weights);
}

}  // namespace seedforge
