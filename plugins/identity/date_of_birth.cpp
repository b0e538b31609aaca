// `date_of_birth`: a birth date that makes the person between min_age and
// max_age years old on the run's reference date (ProviderContext::today), or
// exactly `age` years old when the row has an age column (a learned age, say:
// the birth date then agrees with the age the model drew).
#include <algorithm>
#include <cmath>
#include <optional>

#include "identity/identity_providers.h"
#include "seedforge/calendar.h"

namespace seedforge {
namespace {

// The date `years` years before `today`, with 29 February becoming
// 28 February in a common year.
int64_t YearsBefore(int64_t today, int years) {
  int year;
  unsigned month, day;
  CivilFromDays(today, year, month, day);
  year -= years;
  if (month == 2 && day == 29 && !IsLeapYear(year)) day = 28;
  return DaysFromCivil(year, month, day);
}

// The whole years in row i of an age column, or nullopt for NULL.
std::optional<int64_t> AgeAt(const BatchColumn& ages, size_t i) {
  if (ages.IsNull(i)) return std::nullopt;
  switch (ages.kind) {
    case ValueKind::kInt:
      return ages.ints[i];
    case ValueKind::kDecimal: {
      int64_t unit = 1;
      for (int d = 0; d < ages.scale; ++d) unit *= 10;
      return ages.ints[i] / unit;
    }
    case ValueKind::kFloat:
      return std::isfinite(ages.floats[i]) ? std::optional<int64_t>(static_cast<int64_t>(ages.floats[i]))
                                           : std::nullopt;
    default:
      return std::nullopt;
  }
}

class DateOfBirthProvider : public Provider {
 public:
  DateOfBirthProvider(int64_t today, int min_age, int max_age, bool with_age)
      : today_(today),
        min_age_(min_age),
        max_age_(max_age),
        earliest_(EarliestFor(max_age)),
        latest_(YearsBefore(today, min_age)),
        with_age_(with_age) {}

  void Fill(const FillArgs& args) const override {
    BatchColumn& out = *args.outputs[0];
    const uint64_t span = static_cast<uint64_t>(latest_ - earliest_) + 1;
    const BatchColumn* ages = with_age_ && !args.inputs.empty() ? args.inputs[0] : nullptr;
    std::optional<IndexPermutation> permute;
    if (args.unique[0]) permute.emplace(args.key, span);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      if (std::optional<int64_t> age = ages ? AgeAt(*ages, i) : std::nullopt) {
        // Ages outside [min_age, max_age] are clamped into it: the range is
        // the column's contract (a CHECK on the birth date may rely on it).
        const int years = static_cast<int>(std::clamp<int64_t>(*age, min_age_, max_age_));
        RandomStream random(args.key, args.rows[i]);
        out.ints[i] = random.Between(EarliestFor(years), YearsBefore(today_, years));
      } else if (permute) {
        out.ints[i] = earliest_ + static_cast<int64_t>((*permute)(args.rows[i] % span));
      } else {
        RandomStream random(args.key, args.rows[i]);
        out.ints[i] = random.Between(earliest_, latest_);
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    if (with_age_) return std::nullopt;  // a given age narrows the dates to one year
    return static_cast<uint64_t>(latest_ - earliest_) + 1;
  }

 private:
  // Age on `today` is the number of birthdays passed, the birthday itself
  // included. Someone `years` old was born at most `years` years ago to the
  // day, and at least the day after the date years + 1 years ago. (A
  // 29 February birthday passes on 1 March in common years, which
  // YearsBefore's 28 February + 1 day yields.)
  int64_t EarliestFor(int years) const { return YearsBefore(today_, years + 1) + 1; }

  int64_t today_;
  int min_age_, max_age_;
  int64_t earliest_, latest_;  // days since 1970-01-01, inclusive
  bool with_age_;
};

}  // namespace

std::unique_ptr<Provider> MakeDateOfBirthProvider(const Params& params,
                                                  const ProviderContext& ctx) {
  const int64_t min_age = params.Int("min_age", 18);
  const int64_t max_age = params.Int("max_age", 80);
  if (min_age < 0 || min_age > 150) params.Fail("min_age", "must be between 0 and 150");
  if (max_age < min_age || max_age > 150) params.Fail("max_age", "must be between min_age and 150");
  return std::make_unique<DateOfBirthProvider>(ctx.today, static_cast<int>(min_age), static_cast<int>(max_age),
                                               params.Has("age"));
}

}  // namespace seedforge
