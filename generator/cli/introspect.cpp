// seedforge introspect: an existing PostgreSQL schema as a domain file.
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include "cli/app.h"
#include "seedforge/atomic_file.h"
#include "seedforge/error.h"
#include "seedforge/introspect.h"
#include "seedforge/registry.h"

namespace seedforge {

namespace {

struct IntrospectArgs {
  std::string db;
  std::string schema = "public";
  std::string out;
  std::optional<uint64_t> rows;
};

void RunIntrospect(const IntrospectArgs& args) {
  IntrospectOptions options;
  options.uri = DatabaseUri(args.db);
  options.schema = args.schema;
  options.rows = args.rows;
  std::string text = IntrospectDomain(options, CommandRegistry());
  if (args.out.empty() || args.out == "-") {
    std::cout << text;
    return;
  }
  AtomicFile file(args.out);
  file.Write(text);
  file.Commit();
  // --domain takes a bare name as a built-in domain: show a path.
  const std::filesystem::path out(args.out);
  const bool path_like = args.out.find('/') != std::string::npos || out.extension() == ".yaml" || out.extension() == ".yml";
  std::fprintf(stderr, "seedforge: wrote %s; check it with: seedforge validate --domain %s%s\n", args.out.c_str(),
               path_like ? "" : "./", args.out.c_str());
}

}  // namespace

void SetupIntrospectCommand(CLI::App& app) {
  auto args = std::make_shared<IntrospectArgs>();
  CLI::App* sub = AddCommand(app, "introspect", "Write a domain file from an existing PostgreSQL schema",
                             {"seedforge introspect --db postgresql://localhost/app --out app.yaml",
                              "seedforge load --domain app.yaml --db postgresql://localhost/app_test"},
                             "Reads tables, types, keys, foreign keys, NOT NULL, defaults, enums, domains, partitions,\n"
                             "triggers and simple CHECKs, then row counts and a sample of the values (read only);\n"
                             "providers are chosen from column names, types and values.");
  sub->add_option("--db", args->db, "libpq URI or connection string (default: $DATABASE_URL, then PG* variables)");
  sub->add_option("--schema", args->schema, "Schema to read")->default_str("public");
  sub->add_option("-o,--out", args->out, "Domain file to write (default: standard output)");
  sub->add_option("--rows", args->rows,
                  "Row count of every table that no link counts (default: the table's own, 1000 when empty)");
  AddPluginOption(*sub);
  sub->callback([args] { RunIntrospect(*args); });
}

}  // namespace seedforge
