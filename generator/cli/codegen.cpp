// seedforge codegen: typed fixture loaders and test glue for a domain.
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "seedforge/codegen.h"
#include "seedforge/domain.h"
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
  Domain domain = LoadDomain(args.domain, BuiltinRegistry());
  CodegenOptions options;
  options.language = args.lang;
  options.out_dir = args.out;
  options.example = args.example;
  options.templates_dir = args.templates;
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
      "Environment and a fixture rolling back each test). Python: <domain>_fixtures.py and conftest.py.\n"
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
  sub->callback([args] { RunCodegen(*args); });
}

}  // namespace seedforge
