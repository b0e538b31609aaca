#include "person/name_text.h"

namespace seedforge::person {
namespace {

// ASCII spellings of the letters U+00C0..U+017F (Latin-1 Supplement and
// Latin Extended-A), as ranges of code points. The spellings follow the
// usual transliteration of names into e-mail addresses (Unicode's own
// decompositions for accented letters; ß, Æ, Œ, Þ, Ĳ spelled out as in
// ICAO Doc 9303's machine-readable-zone transliteration table).
struct FoldRange {
  char32_t lo, hi;
  const char* ascii;  // "" drops the character (× and ÷)
};

constexpr FoldRange kFolds[] = {
    {0xC0, 0xC5, "a"},   {0xC6, 0xC6, "ae"},   {0xC7, 0xC7, "c"},   {0xC8, 0xCB, "e"},
    {0xCC, 0xCF, "i"},   {0xD0, 0xD0, "d"},    {0xD1, 0xD1, "n"},   {0xD2, 0xD6, "o"},
    {0xD7, 0xD7, ""},    {0xD8, 0xD8, "o"},    {0xD9, 0xDC, "u"},   {0xDD, 0xDD, "y"},
    {0xDE, 0xDE, "th"},  {0xDF, 0xDF, "ss"},   {0xE0, 0xE5, "a"},   {0xE6, 0xE6, "ae"},
    {0xE7, 0xE7, "c"},   {0xE8, 0xEB, "e"},    {0xEC, 0xEF, "i"},   {0xF0, 0xF0, "d"},
    {0xF1, 0xF1, "n"},   {0xF2, 0xF6, "o"},    {0xF7, 0xF7, ""},    {0xF8, 0xF8, "o"},
    {0xF9, 0xFC, "u"},   {0xFD, 0xFD, "y"},    {0xFE, 0xFE, "th"},  {0xFF, 0xFF, "y"},
    {0x100, 0x105, "a"}, {0x106, 0x10D, "c"},  {0x10E, 0x111, "d"}, {0x112, 0x11B, "e"},
    {0x11C, 0x123, "g"}, {0x124, 0x127, "h"},  {0x128, 0x131, "i"}, {0x132, 0x133, "ij"},
    {0x134, 0x135, "j"}, {0x136, 0x138, "k"},  {0x139, 0x142, "l"}, {0x143, 0x14B, "n"},
    {0x14C, 0x151, "o"}, {0x152, 0x153, "oe"}, {0x154, 0x159, "r"}, {0x15A, 0x161, "s"},
    {0x162, 0x167, "t"}, {0x168, 0x173, "u"},  {0x174, 0x175, "w"}, {0x176, 0x178, "y"},
    {0x179, 0x17E, "z"}, {0x17F, 0x17F, "s"},
};

const char* FoldCodePoint(char32_t cp) {
  for (const FoldRange& r : kFolds) {
    if (cp >= r.lo && cp <= r.hi) return r.ascii;
  }
  return "";
}

}  // namespace

void AppendFoldedName(std::string_view text, std::string& out) {
  // No character folds to more ASCII letters than it has UTF-8 bytes (the
  // two-letter spellings come from two-byte characters), so the text's size
  // bounds the output: write in place, then trim.
  const size_t start = out.size();
  out.resize(start + text.size());
  char* const begin = out.data();
  char* dst = begin + start;
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      ++i;
      const unsigned char lower = c | 0x20;  // A-Z -> a-z; no other byte lands in a-z
      if (lower >= 'a' && lower <= 'z') *dst++ = static_cast<char>(lower);
      continue;
    }
    // Two-byte UTF-8 sequences cover U+0080..U+07FF, which holds every
    // letter the table folds; longer sequences (other scripts) are skipped
    // whole, and stray continuation or invalid bytes one at a time.
    const size_t length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 ? 2 : 1;
    if (length == 2 && i + 1 < text.size() &&
        (static_cast<unsigned char>(text[i + 1]) & 0xC0) == 0x80) {
      const char32_t cp =
          (static_cast<char32_t>(c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
      for (const char* ascii = FoldCodePoint(cp); *ascii; ++ascii) *dst++ = *ascii;
    }
    i += length;
  }
  out.resize(static_cast<size_t>(dst - begin));
}

void SplitFullName(std::string_view full, std::string_view* first, std::string_view* last) {
  while (!full.empty() && full.front() == ' ') full.remove_prefix(1);
  while (!full.empty() && full.back() == ' ') full.remove_suffix(1);
  size_t first_space = full.find(' ');
  if (first_space == std::string_view::npos) {
    *first = full;
    *last = {};
    return;
  }
  *first = full.substr(0, first_space);
  *last = full.substr(full.rfind(' ') + 1);
}

NameTables NameTables::Load() {
  return {WeightedTable::FromResource("plugins/person/data/first_names_female.tsv"),
          WeightedTable::FromResource("plugins/person/data/first_names_male.tsv"),
          WeightedTable::FromResource("plugins/person/data/last_names.tsv")};
}

UniqueNumber::UniqueNumber(uint64_t key) {
  tiers_.reserve(kTiers);
  uint64_t size = 90;
  for (int t = 0; t < kTiers; ++t, size *= 10) {
    tiers_.emplace_back(Mix64(key ^ (0x756e697175650000ULL + static_cast<uint64_t>(t))), size);
  }
}

uint64_t UniqueNumber::operator()(uint64_t row) const {
  uint64_t first_value = 10;  // smallest number of t + 2 digits
  for (const IndexPermutation& tier : tiers_) {
    if (row < tier.size()) return first_value + tier(row);
    row -= tier.size();
    first_value *= 10;
  }
  // Unreachable for row < 10^19 - 10; wrap rather than fail on the hot path.
  return first_value / 10 + tiers_.back()(row % tiers_.back().size());
}

void FoldedNamesOfRow(const NameTables* tables, const BatchColumn* first_in, const BatchColumn* last_in,
                      const BatchColumn* name_in, size_t i, RandomStream& random, std::string& first,
                      std::string& last) {
  first.clear();
  last.clear();
  if (tables) {
    const WeightedTable& firsts = random.Chance(0.5) ? tables->female : tables->male;
    AppendFoldedName(firsts.Sample(random), first);
    AppendFoldedName(tables->last.Sample(random), last);
    return;
  }
  if (first_in && !first_in->IsNull(i)) AppendFoldedName(first_in->texts[i], first);
  if (last_in && !last_in->IsNull(i)) AppendFoldedName(last_in->texts[i], last);
  if (name_in && !name_in->IsNull(i) && first.empty() && last.empty()) {
    std::string_view name_first, name_last;
    SplitFullName(name_in->texts[i], &name_first, &name_last);
    AppendFoldedName(name_first, first);
    AppendFoldedName(name_last, last);
  }
}

void BuildHandleStem(HandleShape shape, const std::string& first, const std::string& last, size_t max_length,
                     std::string& out) {
  out.clear();
  if (first.empty() || last.empty()) {
    out.append(first.empty() ? last : first);
    if (out.empty()) out.assign("user");
  } else {
    switch (shape) {
      case HandleShape::kFirstDotLast:
        out.append(first).append(".").append(last);
        break;
      case HandleShape::kFlast:
        out.append(1, first[0]).append(last);
        break;
      case HandleShape::kFirstLast:
        out.append(first).append(last);
        break;
      case HandleShape::kFirstUnderLast:
        out.append(first).append("_").append(last);
        break;
      case HandleShape::kFDotLast:
        out.append(1, first[0]).append(".").append(last);
        break;
      case HandleShape::kLastF:
        out.append(last).append(1, first[0]);
        break;
      case HandleShape::kFirstL:
        out.append(first).append(1, last[0]);
        break;
      case HandleShape::kFirst:
        out.append(first);
        break;
    }
  }
  if (out.size() > max_length) out.resize(max_length);
  while (out.back() == '.' || out.back() == '_') out.pop_back();
}

}  // namespace seedforge::person
