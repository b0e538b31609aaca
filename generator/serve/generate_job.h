// Generation jobs: the same Generator and WriteOutputs as `seedforge
// generate`, with WriteOptions::progress feeding JobControl (which throws
// to cancel).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "seedforge/domain.h"
#include "seedforge/output.h"
#include "seedforge/registry.h"
#include "serve/jobs.h"

namespace seedforge::serve {

struct GenerateSpec {
  std::string domain_path;  // a built-in name or a domain file
  DomainLoadOptions load;
  // The domain already parsed (DomainCatalog::Load); null: read domain_path.
  std::shared_ptr<const Domain> domain;
  std::map<std::string, uint64_t> rows;  // entity -> rows; others as the domain says
  double scale = 1.0;
  uint64_t seed = 1;
  Format format = Format::kCsv;
  int64_t today = 0;  // days since 1970-01-01: the reference date (as --as-of)
  int threads = 1;    // per job; output is the same for any count
};

// The rows each entity will have, in domain order, and their sum. Throws
// InputError or UsageError (an unknown entity, a bad count) as `generate`
// would.
struct GeneratePlan {
  std::vector<std::pair<std::string, uint64_t>> entities;
  uint64_t total = 0;
};
// row_budget > 0: throws RowBudgetExceeded as soon as the planned rows pass
// it (the plan stops there: a refusal costs no full plan).
GeneratePlan PlanGenerate(const GenerateSpec& spec, const ProviderRegistry& registry, uint64_t row_budget = 0);

JobWork MakeGenerateWork(GenerateSpec spec, const ProviderRegistry& registry);

// Today in days since 1970-01-01 (UTC).
int64_t TodayDays();

}  // namespace seedforge::serve
