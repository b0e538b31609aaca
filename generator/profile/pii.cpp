// The PII detector (seedforge/pii.h). Every kind is scored the same way:
//
//   f        the share of the values with the kind's shape
//   p        of those, the share that pass the kind's checksum, validity
//            rule or dictionary
//   r        how often a look-alike of the same shape passes that rule by
//            chance (1/10 for Luhn, 1/97 for mod 97, 0.889 for the SSA
//            rules on nine digits, the share of 5-digit numbers that are
//            ZIP Codes, ...)
//   above    (p - r) / (1 - r), clamped to [0, 1]: how far the column is
//            above what chance gives, so a column of order numbers that
//            pass Luhn one time in ten scores 0, not 0.1
//   value    f * above * strength, the kind's strength saying how much
//            the values alone can tell (a dashed SSN a lot, nine bare
//            digits little, a date nothing about a birth)
//   confidence = min(1, value + 0.35 if the header names the kind)
//
// The kind with the highest confidence wins if it reaches 0.5. Only when
// no whole-value kind does is the column read as free text, each value's
// words searched for identifiers that a strong rule checks.
#include "seedforge/pii.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <set>
#include <string>
#include <unordered_set>

#include <fmt/format.h>

#include "seedforge/identifiers.h"
#include "seedforge/personal_names.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"

namespace seedforge {

namespace ids = identifiers;

std::string_view PiiKindName(PiiKind kind) {
  switch (kind) {
    case PiiKind::kNone: return "none";
    case PiiKind::kFirstName: return "first_name";
    case PiiKind::kLastName: return "last_name";
    case PiiKind::kFullName: return "full_name";
    case PiiKind::kEmail: return "email";
    case PiiKind::kPhone: return "phone";
    case PiiKind::kSsn: return "ssn";
    case PiiKind::kCard: return "card";
    case PiiKind::kIban: return "iban";
    case PiiKind::kStreetAddress: return "street_address";
    case PiiKind::kZip: return "zip";
    case PiiKind::kCity: return "city";
    case PiiKind::kState: return "state";
    case PiiKind::kDateOfBirth: return "date_of_birth";
    case PiiKind::kIpAddress: return "ip_address";
    case PiiKind::kVin: return "vin";
    case PiiKind::kFreeText: return "free_text";
  }
  return "none";
}

std::optional<PiiKind> ParsePiiKind(std::string_view name) {
  for (int k = 0; k <= static_cast<int>(PiiKind::kFreeText); ++k) {
    if (PiiKindName(static_cast<PiiKind>(k)) == name) return static_cast<PiiKind>(k);
  }
  return std::nullopt;
}

namespace {

// Presidio's context boost: a header naming the kind adds this much.
constexpr double kHeaderBoost = 0.35;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isdigit(c); });
}

// The digits of `s` when it holds only digits and these separators.
std::string DigitsOf(std::string_view s, std::string_view separators) {
  std::string out;
  for (char c : s) {
    if (std::isdigit(static_cast<unsigned char>(c))) {
      out += c;
    } else if (separators.find(c) == std::string_view::npos) {
      return "";
    }
  }
  return out;
}

// The lookup tables: the person pack's names, the address pack's ZIP
// Codes, cities and states, and the in-service area codes. Words are kept
// in lower case.
struct Dictionaries {
  std::unordered_set<std::string> first, last, cities, states, zips, suffixes;
  std::unordered_set<int> area_codes;

  static const Dictionaries& Get() {
    static const Dictionaries d = Load();
    return d;
  }

 private:
  static Dictionaries Load() {
    Dictionaries d;
    for (const char* path : {"plugins/person/data/first_names_female.tsv", "plugins/person/data/first_names_male.tsv"}) {
      for (const auto& row : ParseTsv(Resource(path))) d.first.insert(Lower(row[0]));
    }
    for (const auto& row : ParseTsv(Resource("plugins/person/data/last_names.tsv"))) d.last.insert(Lower(row[0]));
    for (const auto& row : ParseTsv(Resource("plugins/address/data/zip_codes.tsv"))) {
      if (row.size() < 3) continue;
      d.zips.insert(std::string(row[0]));
      d.cities.insert(Lower(row[1]));
      d.states.insert(Lower(row[2]));
    }
    for (const auto& row : ParseTsv(Resource("plugins/address/data/street_suffixes.tsv"))) {
      d.suffixes.insert(Lower(row[0]));
    }
    // The suffixes spelled out, as people write them too.
    for (const char* word : {"street", "avenue", "road", "drive", "lane", "court", "place", "boulevard", "circle",
                             "trail", "terrace", "parkway", "highway", "hwy", "square", "sq"}) {
      d.suffixes.insert(word);
    }
    for (const auto& row : ParseTsv(Resource("plugins/contact/data/area_codes.tsv"))) {
      if (row.size() >= 2 && IsDigits(row[1])) d.area_codes.insert(std::stoi(std::string(row[1])));
    }
    return d;
  }
};

// The non-NULL values read: all of them, or kPiiSampleValues spread evenly.
std::vector<std::string_view> SampleValues(const TableColumn& column) {
  std::vector<size_t> rows;
  for (size_t r = 0; r < column.nulls.size(); ++r) {
    if (!column.IsNull(r)) rows.push_back(r);
  }
  std::vector<std::string_view> out;
  const size_t n = std::min(rows.size(), kPiiSampleValues);
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(Trim(column.Text(rows[i * rows.size() / n])));
  return out;
}

// One kind's score on the sample.
struct Score {
  PiiKind kind = PiiKind::kNone;
  double format = 0;      // share with the shape
  double checksum = -1;   // of those, passing the rule
  double dictionary = -1;
  double pass = 0;        // s: share passing everything
  double chance = 0;      // r
  double strength = 0;
  bool header = false;
  std::string detail;

  // The chance applies to the shaped values: junk among the values ("n/a")
  // lowers the format share, not the rule's margin over chance.
  double Confidence() const {
    const double rule = format > 0 ? pass / format : 0;
    const double above = chance < 1 ? std::clamp((rule - chance) / (1 - chance), 0.0, 1.0) : 0.0;
    return std::min(1.0, format * above * strength + (header ? kHeaderBoost : 0.0));
  }
};

double Share(size_t hits, size_t of) { return of ? static_cast<double>(hits) / static_cast<double>(of) : 0; }

// Names and places from a dictionary need variety: a few distinct
// values that happen to be surnames (Brown, Green, White) or cities are a
// category (colours, offices), not people. A category's labels stop
// coming while people's names keep coming, so below max(10, sqrt(values))
// distinct hits the strength falls in proportion (7 flower names over 300
// rows are a category; 12 first names among 15 staff are names).
constexpr size_t kMinDistinctWords = 10;
constexpr size_t kMostDistinctNeeded = 100;  // sqrt(kPiiSampleValues) is 71

template <typename Rule>
auto CountingDistinct(std::set<std::string>& hits, Rule rule) {
  return [&hits, rule](std::string_view v) {
    const bool in = rule(v);
    if (in && hits.size() < kMostDistinctNeeded) hits.insert(std::string(v));
    return in;
  };
}

double Variety(const std::set<std::string>& hits, size_t values) {
  const double needed = std::max(static_cast<double>(kMinDistinctWords), std::sqrt(static_cast<double>(values)));
  return std::min(1.0, static_cast<double>(hits.size()) / needed);
}

// A kind checked as shape, then a rule on the shaped values.
template <typename Shape, typename Rule>
Score ShapeAndRule(PiiKind kind, const std::vector<std::string_view>& values, Shape shape, Rule rule) {
  Score s;
  s.kind = kind;
  size_t shaped = 0, passed = 0;
  for (std::string_view v : values) {
    if (!shape(v)) continue;
    ++shaped;
    passed += rule(v);
  }
  s.format = Share(shaped, values.size());
  s.checksum = shaped ? Share(passed, shaped) : 0;
  s.pass = Share(passed, values.size());
  return s;
}

Score EmailScore(const std::vector<std::string_view>& values) {
  Score s = ShapeAndRule(
      PiiKind::kEmail, values, [](std::string_view v) { return v.find('@') != std::string_view::npos; },
      [](std::string_view v) { return ids::EmailValid(v); });
  s.strength = 0.95;
  return s;
}

// NANP numbers with an in-service area code, or E.164 numbers. A
// look-alike of NANP's shape (a product code ###-###-####) has a valid,
// in-service area code and exchange about 27% of the time.
Score PhoneScore(const std::vector<std::string_view>& values) {
  const Dictionaries& d = Dictionaries::Get();
  size_t shaped = 0, nanp = 0, e164 = 0, punctuated = 0;
  for (std::string_view v : values) {
    const std::string digits = DigitsOf(v, " +-.()");
    if (digits.size() < 10 || digits.size() > 15) continue;
    ++shaped;
    punctuated += digits.size() != v.size();
    if (v.front() == '+' && !(digits.size() == 11 && digits[0] == '1')) {
      e164 += ids::E164Valid(v);
      continue;
    }
    const std::string national = digits.size() == 11 && digits[0] == '1' ? digits.substr(1) : digits;
    nanp += national.size() == 10 && ids::NanpNumberValid(v) && d.area_codes.count(std::stoi(national.substr(0, 3)));
  }
  Score s;
  s.kind = PiiKind::kPhone;
  s.format = Share(shaped, values.size());
  s.checksum = shaped ? Share(nanp + e164, shaped) : 0;
  s.pass = Share(nanp + e164, values.size());
  s.detail = e164 > nanp ? "e164" : "nanp";
  if (e164 > nanp) {
    s.chance = 0;  // the '+' and a valid country code are the format
    s.strength = 0.9;
  } else {
    s.chance = 0.27;
    // Ten bare digits are as often an account number as a phone.
    s.strength = punctuated * 2 >= shaped ? 0.9 : 0.6;
  }
  return s;
}

// 88.9% of random nine digits pass the SSA rules: the dashes are the
// format, the rules only take out the impossible.
Score SsnScore(const std::vector<std::string_view>& values) {
  static const std::regex kDashed(R"(\d{3}-\d{2}-\d{4})");
  size_t dashed = 0;
  Score s = ShapeAndRule(
      PiiKind::kSsn, values,
      [&](std::string_view v) {
        if (v.size() == 11 && std::regex_match(v.begin(), v.end(), kDashed)) {
          ++dashed;
          return true;
        }
        return v.size() == 9 && IsDigits(v);
      },
      [](std::string_view v) { return ids::SsnValid(v); });
  s.chance = 0.889;
  const bool mostly_dashed = dashed * 2 >= static_cast<size_t>(s.format * static_cast<double>(values.size()));
  s.strength = mostly_dashed && dashed > 0 ? 0.75 : 0.3;
  s.detail = mostly_dashed && dashed > 0 ? "dashed" : "digits";
  return s;
}

// The IIN ranges and lengths are the format; Luhn passes one look-alike in
// ten.
Score CardScore(const std::vector<std::string_view>& values) {
  std::string scheme;
  Score s = ShapeAndRule(
      PiiKind::kCard, values,
      [&](std::string_view v) {
        const std::string digits = DigitsOf(v, " -");
        if (digits.size() < 12 || digits.size() > 19) return false;
        auto found = ids::FindCardScheme(digits);
        if (found && scheme.empty()) scheme = found->key;
        return found.has_value();
      },
      [](std::string_view v) { return ids::LuhnValid(DigitsOf(v, " -")); });
  s.chance = 0.1;
  s.strength = 1.0;
  s.detail = scheme;
  return s;
}

Score IbanScore(const std::vector<std::string_view>& values) {
  static const std::regex kShape(R"([A-Za-z]{2}\d{2}[A-Za-z0-9 ]{11,38})");
  Score s = ShapeAndRule(
      PiiKind::kIban, values, [](std::string_view v) { return std::regex_match(v.begin(), v.end(), kShape); },
      [](std::string_view v) {
        std::string upper(v);
        for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return ids::IbanValid(upper);
      });
  s.chance = 1.0 / 97;
  s.strength = 1.0;
  return s;
}

// A look-alike with VIN characters has the right check digit 1 time in 11.
Score VinScore(const std::vector<std::string_view>& values) {
  Score s = ShapeAndRule(
      PiiKind::kVin, values,
      [](std::string_view v) {
        return v.size() == 17 && std::all_of(v.begin(), v.end(), [](char c) { return ids::VinCharValue(c) >= 0; });
      },
      [](std::string_view v) { return ids::VinValid(v); });
  s.chance = 1.0 / 11;
  s.strength = 1.0;
  return s;
}

// Version strings (1.2.3.4) are valid IPv4 addresses: only addresses
// spread over many first octets, or mostly above 32, count by the values
// alone.
Score IpScore(const std::vector<std::string_view>& values) {
  size_t v4 = 0, v6 = 0, high = 0;
  std::set<int> first_octets;
  for (std::string_view v : values) {
    if (ids::Ipv4Valid(v)) {
      ++v4;
      const int first = std::stoi(std::string(v.substr(0, v.find('.'))));
      first_octets.insert(first);
      high += first > 32;
    } else if (v.find(':') != std::string_view::npos && ids::Ipv6Valid(v)) {
      ++v6;
    }
  }
  Score s;
  s.kind = PiiKind::kIpAddress;
  s.pass = Share(v4 + v6, values.size());
  s.format = s.pass;
  s.detail = v6 > v4 ? "ipv6" : "ipv4";
  const bool spread = first_octets.size() >= 20 || (v4 > 0 && high * 2 >= v4);
  s.strength = v6 > v4 || spread ? 0.95 : 0.3;
  return s;
}

// A house number, words, and a street suffix; an apartment after it.
Score StreetScore(const std::vector<std::string_view>& values) {
  static const std::regex kShape(
      R"(\d{1,6}[A-Za-z]? ((N|S|E|W|NE|NW|SE|SW)\.? )?([A-Za-z0-9'.-]+ ){0,4}([A-Za-z]+)\.?)"
      R"((,? (Apt|Suite|Ste|Unit|#)\.? ?[A-Za-z0-9-]+)?)",
      std::regex::icase);
  const Dictionaries& d = Dictionaries::Get();
  Score s = ShapeAndRule(
      PiiKind::kStreetAddress, values,
      [](std::string_view v) { return v.size() <= 80 && std::regex_match(v.begin(), v.end(), kShape); },
      [&](std::string_view v) {
        // The suffix: the last word before any apartment.
        std::string text = Lower(v);
        for (const char* unit : {" apt", ", apt", " suite", ", suite", " ste", " unit", " #"}) {
          if (auto at = text.find(unit); at != std::string::npos) text.resize(at);
        }
        while (!text.empty() && (text.back() == '.' || text.back() == ',')) text.pop_back();
        const size_t space = text.rfind(' ');
        return space != std::string::npos && d.suffixes.count(text.substr(space + 1)) > 0;
      });
  s.strength = 0.9;
  return s;
}

// ZIP Codes in the address pack's table (about a third of all 5-digit
// numbers are one).
Score ZipScore(const std::vector<std::string_view>& values) {
  static const std::regex kShape(R"(\d{5}(-\d{4})?)");
  const Dictionaries& d = Dictionaries::Get();
  Score s = ShapeAndRule(
      PiiKind::kZip, values, [](std::string_view v) { return std::regex_match(v.begin(), v.end(), kShape); },
      [&](std::string_view v) { return d.zips.count(std::string(v.substr(0, 5))) > 0; });
  s.dictionary = s.checksum;
  s.checksum = -1;
  s.chance = static_cast<double>(d.zips.size()) / 100000.0;
  s.strength = 0.6;
  return s;
}

bool IsNameWord(std::string_view w) {
  return !w.empty() && w.size() <= 30 && std::isalpha(static_cast<unsigned char>(w[0])) &&
         std::all_of(w.begin(), w.end(), [](unsigned char c) { return std::isalpha(c) || c == '\'' || c == '-'; });
}

// The words of `v`, split at spaces, tabs and line breaks.
std::vector<std::string_view> Words(std::string_view v) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start < v.size()) {
    const size_t space = std::min(v.find_first_of(" \t\r\n", start), v.size());
    if (space > start) out.push_back(v.substr(start, space - start));
    start = space + 1;
  }
  return out;
}

// One word found in a dictionary; `chance` is how often other capitalised
// words are found in it (docs/profile.md).
Score WordScore(PiiKind kind, const std::vector<std::string_view>& values, const std::unordered_set<std::string>& dict,
                double chance, double strength) {
  std::set<std::string> hits;
  Score s = ShapeAndRule(kind, values, [](std::string_view v) { return IsNameWord(v); },
                         CountingDistinct(hits, [&](std::string_view v) { return dict.count(Lower(v)) > 0; }));
  s.dictionary = s.checksum;
  s.checksum = -1;
  s.chance = chance;
  s.strength = strength * Variety(hits, values.size());
  return s;
}

// Two to four words: a first name first, a surname last.
Score FullNameScore(const std::vector<std::string_view>& values) {
  const Dictionaries& d = Dictionaries::Get();
  std::set<std::string> hits;
  Score s = ShapeAndRule(
      PiiKind::kFullName, values,
      [](std::string_view v) {
        auto words = Words(v);
        return words.size() >= 2 && words.size() <= 4 &&
               std::all_of(words.begin(), words.end(), [](std::string_view w) {
                 if (!w.empty() && (w.back() == '.' || w.back() == ',')) w.remove_suffix(1);
                 return IsNameWord(w);
               });
      },
      CountingDistinct(hits, [&](std::string_view v) {
        auto words = Words(v);
        std::string first = Lower(words.front()), last = Lower(words.back());
        while (!last.empty() && (last.back() == '.' || last.back() == ',')) last.pop_back();
        static const std::set<std::string> kTitles = {"mr", "mrs", "ms", "dr", "mr.", "mrs.", "ms.", "dr."};
        static const std::set<std::string> kSuffixes = {"jr", "sr", "ii", "iii", "iv"};
        if (kTitles.count(first) && words.size() > 2) first = Lower(words[1]);
        if (kSuffixes.count(last) && words.size() > 2) last = Lower(words[words.size() - 2]);
        while (!first.empty() && first.back() == ',') first.pop_back();
        return d.first.count(first) > 0 && d.last.count(last) > 0;
      }));
  s.dictionary = s.checksum;
  s.checksum = -1;
  s.chance = 0.05;
  s.strength = 0.9 * Variety(hits, values.size());
  return s;
}

Score CityScore(const std::vector<std::string_view>& values) {
  const Dictionaries& d = Dictionaries::Get();
  std::set<std::string> hits;
  Score s = ShapeAndRule(
      PiiKind::kCity, values,
      [](std::string_view v) {
        auto words = Words(v);
        return !words.empty() && words.size() <= 4 &&
               std::all_of(words.begin(), words.end(), [](std::string_view w) { return IsNameWord(w) || w == "St."; });
      },
      CountingDistinct(hits, [&](std::string_view v) { return d.cities.count(Lower(v)) > 0; }));
  s.dictionary = s.checksum;
  s.checksum = -1;
  s.chance = 0.35;  // 32% of the titles pack's words are US place names
  s.strength = 0.7 * Variety(hits, values.size());
  return s;
}

// Two-letter USPS codes; a column of them with few distinct values may be
// countries, so the values alone need ten different states.
Score StateScore(const std::vector<std::string_view>& values) {
  const Dictionaries& d = Dictionaries::Get();
  std::set<std::string_view> distinct;
  Score s = ShapeAndRule(
      PiiKind::kState, values,
      [](std::string_view v) { return v.size() == 2 && std::isalpha(static_cast<unsigned char>(v[0])) &&
                                      std::isalpha(static_cast<unsigned char>(v[1])); },
      [&](std::string_view v) {
        const bool in = d.states.count(Lower(v)) > 0;
        if (in) distinct.insert(v);
        return in;
      });
  s.dictionary = s.checksum;
  s.checksum = -1;
  s.chance = 0.1;
  s.strength = distinct.size() >= 10 ? 0.6 : 0.2;
  return s;
}

// A date says nothing about a birth by itself: only the header does, on a
// column the table layer reads as dates or timestamps.
Score DateOfBirthScore(const TableColumn& column) {
  Score s;
  s.kind = PiiKind::kDateOfBirth;
  if (column.type != ColumnType::kDate && column.type != ColumnType::kTimestamp) return s;
  s.format = 1;
  s.pass = 1;
  s.strength = 0.3;
  return s;
}

// Free text: the words of each value searched for identifiers that strong
// rules check (e-mail, card, IBAN, dashed SSN, NANP with punctuation,
// E.164). Version strings and bare digits inside text are left alone.
struct FreeTextScan {
  size_t rows = 0;
  std::set<PiiKind> kinds;
};

FreeTextScan ScanFreeText(const std::vector<std::string_view>& values) {
  static const std::regex kPhone(R"((\+\d{1,3}[ -]?)?(\(\d{3}\) ?|\d{3}[-. ])\d{3}[-. ]\d{4}|\+\d[\d -]{7,17}\d)");
  static const std::regex kSsn(R"(\b\d{3}-\d{2}-\d{4}\b)");
  // Cards and IBANs written in groups ("4111 1111 1111 1111", "DE89 3704
  // 0044 0532 0130 00"), which the split into words cuts apart.
  static const std::regex kGroupedCard(R"(\b\d{4}([ -]\d{4}){2,3}\b|\b\d{4}[ -]\d{6}[ -]\d{5}\b)");
  static const std::regex kGroupedIban(R"(\b[A-Z]{2}\d{2}( [A-Z0-9]{4}){2,7}( [A-Z0-9]{1,4})?\b)");
  const Dictionaries& d = Dictionaries::Get();
  FreeTextScan scan;
  for (std::string_view v : values) {
    bool hit = false;
    auto found = [&](PiiKind kind) {
      hit = true;
      scan.kinds.insert(kind);
    };
    for (std::string_view w : Words(v)) {
      while (!w.empty() && std::string_view("<([\"'").find(w.front()) != std::string_view::npos) w.remove_prefix(1);
      while (!w.empty() && std::string_view(">)]\"'.,;:!?").find(w.back()) != std::string_view::npos) w.remove_suffix(1);
      if (w.find('@') != std::string_view::npos && ids::EmailValid(w)) found(PiiKind::kEmail);
      if (w.size() >= 12 && w.size() <= 19 && IsDigits(w) && ids::CardNumberValid(w)) found(PiiKind::kCard);
      if (w.size() >= 15 && w.size() <= 34 && std::isalpha(static_cast<unsigned char>(w[0])) && ids::IbanValid(w)) {
        found(PiiKind::kIban);
      }
    }
    const std::string text(v);
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kSsn); it != std::sregex_iterator(); ++it) {
      if (ids::SsnValid(it->str())) found(PiiKind::kSsn);
    }
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kGroupedCard); it != std::sregex_iterator(); ++it) {
      if (ids::CardNumberValid(it->str())) found(PiiKind::kCard);
    }
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kGroupedIban); it != std::sregex_iterator(); ++it) {
      if (ids::IbanValid(it->str())) found(PiiKind::kIban);
    }
    for (auto it = std::sregex_iterator(text.begin(), text.end(), kPhone); it != std::sregex_iterator(); ++it) {
      const std::string m = it->str();
      const std::string digits = DigitsOf(m, " +-.()");
      if (m.front() == '+' && !(digits.size() == 11 && digits[0] == '1')) {
        if (ids::E164Valid(m)) found(PiiKind::kPhone);
        continue;
      }
      const std::string national = digits.size() == 11 && digits[0] == '1' ? digits.substr(1) : digits;
      if (national.size() == 10 && ids::NanpNumberValid(m) && d.area_codes.count(std::stoi(national.substr(0, 3)))) {
        found(PiiKind::kPhone);
      }
    }
    scan.rows += hit;
  }
  return scan;
}

PiiKind KindOfHeader(PersonalName name) {
  switch (name) {
    case PersonalName::kEmail: return PiiKind::kEmail;
    case PersonalName::kPhone: return PiiKind::kPhone;
    case PersonalName::kSsn: return PiiKind::kSsn;
    case PersonalName::kFirstName: return PiiKind::kFirstName;
    case PersonalName::kLastName: return PiiKind::kLastName;
    case PersonalName::kFullName: return PiiKind::kFullName;
    case PersonalName::kStreet: return PiiKind::kStreetAddress;
    case PersonalName::kCard: return PiiKind::kCard;
    case PersonalName::kZip: return PiiKind::kZip;
    case PersonalName::kCity: return PiiKind::kCity;
    case PersonalName::kState: return PiiKind::kState;
    case PersonalName::kDateOfBirth: return PiiKind::kDateOfBirth;
    case PersonalName::kIpAddress: return PiiKind::kIpAddress;
    case PersonalName::kVin: return PiiKind::kVin;
    case PersonalName::kIban: return PiiKind::kIban;
    default: return PiiKind::kNone;
  }
}

std::string Percent(double share) { return fmt::format("{:.0f}%", 100 * share); }

}  // namespace

std::string PiiFinding::Explain() const {
  const PiiEvidence& e = evidence;
  std::vector<std::string> parts;
  if (kind == PiiKind::kFreeText) {
    parts.push_back(Percent(e.rows_affected) + " of values hold");
    std::string kinds;
    for (PiiKind k : e.inside) kinds += (kinds.empty() ? "" : ", ") + std::string(PiiKindName(k));
    parts.back() += " " + kinds;
  } else {
    parts.push_back("format " + Percent(e.format));
    if (e.checksum >= 0) parts.push_back("check " + Percent(e.checksum));
    if (e.dictionary >= 0) parts.push_back("dictionary " + Percent(e.dictionary));
  }
  if (e.header) parts.push_back("header");
  if (!e.detail.empty()) parts.push_back(e.detail);
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : ", ") + p;
  return out + fmt::format(" (of {} values)", e.values);
}

PiiFinding DetectPii(const TableColumn& column, std::string_view table) {
  const std::vector<std::string_view> values = SampleValues(column);
  PiiFinding finding;
  finding.evidence.values = values.size();
  if (values.empty()) return finding;
  const Dictionaries& d = Dictionaries::Get();
  const PiiKind named = KindOfHeader(PersonalColumnName(column.name, table));

  std::vector<Score> scores;
  scores.push_back(FullNameScore(values));
  // Many English words are names too: of the titles pack's words
  // ("Sunset", "Hunter", "Rose"), 23% are first names and 42% surnames, so
  // the chance of each table is set above that.
  scores.push_back(WordScore(PiiKind::kFirstName, values, d.first, 0.35, 0.8));
  scores.push_back(WordScore(PiiKind::kLastName, values, d.last, 0.45, 0.8));
  scores.push_back(EmailScore(values));
  scores.push_back(PhoneScore(values));
  scores.push_back(SsnScore(values));
  scores.push_back(CardScore(values));
  scores.push_back(IbanScore(values));
  scores.push_back(StreetScore(values));
  scores.push_back(ZipScore(values));
  scores.push_back(CityScore(values));
  scores.push_back(StateScore(values));
  scores.push_back(DateOfBirthScore(column));
  scores.push_back(IpScore(values));
  scores.push_back(VinScore(values));
  const Score* best = nullptr;
  double best_confidence = 0;
  for (Score& s : scores) {
    s.header = s.kind == named;
    const double c = s.Confidence();
    if (c > best_confidence) {
      best = &s;
      best_confidence = c;
    }
  }
  if (best && best_confidence >= kPiiMinConfidence) {
    finding.kind = best->kind;
    finding.confidence = best_confidence;
    finding.evidence.format = best->format;
    finding.evidence.checksum = best->checksum;
    finding.evidence.dictionary = best->dictionary;
    finding.evidence.header = best->header;
    finding.evidence.detail = best->detail;
    return finding;
  }
  // Free text: values of several words.
  size_t multiword = 0;
  for (std::string_view v : values) multiword += Words(v).size() > 1;
  if (multiword * 2 < values.size()) return finding;
  const FreeTextScan scan = ScanFreeText(values);
  if (scan.rows == 0) return finding;
  finding.kind = PiiKind::kFreeText;
  finding.evidence.rows_affected = Share(scan.rows, values.size());
  finding.evidence.inside.assign(scan.kinds.begin(), scan.kinds.end());
  finding.evidence.format = finding.evidence.rows_affected;
  // Each value with an identifier inside halves the doubt: every match
  // was checked by a rule that look-alikes rarely pass.
  finding.confidence = 1 - std::pow(0.5, static_cast<double>(std::min<size_t>(scan.rows, 30)));
  return finding;
}

}  // namespace seedforge
