// `title`: an optional adjective then nouns from data/title_words.tsv,
// capitalised, so that a generated title reads as one ("Lost Harbor
// Dragon") and never as a job title or lorem ipsum.
#include <algorithm>
#include <cctype>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/error.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"
#include "titles/titles_providers.h"

namespace seedforge {
namespace {

constexpr std::string_view kWordTable = "plugins/titles/data/title_words.tsv";

// Chance that a title of two words or more starts with an adjective.
constexpr double kAdjectiveShare = 0.4;

struct TitleWords {
  std::vector<std::string_view> nouns, adjectives;
};

const TitleWords& Words() {
  static const TitleWords words = [] {
    TitleWords w;
    for (const auto& f : ParseTsv(Resource(kWordTable))) {
      if (f.size() < 2 || (f[1] != "n" && f[1] != "a")) throw Error("data table " + std::string(kWordTable) + ": bad row");
      (f[1] == "n" ? w.nouns : w.adjectives).push_back(f[0]);
    }
    return w;
  }();
  return words;
}

class TitleProvider : public Provider {
 public:
  TitleProvider(int64_t min_words, int64_t max_words, bool upper, int64_t max_length)
      : min_words_(min_words), max_words_(max_words), upper_(upper), max_length_(max_length) {}

  void Fill(const FillArgs& args) const override {
    const TitleWords& words = Words();
    BatchColumn& out = *args.outputs[0];
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      std::string& s = out.texts[i];
      s.clear();
      const int64_t count = random.Between(min_words_, max_words_);
      const bool adjective = count >= 2 && random.Chance(kAdjectiveShare);
      for (int64_t w = 0; w < count; ++w) {
        const auto& list = w == 0 && adjective ? words.adjectives : words.nouns;
        const std::string_view word = list[random.Below(list.size())];
        const size_t extra = word.size() + (s.empty() ? 0 : 1);
        if (max_length_ > 0 && s.size() + extra > static_cast<size_t>(max_length_)) break;
        if (!s.empty()) s += ' ';
        for (size_t k = 0; k < word.size(); ++k) {
          const bool capital = upper_ || k == 0;
          s += static_cast<char>(capital ? std::toupper(static_cast<unsigned char>(word[k])) : word[k]);
        }
      }
    }
  }

  size_t MaxLength(size_t) const override {
    return max_length_ > 0 ? static_cast<size_t>(max_length_) : static_cast<size_t>(max_words_) * 12;
  }

 private:
  int64_t min_words_, max_words_;
  bool upper_;
  int64_t max_length_;
};

}  // namespace

std::unique_ptr<Provider> MakeTitleProvider(const Params& params, const ProviderContext&) {
  const int64_t min_words = params.Int("min_words", 1), max_words = params.Int("max_words", 3);
  if (min_words < 1 || max_words < min_words) params.Fail("max_words", "must be >= min_words >= 1");
  const std::string letter_case = params.String("case", "title");
  if (letter_case != "title" && letter_case != "upper") params.Fail("case", "must be title or upper");
  const int64_t max_length = params.Int("max_length", 0);
  if (max_length < 0) params.Fail("max_length", "must be >= 0");
  return std::make_unique<TitleProvider>(min_words, max_words, letter_case == "upper", max_length);
}

}  // namespace seedforge
