#include "serve/sample_job.h"

#include <fstream>

#include "eval/report.h"
#include "profile/profile.h"
#include "seedforge/database.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/output.h"
#include "seedforge/synthesizer.h"
#include "serve/generate_job.h"

namespace seedforge::serve {

namespace fs = std::filesystem;

JobWork MakeSampleWork(SampleSpec spec, const ProviderRegistry& registry) {
  return [spec = std::move(spec), &registry](const fs::path& dir, JobControl& control) {
    const std::string table_file = spec.name + ".csv";
    // 1. The upload as a folder of one table, read as `learn --from DIR`
    // reads it (the folder names the learned domain).
    const fs::path input = dir / spec.name;
    fs::create_directories(input);
    {
      std::ofstream out(input / table_file, std::ios::binary);
      out << spec.csv;
      if (!out.flush()) throw Error("cannot write the uploaded table into the job's folder");
    }
    ReadCsvDatabaseOptions read;
    read.dir = input.string();
    read.files = {table_file};
    DatabaseSample sample = ReadCsvDatabase(read, registry);
    sample.source = table_file;
    if (control.cancelled()) throw JobCancelled{};

    // 2. Profile: identifiers and personal data get providers, not models.
    std::vector<profile::ColumnProfile> profiles;
    for (const DomainEntity& entity : sample.schema.entities) {
      auto table = sample.tables.find(entity.name);
      if (table == sample.tables.end()) continue;
      std::vector<profile::ColumnProfile> p = profile::ProfileTable(table->second, entity.name, spec.threads);
      profiles.insert(profiles.end(), std::make_move_iterator(p.begin()), std::make_move_iterator(p.end()));
    }
    profile::ProposeProviders(sample, profiles, /*schema_inferred=*/true, registry);

    // 3. Learn: a domain with Gaussian copula models, in the folder that
    // becomes DATA/domains/learned/<name>/.
    const fs::path learned = dir / "learned";
    LearnDatabaseOptions learn;
    learn.out_dir = learned.string();
    learn.domain_file = spec.name + ".yaml";
    learn.synthesizer = "copula";
    learn.seed = spec.seed;
    learn.threads = spec.threads;
    learn.registry = &registry;
    learn.regenerate = "seedforge profile --from " + table_file + " --domain-out " + spec.name + ".yaml";
    LearnDatabase(sample, learn);
    if (control.cancelled()) throw JobCancelled{};

    // 4. Sample: generate from the learned domain, confined to its folder.
    const fs::path domain_file = learned / (spec.name + ".yaml");
    GenerateSpec generate{.domain_path = domain_file.string(),
                          .load = {.confine_files_to = learned.string()},
                          .seed = spec.seed,
                          .today = TodayDays(),
                          .threads = spec.threads};
    const Domain domain = LoadDomain(generate.domain_path, registry, generate.load);
    if (spec.rows > 0) {
      for (const DomainEntity& entity : domain.entities) generate.rows[entity.name] = spec.rows;
    }
    const fs::path synthetic = dir / "synthetic";
    fs::create_directories(synthetic);
    {
      GenerateOptions options;
      options.seed = generate.seed;
      options.rows = generate.rows;
      options.today = generate.today;
      options.model_loader = MakeModelLoader({});
      const Generator generator(domain, registry, options);
      std::vector<std::string> names;
      for (const EntityPlan& entity : generator.entities()) {
        names.push_back(entity.def->name);
        control.Plan(entity.def->name, entity.rows);
      }
      WriteOptions write;
      write.format = Format::kCsv;
      write.out_dir = synthetic;
      write.threads = spec.threads;
      write.progress = [&](int entity, uint64_t done) { control.Report(names[entity], done); };
      WriteOutputs(generator, write);
    }

    // 5. Report: fidelity and privacy of the sample against the upload.
    eval::ReportOptions report_options;
    report_options.real = (input / table_file).string();
    report_options.synthetic = (synthetic / table_file).string();
    report_options.seed = spec.seed;
    report_options.threads = spec.threads;
    report_options.declared = eval::DomainDeclaredColumns(domain);
    report_options.audit.handled = eval::DomainHandledColumns(domain);
    const eval::Report report = eval::BuildReport(report_options);
    eval::WriteFileAtomically((dir / (spec.name + ".report.html")).string(), eval::RenderHtml(report));
    eval::WriteFileAtomically((dir / (spec.name + ".report.json")).string(), eval::RenderJson(report));
    fs::copy_file(synthetic / table_file, dir / table_file);
    fs::copy_file(domain_file, dir / (spec.name + ".yaml"));
    if (control.cancelled()) throw JobCancelled{};

    // 6. Register the learned domain: one rename, so it appears whole.
    fs::create_directories(spec.learned_dir);
    const fs::path target = spec.learned_dir / spec.name;
    if (fs::exists(target)) throw UsageError("a learned domain named '" + spec.name + "' appeared meanwhile");
    fs::rename(learned, target);
    fs::remove_all(input);
    fs::remove_all(synthetic);
  };
}

}  // namespace seedforge::serve
