// The model card: a finished Report and the --model-info pairs rendered
// through templates/model_card/model_card.md.mustache. kainjow::mustache is
// header-only and heavy; only this file of the report includes it.
#include <kainjow/mustache.hpp>

#include <algorithm>
#include <cmath>

#include "eval/report.h"
#include "seedforge/error.h"
#include "seedforge/resources.h"

#ifndef SEEDFORGE_VERSION_STRING
#define SEEDFORGE_VERSION_STRING "unknown"
#endif

namespace seedforge::eval {

namespace mst = kainjow::mustache;

namespace {

constexpr double kWeakScore = 0.8;    // below this a column or pair is named
constexpr size_t kMaxNamed = 5;       // items named per limitation

// The rows scoring below kWeakScore, weakest first, as "a, b, c" (the first
// kMaxNamed, each written by `name`); empty when none is weak.
template <typename Row, typename Name>
std::string WeakestNames(const std::vector<Row>& rows, Name name) {
  std::vector<const Row*> weak;
  for (const Row& row : rows) {
    if (row.score < kWeakScore) weak.push_back(&row);
  }
  std::sort(weak.begin(), weak.end(), [](const Row* a, const Row* b) { return a->score < b->score; });
  std::string names;
  for (size_t i = 0; i < weak.size() && i < kMaxNamed; ++i) names += (i ? ", " : "") + name(*weak[i]);
  return names;
}

std::string Find(const std::vector<std::pair<std::string, std::string>>& info, const std::string& key) {
  for (const auto& [k, v] : info) {
    if (k == key) return v;
  }
  return "";
}

std::vector<std::string> Limitations(const Report& report, const std::vector<std::pair<std::string, std::string>>& info,
                                     bool has_budget) {
  std::vector<std::string> out;
  const QualityResult& q = report.quality;
  std::string weak_columns = WeakestNames(q.shapes, [](const ShapeRow& s) {
    return s.column + " (" + s.metric + " " + Fixed(s.score) + ")";
  });
  if (!weak_columns.empty()) {
    out.push_back("Some column distributions differ noticeably from the real data: " + weak_columns + ".");
  }
  std::string weak_pairs = WeakestNames(q.pairs, [](const PairRow& p) {
    return p.column_a + " / " + p.column_b + " (" + Fixed(p.score) + ")";
  });
  if (!weak_pairs.empty()) {
    out.push_back("Relationships between some columns are weaker or different: " + weak_pairs + ".");
  }
  if (!q.excluded.empty()) {
    std::string names;
    for (size_t i = 0; i < q.excluded.size() && i < kMaxNamed; ++i) {
      names += (i ? ", " : "") + q.excluded[i].column + " (" + KindName(q.excluded[i].kind) + ")";
    }
    if (q.excluded.size() > kMaxNamed) names += ", ...";
    out.push_back("Identifier and free-text columns were not evaluated for fidelity: " + names + ".");
  }
  for (const UtilityResult& u : report.utility) {
    if (!u.computed) continue;
    double gap = u.task == "classification" ? u.real.accuracy - u.synthetic.accuracy : u.real.r2 - u.synthetic.r2;
    if (gap > 0.05) {
      out.push_back("Models trained on the synthetic data predict '" + u.target + "' less well than models trained "
                    "on real data (" + (u.task == "classification" ? "accuracy" : "R²") + " lower by " + Fixed(gap) + ").");
    }
  }
  for (const PrivacyResult& p : report.privacy) {
    if (!p.has_holdout) {
      out.push_back("Privacy was not tested against held-out real data (no --holdout), so memorisation of training "
                    "rows could not be measured.");
      break;
    }
    if (p.dcr_share_below > 0.07 || p.mia_auc > 0.55 || p.exact_copy_rate > p.holdout_copy_rate + 0.001) {
      out.push_back("Table " + p.table + ": some synthetic rows are closer to training rows than new real data is "
                    "(see Privacy); review before sharing outside the team.");
    }
  }
  if (!has_budget) {
    out.push_back("Without differential privacy, rare real records can in principle be reproduced; the empirical "
                  "tests above lower but do not remove that risk.");
  }
  out.push_back("Scores measure statistical similarity to the real data; they do not check business rules, "
                "constraints or the meaning of values.");
  for (const auto& [k, v] : info) {
    if (k == "limitation") out.push_back(v);
  }
  return out;
}

// --- Audit and compliance (eval/audit.h) ---------------------------------------
// Kept apart from the sections above so that they change independently.

// A Markdown table cell: no pipe or line break may end it early.
std::string Cell(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '|') {
      out += "\\|";
    } else {
      out += c == '\n' ? ' ' : c;
    }
  }
  return out;
}

// The attribute-inference row of a table's privacy figures.
void AddAttributeInference(mst::data& row, const PrivacyResult& p) {
  const AttributeInferenceResult& a = p.attribute_inference;
  if (!a.computed) return;
  mst::data ai;
  std::string quasi;
  for (const std::string& c : a.quasi) quasi += (quasi.empty() ? "" : ", ") + c;
  ai.set("sensitive", Cell(a.sensitive));
  ai.set("quasi", Cell(quasi));
  ai.set("accuracy", Percent(a.accuracy));
  ai.set("baseline", Percent(a.baseline));
  ai.set("lift", Fixed(a.lift, 2));
  ai.set("holdout", Percent(a.holdout_accuracy));
  row.set("attribute_inference", ai);
}

void AddAudit(mst::data& data, const AuditResult& audit) {
  mst::list narrative;
  for (const std::string& p : audit.narrative) narrative.push_back(mst::data(p));
  data.set("audit_narrative", narrative);
  data.set("audit_detection", audit.detection);
  mst::list identifiers;
  for (const AuditColumn& c : audit.identifiers) {
    std::string words = c.handled.pii_kind;
    for (const IdentifierKind& k : IdentifierKinds()) {
      if (c.handled.pii_kind == k.key) words = k.words;
    }
    mst::data row;
    row.set("column", Cell(c.name));
    row.set("kind", Cell(words));
    row.set("handling", Cell(c.handled.handling));
    row.set("evidence", Cell(c.handled.evidence));
    row.set("in_output", std::string(c.in_output ? "yes" : "no"));
    row.set("reproduced", c.in_output ? std::to_string(c.reproduced) + " of " + std::to_string(c.synthetic_values) +
                                            " (" + Percent(c.reproduced_share) + ")"
                                      : std::string("-"));
    identifiers.push_back(row);
  }
  data.set("has_identifiers", !identifiers.empty());
  data.set("audit_identifiers", identifiers);
  mst::list harbor;
  for (const SafeHarborItem& item : audit.safe_harbor) {
    std::string columns;
    for (const std::string& c : item.columns) columns += (columns.empty() ? "" : "; ") + c;
    mst::data row;
    row.set("letter", std::string(1, item.letter));
    row.set("identifier", Cell(item.identifier));
    row.set("status", item.status);
    row.set("columns", Cell(columns.empty() ? "-" : columns));
    row.set("note", Cell(item.note));
    harbor.push_back(row);
  }
  data.set("safe_harbor", harbor);
  mst::list gdpr;
  for (const std::string& p : audit.gdpr) gdpr.push_back(mst::data(p));
  data.set("gdpr", gdpr);
}

}  // namespace

std::string RenderModelCard(const Report& report, const std::vector<std::pair<std::string, std::string>>& model_info) {
  const std::string template_path = "templates/model_card/model_card.md.mustache";
  mst::mustache tmpl{std::string(Resource(template_path))};
  if (!tmpl.is_valid()) throw Error(template_path + ": template error: " + tmpl.error_message());
  tmpl.set_custom_escape([](const std::string& s) { return s; });  // Markdown, not HTML

  mst::data data;
  std::string title = Find(model_info, "name");
  if (title.empty()) title = Find(model_info, "synthesizer");
  if (title.empty()) title = "synthetic " + (report.tables.size() == 1 ? report.tables[0].name : std::string("data"));
  data.set("title", title);
  data.set("generator", std::string("seedforge ") + SEEDFORGE_VERSION_STRING);
  data.set("seed", std::to_string(report.options.seed));

  mst::list info;
  std::vector<std::string> intended;
  for (const auto& [k, v] : model_info) {
    if (k == "epsilon" || k == "delta" || k == "limitation" || k == "name" || k.rfind("dp_", 0) == 0) continue;
    if (k == "intended_use") {
      intended.push_back(v);
      continue;
    }
    mst::data row;
    row.set("key", k);
    row.set("value", v);
    info.push_back(row);
  }
  data.set("has_model_info", !info.empty());
  data.set("model_info", info);
  std::string epsilon = Find(model_info, "epsilon"), delta = Find(model_info, "delta");
  data.set("has_budget", !epsilon.empty());
  if (!epsilon.empty()) data.set("epsilon", epsilon);
  if (!delta.empty()) data.set("delta", delta);
  // The accounting of a private model (report --model, DpAccount): dp_KEY
  // pairs, each public column a dp_public line.
  static const std::pair<const char*, const char*> kDpKeys[] = {
      {"dp_mechanism", "mechanism"},
      {"dp_accountant", "accountant"},
      {"dp_target_epsilon", "target ε"},
      {"dp_preprocessing_epsilon", "ε spent on bounds and categories"},
      {"dp_sample_rate", "sampling rate q"},
      {"dp_noise_multiplier", "noise multiplier σ"},
      {"dp_steps", "steps"},
      {"dp_clipping_norm", "clipping norm"}};
  mst::list dp_details, dp_public;
  for (const auto& [key, label] : kDpKeys) {
    const std::string value = Find(model_info, key);
    if (value.empty()) continue;
    mst::data row;
    row.set("key", std::string(label));
    row.set("value", value);
    dp_details.push_back(row);
  }
  for (const auto& [k, v] : model_info) {
    if (k == "dp_public") dp_public.push_back(mst::data(v));
  }
  data.set("has_dp_details", !dp_details.empty());
  data.set("dp_details", dp_details);
  data.set("has_dp_public", !dp_public.empty());
  data.set("dp_public", dp_public);

  if (intended.empty()) {
    intended = {"Test, staging and demo databases that need realistic rows without real people's records.",
                "Prototyping analyses and models, to be confirmed on real data before any decision."};
  }
  mst::list uses;
  for (const std::string& u : intended) uses.push_back(mst::data(u));
  data.set("intended_uses", uses);

  mst::list tables;
  for (const TableSummary& t : report.tables) {
    size_t scored = 0;
    for (const ColumnSummary& c : t.columns) scored += IsScored(c.kind);
    mst::data row;
    row.set("name", t.name);
    row.set("real_rows", std::to_string(t.real_rows));
    row.set("synthetic_rows", std::to_string(t.synthetic_rows));
    row.set("holdout_rows", t.holdout_file.empty() ? std::string("-") : std::to_string(t.holdout_rows));
    row.set("scored", std::to_string(scored));
    row.set("excluded", std::to_string(t.columns.size() - scored));
    tables.push_back(row);
  }
  data.set("tables", tables);
  data.set("real", report.options.real);
  data.set("synthetic", report.options.synthetic);
  if (!report.options.holdout.empty()) data.set("holdout", report.options.holdout);

  const QualityResult& q = report.quality;
  mst::list properties;
  auto property = [&](const std::string& name, double score) {
    mst::data row;
    row.set("name", name);
    row.set("score", Fixed(score));
    row.set("verdict", ScoreWord(score));
    properties.push_back(row);
  };
  property("**Overall**", q.overall);
  for (const PropertyScore& p : PropertyScores(q, report.multi_table)) property(p.name, p.score);
  data.set("properties", properties);
  data.set("overall_sentence", ExplainOverall(report));

  if (report.utility.empty()) {
    data.set("utility_sentence", std::string("Not measured (no --target given)."));
  } else {
    const UtilityResult& u = report.utility.front();
    data.set("utility_sentence", ExplainUtility(u));
    if (u.computed) {
      mst::data ud;
      ud.set("classification", u.task == "classification");
      ud.set("real_accuracy", Fixed(u.real.accuracy));
      ud.set("real_f1", Fixed(u.real.f1_macro));
      ud.set("real_auc", Fixed(u.real.roc_auc));
      ud.set("real_r2", Fixed(u.real.r2));
      ud.set("real_mae", Fixed(u.real.mae, 4));
      ud.set("syn_accuracy", Fixed(u.synthetic.accuracy));
      ud.set("syn_f1", Fixed(u.synthetic.f1_macro));
      ud.set("syn_auc", Fixed(u.synthetic.roc_auc));
      ud.set("syn_r2", Fixed(u.synthetic.r2));
      ud.set("syn_mae", Fixed(u.synthetic.mae, 4));
      data.set("utility", ud);
    }
  }

  mst::list privacy;
  for (const PrivacyResult& p : report.privacy) {
    mst::data row;
    row.set("table", p.table);
    row.set("copies", std::to_string(p.exact_copies) + " (" + Percent(p.exact_copy_rate, 2) + ")");
    row.set("dcr_share", Percent(p.dcr_share_below));
    row.set("mia_auc", Fixed(p.mia_auc));
    row.set("nndr", Fixed(p.nndr_synthetic.median));
    if (p.anonymity.computed) {
      std::string quasi;
      for (const std::string& c : p.anonymity.quasi) quasi += (quasi.empty() ? "" : ", ") + c;
      mst::data k;
      k.set("quasi", quasi);
      k.set("k", std::to_string(p.anonymity.k_synthetic));
      row.set("k_anonymity", k);
      if (!p.anonymity.sensitive.empty()) {
        mst::data l;
        l.set("sensitive", p.anonymity.sensitive);
        l.set("l", std::to_string(p.anonymity.l_synthetic));
        row.set("l_diversity", l);
      }
    }
    AddAttributeInference(row, p);
    privacy.push_back(row);
  }
  data.set("privacy", privacy);
  AddAudit(data, report.audit);

  mst::list limitations;
  for (const std::string& l : Limitations(report, model_info, !epsilon.empty())) limitations.push_back(mst::data(l));
  data.set("limitations", limitations);

  std::string rendered = tmpl.render(data);
  if (!tmpl.is_valid()) throw Error(template_path + ": template error: " + tmpl.error_message());
  // Sections that render nothing leave blank lines: keep at most one.
  std::string out;
  size_t newlines = 0;
  for (char c : rendered) {
    newlines = c == '\n' ? newlines + 1 : 0;
    if (newlines > 2 || (c == '\n' && out.empty())) continue;
    out += c;
  }
  return out;
}

}  // namespace seedforge::eval
