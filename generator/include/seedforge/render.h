// Templates: schema-level text (DDL, script frames) rendered with mustache.
//
// Templates live in templates/ and are built into the binary; a directory
// given with --templates overrides them file by file. Rows never go through
// templates: a script template marks where each table's rows go and the
// writer streams them there.
#pragma once

#include <filesystem>
#include <string>

#include "seedforge/generator.h"

namespace seedforge {

// The text of template `path` (relative to templates/), from `override_dir`
// when it has the file, else the built-in one.
std::string LoadTemplate(const std::string& path, const std::filesystem::path& override_dir);

struct SchemaText {
  std::string create_tables;  // CREATE TABLE statements, parents first
  std::string foreign_keys;   // ALTER TABLE ... ADD FOREIGN KEY statements
  std::string sequence_resets;  // setval() of identity columns after a load
};

SchemaText RenderSchema(const Generator& generator, const std::filesystem::path& override_dir);
// The same for a domain without a run (no row counts). REQUIRES: `domain`
// holds only output columns (no hidden ones), as Generator::domain() does.
SchemaText RenderSchema(const Domain& domain, const std::filesystem::path& override_dir);

// Renders a script template (sql/script.sql.mustache, copy/...) for the run.
// Each table's rows belong where RowsMarker(entity) appears in the result.
std::string RenderScript(const std::string& template_path, const Generator& generator,
                         const std::filesystem::path& override_dir, const std::string& file_name,
                         const std::string& as_of);
std::string RowsMarker(int entity);

}  // namespace seedforge
