// The domain parser (ParseDomain, generator/domain/) with the real provider
// registry, then what a valid domain is for: a plan (Generator) and the
// first rows of every entity. A domain the parser accepts must plan and
// generate without crashing; rejecting it is the parser's job.
#include "fuzz/fuzz_util.h"
#include "seedforge/column.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"

using namespace seedforge;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const ProviderRegistry& registry = BuiltinRegistry();
  fuzz::Reject([&] {
    Domain domain = ParseDomain(std::string(fuzz::AsText(data, size)), "fuzz.yaml", registry);
    GenerateOptions options;
    options.seed = 7;
    options.today = 19'723;  // 2024-01-01
    // Learned columns would read or fit a model from files: not this harness.
    options.model_loader = [](const ModelRef& ref, const std::string&) -> std::unique_ptr<LearnedSource> {
      throw InputError(ref.where, "models are not loaded by the fuzzer");
    };
    // Row counts as declared, up to a few thousand: a plan for a trillion
    // grouped rows is a legitimate gigabyte, not a finding.
    for (const DomainEntity& entity : domain.entities) {
      if (entity.CountingLink() < 0 && entity.rows.value_or(0) > 5'000) options.rows[entity.name] = 20;
    }
    Generator generator(domain, registry, options);
    for (int e = 0; e < static_cast<int>(domain.entities.size()); ++e) {
      const uint64_t rows = generator.entities()[e].rows;
      if (rows == 0) continue;
      Batch batch;
      generator.InitBatch(e, batch);
      const size_t count = rows < 3 ? static_cast<size_t>(rows) : 3;
      generator.Generate(e, 0, count, batch);
      generator.Generate(e, rows - count, count, batch);  // the last rows too
      for (const BatchColumn& column : batch.columns) FUZZ_CHECK(column.size() == count);
    }
  });
  return 0;
}
