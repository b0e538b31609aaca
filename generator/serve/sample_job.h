// Sample jobs (POST /api/samples): an uploaded CSV table is profiled (PII
// columns get generating providers, as `seedforge profile --domain-out`
// chooses them), learned into a domain of Gaussian copula models (`learn`),
// sampled (`generate`) and compared with the upload (`report`). The job's
// zip holds the synthetic CSV, the report (HTML and JSON) and the learned
// domain file; the domain itself, with its models, becomes the "learned"
// domain DATA/domains/learned/<name>/, which GET /api/domains lists.
//
// The uploaded rows stay in the job's temporary folder and are deleted with
// it: the server keeps the models learned from them, never the rows.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "seedforge/registry.h"
#include "serve/jobs.h"

namespace seedforge::serve {

struct SampleSpec {
  std::string name;                      // the learned domain's name and the table's
  std::string csv;                       // the uploaded table
  std::filesystem::path learned_dir;     // DATA/domains/learned
  uint64_t rows = 0;                     // synthetic rows; 0: as many as uploaded
  uint64_t seed = 1;
  int threads = 1;
};

JobWork MakeSampleWork(SampleSpec spec, const ProviderRegistry& registry);

}  // namespace seedforge::serve
