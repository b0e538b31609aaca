// Mustache rendering of the schema-level text. kainjow::mustache is a
// header-only library; only this file includes it.
#include "seedforge/render.h"

#include <kainjow/mustache.hpp>

#include <algorithm>
#include <charconv>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "seedforge/error.h"
#include "seedforge/load_order.h"
#include "seedforge/sql_ident.h"
#include "seedforge/resources.h"
#include "seedforge/utf8.h"
#include "seedforge/xml_text.h"

namespace seedforge {

namespace mst = kainjow::mustache;

std::string LoadTemplate(const std::string& path, const std::filesystem::path& override_dir) {
  if (!override_dir.empty()) {
    std::filesystem::path file = override_dir / path;
    if (std::filesystem::exists(file)) {
      std::ifstream in(file, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      if (!in.good() && !in.eof()) throw Error("cannot read template " + file.string());
      return ss.str();
    }
  }
  return std::string(Resource("templates/" + path));
}

namespace {

std::string Render(const std::string& name, const std::string& text, const mst::data& data) {
  mst::mustache tmpl(text);
  if (!tmpl.is_valid()) throw InputError({name, 0, 0}, "template error: " + tmpl.error_message());
  // SQL, not HTML: values go in verbatim; quoting is done in C++.
  tmpl.set_custom_escape([](const std::string& s) { return s; });
  std::string out = tmpl.render(data);
  if (!tmpl.is_valid()) throw InputError({name, 0, 0}, "template error: " + tmpl.error_message());
  return out;
}

std::string Upper(std::string s) {
  for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

// Free text (names, descriptions) for the comments of a script: on one line
// (control characters become spaces, so nothing can end a -- comment) and
// with no /* or */ (which open and close block comments, and nest).
std::string CommentText(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    char ch = u < 0x20 || u == 0x7f ? ' ' : c;
    if (!out.empty() && ((out.back() == '/' && ch == '*') || (out.back() == '*' && ch == '/'))) out += ' ';
    out += ch;
  }
  return out;
}

// A constraint name in the manner of PostgreSQL's ChooseConstraintName():
// "table_col1_col2_fkey", the parts cut to fit 63 bytes on a character
// boundary, and a number after the label when the table already has a
// constraint of that name (the cut, or names such as a_b + c and a + b_c,
// can make two alike).
std::string ConstraintName(const std::string& base, const std::string& label, std::set<std::string>& taken) {
  for (int n = 0;; ++n) {
    std::string suffix = "_" + label + (n ? std::to_string(n) : "");
    std::string name = std::string(Utf8Prefix(base, kMaxNameBytes - suffix.size())) + suffix;
    if (taken.insert(name).second) return name;
  }
}

std::string Join(const std::vector<std::string>& parts, const std::string& separator) {
  std::string out;
  for (size_t i = 0; i < parts.size(); ++i) out += (i ? separator : "") + parts[i];
  return out;
}

// What the templates see of the domain: tables in load order with columns,
// keys and foreign keys, every name already quoted for PostgreSQL. The
// unquoted names and descriptions (raw_name, domain, description) are for
// comments only and made safe there by CommentText.
// `rows`: per entity, or empty (a schema without a run: codegen).
mst::data SchemaData(const Domain& domain, const std::vector<int>& order, const std::vector<uint64_t>& rows) {
  mst::list tables;
  mst::list foreign_keys;
  mst::list sequence_resets;
  for (int e : order) {
    const DomainEntity& entity = domain.entities[e];
    mst::data table;
    table.set("name", QuoteIdent(entity.name));
    table.set("raw_name", CommentText(entity.name));
    table.set("description", CommentText(entity.description));
    table.set("rows", rows.empty() ? "" : std::to_string(rows[e]));
    table.set("rows_marker", RowsMarker(e));
    mst::list definitions;  // columns, then table constraints, comma-separated
    std::vector<std::string> names;
    for (const DomainColumn& column : entity.columns) {
      std::string def = QuoteIdent(column.name) + " " + column.type.ToSql();
      if (!column.identity.empty()) def += " GENERATED " + Upper(column.identity) + " AS IDENTITY";
      if (column.not_null && !column.primary_key) def += " NOT NULL";
      // In parentheses: with the parser's check that it is one expression,
      // nothing in it can end the column's definition.
      if (!column.default_sql.empty()) def += " DEFAULT (" + column.default_sql + ")";
      if (column.unique && !column.primary_key) def += " UNIQUE";
      if (!column.check_sql.empty()) def += " CHECK (" + column.check_sql + ")";
      mst::data d;
      d.set("definition", def);
      definitions.push_back(d);
      names.push_back(QuoteIdent(column.name));
    }
    std::vector<std::string> key;
    for (const std::string& k : entity.PrimaryKey()) key.push_back(QuoteIdent(k));
    if (!key.empty()) {
      mst::data d;
      d.set("definition", "PRIMARY KEY (" + Join(key, ", ") + ")");
      definitions.push_back(d);
    }
    for (size_t i = 0; i < definitions.size(); ++i) {
      definitions[i].set("comma", i + 1 < definitions.size() ? "," : "");
    }
    table.set("definitions", definitions);
    table.set("column_list", Join(names, ", "));
    tables.push_back(table);
    for (const DomainColumn& column : entity.columns) {
      if (column.identity.empty() && column.default_sql.rfind("nextval(", 0) != 0) continue;
      // Rows were loaded with explicit identity values: move the sequence
      // past them, or the application's next INSERT would collide.
      mst::data reset;
      reset.set("table", QuoteIdent(entity.name));
      reset.set("column", QuoteIdent(column.name));
      reset.set("table_literal", QuoteLiteral(QuoteIdent(entity.name)));
      reset.set("column_literal", QuoteLiteral(column.name));
      sequence_resets.push_back(reset);
    }
    std::set<std::string> constraints;  // names taken on this table
    for (const DomainLink& link : entity.links) {
      std::vector<std::string> child, parent;
      for (const std::string& c : link.columns) child.push_back(QuoteIdent(c));
      for (const std::string& c : link.parent_columns) parent.push_back(QuoteIdent(c));
      std::string constraint = ConstraintName(entity.name + "_" + Join(link.columns, "_"), "fkey", constraints);
      mst::data fk;
      fk.set("table", QuoteIdent(entity.name));
      fk.set("constraint", QuoteIdent(constraint));
      fk.set("columns", Join(child, ", "));
      fk.set("parent", QuoteIdent(link.parent));
      fk.set("parent_columns", Join(parent, ", "));
      foreign_keys.push_back(fk);
    }
  }
  mst::list enums;
  for (const DomainEnum& def : domain.enums) {
    std::vector<std::string> labels;
    for (const std::string& label : def.labels) labels.push_back(QuoteLiteral(label));
    mst::data d;
    d.set("name", QuoteIdent(def.name));
    d.set("labels", Join(labels, ", "));
    enums.push_back(d);
  }
  mst::data data;
  data.set("enums", enums);
  data.set("domain", CommentText(domain.name));
  data.set("description", CommentText(domain.description));
  data.set("tables", tables);
  data.set("foreign_keys", foreign_keys);
  data.set("sequence_resets", sequence_resets);
  data.set("version", SEEDFORGE_VERSION_STRING);
  uint64_t total = 0;
  for (uint64_t r : rows) total += r;
  data.set("total_rows", std::to_string(total));
  data.set("table_count", std::to_string(domain.entities.size()));
  return data;
}

mst::data SchemaData(const Generator& generator, Shard shard = {}) {
  std::vector<uint64_t> rows;
  for (const EntityPlan& p : generator.entities()) rows.push_back(ShardRows(p.rows, shard).size());
  mst::data data = SchemaData(generator.domain(), generator.order(), rows);
  data.set("seed", std::to_string(generator.options().seed));
  return data;
}

SchemaText RenderSchemaData(const mst::data& data, const std::filesystem::path& override_dir) {
  SchemaText out;
  out.create_tables = Render("ddl/create_tables.sql.mustache",
                             LoadTemplate("ddl/create_tables.sql.mustache", override_dir), data);
  out.sequence_resets = Render("ddl/sequence_resets.sql.mustache",
                               LoadTemplate("ddl/sequence_resets.sql.mustache", override_dir), data);
  out.foreign_keys = Render("ddl/foreign_keys.sql.mustache",
                            LoadTemplate("ddl/foreign_keys.sql.mustache", override_dir), data);
  return out;
}

}  // namespace

std::string RowsMarker(int entity) { return "\x1eROWS:" + std::to_string(entity) + "\x1e"; }

void ForEachRowsMarker(std::string_view rendered, int entity_count, std::string_view what,
                       const std::function<void(std::string_view)>& text, const std::function<void(int)>& rows) {
  constexpr std::string_view kOpen = "\x1eROWS:";
  size_t pos = 0;
  while (true) {
    const size_t mark = rendered.find(kOpen, pos);
    if (mark == std::string_view::npos) break;
    const size_t end = rendered.find('\x1e', mark + 1);
    const std::string_view index =
        end == std::string_view::npos ? std::string_view() : rendered.substr(mark + kOpen.size(), end - mark - kOpen.size());
    int entity = -1;
    const auto [last, ec] = std::from_chars(index.data(), index.data() + index.size(), entity);
    if (index.empty() || ec != std::errc() || last != index.data() + index.size() || entity < 0 ||
        entity >= entity_count) {
      throw Error(std::string(what) + "'s output has a broken row marker (the byte 0x1E is reserved)");
    }
    text(rendered.substr(pos, mark - pos));
    rows(entity);
    pos = end + 1;
  }
  text(rendered.substr(pos));
}

SchemaText RenderSchema(const Generator& generator, const std::filesystem::path& override_dir) {
  return RenderSchemaData(SchemaData(generator), override_dir);
}

SchemaText RenderSchema(const Domain& domain, const std::filesystem::path& override_dir) {
  return RenderSchemaData(SchemaData(domain, EntityLoadOrder(domain), {}), override_dir);
}

std::string RenderScript(const std::string& template_path, const Generator& generator,
                         const std::filesystem::path& override_dir, const std::string& file_name,
                         const std::string& as_of, Shard shard) {
  SchemaText schema = RenderSchema(generator, override_dir);
  mst::data data = SchemaData(generator, shard);
  const bool first = shard.index == 0, last = shard.index + 1 == shard.count;
  data.set("create_tables", first ? schema.create_tables : "");
  data.set("add_foreign_keys", last ? schema.foreign_keys : "");
  data.set("reset_sequences", last ? schema.sequence_resets : "");
  if (shard.whole()) {
    data.set("shard", false);
  } else {
    mst::data s;
    s.set("index", std::to_string(shard.index));
    s.set("count", std::to_string(shard.count));
    s.set("first", first);
    s.set("last", last);
    data.set("shard", s);
  }
  data.set("file_name", file_name);
  data.set("as_of", as_of);
  return Render(template_path, LoadTemplate(template_path, override_dir), data);
}

std::string RenderDocxDocument(const Generator& generator, const std::filesystem::path& override_dir,
                               const std::string& as_of) {
  // The text width of the template's landscape A4 page (16,838 twips less
  // two margins of 720), shared equally by a table's columns.
  constexpr int kTextWidthTwips = 16838 - 2 * 720;
  const Domain& domain = generator.domain();
  mst::list tables;
  uint64_t total = 0;
  for (int e : generator.order()) {
    const DomainEntity& entity = domain.entities[e];
    mst::data table;
    table.set("name", XmlText(entity.name));
    if (entity.description.empty()) {
      table.set("description", false);
    } else {
      table.set("description", XmlText(entity.description));
    }
    table.set("rows", std::to_string(generator.entities()[e].rows));
    table.set("rows_marker", RowsMarker(e));
    mst::list columns;
    const int width = kTextWidthTwips / std::max<int>(1, static_cast<int>(entity.columns.size()));
    for (const DomainColumn& column : entity.columns) {
      mst::data c;
      c.set("name", XmlText(column.name));
      c.set("width", std::to_string(width));
      columns.push_back(c);
    }
    table.set("columns", columns);
    tables.push_back(table);
    total += generator.entities()[e].rows;
  }
  mst::data data;
  data.set("domain", XmlText(domain.name));
  if (domain.description.empty()) {
    data.set("description", false);
  } else {
    data.set("description", XmlText(domain.description));
  }
  data.set("tables", tables);
  data.set("version", SEEDFORGE_VERSION_STRING);
  data.set("seed", std::to_string(generator.options().seed));
  data.set("as_of", XmlText(as_of));
  data.set("total_rows", std::to_string(total));
  data.set("table_count", std::to_string(domain.entities.size()));
  const std::string path = "docx/document.xml.mustache";
  return Render(path, LoadTemplate(path, override_dir), data);
}

}  // namespace seedforge
