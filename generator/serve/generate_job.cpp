#include "serve/generate_job.h"

#include <chrono>

#include "seedforge/column.h"
#include "seedforge/generator.h"
#include "seedforge/synthesizer.h"

namespace seedforge::serve {

namespace {

GenerateOptions MakeOptions(const GenerateSpec& spec) {
  GenerateOptions options;
  options.seed = spec.seed;
  options.rows = spec.rows;
  options.scale = spec.scale;
  options.today = spec.today;
  // No model cache: learned columns of uploaded domains fit in the job.
  options.model_loader = MakeModelLoader({});
  return options;
}

std::shared_ptr<const Domain> DomainOf(const GenerateSpec& spec, const ProviderRegistry& registry) {
  if (spec.domain) return spec.domain;
  return std::make_shared<const Domain>(LoadDomain(spec.domain_path, registry, spec.load));
}

}  // namespace

int64_t TodayDays() {
  return std::chrono::duration_cast<std::chrono::hours>(std::chrono::system_clock::now().time_since_epoch()).count() /
         24;
}

GeneratePlan PlanGenerate(const GenerateSpec& spec, const ProviderRegistry& registry, uint64_t row_budget) {
  const std::shared_ptr<const Domain> domain = DomainOf(spec, registry);
  GenerateOptions options = MakeOptions(spec);
  options.row_budget = row_budget;
  const Generator generator(*domain, registry, options);
  GeneratePlan plan;
  for (const EntityPlan& entity : generator.entities()) {
    plan.entities.emplace_back(entity.def->name, entity.rows);
    plan.total += entity.rows;
  }
  return plan;
}

JobWork MakeGenerateWork(GenerateSpec spec, const ProviderRegistry& registry) {
  return [spec = std::move(spec), &registry](const std::filesystem::path& dir, JobControl& control) {
    const std::shared_ptr<const Domain> domain = DomainOf(spec, registry);
    const Generator generator(*domain, registry, MakeOptions(spec));
    std::vector<std::string> names;
    for (const EntityPlan& entity : generator.entities()) {
      names.push_back(entity.def->name);
      control.Plan(entity.def->name, entity.rows);
    }
    WriteOptions write;
    write.format = spec.format;
    write.out_dir = dir;
    write.threads = spec.threads;
    std::string as_of;
    AppendDate(spec.today, as_of);
    write.as_of = as_of;
    write.progress = [&](int entity, uint64_t done) { control.Report(names[entity], done); };
    WriteOutputs(generator, write);
  };
}

}  // namespace seedforge::serve
