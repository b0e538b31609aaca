// seedforge profile: per column of a CSV file, a folder of CSV files or a
// PostgreSQL database, the type the table layer infers (the same reader and
// inference as learn and report), NULLs, distinct values, a distribution
// summary and the personal data found (seedforge/pii.h), on the terminal, as
// JSON and as HTML; and a proposed domain whose personal columns keep
// format-aware providers while the others are learned (docs/profile.md).
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <memory>

#include <fmt/format.h>

#include "cli/app.h"
#include "cli/common.h"
#include "eval/json.h"
#include "eval/report.h"
#include "profile/profile.h"
#include "seedforge/database.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace {

namespace fs = std::filesystem;
using profile::ColumnProfile;

struct ProfileArgs {
  std::string from;
  std::string json, html, domain_out;
  std::string null_marker;
  std::string schema = "public";
  std::string tables;
  std::string sample_rows = "0";
  uint64_t seed = 1;
  int threads = 0;
  bool quiet = false;
};

std::string Percent(double share) { return fmt::format("{:.1f}%", 100 * share); }

// The evidence shares as JSON: -1 (does not apply) becomes null.
void Share(eval::JsonWriter& json, std::string_view key, double share) {
  json.Key(key);
  if (share < 0) {
    json.Null();
  } else {
    json.Value(share);
  }
}

std::string RenderJson(const std::string& source, const std::vector<ColumnProfile>& columns) {
  eval::JsonWriter json;
  json.BeginObject().Field("source", source).Key("columns").BeginArray();
  for (const ColumnProfile& c : columns) {
    json.BeginObject()
        .Field("table", c.table)
        .Field("column", c.name)
        .Field("type", ColumnTypeName(c.type))
        .Field("type_reason", c.type_reason);
    if (!c.format.empty()) json.Field("format", c.format);
    json.Field("rows", static_cast<uint64_t>(c.rows))
        .Field("nulls", static_cast<uint64_t>(c.nulls))
        .Field("null_rate", c.NullRate())
        .Field("distinct", static_cast<uint64_t>(c.distinct))
        .Field("min_length", static_cast<uint64_t>(c.min_length))
        .Field("max_length", static_cast<uint64_t>(c.max_length));
    json.Key("summary");
    if (!c.summarized) {
      json.Null();
    } else {
      json.BeginObject();
      if (!c.min.empty()) json.Field("min", c.min).Field("max", c.max);
      if (c.mean) json.Field("mean", *c.mean);
      if (!c.quantiles.empty()) {
        json.Key("quantiles").BeginObject();
        for (const auto& [percent, value] : c.quantiles) json.Field(fmt::format("p{}", percent), value);
        json.EndObject();
      }
      if (!c.top.empty()) {
        json.Key("top").BeginArray();
        for (const auto& [value, count] : c.top) {
          json.BeginObject().Field("value", value).Field("count", static_cast<uint64_t>(count)).EndObject();
        }
        json.EndArray();
      }
      json.EndObject();
    }
    const PiiEvidence& e = c.pii.evidence;
    json.Key("pii").BeginObject().Field("kind", PiiKindName(c.pii.kind)).Field("confidence", c.pii.confidence);
    json.Key("evidence").BeginObject().Field("values", static_cast<uint64_t>(e.values));
    Share(json, "format", e.format);
    Share(json, "checksum", e.checksum);
    Share(json, "dictionary", e.dictionary);
    json.Field("header", e.header);
    if (c.pii.kind == PiiKind::kFreeText) {
      json.Field("rows_affected", e.rows_affected).Key("inside").BeginArray();
      for (PiiKind k : e.inside) json.Value(PiiKindName(k));
      json.EndArray();
    }
    if (!e.detail.empty()) json.Field("detail", e.detail);
    json.EndObject().EndObject().EndObject();
  }
  json.EndArray().EndObject();
  return json.str() + "\n";
}

std::string SummaryText(const ColumnProfile& c) {
  if (c.pii.kind != PiiKind::kNone) return "(values withheld: personal data)";
  if (!c.summarized) return "";
  if (!c.quantiles.empty()) {
    std::string out = "min " + c.min;
    if (c.mean) out += fmt::format(", mean {:.6g}", *c.mean);
    out += ", median " + c.quantiles[2].second + ", max " + c.max;
    return out;
  }
  if (!c.top.empty() && c.top.front().second == 1) return fmt::format("all {} values distinct", c.distinct);
  std::string out = "top: ";
  for (size_t i = 0; i < c.top.size(); ++i) {
    out += fmt::format("{}{} ({})", i ? ", " : "", c.top[i].first.substr(0, 24), c.top[i].second);
  }
  return out;
}

std::string RenderText(const std::vector<ColumnProfile>& columns) {
  std::string out;
  std::string table;
  size_t personal = 0;
  for (const ColumnProfile& c : columns) {
    if (c.table != table) {
      table = c.table;
      out += fmt::format("\n{} ({} rows)\n", table, c.rows);
      out += fmt::format("  {:<24} {:<10} {:>7} {:>9}  {:<15} {:>5}  {}\n", "column", "type", "nulls", "distinct",
                         "pii", "conf", "summary / evidence");
    }
    const bool pii = c.pii.kind != PiiKind::kNone;
    personal += pii;
    out += fmt::format("  {:<24} {:<10} {:>7} {:>9}  {:<15} {:>5}  {}\n", c.name, ColumnTypeName(c.type),
                       Percent(c.NullRate()), c.distinct, pii ? PiiKindName(c.pii.kind) : "-",
                       pii ? fmt::format("{:.2f}", c.pii.confidence) : "", pii ? c.pii.Explain() : SummaryText(c));
  }
  out += fmt::format("\n{} columns, {} with personal data\n", columns.size(), personal);
  return out;
}

std::string RenderHtml(const std::string& source, const std::vector<ColumnProfile>& columns) {
  using eval::HtmlEscape;
  std::string h =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>seedforge profile</title>\n<style>"
      "body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin-bottom:2em}"
      "th,td{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top;font-size:14px}"
      "th{background:#f4f4f4}td.n{text-align:right}tr.pii td{background:#fff4e5}.why{color:#666;font-size:12px}"
      "</style></head><body>\n<h1>Profile of " +
      HtmlEscape(source) + "</h1>\n";
  size_t personal = 0;
  for (const ColumnProfile& c : columns) personal += c.pii.kind != PiiKind::kNone;
  h += "<p>" + std::to_string(columns.size()) + " columns, " + std::to_string(personal) +
       " with personal data. Personal columns are highlighted; their values are never shown.</p>\n";
  std::string table;
  for (size_t i = 0; i < columns.size(); ++i) {
    const ColumnProfile& c = columns[i];
    if (c.table != table) {
      if (!table.empty()) h += "</table>\n";
      table = c.table;
      h += "<h2>" + HtmlEscape(table) + " (" + std::to_string(c.rows) + " rows)</h2>\n<table><tr><th>column</th>"
           "<th>type</th><th>nulls</th><th>distinct</th><th>summary</th><th>personal data</th><th>confidence</th>"
           "<th>evidence</th></tr>\n";
    }
    const bool pii = c.pii.kind != PiiKind::kNone;
    h += std::string("<tr") + (pii ? " class=\"pii\"" : "") + "><td>" + HtmlEscape(c.name) + "</td><td>" +
         HtmlEscape(ColumnTypeName(c.type)) + "<div class=\"why\">" + HtmlEscape(c.type_reason) + "</div></td>" +
         "<td class=\"n\">" + Percent(c.NullRate()) + "</td><td class=\"n\">" + std::to_string(c.distinct) +
         "</td><td>" + HtmlEscape(SummaryText(c)) + "</td><td>" + (pii ? HtmlEscape(PiiKindName(c.pii.kind)) : "") +
         "</td><td class=\"n\">" + (pii ? fmt::format("{:.2f}", c.pii.confidence) : "") + "</td><td>" +
         (pii ? HtmlEscape(c.pii.Explain()) : "") + "</td></tr>\n";
  }
  if (!table.empty()) h += "</table>\n";
  h += "<footer class=\"why\">seedforge profile; confidence and evidence are explained in docs/profile.md</footer>\n"
       "</body></html>\n";
  return h;
}

void RunProfile(const ProfileArgs& args) {
  const auto start = std::chrono::steady_clock::now();
  auto say = [&](std::string_view line) {
    if (!args.quiet) std::fprintf(stderr, "seedforge: %.*s\n", static_cast<int>(line.size()), line.data());
  };
  const bool database = IsConnectionString(args.from);
  if (!database && (!args.tables.empty() || args.sample_rows != "0" || args.schema != "public")) {
    throw UsageError("--schema, --tables and --sample-rows are for a PostgreSQL database, not CSV files");
  }
  DatabaseSample sample;
  if (database) {
    ReadDatabaseOptions read;
    read.uri = args.from;
    read.schema = args.schema;
    read.tables = SplitList(args.tables);
    read.sample_rows = ParseRowsOption("--sample-rows", args.sample_rows);
    read.seed = args.seed;
    read.progress = say;
    sample = ReadPostgresDatabase(read, CommandRegistry());
  } else if (fs::is_directory(args.from)) {
    ReadCsvDatabaseOptions read;
    read.dir = args.from;
    read.null_marker = args.null_marker;
    sample = ReadCsvDatabase(read, CommandRegistry());
  } else if (fs::is_regular_file(args.from)) {
    // One file read as a folder of one: the same reader and schema as
    // `learn --from DIR`, so --domain-out works alike.
    ReadCsvDatabaseOptions read;
    const fs::path file(args.from);
    read.dir = file.has_parent_path() ? file.parent_path().string() : ".";
    read.files = {file.filename().string()};
    read.null_marker = args.null_marker;
    sample = ReadCsvDatabase(read, CommandRegistry());
    sample.source = args.from;
  } else {
    throw UsageError("--from: " + args.from + " is no CSV file, folder of CSV files or PostgreSQL database");
  }
  std::vector<ColumnProfile> columns;
  for (const DomainEntity& entity : sample.schema.entities) {
    auto table = sample.tables.find(entity.name);
    if (table == sample.tables.end()) continue;
    std::vector<ColumnProfile> profiles = profile::ProfileTable(table->second, entity.name, ThreadsOrCores(args.threads));
    columns.insert(columns.end(), std::make_move_iterator(profiles.begin()), std::make_move_iterator(profiles.end()));
  }
  if (!args.json.empty()) eval::WriteFileAtomically(args.json, RenderJson(sample.source, columns));
  if (!args.html.empty()) eval::WriteFileAtomically(args.html, RenderHtml(sample.source, columns));
  if (!args.domain_out.empty()) {
    for (const std::string& note : profile::ProposeProviders(sample, columns, !database, CommandRegistry())) {
      say(note);
    }
    const fs::path target(args.domain_out);
    LearnDatabaseOptions learn;
    learn.out_dir = target.has_parent_path() ? target.parent_path().string() : ".";
    learn.domain_file = target.filename().string();
    learn.seed = args.seed;
    learn.threads = args.threads;
    learn.progress = say;
    learn.registry = &CommandRegistry();
    learn.regenerate = "seedforge profile --from " + sample.source + " --domain-out " + args.domain_out;
    const LearnDatabaseResult result = LearnDatabase(sample, learn);
    say("domain in " + result.domain_file + ", " + std::to_string(result.model_files.size()) + " model files in " +
        (fs::path(learn.out_dir) / "models").string());
  }
  if (!args.quiet) {
    std::cout << "seedforge profile: " << sample.source
              << fmt::format(" ({:.2f} s)\n", std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count())
              << RenderText(columns);
    for (const std::string* path : {&args.json, &args.html, &args.domain_out}) {
      if (!path->empty()) std::cout << "  wrote " << *path << "\n";
    }
  }
}

}  // namespace

void SetupProfileCommand(CLI::App& app) {
  auto args = std::make_shared<ProfileArgs>();
  CLI::App* sub = AddCommand(
      app, "profile", "Profile a CSV file, a folder of CSV files or a database: types, NULLs, distributions, personal data",
      {"seedforge profile --from customers.csv",
       "seedforge profile --from exports/ --json profile.json --out profile.html",
       "seedforge profile --from postgresql://me@db/shop --sample-rows 10000 --domain-out proposed/domain.yaml",
       "seedforge generate --domain proposed/domain.yaml --out synth/   # no real identifier in it"},
      "Types come from the same reader and inference as learn and report. Personal data is detected from\n"
      "the values (formats, checksums, name tables) and the header (docs/profile.md); the summary of a\n"
      "personal column never shows its values. --domain-out writes a domain (and its models beside it) in\n"
      "which personal columns are made by format-aware providers and every other column is learned.\n");
  sub->add_option("--from", args->from, "A CSV file, a folder of CSV files, or a PostgreSQL URI")->required();
  sub->add_option("--json", args->json, "Write the profile as JSON to this file");
  sub->add_option("--out", args->html, "Write the profile as an HTML page to this file");
  sub->add_option("--domain-out", args->domain_out,
                  "Write a proposed domain here (models under models/ beside it): providers for personal columns, "
                  "the rest learned");
  sub->add_option("--null", args->null_marker, "CSV: a NULL marker besides the empty unquoted field (e.g. NA)");
  sub->add_option("--schema", args->schema, "Database: the schema to read")->default_str("public");
  sub->add_option("--tables", args->tables, "Database: only these tables, a,b,c");
  sub->add_option("--sample-rows", args->sample_rows,
                  "Database: about this many rows per root table, FK-closed (default: every row)");
  sub->add_option("-s,--seed", args->seed, "Which sample (--sample-rows) and the seed of the learned models");
  AddThreadsOption(*sub, args->threads, "Worker threads, for columns and --domain-out's models (default: all cores)");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing but errors");
  AddPluginOption(*sub);
  sub->callback([args]() { RunProfile(*args); });
}

}  // namespace seedforge
