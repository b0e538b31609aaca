// `vin`: a 17-character vehicle identification number with its make, model
// and model year, the model's body and class, and an MSRP. Each row picks a
// (make, model, WMI) of a light vehicle sold in the US and a model year in
// which that WMI built that model (NHTSA vPIC; data/SOURCES.md), then writes
// a VIN per 49 CFR 565.15:
//
//   1-3  World Manufacturer Identifier, from the table
//   4-8  vehicle descriptor: random; 7 is a digit for model years up to
//        2009 and a letter from 2010 (73 FR 23367, 30 April 2008)
//   9    check digit (identifiers::VinCheckDigit)
//   10   model-year code
//   11   plant code: random
//   12-17 sequential number: six digits
//
// Unique: row r maps through IndexPermutation to (position 8, plant,
// sequential number), 33 * 33 * 10^6 combinations, so two rows always
// differ in one of those positions.
//
// `truck_share` splits the draw: first truck (pickup, SUV, van: what US
// sales statistics count as light trucks) or car, then a model of that class
// by the table's weights. Without it the table's weights alone decide (about
// 62% trucks over the default years), and the draws are those of version 1.
#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "seedforge/error.h"
#include "seedforge/identifiers.h"
#include "seedforge/resources.h"
#include "seedforge/tables.h"
#include "vehicle/vehicle_providers.h"

namespace seedforge {
namespace {

enum VinField : size_t { kVin, kMake, kModel, kYear, kBody, kClass, kMsrp };

// Characters a VIN may hold: digits and capital letters but I, O and Q
// (49 CFR 565.15, "the letters I, O and Q are not to be used"), and the
// letters alone.
constexpr std::string_view kVinChars = "0123456789ABCDEFGHJKLMNPRSTUVWXYZ";
constexpr std::string_view kVinLetters = "ABCDEFGHJKLMNPRSTUVWXYZ";
static_assert(kVinChars.size() == 33 && kVinLetters.size() == 23);

// Model-year codes, 565.15(d) Table VI: A = 1980 and 2010, a 30-year cycle
// that skips I, O, Q, U, Z and 0.
constexpr std::string_view kYearCodes = "ABCDEFGHJKLMNPRSTVWXY123456789";

// The first model year of the 17-character VIN (565.15 applies from model
// year 1981) and the last the position-7 rule can tell apart.
constexpr int kFirstVinYear = 1981;
constexpr int kLastVinYear = 2039;

constexpr uint64_t kSerialSpace = 1'000'000;  // positions 12-17

// The table's MSRP ranges are for this model year; other years move by
// kYearlyPriceChange a year, about how US new-vehicle prices rose from 2015
// to 2025 (roughly a third over ten years).
constexpr int kPriceYear = 2025;
constexpr double kYearlyPriceChange = 1.03;
constexpr uint64_t kUniqueSpace = 33 * 33 * kSerialSpace;

struct ModelRow {
  std::string make;
  std::string model;
  char wmi[3];
  int first_year;  // within the run's year range
  int last_year;
  std::string body;  // pickup, suv, van, sedan, coupe, hatchback
  bool truck;        // pickup, suv or van
  int64_t msrp_low;  // US dollars, model year kPriceYear
  int64_t msrp_high;
};

// The class US sales figures put a body in: pickups, SUVs (crossovers
// included) and vans are light trucks; false for cars, nullopt for a body
// the table should not hold.
std::optional<bool> IsTruckBody(std::string_view body) {
  if (body == "pickup" || body == "suv" || body == "van") return true;
  if (body == "sedan" || body == "coupe" || body == "hatchback") return false;
  return std::nullopt;
}

// Price multiplier of model year `year` against kPriceYear.
double PriceFactor(int year) { return std::pow(kYearlyPriceChange, year - kPriceYear); }

int64_t Msrp(const ModelRow& m, double price_factor, double u) {
  return std::llround((static_cast<double>(m.msrp_low) + u * static_cast<double>(m.msrp_high - m.msrp_low)) *
                      price_factor);
}

constexpr std::string_view kModelTable = "plugins/vehicle/data/models.tsv";

bool ParseInt(std::string_view s, int* out) {
  return !s.empty() && std::from_chars(s.data(), s.data() + s.size(), *out).ptr == s.data() + s.size();
}

// Models of one class (trucks or cars) and a sampler over them.
struct ClassSampler {
  std::vector<size_t> models;  // indexes into the provider's models
  AliasSampler sampler;
};

class VinProvider : public Provider {
 public:
  // `truck_share` < 0: draw by the weights alone.
  VinProvider(std::vector<ModelRow> models, const std::vector<double>& weights, double truck_share)
      : models_(std::move(models)), sampler_(weights), truck_share_(truck_share) {
    for (int y = kFirstVinYear; y <= kLastVinYear; ++y) price_factor_[y - kFirstVinYear] = PriceFactor(y);
    if (truck_share_ < 0) return;
    for (bool truck : {true, false}) {
      ClassSampler& c = truck ? trucks_ : cars_;
      std::vector<double> class_weights;
      for (size_t i = 0; i < models_.size(); ++i) {
        if (models_[i].truck != truck) continue;
        c.models.push_back(i);
        class_weights.push_back(weights[i]);
      }
      if (!class_weights.empty()) c.sampler = AliasSampler(class_weights);
    }
  }

  void Fill(const FillArgs& args) const override {
    auto out = [&](size_t f) { return f < args.outputs.size() ? args.outputs[f] : nullptr; };
    BatchColumn* vin_out = out(kVin);
    BatchColumn* make_out = out(kMake);
    BatchColumn* model_out = out(kModel);
    BatchColumn* year_out = out(kYear);
    BatchColumn* body_out = out(kBody);
    BatchColumn* class_out = out(kClass);
    BatchColumn* msrp_out = out(kMsrp);
    const bool unique = vin_out && kVin < args.unique.size() && args.unique[kVin];
    std::optional<IndexPermutation> permute;
    if (unique) permute.emplace(args.key, kUniqueSpace);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      RandomStream random(args.key, args.rows[i]);
      const ModelRow& m = models_[PickModel(random)];
      const int year = static_cast<int>(random.Between(m.first_year, m.last_year));
      // Positions 4-8 and 11 from one 64-bit draw (33^6 < 2^31), the
      // sequential number from another.
      uint64_t bits = random.Next();
      uint64_t index = random.Below(kUniqueSpace);
      if (vin_out) {
        if (unique) index = (*permute)(args.rows[i] % kUniqueSpace);
        char v[17];
        v[0] = m.wmi[0];
        v[1] = m.wmi[1];
        v[2] = m.wmi[2];
        for (int p = 3; p < 6; ++p) {
          v[p] = kVinChars[bits % 33];
          bits /= 33;
        }
        v[6] = year < 2010 ? kVinChars[bits % 10] : kVinLetters[bits % 23];
        const uint64_t serial = index % kSerialSpace;
        index /= kSerialSpace;
        v[7] = kVinChars[index / 33];
        v[8] = '0';
        v[9] = kYearCodes[static_cast<size_t>((year - 1980) % 30)];
        v[10] = kVinChars[index % 33];
        uint64_t s = serial;
        for (int p = 16; p >= 11; --p) {
          v[p] = static_cast<char>('0' + s % 10);
          s /= 10;
        }
        v[8] = identifiers::VinCheckDigit(std::string_view(v, 17));
        vin_out->texts[i].assign(v, 17);
      }
      if (make_out) make_out->texts[i].assign(m.make);
      if (model_out) model_out->texts[i].assign(m.model);
      if (year_out) year_out->ints[i] = year;
      if (body_out) body_out->texts[i].assign(m.body);
      if (class_out) class_out->texts[i].assign(m.truck ? "truck" : "car");
      // Drawn last, so that the fields of version 1 keep their values.
      const double u = random.Uniform();
      if (msrp_out) msrp_out->ints[i] = Msrp(m, price_factor_[year - kFirstVinYear], u);
    }
  }

  size_t MaxLength(size_t field) const override {
    size_t longest = 0;
    for (const ModelRow& m : models_) {
      if (field == kMake) longest = std::max(longest, m.make.size());
      if (field == kModel) longest = std::max(longest, m.model.size());
      if (field == kBody) longest = std::max(longest, m.body.size());
    }
    if (field == kClass) return 5;  // "truck"
    return field == kVin ? 17 : longest;
  }

  std::optional<uint64_t> UniqueSpace(size_t field) const override {
    if (field == kVin) return kUniqueSpace;
    return std::nullopt;
  }

  std::optional<ValueRange> Range(size_t field, uint64_t) const override {
    if ((field != kYear && field != kMsrp) || models_.empty()) return std::nullopt;
    auto low = [&](const ModelRow& m) -> long double {
      return field == kYear ? m.first_year : Msrp(m, PriceFactor(m.first_year), 0);
    };
    auto high = [&](const ModelRow& m) -> long double {
      return field == kYear ? m.last_year : Msrp(m, PriceFactor(m.last_year), 1);
    };
    ValueRange range{low(models_.front()), high(models_.front())};
    for (const ModelRow& m : models_) {
      range.min = std::min(range.min, low(m));
      range.max = std::max(range.max, high(m));
    }
    return range;
  }

 private:
  size_t PickModel(RandomStream& random) const {
    if (truck_share_ < 0) return sampler_.Sample(random);
    const ClassSampler& c = random.Uniform() < truck_share_ ? trucks_ : cars_;
    return c.models[c.sampler.Sample(random)];
  }

  std::vector<ModelRow> models_;
  AliasSampler sampler_;
  double truck_share_;
  ClassSampler trucks_, cars_;
  double price_factor_[kLastVinYear - kFirstVinYear + 1];
};

}  // namespace

std::unique_ptr<Provider> MakeVinProvider(const Params& params, const ProviderContext& ctx) {
  int this_year;
  unsigned month, day;
  CivilFromDays(ctx.today, this_year, month, day);
  // Model years run about a year ahead of the calendar; twenty years back
  // covers most cars on the road (the US fleet's average age is ~12.5).
  // The defaults stay in [1981, 2039] and max_year stays >= a given
  // min_year whatever `today` is (domain validation may make providers
  // with a context of its own).
  const int64_t given_min = params.Int("min_year", kFirstVinYear);
  const int64_t max_year = params.Int(
      "max_year", std::clamp<int64_t>(this_year + 1, std::max<int64_t>(given_min, kFirstVinYear),
                                       kLastVinYear));
  const int64_t min_year = params.Int("min_year", std::max<int64_t>(max_year - 21, kFirstVinYear));
  if (min_year < kFirstVinYear || min_year > kLastVinYear) {
    params.Fail("min_year", "must be between 1981 and 2039 (the 17-character VIN's model years)");
  }
  if (max_year < min_year || max_year > kLastVinYear) {
    params.Fail("max_year", "must be between min_year and 2039");
  }
  // Make weights: a list restricts the makes, a map also sets their shares.
  std::vector<std::pair<std::string, double>> makes;
  bool explicit_shares = false;
  if (params.Has("makes")) {
    explicit_shares = params.Find("makes")->type == ParamValue::Type::kMap;
    makes = params.Weighted("makes");
  }
  auto make_weight = [&](std::string_view make) -> double {
    if (makes.empty()) return 1;
    for (const auto& [name, weight] : makes) {
      if (name.size() == make.size() &&
          std::equal(name.begin(), name.end(), make.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return weight;
      }
    }
    return -1;
  };

  const double truck_share = params.Double("truck_share", -1);
  if (params.Has("truck_share") && !(truck_share >= 0 && truck_share <= 1)) {
    params.Fail("truck_share", "must be between 0 and 1");
  }

  std::vector<ModelRow> models;
  std::vector<double> weights;
  std::vector<std::string> known_makes;
  for (const auto& f : ParseTsv(Resource(kModelTable))) {
    int first = 0, last = kLastVinYear, msrp_low = 0, msrp_high = 0;
    double weight = 0;
    const bool ok = f.size() >= 9 && f[2].size() == 3 && ParseInt(f[3], &first) &&
                    (f[4].empty() || ParseInt(f[4], &last)) &&
                    std::from_chars(f[5].data(), f[5].data() + f[5].size(), weight).ptr ==
                        f[5].data() + f[5].size() &&
                    weight > 0 && IsTruckBody(f[6]) && ParseInt(f[7], &msrp_low) && ParseInt(f[8], &msrp_high) &&
                    0 < msrp_low && msrp_low <= msrp_high;
    if (!ok) throw Error("data table " + std::string(kModelTable) + ": bad row '" +
                         std::string(f.empty() ? std::string_view() : f[0]) + "'");
    if (std::find(known_makes.begin(), known_makes.end(), f[0]) == known_makes.end()) {
      known_makes.emplace_back(f[0]);
    }
    const int lo = std::max<int>(first, static_cast<int>(min_year));
    const int hi = std::min<int>(last, static_cast<int>(max_year));
    const double share = make_weight(f[0]);
    if (lo > hi || share <= 0) continue;
    ModelRow m;
    m.make = std::string(f[0]);
    m.model = std::string(f[1]);
    std::copy(f[2].begin(), f[2].end(), m.wmi);
    m.first_year = lo;
    m.last_year = hi;
    m.body = std::string(f[6]);
    m.truck = *IsTruckBody(f[6]);
    m.msrp_low = msrp_low;
    m.msrp_high = msrp_high;
    // The table's weight is a share of yearly sales, so a model on sale
    // for more of the range has more vehicles in it.
    weights.push_back(weight * (hi - lo + 1) * share);
    models.push_back(std::move(m));
  }
  for (const auto& [name, weight] : makes) {
    if (make_weight(name) >= 0 &&
        std::none_of(known_makes.begin(), known_makes.end(), [&, &name = name](const std::string& k) {
          return k.size() == name.size() &&
                 std::equal(k.begin(), k.end(), name.begin(), [](char a, char b) {
                   return std::tolower(static_cast<unsigned char>(a)) ==
                          std::tolower(static_cast<unsigned char>(b));
                 });
        })) {
      std::string list;
      for (const std::string& k : known_makes) list += (list.empty() ? "" : ", ") + k;
      params.Fail("makes", "unknown make '" + name + "'; known: " + list);
    }
  }
  if (models.empty()) {
    params.Fail(params.Has("makes") ? "makes" : "min_year",
                "no model of these makes was built in model years " + std::to_string(min_year) +
                    "-" + std::to_string(max_year));
  }
  if (explicit_shares) {
    // Within a make, keep the table's proportions; across makes, the map's.
    std::vector<std::pair<std::string, double>> totals;
    for (size_t i = 0; i < models.size(); ++i) {
      auto it = std::find_if(totals.begin(), totals.end(),
                             [&](const auto& t) { return t.first == models[i].make; });
      if (it == totals.end()) {
        totals.emplace_back(models[i].make, 0);
        it = totals.end() - 1;
      }
      it->second += weights[i] / make_weight(models[i].make);
    }
    for (size_t i = 0; i < models.size(); ++i) {
      for (const auto& [make, total] : totals) {
        if (make == models[i].make) weights[i] /= total;
      }
    }
  }
  if (truck_share >= 0) {
    // A class the share asks for must have a model in range.
    for (bool truck : {true, false}) {
      if ((truck ? truck_share : 1 - truck_share) == 0) continue;
      if (std::none_of(models.begin(), models.end(), [&](const ModelRow& m) { return m.truck == truck; })) {
        params.Fail("truck_share", std::string("no ") + (truck ? "truck (pickup, SUV, van)" : "car") +
                                       " of these makes was built in model years " + std::to_string(min_year) +
                                       "-" + std::to_string(max_year));
      }
    }
  }
  return std::make_unique<VinProvider>(std::move(models), weights, truck_share);
}

}  // namespace seedforge
