// The report as one self-contained HTML page: inline CSS, inline SVG plots
// drawn here, no scripts and no URLs (inline SVG in HTML5 needs no xmlns), so
// it opens in any browser without network access. Every string from the
// data is escaped.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <utility>

#include "eval/report.h"
#include "seedforge/utf8.h"

#ifndef SEEDFORGE_VERSION_STRING
#define SEEDFORGE_VERSION_STRING "unknown"
#endif

namespace seedforge::eval {

namespace {

constexpr const char* kRealColor = "#33508a";
constexpr const char* kSynColor = "#3fb8a0";

// The characters HTML reads as markup, as entities: enough for text and for
// attribute values in either quote.
constexpr std::pair<char, std::string_view> kEntities[] = {
    {'&', "&amp;"}, {'<', "&lt;"}, {'>', "&gt;"}, {'"', "&quot;"}, {'\'', "&#39;"}};

std::string Escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    const auto* e = std::find_if(std::begin(kEntities), std::end(kEntities), [c](const auto& p) { return p.first == c; });
    if (e == std::end(kEntities)) {
      out += c;
    } else {
      out += e->second;
    }
  }
  return out;
}

std::string Num(double v, int decimals = 1) {
  char buffer[48];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
  return buffer;
}

// A short label for an axis value: a date for datetime columns, else %g.
std::string AxisValue(double v, ColumnKind kind) {
  char buffer[48];
  if (kind == ColumnKind::kDatetime && std::isfinite(v)) {
    std::time_t t = static_cast<std::time_t>(std::floor(v));
    std::tm tm{};
    gmtime_r(&t, &tm);
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &tm);
    return buffer;
  }
  std::snprintf(buffer, sizeof buffer, "%.4g", v);
  return buffer;
}

std::string Truncate(const std::string& s, size_t n) {
  if (s.size() <= n) return s;
  return std::string(Utf8Prefix(s, n - 1)) + "\u2026";
}

// Linear interpolation between two #rrggbb colours.
std::string Mix(const char* a, const char* b, double t) {
  unsigned ra, ga, ba, rb, gb, bb;
  std::sscanf(a, "#%02x%02x%02x", &ra, &ga, &ba);
  std::sscanf(b, "#%02x%02x%02x", &rb, &gb, &bb);
  t = std::clamp(t, 0.0, 1.0);
  char buffer[8];
  std::snprintf(buffer, sizeof buffer, "#%02x%02x%02x", static_cast<unsigned>(ra + (rb - (double)ra) * t),
                static_cast<unsigned>(ga + (gb - (double)ga) * t), static_cast<unsigned>(ba + (bb - (double)ba) * t));
  return buffer;
}

// Diverging blue–white–red for correlations in [-1, 1].
std::string CorrelationColor(double r) {
  if (std::isnan(r)) return "#eeeeee";
  return r < 0 ? Mix("#f7f7f7", "#2166ac", -r) : Mix("#f7f7f7", "#b2182b", r);
}

// Red–yellow–green for scores in [0, 1].
std::string ScoreColor(double s) {
  if (std::isnan(s)) return "#eeeeee";
  return s < 0.5 ? Mix("#d73027", "#fee08b", s / 0.5) : Mix("#fee08b", "#1a9850", (s - 0.5) / 0.5);
}

std::string ScoreBadge(double score) {
  return "<span class=\"badge\" style=\"background:" + ScoreColor(score) + "\">" + Escape(Fixed(score)) + "</span>";
}

// Real against synthetic shares: vertical paired bars for a continuous
// column, horizontal paired bars for a discrete one.
std::string DistributionSvg(const ShapeRow& row) {
  std::string svg;
  double top = 0;
  for (double v : row.real_share) top = std::max(top, v);
  for (double v : row.synthetic_share) top = std::max(top, v);
  if (top <= 0) top = 1;
  if (row.labels.empty()) {
    const double w = 360, h = 180, left = 8, right = 8, plot_top = 22, bottom = 30;
    const double pw = w - left - right, ph = h - plot_top - bottom;
    const size_t bins = row.real_share.size();
    svg += "<svg class=\"plot\" viewBox=\"0 0 " + Num(w, 0) + " " + Num(h, 0) + "\" width=\"" + Num(w, 0) +
           "\" height=\"" + Num(h, 0) + "\" role=\"img\" aria-label=\"" + Escape(row.column) + " histogram\">";
    svg += "<rect x=\"" + Num(left) + "\" y=\"" + Num(plot_top) + "\" width=\"" + Num(pw) + "\" height=\"" + Num(ph) +
           "\" fill=\"#fafafa\"/>";
    const double bw = pw / std::max<size_t>(bins, 1);
    for (size_t b = 0; b < bins; ++b) {
      for (int side = 0; side < 2; ++side) {
        double share = side == 0 ? row.real_share[b] : row.synthetic_share[b];
        double bh = ph * share / top;
        double x = left + b * bw + side * bw / 2 + 0.5;
        svg += "<rect x=\"" + Num(x) + "\" y=\"" + Num(plot_top + ph - bh) + "\" width=\"" + Num(bw / 2 - 1) +
               "\" height=\"" + Num(bh) + "\" fill=\"" + (side == 0 ? kRealColor : kSynColor) + "\"><title>" +
               (side == 0 ? "real " : "synthetic ") + Percent(share) + "</title></rect>";
      }
    }
    svg += "<line x1=\"" + Num(left) + "\" y1=\"" + Num(plot_top + ph) + "\" x2=\"" + Num(left + pw) + "\" y2=\"" +
           Num(plot_top + ph) + "\" stroke=\"#888\"/>";
    svg += "<text x=\"" + Num(left) + "\" y=\"" + Num(h - 12) + "\" class=\"axis\">" + Escape(AxisValue(row.lo, row.kind)) +
           "</text>";
    svg += "<text x=\"" + Num(left + pw) + "\" y=\"" + Num(h - 12) + "\" class=\"axis\" text-anchor=\"end\">" +
           Escape(AxisValue(row.hi, row.kind)) + "</text>";
  } else {
    const double row_h = 20, label_w = 130, w = 360, plot_top = 22;
    const double h = plot_top + row_h * row.labels.size() + 8;
    const double pw = w - label_w - 50;
    svg += "<svg class=\"plot\" viewBox=\"0 0 " + Num(w, 0) + " " + Num(h, 0) + "\" width=\"" + Num(w, 0) +
           "\" height=\"" + Num(h, 0) + "\" role=\"img\" aria-label=\"" + Escape(row.column) + " bar chart\">";
    for (size_t i = 0; i < row.labels.size(); ++i) {
      double y = plot_top + i * row_h;
      svg += "<text x=\"" + Num(label_w - 6) + "\" y=\"" + Num(y + 13) + "\" class=\"axis\" text-anchor=\"end\">" +
             Escape(Truncate(row.labels[i], 20)) + "<title>" + Escape(row.labels[i]) + "</title></text>";
      for (int side = 0; side < 2; ++side) {
        double share = side == 0 ? row.real_share[i] : row.synthetic_share[i];
        double bw = pw * share / top;
        svg += "<rect x=\"" + Num(label_w) + "\" y=\"" + Num(y + 2 + side * 8) + "\" width=\"" + Num(bw) +
               "\" height=\"7\" fill=\"" + (side == 0 ? kRealColor : kSynColor) + "\"><title>" +
               (side == 0 ? "real " : "synthetic ") + Percent(share) + "</title></rect>";
      }
      svg += "<text x=\"" + Num(label_w + pw + 4) + "\" y=\"" + Num(y + 13) + "\" class=\"axis\">" +
             Percent(row.real_share[i], 0) + "</text>";
    }
  }
  svg += "<rect x=\"8\" y=\"6\" width=\"10\" height=\"10\" fill=\"" + std::string(kRealColor) +
         "\"/><text x=\"22\" y=\"15\" class=\"axis\">real</text>";
  svg += "<rect x=\"60\" y=\"6\" width=\"10\" height=\"10\" fill=\"" + std::string(kSynColor) +
         "\"/><text x=\"74\" y=\"15\" class=\"axis\">synthetic</text>";
  svg += "</svg>";
  return svg;
}

// A square heatmap of `values` (row-major n x n) with names on two sides.
std::string HeatmapSvg(const std::string& title, const std::vector<std::string>& names,
                       const std::vector<double>& values, bool correlation) {
  const size_t n = names.size();
  const double cell = std::clamp(300.0 / std::max<size_t>(n, 1), 8.0, 30.0);
  const double label = 110, top = 110;
  const double w = std::max(label + cell * n + 10, 260.0), h = top + cell * n + 34;
  std::string svg = "<figure class=\"heatmap\"><figcaption>" + Escape(title) + "</figcaption>";
  svg += "<svg viewBox=\"0 0 " + Num(w, 0) + " " + Num(h, 0) + "\" width=\"" + Num(w, 0) + "\" height=\"" + Num(h, 0) +
         "\" role=\"img\" aria-label=\"" + Escape(title) + "\">";
  for (size_t i = 0; i < n; ++i) {
    double y = top + i * cell + cell / 2 + 4;
    svg += "<text x=\"" + Num(label - 4) + "\" y=\"" + Num(y) + "\" class=\"axis\" text-anchor=\"end\">" +
           Escape(Truncate(names[i], 16)) + "</text>";
    double x = label + i * cell + cell / 2 + 4;
    svg += "<text x=\"" + Num(x) + "\" y=\"" + Num(top - 4) + "\" class=\"axis\" transform=\"rotate(-60 " + Num(x) +
           " " + Num(top - 4) + ")\">" + Escape(Truncate(names[i], 16)) + "</text>";
  }
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = 0; j < n; ++j) {
      double v = values[i * n + j];
      svg += "<rect x=\"" + Num(label + j * cell) + "\" y=\"" + Num(top + i * cell) + "\" width=\"" + Num(cell - 1) +
             "\" height=\"" + Num(cell - 1) + "\" fill=\"" + (correlation ? CorrelationColor(v) : ScoreColor(v)) +
             "\"><title>" + Escape(names[i] + " / " + names[j] + ": " + Fixed(v)) + "</title></rect>";
    }
  }
  // Legend: five swatches across the colour scale.
  const double ly = top + cell * n + 12;
  for (int k = 0; k < 5; ++k) {
    double v = correlation ? -1 + 0.5 * k : 0.25 * k;
    double x = label + k * 36;
    svg += "<rect x=\"" + Num(x) + "\" y=\"" + Num(ly) + "\" width=\"14\" height=\"12\" fill=\"" +
           (correlation ? CorrelationColor(v) : ScoreColor(v)) + "\" stroke=\"#ccc\"/>";
    svg += "<text x=\"" + Num(x + 17) + "\" y=\"" + Num(ly + 10) + "\" class=\"axis\">" + Num(v, correlation ? 1 : 2) +
           "</text>";
  }
  svg += "</svg></figure>";
  return svg;
}

std::string Paragraph(const std::string& text) { return "<p class=\"explain\">" + Escape(text) + "</p>\n"; }

const char* kCss = R"css(
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0;color:#1d2330;background:#f4f5f8;line-height:1.45}
header{background:#1d2b4f;color:#fff;padding:24px 40px}
header h1{margin:0 0 6px;font-size:26px}
header p{margin:2px 0;opacity:.85;font-size:14px}
nav{background:#fff;border-bottom:1px solid #dde;padding:8px 40px;position:sticky;top:0;font-size:14px}
nav a{margin-right:18px;color:#33508a;text-decoration:none}
main{padding:10px 40px 40px;max-width:1250px}
section{background:#fff;border-radius:8px;padding:18px 24px;margin:18px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
h2{margin-top:0;font-size:20px}
h3{font-size:16px;margin:18px 0 6px}
table{border-collapse:collapse;font-size:13px;margin:8px 0}
th,td{border-bottom:1px solid #e3e5ec;padding:5px 10px;text-align:left;vertical-align:top}
th{background:#f0f2f7;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.badge{display:inline-block;min-width:46px;text-align:center;border-radius:4px;padding:1px 6px;font-weight:600;color:#1d2330}
.cards{display:flex;flex-wrap:wrap;gap:14px}
.card{border:1px solid #e3e5ec;border-radius:8px;padding:12px 18px;min-width:150px}
.card .value{font-size:30px;font-weight:700}
.card .label{font-size:13px;color:#5a6275}
.explain{color:#39414f;font-size:14px;max-width:900px}
.grid{display:flex;flex-wrap:wrap;gap:14px}
.grid figure{margin:0;border:1px solid #e3e5ec;border-radius:6px;padding:6px 8px;background:#fff}
.grid figcaption{font-size:13px;font-weight:600}
.grid .note{font-size:12px;color:#5a6275;max-width:360px}
.heatmaps{display:flex;flex-wrap:wrap;gap:20px}
.heatmap{margin:0}
.heatmap figcaption{font-size:13px;font-weight:600}
.axis{font-size:10px;fill:#4a5263}
.warn{color:#8a4b00}
footer{padding:0 40px 30px;font-size:12px;color:#5a6275}
)css";

// --- Audit and compliance (eval/audit.h) ---------------------------------------

std::string AuditSection(const AuditResult& audit) {
  std::string h = "<section id=\"audit\"><h2>Audit and compliance</h2>";
  for (const std::string& paragraph : audit.narrative) h += Paragraph(paragraph);
  h += "<h3>Identifier columns</h3>";
  if (audit.identifiers.empty()) {
    h += Paragraph("None recognised (" + audit.detection + ").");
  } else {
    h += "<table><tr><th>column</th><th>identifier</th><th>handling</th><th>how we know</th><th>in the output</th>"
         "<th>synthetic values also in the real column</th></tr>\n";
    for (const AuditColumn& c : audit.identifiers) {
      std::string words = c.handled.pii_kind;
      for (const IdentifierKind& k : IdentifierKinds()) {
        if (c.handled.pii_kind == k.key) words = k.words;
      }
      h += "<tr><td>" + Escape(c.name) + "</td><td>" + Escape(words) + "</td><td>" +
           Escape(c.handled.handling) + "</td><td>" + Escape(c.handled.evidence) + "</td><td>" +
           (c.in_output ? "yes" : "no") + "</td><td class=\"num\">" +
           (c.in_output ? std::to_string(c.reproduced) + " of " + std::to_string(c.synthetic_values) + " (" +
                              Percent(c.reproduced_share) + ")"
                        : std::string("-")) +
           "</td></tr>\n";
    }
    h += "</table>";
  }
  h += "<h3>HIPAA Safe Harbor: the 18 identifiers (45 CFR 164.514(b)(2))</h3>";
  h += Paragraph("Status per identifier: 'not found' (no column recognised), 'removed' (not in the output), "
                 "'replaced' (values made by seedforge), 'pseudonymised' (keyed tokens of the real values), "
                 "'present' (values learned from or of unknown relation to the real ones), 'not checked' (the "
                 "report cannot recognise it). Safe Harbor also requires that the releasing party has no actual "
                 "knowledge that what remains could identify a person; no figure here can settle that.");
  h += "<table><tr><th></th><th>identifier</th><th>status</th><th>columns</th><th>note</th></tr>\n";
  for (const SafeHarborItem& item : audit.safe_harbor) {
    std::string columns;
    for (const std::string& c : item.columns) columns += (columns.empty() ? "" : "<br>") + Escape(c);
    h += "<tr><td>(" + std::string(1, item.letter) + ")</td><td>" + Escape(item.identifier) + "</td><td>" +
         Escape(item.status) + "</td><td>" + columns + "</td><td>" + Escape(item.note) + "</td></tr>\n";
  }
  h += "</table>";
  h += "<h3>GDPR notes</h3>";
  for (const std::string& paragraph : audit.gdpr) h += Paragraph(paragraph);
  h += Paragraph("This section states what the figures show; it is not legal advice.");
  h += "</section>\n";
  return h;
}

}  // namespace

std::string RenderHtml(const Report& report) {
  const QualityResult& q = report.quality;
  std::string h;
  h += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  h += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  h += "<title>Synthetic data report: " + Escape(report.tables.size() == 1 ? report.tables[0].name : "dataset") +
       "</title>\n<style>" + std::string(kCss) + "</style>\n</head>\n<body>\n";

  h += "<header><h1>Synthetic data report</h1>";
  h += "<p>Real: " + Escape(report.options.real) + " &middot; Synthetic: " + Escape(report.options.synthetic);
  if (!report.options.holdout.empty()) h += " &middot; Holdout: " + Escape(report.options.holdout);
  h += "</p><p>seedforge " + Escape(SEEDFORGE_VERSION_STRING) + " &middot; seed " +
       std::to_string(report.options.seed) + "</p></header>\n";
  h += "<nav><a href=\"#summary\">Summary</a><a href=\"#shapes\">Column shapes</a>"
       "<a href=\"#distributions\">Distributions</a><a href=\"#pairs\">Column pairs</a>";
  if (report.multi_table) h += "<a href=\"#relationships\">Relationships</a>";
  h += "<a href=\"#utility\">ML utility</a><a href=\"#privacy\">Privacy</a><a href=\"#audit\">Audit</a>"
       "<a href=\"#data\">Data</a>"
       "<a href=\"#method\">Method</a></nav>\n<main>\n";

  // Summary.
  h += "<section id=\"summary\"><h2>Summary</h2><div class=\"cards\">";
  auto card = [&](const std::string& label, double score) {
    h += "<div class=\"card\"><div class=\"value\" style=\"color:" +
         (std::isnan(score) ? std::string("#888") : Mix("#b2182b", "#1a7a40", std::clamp((score - 0.5) * 2, 0.0, 1.0))) +
         "\">" + Escape(Fixed(score, 2)) + "</div><div class=\"label\">" + Escape(label) + " &middot; " +
         Escape(ScoreWord(score)) + "</div></div>";
  };
  card("Overall quality", q.overall);
  for (const PropertyScore& p : PropertyScores(q, report.multi_table)) card(p.name, p.score);
  h += "</div>\n";
  h += Paragraph(ExplainOverall(report));
  h += Paragraph(ExplainColumnShapes(q.column_shapes));
  h += Paragraph(ExplainPairTrends(q.column_pair_trends));
  if (report.multi_table) {
    h += Paragraph(ExplainCardinality(q.cardinality_score));
    h += Paragraph(ExplainIntertable(q.intertable_trends));
  }
  for (const std::string& w : report.warnings) h += "<p class=\"warn\">Warning: " + Escape(w) + "</p>\n";
  h += "</section>\n";

  // Column shapes.
  h += "<section id=\"shapes\"><h2>Column shapes</h2>";
  h += Paragraph(ExplainColumnShapes(q.column_shapes));
  h += "<table><tr><th>table</th><th>column</th><th>kind</th><th>metric</th><th>score</th><th>Wasserstein</th>"
       "<th>Jensen&ndash;Shannon</th><th>&chi;&sup2; p-value</th><th>missing real / synthetic</th>"
       "<th>range coverage</th><th>category coverage</th><th>what it means</th></tr>\n";
  for (const ShapeRow& s : q.shapes) {
    h += "<tr><td>" + Escape(s.table) + "</td><td>" + Escape(s.column) + "</td><td>" + KindName(s.kind) + "</td><td>" +
         s.metric + "</td><td>" + ScoreBadge(s.score) + "</td><td class=\"num\">" + Fixed(s.wasserstein, 4) +
         "</td><td class=\"num\">" + Fixed(s.jensen_shannon, 4) + "</td><td class=\"num\">" +
         (std::isnan(s.chi2_p_value) ? "n/a" : s.chi2_p_value < 1e-4 ? "&lt;0.0001" : Fixed(s.chi2_p_value, 4)) +
         "</td><td class=\"num\">" + Percent(s.missing_real) + " / " + Percent(s.missing_synthetic) +
         "</td><td class=\"num\">" + Fixed(s.range_coverage) + "</td><td class=\"num\">" + Fixed(s.category_coverage) +
         "</td><td>" + Escape(ExplainShape(s)) + "</td></tr>\n";
  }
  h += "</table>\n";
  h += Paragraph("Wasserstein distance: how far, on average, values must move to turn the synthetic distribution "
                 "into the real one, as a share of the real range (0 = identical; below 0.02 is close, above 0.1 "
                 "is far).");
  h += Paragraph("Jensen–Shannon divergence: overlap of the two distributions in bits, 0 = identical and 1 = no "
                 "overlap; below 0.05 is close.");
  h += Paragraph("Chi-squared test (categories): a p-value below 0.05 says the category frequencies differ more "
                 "than chance explains. With tens of thousands of rows even tiny differences are significant, so "
                 "read it together with the TVComplement score.");
  h += Paragraph("Missing values: the share of empty values in each data set; a gap above a percentage point means "
                 "missingness is not reproduced.");
  h += Paragraph("Range coverage: how much of the real minimum-to-maximum range the synthetic values span (1 is "
                 "ideal). Category coverage: the share of real categories that appear in the synthetic data (1 is "
                 "ideal; lower means some categories are never produced).");
  h += "</section>\n";

  // Distributions.
  h += "<section id=\"distributions\"><h2>Distributions, real against synthetic</h2>";
  h += Paragraph("Each chart puts the real data (dark) beside the synthetic data (light): shares of rows per range "
                 "of values for numbers and dates, per category otherwise. Bars of equal length mean the column is "
                 "reproduced well.");
  h += "<div class=\"grid\">";
  for (const ShapeRow& s : q.shapes) {
    h += "<figure><figcaption>" + Escape((report.multi_table ? s.table + "." : "") + s.column) + " " +
         ScoreBadge(s.score) + "</figcaption>" + DistributionSvg(s) + "<div class=\"note\">" +
         Escape(ExplainShape(s)) + "</div></figure>";
  }
  h += "</div></section>\n";

  // Column pairs.
  h += "<section id=\"pairs\"><h2>Column pair trends</h2>";
  h += Paragraph(ExplainPairTrends(q.column_pair_trends));
  for (const TableSummary& t : report.tables) {
    std::vector<const PairRow*> rows;
    for (const PairRow& p : q.pairs) {
      if (p.table == t.name) rows.push_back(&p);
    }
    if (report.multi_table) h += "<h3>" + Escape(t.name) + "</h3>";
    if (rows.empty()) {
      h += Paragraph("Fewer than two scored columns: no pairs to compare.");
      continue;
    }
    // Heatmaps: real and synthetic correlations of the continuous columns,
    // and the pair scores of every scored column.
    std::vector<std::string> all, continuous;
    for (const ShapeRow& s : q.shapes) {
      if (s.table != t.name) continue;
      all.push_back(s.column);
      if (IsContinuous(s.kind)) continuous.push_back(s.column);
    }
    auto index_of = [](const std::vector<std::string>& names, const std::string& n) {
      return static_cast<size_t>(std::find(names.begin(), names.end(), n) - names.begin());
    };
    std::vector<double> real(continuous.size() * continuous.size(), std::nan("")), syn = real;
    std::vector<double> score(all.size() * all.size(), std::nan(""));
    for (size_t i = 0; i < continuous.size(); ++i) real[i * continuous.size() + i] = syn[i * continuous.size() + i] = 1;
    for (size_t i = 0; i < all.size(); ++i) score[i * all.size() + i] = 1;
    for (const PairRow* p : rows) {
      size_t a = index_of(all, p->column_a), b = index_of(all, p->column_b);
      score[a * all.size() + b] = score[b * all.size() + a] = p->score;
      if (p->metric == "CorrelationSimilarity") {
        size_t x = index_of(continuous, p->column_a), y = index_of(continuous, p->column_b);
        const size_t n = continuous.size();
        real[x * n + y] = real[y * n + x] = p->real_correlation;
        syn[x * n + y] = syn[y * n + x] = p->synthetic_correlation;
      }
    }
    h += "<div class=\"heatmaps\">";
    if (continuous.size() >= 2) {
      h += HeatmapSvg("Real: Pearson correlation", continuous, real, true);
      h += HeatmapSvg("Synthetic: Pearson correlation", continuous, syn, true);
    }
    h += HeatmapSvg("Pair score (1 = same trend)", all, score, false);
    h += "</div>";
    h += Paragraph("Correlation maps: blue is negative, red positive, white none; the two maps should look alike. "
                   "The score map is green where a pair's relationship is kept and red where it is lost.");
    std::vector<const PairRow*> sorted = rows;
    std::stable_sort(sorted.begin(), sorted.end(), [](const PairRow* a, const PairRow* b) {
      return (std::isnan(a->score) ? 2.0 : a->score) < (std::isnan(b->score) ? 2.0 : b->score);
    });
    h += "<table><tr><th>column 1</th><th>column 2</th><th>metric</th><th>score</th><th>real r</th>"
         "<th>synthetic r</th></tr>\n";
    for (const PairRow* p : sorted) {
      h += "<tr><td>" + Escape(p->column_a) + "</td><td>" + Escape(p->column_b) + "</td><td>" + p->metric +
           "</td><td>" + ScoreBadge(p->score) + "</td><td class=\"num\">" + Fixed(p->real_correlation) +
           "</td><td class=\"num\">" + Fixed(p->synthetic_correlation) + "</td></tr>\n";
    }
    h += "</table>";
  }
  h += "</section>\n";

  // Relationships.
  if (report.multi_table) {
    h += "<section id=\"relationships\"><h2>Relationships between tables</h2>";
    h += Paragraph(ExplainCardinality(q.cardinality_score));
    if (!q.cardinality.empty()) {
      h += "<table><tr><th>link</th><th>score</th><th>children per parent: real mean (max)</th>"
           "<th>synthetic mean (max)</th><th>orphans real / synthetic</th></tr>\n";
      for (const CardinalityRow& c : q.cardinality) {
        h += "<tr><td>" + Escape(c.link.ToString()) + (c.link.inferred ? " (inferred)" : "") + "</td><td>" +
             ScoreBadge(c.score) + "</td><td class=\"num\">" + Fixed(c.real_mean_children, 2) + " (" +
             std::to_string(c.real_max_children) + ")</td><td class=\"num\">" + Fixed(c.synthetic_mean_children, 2) +
             " (" + std::to_string(c.synthetic_max_children) + ")</td><td class=\"num\">" + Percent(c.real_orphans) +
             " / " + Percent(c.synthetic_orphans) + "</td></tr>\n";
      }
      h += "</table>";
    }
    h += Paragraph("Orphans are child rows whose key matches no parent row; a faithful data set has none.");
    h += Paragraph(ExplainIntertable(q.intertable_trends));
    if (!q.intertable.empty()) {
      h += "<table><tr><th>parent.column</th><th>child.column</th><th>metric</th><th>score</th></tr>\n";
      for (const PairRow& p : q.intertable) {
        h += "<tr><td>" + Escape(p.parent_table + "." + p.column_a) + "</td><td>" + Escape(p.table + "." + p.column_b) +
             "</td><td>" + p.metric + "</td><td>" + ScoreBadge(p.score) + "</td></tr>\n";
      }
      h += "</table>";
    }
    h += "</section>\n";
  }

  // ML utility.
  h += "<section id=\"utility\"><h2>Machine-learning utility</h2>";
  if (report.utility.empty()) {
    h += Paragraph("Not measured: give --target COLUMN to train a model on real and on synthetic rows and compare "
                   "them on real test rows.");
  } else {
    const UtilityResult& u = report.utility.front();
    h += Paragraph(ExplainUtility(u));
    if (u.computed) {
      h += "<table><tr><th>trained on</th><th>rows</th>";
      h += u.task == "classification" ? "<th>accuracy</th><th>macro F1</th><th>ROC AUC</th>" : "<th>R&sup2;</th><th>MAE</th>";
      h += "</tr>\n";
      auto scores_row = [&](const std::string& name, size_t rows, const UtilityScores& s) {
        h += "<tr><td>" + name + "</td><td class=\"num\">" + std::to_string(rows) + "</td>";
        if (u.task == "classification") {
          h += "<td class=\"num\">" + Fixed(s.accuracy) + "</td><td class=\"num\">" + Fixed(s.f1_macro) +
               "</td><td class=\"num\">" + Fixed(s.roc_auc) + "</td>";
        } else {
          h += "<td class=\"num\">" + Fixed(s.r2) + "</td><td class=\"num\">" + Fixed(s.mae, 4) + "</td>";
        }
        h += "</tr>\n";
      };
      scores_row("real rows (TRTR)", u.train_real_rows, u.real);
      scores_row("synthetic rows (TSTR)", u.train_synthetic_rows, u.synthetic);
      h += "</table>";
      h += Paragraph("Test rows: " + std::to_string(u.test_rows) + ", " + u.test_source + ". Model: " + u.model +
                     ". Features: " + std::to_string(u.features.size()) + " columns." +
                     (u.note.empty() ? "" : " Note: " + u.note + "."));
    }
  }
  h += "</section>\n";

  // Privacy.
  h += "<section id=\"privacy\"><h2>Privacy</h2>";
  h += Paragraph("Distances are Gower distances over every non-identifier column (numbers scaled by the real range, "
                 "categories 0 when equal and 1 otherwise, averaged over columns): 0 means identical rows, 1 means "
                 "different in every column. 'Holdout' rows are real rows the synthesizer never saw; they show how "
                 "close genuinely new data comes to the training rows by chance.");
  for (const PrivacyResult& p : report.privacy) {
    if (report.multi_table) h += "<h3>" + Escape(p.table) + "</h3>";
    h += "<table><tr><th>test</th><th>synthetic</th><th>holdout (baseline)</th><th>what it means</th></tr>\n";
    h += "<tr><td>exact copies of training rows</td><td class=\"num\">" + std::to_string(p.exact_copies) + " (" +
         Percent(p.exact_copy_rate, 2) + ")</td><td class=\"num\">" + Percent(p.holdout_copy_rate, 2) + "</td><td>" +
         Escape(ExplainCopies(p)) + "</td></tr>\n";
    h += "<tr><td>distance to closest record (median / 5th percentile)</td><td class=\"num\">" +
         Fixed(p.dcr_synthetic.median, 4) + " / " + Fixed(p.dcr_synthetic.p5, 4) + "</td><td class=\"num\">" +
         Fixed(p.dcr_holdout.median, 4) + " / " + Fixed(p.dcr_holdout.p5, 4) + "</td><td>" + Escape(ExplainDcr(p)) +
         "</td></tr>\n";
    h += "<tr><td>share closer than the holdout's 5th percentile</td><td class=\"num\">" + Percent(p.dcr_share_below) +
         "</td><td class=\"num\">5% by definition</td><td>About 5% expected; well above means memorisation.</td></tr>\n";
    h += "<tr><td>nearest-neighbour distance ratio (median / 5th percentile)</td><td class=\"num\">" +
         Fixed(p.nndr_synthetic.median) + " / " + Fixed(p.nndr_synthetic.p5) + "</td><td class=\"num\">" +
         Fixed(p.nndr_holdout.median) + " / " + Fixed(p.nndr_holdout.p5) + "</td><td>" + Escape(ExplainNndr(p)) +
         "</td></tr>\n";
    h += "<tr><td>membership-inference attack (ROC AUC)</td><td class=\"num\">" + Fixed(p.mia_auc) +
         "</td><td class=\"num\">0.5 = no signal</td><td>" + Escape(ExplainAttack(p)) + "</td></tr>\n";
    if (p.anonymity.computed) {
      const AnonymityResult& a = p.anonymity;
      h += "<tr><td>k-anonymity (rows in groups below 5)</td><td class=\"num\">k = " + std::to_string(a.k_synthetic) +
           " (" + Percent(a.below5_synthetic) + ")</td><td class=\"num\">real: k = " + std::to_string(a.k_real) +
           " (" + Percent(a.below5_real) + ")</td><td>" + Escape(ExplainAnonymity(p)) + "</td></tr>\n";
      if (!a.sensitive.empty()) {
        h += "<tr><td>l-diversity of " + Escape(a.sensitive) + "</td><td class=\"num\">l = " +
             std::to_string(a.l_synthetic) + "</td><td class=\"num\">real: l = " + std::to_string(a.l_real) +
             "</td><td>Each quasi-identifier group holds at least l distinct values of the sensitive column; l of 2 "
             "or more means no group reveals its value outright.</td></tr>\n";
      }
    } else {
      h += "<tr><td>k-anonymity</td><td colspan=\"3\">" + Escape(ExplainAnonymity(p)) + "</td></tr>\n";
    }
    const AttributeInferenceResult& ai = p.attribute_inference;
    if (ai.computed) {
      h += "<tr><td>attribute inference of " + Escape(ai.sensitive) + " (accuracy on training rows; baseline; lift)"
           "</td><td class=\"num\">" + Percent(ai.accuracy) + "; " + Percent(ai.baseline) + "; " + Fixed(ai.lift, 2) +
           "</td><td class=\"num\">" + Percent(ai.holdout_accuracy) + "</td><td>" +
           Escape(ExplainAttributeInference(p)) + "</td></tr>\n";
    } else {
      h += "<tr><td>attribute inference</td><td colspan=\"3\">" + Escape(ExplainAttributeInference(p)) +
           "</td></tr>\n";
    }
    h += "</table>";
    h += Paragraph(ExplainDcr(p));
    h += Paragraph(ExplainAttack(p));
    h += Paragraph("Search: DCR and NNDR on a seeded sample of " + std::to_string(p.dcr_synthetic.rows) +
                   " synthetic rows (and as many holdout rows), each compared exactly with all " +
                   std::to_string(p.train_rows) + " training rows.");
  }
  h += "</section>\n";

  h += AuditSection(report.audit);

  // Data.
  h += "<section id=\"data\"><h2>Data</h2>";
  for (const TableSummary& t : report.tables) {
    h += "<h3>" + Escape(t.name) + "</h3>";
    h += Paragraph("Real: " + t.real_file + " (" + std::to_string(t.real_rows) + " rows); synthetic: " +
                   t.synthetic_file + " (" + std::to_string(t.synthetic_rows) + " rows)" +
                   (t.holdout_file.empty() ? "" : "; holdout: " + t.holdout_file + " (" + std::to_string(t.holdout_rows) + " rows)") + ".");
    h += "<table><tr><th>column</th><th>kind</th><th>why</th><th>scored</th><th>unparsed synthetic values</th></tr>\n";
    for (const ColumnSummary& c : t.columns) {
      h += "<tr><td>" + Escape(c.name) + "</td><td>" + KindName(c.kind) + "</td><td>" + Escape(c.reason) + "</td><td>" +
           (IsScored(c.kind) ? "yes" : "no") + "</td><td class=\"num\">" + std::to_string(c.unparsed_synthetic) +
           "</td></tr>\n";
    }
    h += "</table>";
  }
  if (!report.links.empty()) {
    h += "<h3>Links</h3><ul>";
    for (const Link& l : report.links) {
      h += "<li>" + Escape(l.ToString()) + (l.inferred ? " (inferred from the column name)" : "") + "</li>";
    }
    h += "</ul>";
  }
  h += "</section>\n";

  // Method.
  h += "<section id=\"method\"><h2>Method</h2>";
  h += Paragraph("Fidelity follows SDMetrics' QualityReport so scores compare with what SDV users see: KSComplement "
                 "and TVComplement per column, CorrelationSimilarity (Pearson) and ContingencySimilarity per pair "
                 "(numbers binned into 10 equal-width bins, real and synthetic each over its own range), property "
                 "scores as means of their items, the overall score as the mean of the properties. Identifier and "
                 "free-text columns are excluded.");
  h += Paragraph("ML utility trains the same simple model on real rows and on synthetic rows and tests both on real "
                 "rows the models did not see (TRTR against TSTR).");
  h += Paragraph("Privacy uses Gower distances; nearest neighbours are found exactly with pivot-based pruning "
                 "(LAESA); samples are seeded, so the same inputs and seed give the same report.");
  h += "</section>\n</main>\n";
  h += "<footer>Generated by seedforge " + Escape(SEEDFORGE_VERSION_STRING) + " in " + Fixed(report.total_seconds, 2) +
       " s. This page is self-contained: no scripts, fonts or network resources.</footer>\n</body>\n</html>\n";
  return h;
}

std::string HtmlEscape(std::string_view s) { return Escape(s); }

}  // namespace seedforge::eval
