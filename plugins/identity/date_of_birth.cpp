// `date_of_birth`: a birth date that makes the person between min_age and
// max_age years old on the run's reference date (ProviderContext::today).
#include <algorithm>
#include <optional>

#include "identity/identity_providers.h"

namespace seedforge {
namespace {

bool IsLeap(int year) { return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0; }

// The date `years` years before `today`, with 29 February becoming
// 28 February in a common year.
int64_t YearsBefore(int64_t today, int years) {
  int year;
  unsigned month, day;
  CivilFromDays(today, year, month, day);
  year -= years;
  if (month == 2 && day == 29 && !IsLeap(year)) day = 28;
  return DaysFromCivil(year, month, day);
}

class DateOfBirthProvider : public Provider {
 public:
  DateOfBirthProvider(int64_t earliest, int64_t latest) : earliest_(earliest), latest_(latest) {}

  void Fill(const FillArgs& args) const override {
    Column& out = *args.outputs[0];
    const uint64_t span = static_cast<uint64_t>(latest_ - earliest_) + 1;
    std::optional<IndexPermutation> permute;
    if (args.unique[0]) permute.emplace(args.key, span);
    for (size_t i = 0; i < args.rows.size(); ++i) {
      if (permute) {
        out.ints[i] = earliest_ + static_cast<int64_t>((*permute)(args.rows[i] % span));
      } else {
        RandomStream random(args.key, args.rows[i]);
        out.ints[i] = random.Between(earliest_, latest_);
      }
    }
  }

  std::optional<uint64_t> UniqueSpace(size_t) const override {
    return static_cast<uint64_t>(latest_ - earliest_) + 1;
  }

 private:
  int64_t earliest_, latest_;  // days since 1970-01-01, inclusive
};

}  // namespace

std::unique_ptr<Provider> MakeDateOfBirthProvider(const Params& params,
                                                  const ProviderContext& ctx) {
  const int64_t min_age = params.Int("min_age", 18);
  const int64_t max_age = params.Int("max_age", 80);
  if (min_age < 0 || min_age > 150) params.Fail("min_age", "must be between 0 and 150");
  if (max_age < min_age || max_age > 150) params.Fail("max_age", "must be between min_age and 150");
  // Age on `today` is the number of birthdays passed, the birthday itself
  // included. The youngest allowed was born min_age years ago to the day;
  // the oldest turns max_age + 1 tomorrow, i.e. was born the day after the
  // date max_age + 1 years ago. (A 29 February birthday passes on 1 March in
  // common years, which YearsBefore's 28 February + 1 day yields.)
  const int64_t latest = YearsBefore(ctx.today, static_cast<int>(min_age));
  const int64_t earliest = YearsBefore(ctx.today, static_cast<int>(max_age) + 1) + 1;
  return std::make_unique<DateOfBirthProvider>(earliest, latest);
}

}  // namespace seedforge
