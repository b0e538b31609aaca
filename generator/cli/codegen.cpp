// seedforge codegen: typed fixture loaders and test glue for a domain.
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "cli/common.h"
#include "seedforge/codegen.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"

namespace seedforge {

namespace {

struct CodegenArgs {
  std::string domain;
  std::string lang;
  std::string out;
  bool example = false;
  std::string templates;
  bool quiet = false;
};

void RunCodegen(const CodegenArgs& args) {
  Domain domain = LoadDomain(args.domain, CommandRegistry());
  CodegenOptions options;
  options.language = args.lang;
  options.out_dir = args.out;
  options.example = args.example;
  options.templates_dir = args.templates;
  if (!domain.named_rows.empty()) {
    // Named rows (scenarios): the plan knows which row each label is, the
    // same at any scale or seed, so the defaults plan it.
    RunArgs run;
    run.domain = args.domain;
    GenerateOptions generate = MakeGenerateOptions(run, domain, {.progress = false, .warnings = !args.quiet});
    Generator generator(domain, CommandRegistry(), generate);
    for (size_t e = 0; e < domain.entities.size(); ++e) {
      std::vector<std::pair<std::string, uint64_t>> labels;
      for (const RowLabel& label : generator.Labels(static_cast<int>(e))) labels.push_back({label.label, label.row});
      if (!labels.empty()) options.labels.push_back({domain.entities[e].name, labels});
    }
  }
  CodegenSummary summary = GenerateCode(domain, options);
  if (!args.quiet) {
    std::cerr << "seedforge: " << domain.name << ": " << args.lang << " code in " << summary.files.size()
              << " file(s) under " << args.out << " (schema " << SchemaHash(domain) << ")\n";
  }
}

}  // namespace

void SetupCodegenCommand(CLI::App& app) {
  auto args = std::make_shared<CodegenArgs>();
  std::string languages;
  for (const std::string& name : CodegenLanguageNames()) languages += (languages.empty() ? "" : "|") + name;
  CLI::App* sub = AddCommand(
      app, "codegen", "Generate typed fixture loaders and test glue for a domain",
      {"seedforge codegen --domain banking --lang cpp --out gen --example",
       "seedforge generate --domain banking --out fixtures && gen/run_example.sh fixtures",
       "seedforge codegen --domain ./my_domain.yaml --lang python --out tests/fixtures"},
      "The generated code reads the files `seedforge generate` writes (csv and jsonl) and checks the\n"
      "schema hash in their <domain>.manifest.json: fixtures of another schema are an error.\n"
      "C++: <domain>_fixtures.h (records, loaders, navigation) and <domain>_gtest.h (PostgreSQL\n"
      "Environment and a fixture rolling back each test). Python: <domain>_fixtures.py and conftest.py\n"
      "(pytest). TypeScript: <domain>.ts and <domain>_testdb.ts (Vitest/Jest). Go: <domain>.go and\n"
      "<domain>_testdb.go (testing). Named rows (scenarios) are exposed by label, e.g. fixtures.customers.alice.\n"
      "Templates: templates/codegen/<lang>/, overridable file by file with --templates (docs/codegen.md).");
  sub->add_option("-d,--domain", args->domain,
                  "Built-in domain name, or path to a domain file (with a '/' or a .yaml/.yml suffix)")
      ->required();
  sub->add_option("-l,--lang", args->lang, "Target language: " + languages)
      ->required()
      ->check(CLI::IsMember(CodegenLanguageNames()));
  sub->add_option("-o,--out", args->out, "Output directory (created if missing)")->required();
  sub->add_flag("--example", args->example,
                "Also write a runnable example printing 'ENTITY COUNT' per entity, and run_example.sh FIXTURE_DIR");
  sub->add_option("--templates", args->templates,
                  "Directory overriding built-in templates file by file (e.g. codegen/cpp/fixtures.h.mustache)")
      ->check(CLI::ExistingDirectory);
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  AddPluginOption(*sub);  // a domain may name providers of a plugin pack
  sub->callback([args] { RunCodegen(*args); });
}

}  // namespace seedforge
