// seedforge list domains|providers|formats
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "seedforge/registry.h"
#include "seedforge/resources.h"

namespace seedforge {

namespace {
void ListProviders(bool verbose) {
  for (const ProviderSpec* spec : BuiltinRegistry().All()) {
    std::cout << spec->name << "  (" << spec->pack << ")  " << spec->summary << "\n";
    if (!verbose) continue;
    std::cout << "    fields:";
    for (const FieldSpec& f : spec->fields) std::cout << " " << f.name << ":" << ValueKindName(f.kind);
    std::cout << "\n";
    for (const ParamSpec& p : spec->params) {
      std::cout << "    param " << p.name << (p.is_column ? " (column)" : "") << ": " << p.description;
      if (!p.default_value.empty()) std::cout << " [default " << p.default_value << "]";
      std::cout << "\n";
    }
    if (!spec->example.empty()) std::cout << "    example: " << spec->example << "\n";
  }
}
}  // namespace

void SetupListCommand(CLI::App& app) {
  auto what = std::make_shared<std::string>();
  auto verbose = std::make_shared<bool>(false);
  CLI::App* sub = app.add_subcommand("list", "List built-in domains, providers or output formats");
  sub->add_option("what", *what, "domains | providers | formats")
      ->required()
      ->check(CLI::IsMember({"domains", "providers", "formats"}));
  sub->add_flag("-v,--verbose", *verbose, "Show fields, parameters and examples of providers");
  sub->callback([what, verbose] {
    if (*what == "providers") {
      ListProviders(*verbose);
    } else if (*what == "domains") {
      for (const std::string& path : ResourcesUnder("domains/")) {
        std::string name = path.substr(8, path.size() - 8 - 5);
        std::cout << name << "\n";
      }
    } else {
      std::cout << "csv    one CSV file per entity, with a header row\n"
                   "jsonl  one JSON object per line, a file per entity\n"
                   "json   one JSON array per entity\n"
                   "sql    one PostgreSQL script: DDL and INSERTs in one transaction\n"
                   "copy   one PostgreSQL script for psql: DDL and COPY blocks in one transaction\n"
                   "ddl    the schema only: CREATE TABLE statements and constraints\n";
    }
  });
}


}  // namespace seedforge
