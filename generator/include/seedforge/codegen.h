// Code generation: typed fixture loaders for the tests that use a domain's
// fixtures (`seedforge codegen`).
//
// From a parsed Domain, codegen builds one language-neutral template context
// (domain, schema hash, entities with their columns, keys, links and named
// rows; docs/codegen.md "Template context" lists every key), lets the chosen
// language add its type names and identifiers (generator/codegen/lang_*.cpp,
// one file per language) and renders that language's mustache templates
// (templates/codegen/<lang>/, overridable file by file) into an output
// directory, every file or none.
//
// Thread safety: pure functions of their arguments.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "seedforge/domain.h"

namespace seedforge {

// The text the schema hash is taken of: per entity in domain order, its name,
// its output columns (hidden ones left out, as generate leaves them out) with
// SQL type, nullability, primary key and uniqueness, its links (columns,
// parent, parent columns), and the domain's enum types with their labels.
// Row counts, providers, seeds and descriptions are not part of it: they
// change values, not the shape a loader reads.
std::string CanonicalSchema(const Domain& domain);

// 16 hex digits: FNV-1a 64 of CanonicalSchema. Written by `generate` into
// the fixture directory (<domain>.manifest.json) and compiled into generated
// code, so a loader tells fixtures of another schema from its own.
std::string SchemaHash(const Domain& domain);

// The fixture manifest `generate` writes beside per-entity files.
std::string ManifestFileName(const Domain& domain);

// The languages codegen knows ("cpp", "python", ...), sorted.
std::vector<std::string> CodegenLanguageNames();

struct CodegenOptions {
  std::string language;                 // one of CodegenLanguageNames()
  std::filesystem::path out_dir;        // created if missing
  bool example = false;                 // also the runnable example and run_example.sh
  std::filesystem::path templates_dir;  // overrides of templates/ (codegen/<lang>/...), optional
  // Named rows per entity (scenarios, issue 15 part 2): entity name ->
  // (label, row position in the entity's fixture file). Empty until a
  // domain declares scenarios.
  std::vector<std::pair<std::string, std::vector<std::pair<std::string, uint64_t>>>> labels;
};

struct CodegenSummary {
  std::vector<std::filesystem::path> files;
};

// Renders and writes the generated code. Throws UsageError for an unknown
// language, InputError for a broken template, Error for I/O (nothing written).
CodegenSummary GenerateCode(const Domain& domain, const CodegenOptions& options);

}  // namespace seedforge
