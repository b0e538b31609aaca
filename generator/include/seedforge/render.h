// Templates: schema-level text (DDL, script frames) rendered with mustache.
//
// Templates live in templates/ and are built into the binary; a directory
// given with --templates overrides them file by file. Rows never go through
// templates: a script template marks where each table's rows go and the
// writer streams them there.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <string_view>

#include "seedforge/generator.h"
#include "seedforge/shard.h"

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
// For a shard of the run, the row counts are the shard's, `create_tables` is
// empty but in shard 0 and `add_foreign_keys`/`reset_sequences` empty but in
// the last shard (so shard 0 runs first and the last shard last), and
// `shard` is {index, count} (false for a whole run).
std::string RenderScript(const std::string& template_path, const Generator& generator,
                         const std::filesystem::path& override_dir, const std::string& file_name,
                         const std::string& as_of, Shard shard = {});
std::string RowsMarker(int entity);

// Walks a rendered template's output in order: `text` gets each piece
// between row markers, `rows` the entity of each marker. Domain text cannot
// hold the marker's control byte (the parser refuses it), but a template
// given with --templates can hold anything: a malformed marker or an entity
// out of [0, entity_count) throws Error naming `what` ("the script
// template").
void ForEachRowsMarker(std::string_view rendered, int entity_count, std::string_view what,
                       const std::function<void(std::string_view)>& text, const std::function<void(int)>& rows);

// Renders the docx body (docx/document.xml.mustache, WordprocessingML): a
// title, then per entity a heading, its description and a table whose
// header row names the columns. Each table's rows (<w:tr> elements) belong
// where RowsMarker(entity) appears. Every name and description is already
// XML-escaped. The package's other parts (docx/*.xml.mustache) are static
// and read with LoadTemplate.
std::string RenderDocxDocument(const Generator& generator, const std::filesystem::path& override_dir,
                               const std::string& as_of);

}  // namespace seedforge
