// The simulation window's bounds and the units of a `rate`, shared by the
// domain file (`time:`), the command line (--from, --to) and the plan.
#include <array>
#include <utility>

#include "seedforge/calendar.h"
#include "seedforge/domain.h"
#include "seedforge/params.h"

namespace seedforge {

std::optional<int64_t> ParseTimeBound(const std::string& text, int64_t today, bool upper) {
  int64_t days = 0;
  if (ParseDateSpec(text, today, &days)) return (days + (upper ? 1 : 0)) * kMicrosPerDay - (upper ? 1 : 0);
  int64_t micros = 0;
  if (ParseTimestampSpec(text, today, &micros)) return micros;
  return std::nullopt;
}

std::optional<double> RateUnitDays(std::string_view per) {
  static constexpr std::array<std::pair<std::string_view, double>, 4> kUnits{
      {{"day", 1}, {"week", 7}, {"month", 365.2425 / 12}, {"year", 365.2425}}};
  for (const auto& [name, days] : kUnits) {
    if (per == name) return days;
  }
  return std::nullopt;
}

}  // namespace seedforge
