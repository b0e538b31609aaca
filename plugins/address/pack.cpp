// The address pack: US postal addresses whose city, state and ZIP Code
// belong together, from a table of real ZIP Codes weighted by population
// (data/SOURCES.md).
#include "address/address_providers.h"
#include "seedforge/registry.h"

namespace seedforge {

void RegisterAddressPack(ProviderRegistry& registry) {
  registry.Add(
      {.name = "address",
       .pack = "address",
       .version = 1,
       .summary = "US postal address: a real ZIP Code with its city and state (by population), "
                  "and a made-up street line",
       .fields = {{.name = "street",
                   .kind = ValueKind::kText,
                   .description = "delivery line: '1234 Oak St', '88 N Main Ave'"},
                  {.name = "line2",
                   .kind = ValueKind::kText,
                   .description = "secondary unit ('Apt 4B', 'Unit 12', 'Ste 300'), NULL for "
                                  "most rows (see `secondary`)"},
                  {.name = "city",
                   .kind = ValueKind::kText,
                   .description = "the ZIP Code's USPS city name"},
                  {.name = "state",
                   .kind = ValueKind::kText,
                   .max_length = 2,
                   .description = "two-letter USPS code of the ZIP Code's state"},
                  {.name = "state_name",
                   .kind = ValueKind::kText,
                   .description = "the state's name: 'California'"},
                  {.name = "zip",
                   .kind = ValueKind::kText,
                   .max_length = 5,
                   .description = "five-digit ZIP Code, leading zeros kept"},
                  {.name = "full",
                   .kind = ValueKind::kText,
                   .description = "one line: '1234 Oak St Apt 4B, Springfield, IL 62704'"}},
       .params = {{"state",
                   "a USPS code, a list of codes, or a map of code: weight (population "
                   "shares within a list)",
                   "all 50 states and DC"},
                  {"territories", "without `state`: include PR, VI, GU, AS and MP too", "false"},
                  {"weighting", "population (ZIP Codes as often as people live there) or uniform",
                   "population"},
                  {"secondary", "probability of a line2 (apartment, unit or suite)", "0.15"}},
       .example = "zip: {type: char(5), provider: address.zip, params: {state: [CA, OR, WA]}}",
       .make = &MakeAddressProvider});
}

}  // namespace seedforge
