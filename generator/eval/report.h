// `seedforge report`: fidelity, ML utility and privacy of synthetic data
// against the real data it imitates, rendered as JSON (every figure), a
// self-contained HTML page and a Markdown model card.
//
// BuildReport loads the inputs (eval/table.h), then runs the quality
// (eval/quality.h), utility (eval/utility.h) and privacy (eval/privacy.h)
// evaluations; the Render functions only format a finished Report. The
// HTML page has inline CSS and inline SVG drawn here: no scripts, no fonts
// and no URLs, so it opens anywhere without network access.
//
// Thread safety: a Report is a value; BuildReport uses `threads` worker
// threads internally and is deterministic for a given seed.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "eval/audit.h"
#include "eval/privacy.h"
#include "eval/quality.h"
#include "eval/table.h"
#include "eval/utility.h"
#include "seedforge/domain.h"

namespace seedforge::eval {

struct ReportOptions {
  std::string real, synthetic, holdout;  // CSV files, or folders of per-entity CSV files
  std::vector<std::string> links;        // "child.col=parent.col"
  std::vector<DeclaredColumn> declared;  // kinds a domain decides (DomainDeclaredColumns)
  std::string null_marker;               // --null: besides the empty unquoted field, read as NULL
  std::string target;                    // "COL" or "TABLE.COL"; empty: no ML utility
  std::vector<std::string> quasi;        // quasi-identifier columns
  std::string sensitive;                 // for l-diversity and attribute inference
  AuditInputs audit;                     // identifier handling and privacy budgets (eval/audit.h)
  uint64_t seed = 1;
  int threads = 1;
  size_t dcr_sample = 5000;
  size_t attack_sample = 2000;
  size_t max_train_rows = 50000;
  std::function<void(const std::string&)> progress;  // stage messages; may be empty
};

struct ColumnSummary {
  std::string name;
  ColumnKind kind;
  std::string reason;
  size_t unparsed_synthetic = 0, unparsed_holdout = 0;
};

struct TableSummary {
  std::string name;
  std::string real_file, synthetic_file, holdout_file;
  size_t real_rows = 0, synthetic_rows = 0, holdout_rows = 0;
  std::vector<ColumnSummary> columns;
};

struct Report {
  ReportOptions options;
  bool multi_table = false;
  std::vector<TableSummary> tables;
  std::vector<Link> links;
  QualityResult quality;
  std::vector<UtilityResult> utility;  // empty without --target
  std::vector<PrivacyResult> privacy;  // one per table
  AuditResult audit;
  std::vector<std::string> warnings;
  double load_seconds = 0, quality_seconds = 0, utility_seconds = 0, privacy_seconds = 0, total_seconds = 0;
};

// Throws InputError for unreadable or malformed inputs, UsageError for bad
// options (unknown target, quasi or sensitive column, bad --link).
Report BuildReport(const ReportOptions& options);

std::string RenderJson(const Report& report);
std::string RenderHtml(const Report& report);
std::string RenderSummary(const Report& report);  // a few lines for the terminal

// The Markdown model card from templates/model_card/model_card.md.mustache.
// `model_info` are the --model-info KEY=VALUE pairs (synthesizer, settings;
// "epsilon" and "delta" are shown as the privacy budget, "intended_use" and
// "limitation" add to those sections).
std::string RenderModelCard(const Report& report, const std::vector<std::pair<std::string, std::string>>& model_info);

// Writes `content` to a temporary file in the target's folder and renames it
// into place; the temporary file is removed on failure. Throws Error.
void WriteFileAtomically(const std::string& path, std::string_view content);
// `s` with the characters HTML reads as markup as entities (text and
// attribute values in either quote); `profile` writes its page with it too.
std::string HtmlEscape(std::string_view s);

// A domain's links as ReportOptions::links, "child.col=parent.col" (a
// composite link by its first pair of columns: the tables' rows pair up the
// same way). Self-references relate no two tables and are left out.
std::vector<std::string> DomainLinks(const Domain& domain);

// The columns whose kind a domain decides (see DeclaredColumn): keys of
// self-references, and columns filled by providers of personal data,
// identifiers or filler text, and copies of those.
std::vector<DeclaredColumn> DomainDeclaredColumns(const Domain& domain);

// --- Wording shared by the renderers ----------------------------------------

// "excellent" (>= 0.9), "good" (>= 0.8), "fair" (>= 0.7), "poor" (>= 0.5),
// "very poor"; "not computed" for NaN.
std::string ScoreWord(double score);

// "0.912" (3 decimals) or "n/a" for NaN.
std::string Fixed(double value, int decimals = 3);
// "4.8%" or "n/a" for NaN.
std::string Percent(double share, int decimals = 1);

// Plain-English sentences under each metric.
std::string ExplainOverall(const Report& report);
std::string ExplainColumnShapes(double score);
std::string ExplainPairTrends(double score);
std::string ExplainCardinality(double score);
std::string ExplainIntertable(double score);
std::string ExplainShape(const ShapeRow& row);
std::string ExplainUtility(const UtilityResult& utility);
std::string ExplainDcr(const PrivacyResult& privacy);
std::string ExplainNndr(const PrivacyResult& privacy);
std::string ExplainCopies(const PrivacyResult& privacy);
std::string ExplainAttack(const PrivacyResult& privacy);
std::string ExplainAnonymity(const PrivacyResult& privacy);
std::string ExplainAttributeInference(const PrivacyResult& privacy);

}  // namespace seedforge::eval
