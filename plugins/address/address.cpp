// `address`: a US postal address whose city, state and ZIP Code belong
// together. Each row picks a real five-digit ZIP Code with its USPS city name
// and state, in proportion to the people living in it (Census ACS counts, by
// way of SimpleMaps; data/SOURCES.md), so big cities turn up as often as in
// a customer base. The street line (house number, optional direction, a
// common street name, a USPS suffix) is made up.
#include <algorithm>
#include <array>
#include <charconv>
#include <string>
#include <string_view>
#include <vector>

#include "address/address_providers.h"
#include "seedforge/error.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"

namespace seedforge {
namespace {

enum AddressField : size_t { kStreet, kLine2, kCity, kState, kStateName, kZip, kFull };

struct StateInfo {
  std::string_view code;
  std::string_view name;
  bool territory;
};

// USPS two-letter codes (Publication 28, Appendix B) of the 50 states, DC
// and the inhabited territories that have ZIP Codes of their own.
constexpr StateInfo kStates[] = {
    {"AL", "Alabama", false},        {"AK", "Alaska", false},
    {"AZ", "Arizona", false},        {"AR", "Arkansas", false},
    {"CA", "California", false},     {"CO", "Colorado", false},
    {"CT", "Connecticut", false},    {"DE", "Delaware", false},
    {"DC", "District of Columbia", false},
    {"FL", "Florida", false},        {"GA", "Georgia", false},
    {"HI", "Hawaii", false},         {"ID", "Idaho", false},
    {"IL", "Illinois", false},       {"IN", "Indiana", false},
    {"IA", "Iowa", false},           {"KS", "Kansas", false},
    {"KY", "Kentucky", false},       {"LA", "Louisiana", false},
    {"ME", "Maine", false},          {"MD", "Maryland", false},
    {"MA", "Massachusetts", false},  {"MI", "Michigan", false},
    {"MN", "Minnesota", false},      {"MS", "Mississippi", false},
    {"MO", "Missouri", false},       {"MT", "Montana", false},
    {"NE", "Nebraska", false},       {"NV", "Nevada", false},
    {"NH", "New Hampshire", false},  {"NJ", "New Jersey", false},
    {"NM", "New Mexico", false},     {"NY", "New York", false},
    {"NC", "North Carolina", false}, {"ND", "North Dakota", false},
    {"OH", "Ohio", false},           {"OK", "Oklahoma", false},
    {"OR", "Oregon", false},         {"PA", "Pennsylvania", false},
    {"RI", "Rhode Island", false},   {"SC", "South Carolina", false},
    {"SD", "South Dakota", false},   {"TN", "Tennessee", false},
    {"TX", "Texas", false},          {"UT", "Utah", false},
    {"VT", "Vermont", false},        {"VA", "Virginia", false},
    {"WA", "Washington", false},     {"WV", "West Virginia", false},
    {"WI", "Wisconsin", false},      {"WY", "Wyoming", false},
    {"AS", "American Samoa", true},  {"GU", "Guam", true},
    {"MP", "Northern Mariana Islands", true},
    {"PR", "Puerto Rico", true},     {"VI", "U.S. Virgin Islands", true},
};
constexpr size_t kStateCount = std::size(kStates);

int FindState(std::string_view code) {
  std::string upper(code);
  for (char& c : upper) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  for (size_t s = 0; s < kStateCount; ++s) {
    if (kStates[s].code == upper) return static_cast<int>(s);
  }
  return -1;
}

struct ZipRow {
  std::string_view city;  // points into the embedded table, which lives forever
  uint32_t zip;
  uint8_t state;
  double population;
};

constexpr std::string_view kZipTable = "plugins/address/data/zip_codes.tsv";

// The ZIP table, parsed once per process: it is read-only and the same for
// every provider, and parsing 33,000 rows per provider instance would cost
// more than generating them.
const std::vector<ZipRow>& ZipRows() {
  static const std::vector<ZipRow> rows = [] {
    std::vector<ZipRow> out;
    for (const auto& f : ParseTsv(Resource(kZipTable))) {
      ZipRow row{};
      uint32_t zip = 0;
      double population = 0;
      const bool ok =
          f.size() >= 4 && f[0].size() == 5 &&
          std::from_chars(f[0].data(), f[0].data() + 5, zip).ptr == f[0].data() + 5 &&
          !f[1].empty() && FindState(f[2]) >= 0 &&
          std::from_chars(f[3].data(), f[3].data() + f[3].size(), population).ptr ==
              f[3].data() + f[3].size() &&
          population > 0;
      if (!ok) {
        throw Error("data table " + std::string(kZipTable) + ": bad row '" +
                    std::string(f.empty() ? std::string_view() : f[0]) + "'");
      }
      row.city = f[1];
      row.zip = zip;
      row.state = static_cast<uint8_t>(FindState(f[2]));
      row.population = population;
      out.push_back(row);
    }
    return out;
  }();
  return rows;
}

// Digits of the house number. Numbering runs 100 per block from a baseline
// street in most US grids, so three- and four-digit numbers dominate; the
// shares are a rough reading, not a measurement.
constexpr std::array<double, 5> kNumberDigits = {0.06, 0.14, 0.32, 0.40, 0.08};
constexpr uint32_t kPowersOfTen[] = {1, 10, 100, 1000, 10000, 100000};

// Directional prefixes (USPS Publication 28, Appendix C2 abbreviations).
constexpr std::string_view kDirections[] = {"N", "S", "E", "W"};
constexpr double kDirectionShare = 0.1;

// Secondary unit designators (USPS Publication 28, Appendix C2) and how
// often each is used for a generated line2.
struct UnitKind {
  std::string_view designator;
  double share;
  uint32_t lo, hi;  // unit numbers
};
constexpr UnitKind kUnits[] = {{"Apt", 0.75, 1, 999}, {"Unit", 0.15, 1, 300}, {"Ste", 0.10, 100, 999}};
constexpr double kApartmentLetterShare = 0.3;  // "Apt 4B" rather than "Apt 412"

void AppendUint(uint32_t value, std::string& out) {
  char buf[10];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  out.append(buf, end);
}

void AppendZip(uint32_t zip, std::string& out) {
  char buf[5];
  for (int i = 4; i >= 0; --i) {
    buf[i] = static_cast<char>('0' + zip % 10);
    zip /= 10;
  }
  out.append(buf, 5);
}

// Everything drawn for one row, in the order it is drawn.
struct Draw {
  const ZipRow* zip;
  uint32_t number;
  int direction;  // -1: none
  size_t name;
  size_t suffix;
  int unit;  // -1: no line2
  uint32_t unit_number;
  char unit_letter;  // '\0': none
};

class AddressProvider : public Provider {
 public:
  AddressProvider(std::vector<uint32_t> eligible, AliasSampler zips, double secondary)
      : eligible_(std::move(eligible)),
        zips_(std::move(zips)),
        names_(WeightedTable::FromResource("plugins/address/data/street_names.tsv")),
        suffixes_(WeightedTable::FromResource("plugins/address/data/street_suffixes.tsv")),
        secondary_(secondary) {}

  void Fill(const FillArgs& args) const override {
    auto out = [&](size_t f) { return f < args.outputs.size() ? args.outputs[f] : nullptr; };
    BatchColumn* street = out(kStreet);
    BatchColumn* line2 = out(kLine2);
    BatchColumn* city = out(kCity);
    BatchColumn* state = out(kState);
    BatchColumn* state_name = out(kStateName);
    BatchColumn* zip = out(kZip);
    BatchColumn* full = out(kFull);
    const std::vector<ZipRow>& rows = ZipRows();
    for (size_t i = 0; i < args.rows.size(); ++i) {
      // All draws are made whichever fields were asked for, in a fixed
      // order, so a row's address does not depend on the columns selected.
      RandomStream random(args.key, args.rows[i]);
      const Draw d = DrawRow(rows, random);
      const StateInfo& st = kStates[d.zip->state];
      if (street) {
        std::string& s = street->texts[i];
        s.clear();
        AppendStreet(d, s);
      }
      if (line2) {
        if (d.unit < 0) {
          line2->texts[i].clear();
          line2->SetNull(i);
        } else {
          std::string& s = line2->texts[i];
          s.clear();
          AppendLine2(d, s);
        }
      }
      if (city) city->texts[i].assign(d.zip->city);
      if (state) state->texts[i].assign(st.code);
      if (state_name) state_name->texts[i].assign(st.name);
      if (zip) {
        std::string& s = zip->texts[i];
        s.clear();
        AppendZip(d.zip->zip, s);
      }
      if (full) {
        // The one-line form of USPS Publication 28, section 2: delivery
        // line, then "CITY, ST ZIP"; commas as people write it.
        std::string& s = full->texts[i];
        s.clear();
        AppendStreet(d, s);
        if (d.unit >= 0) {
          s.push_back(' ');
          AppendLine2(d, s);
        }
        s.append(", ");
        s.append(d.zip->city);
        s.append(", ");
        s.append(st.code);
        s.push_back(' ');
        AppendZip(d.zip->zip, s);
      }
    }
  }

  size_t MaxLength(size_t field) const override {
    size_t city = 0;
    for (uint32_t r : eligible_) city = std::max(city, ZipRows()[r].city.size());
    size_t state_name = 0;
    for (const StateInfo& s : kStates) state_name = std::max(state_name, s.name.size());
    // "12345 N " + name + " " + suffix
    const size_t street = 5 + 3 + names_.MaxLength() + 1 + suffixes_.MaxLength();
    const size_t line2 = 4 + 1 + 3 + 1;  // "Unit 300", "Apt 999", "Apt 30B"
    switch (field) {
      case kStreet: return street;
      case kLine2: return line2;
      case kCity: return city;
      case kState: return 2;
      case kStateName: return state_name;
      case kZip: return 5;
      case kFull: return street + 1 + line2 + 2 + city + 2 + 2 + 1 + 5;
      default: return 0;
    }
  }

 private:
  Draw DrawRow(const std::vector<ZipRow>& rows, RandomStream& random) const {
    Draw d{};
    d.zip = &rows[eligible_[zips_.Sample(random)]];
    double u = random.Uniform();
    size_t digits = 1;
    for (size_t k = 0; k < kNumberDigits.size(); ++k) {
      digits = k + 1;
      if (u < kNumberDigits[k]) break;
      u -= kNumberDigits[k];
    }
    d.number = static_cast<uint32_t>(
        random.Between(digits == 1 ? 1 : kPowersOfTen[digits - 1], kPowersOfTen[digits] - 1));
    const uint64_t dir = random.Below(static_cast<uint64_t>(std::size(kDirections) / kDirectionShare));
    d.direction = dir < std::size(kDirections) ? static_cast<int>(dir) : -1;
    d.name = names_.SampleIndex(random);
    d.suffix = suffixes_.SampleIndex(random);
    d.unit = -1;
    const double unit_u = random.Uniform();
    const double kind_u = random.Uniform();
    const uint64_t unit_bits = random.Next();
    if (unit_u < secondary_) {
      double acc = 0;
      d.unit = static_cast<int>(std::size(kUnits)) - 1;
      for (size_t k = 0; k < std::size(kUnits); ++k) {
        acc += kUnits[k].share;
        if (kind_u < acc) {
          d.unit = static_cast<int>(k);
          break;
        }
      }
      const UnitKind& kind = kUnits[d.unit];
      // Low bits pick the letter form and the letter, high bits the number.
      if (d.unit == 0 && static_cast<double>(unit_bits & 0xffff) < kApartmentLetterShare * 65536) {
        d.unit_number = 1 + static_cast<uint32_t>((unit_bits >> 32) % 30);
        d.unit_letter = static_cast<char>('A' + ((unit_bits >> 16) & 0xffff) % 6);
      } else {
        d.unit_number = kind.lo + static_cast<uint32_t>((unit_bits >> 32) % (kind.hi - kind.lo + 1));
      }
    }
    return d;
  }

  void AppendStreet(const Draw& d, std::string& s) const {
    AppendUint(d.number, s);
    s.push_back(' ');
    if (d.direction >= 0) {
      s.append(kDirections[d.direction]);
      s.push_back(' ');
    }
    s.append(names_.value(d.name));
    s.push_back(' ');
    s.append(suffixes_.value(d.suffix));
  }

  static void AppendLine2(const Draw& d, std::string& s) {
    s.append(kUnits[d.unit].designator);
    s.push_back(' ');
    AppendUint(d.unit_number, s);
    if (d.unit_letter) s.push_back(d.unit_letter);
  }

  std::vector<uint32_t> eligible_;  // indices into ZipRows()
  AliasSampler zips_;               // over eligible_
  WeightedTable names_;
  WeightedTable suffixes_;
  double secondary_;
};

}  // namespace

std::unique_ptr<Provider> MakeAddressProvider(const Params& params, const ProviderContext&) {
  const std::vector<ZipRow>& rows = ZipRows();
  // Weight of each state; a row's weight is its own (population or 1)
  // times its state's weight over its state's total, so that a map of
  // state weights sets the states' shares and people set the rest.
  std::array<double, kStateCount> state_weight{};
  bool explicit_shares = false;
  if (params.Has("state")) {
    explicit_shares = params.Find("state")->type == ParamValue::Type::kMap;
    for (const auto& [code, weight] : params.Weighted("state")) {
      const int s = FindState(code);
      if (s < 0) {
        params.Fail("state", "unknown state '" + code +
                                 "': expected a USPS code such as CA, NY, DC or PR");
      }
      state_weight[static_cast<size_t>(s)] += weight;
    }
  } else {
    const bool territories = params.Bool("territories", false);
    for (size_t s = 0; s < kStateCount; ++s) {
      state_weight[s] = !kStates[s].territory || territories ? 1 : 0;
    }
  }
  const std::string weighting = params.String("weighting", "population");
  if (weighting != "population" && weighting != "uniform") {
    params.Fail("weighting", "expected population or uniform, got '" + weighting + "'");
  }
  const bool by_population = weighting == "population";
  const double secondary = params.Double("secondary", 0.15);
  if (!(secondary >= 0 && secondary <= 1)) params.Fail("secondary", "must be between 0 and 1");

  std::array<double, kStateCount> state_total{};
  for (const ZipRow& r : rows) state_total[r.state] += by_population ? r.population : 1;
  std::vector<uint32_t> eligible;
  std::vector<double> weights;
  for (size_t i = 0; i < rows.size(); ++i) {
    const ZipRow& r = rows[i];
    if (state_weight[r.state] <= 0) continue;
    const double own = by_population ? r.population : 1;
    eligible.push_back(static_cast<uint32_t>(i));
    weights.push_back(explicit_shares ? own * state_weight[r.state] / state_total[r.state] : own);
  }
  if (eligible.empty()) params.Fail("state", "no ZIP Code in the chosen states");
  return std::make_unique<AddressProvider>(std::move(eligible), AliasSampler(weights), secondary);
}

}  // namespace seedforge
