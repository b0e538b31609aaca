// The vehicle pack: vehicle identification numbers (49 CFR 565) with the
// make, model and model year they encode, from NHTSA's manufacturer
// identifiers, and the model's body, class and list price (data/SOURCES.md).
#include "seedforge/registry.h"
#include "vehicle/vehicle_providers.h"

namespace seedforge {

void RegisterVehiclePack(ProviderRegistry& registry) {
  registry.Add(
      {.name = "vin",
       .pack = "vehicle",
       .version = 1,
       .summary = "Vehicle identification number (49 CFR 565) of a real US make and model, with "
                  "its model year, body, class (truck or car) and MSRP; unique on demand",
       .fields = {{.name = "vin",
                   .kind = ValueKind::kText,
                   .max_length = 17,
                   .description = "17 characters, no I/O/Q: the model's real WMI, check digit "
                                  "(position 9), model-year code (position 10); unique: 1.089e9"},
                  {.name = "make",
                   .kind = ValueKind::kText,
                   .description = "make the WMI stands for: Ford, Toyota, Tesla, ..."},
                  {.name = "model",
                   .kind = ValueKind::kText,
                   .description = "a model of that make built under that WMI: F-150, Camry, ..."},
                  {.name = "year",
                   .kind = ValueKind::kInt,
                   .description = "model year, one the model was built in"},
                  {.name = "body",
                   .kind = ValueKind::kText,
                   .description = "the model's body: pickup, suv, van, sedan, coupe or hatchback"},
                  {.name = "class",
                   .kind = ValueKind::kText,
                   .max_length = 5,
                   .description = "truck (pickup, suv, van: a light truck in US sales figures) or car"},
                  {.name = "msrp",
                   .kind = ValueKind::kInt,
                   .description = "list price in whole US dollars: in the model's 2025 range (base to top "
                                  "trim), 3% less for each model year before 2025"}},
       .params = {{"min_year", "earliest model year (1981 or later)", "max_year - 21"},
                  {"max_year", "latest model year (2039 at most)", "next year"},
                  {"makes", "list of makes, or map of make: weight (US sales shares by default)",
                   ""},
                  {"truck_share", "share of trucks (pickups, SUVs, vans), 0 to 1; US sales: about 0.8",
                   "the table's mix"}},
       .example = "vin: {type: char(17), unique: true, provider: vin.vin, params: {min_year: 2015, "
                  "truck_share: 0.8}}",
       .make = &MakeVinProvider});
}

}  // namespace seedforge
