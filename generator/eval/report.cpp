#include "eval/report.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <set>
#include <string>

#include "eval/json.h"
#include "seedforge/atomic_file.h"
#include "seedforge/error.h"

#ifndef SEEDFORGE_VERSION_STRING
#define SEEDFORGE_VERSION_STRING "unknown"
#endif

namespace seedforge::eval {

namespace {

using Clock = std::chrono::steady_clock;

double SecondsSince(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// The table and column a --target names: "TABLE.COL", or "COL" when exactly
// one table has it.
std::pair<int, std::string> ResolveTarget(const Dataset& dataset, const std::string& spec) {
  size_t dot = spec.find('.');
  if (dot != std::string::npos) {
    int t = dataset.Find(spec.substr(0, dot));
    if (t >= 0 && dataset.tables[t].Find(spec.substr(dot + 1)) >= 0) return {t, spec.substr(dot + 1)};
  }
  int found = -1;
  for (size_t t = 0; t < dataset.tables.size(); ++t) {
    if (dataset.tables[t].Find(spec) < 0) continue;
    if (found >= 0) {
      throw UsageError("--target " + spec + ": several tables have this column; write TABLE." + spec);
    }
    found = static_cast<int>(t);
  }
  if (found < 0) throw UsageError("--target " + spec + ": no table has this column");
  return {found, spec};
}

bool HasAll(const TableSet& table, const std::vector<std::string>& columns) {
  for (const std::string& c : columns) {
    if (table.Find(c) < 0) return false;
  }
  return true;
}

void Say(const ReportOptions& options, const std::string& message) {
  if (options.progress) options.progress(message);
}

// "Column Shapes 0.912 (excellent): ", the opening of each property's explanation.
std::string ScoredName(const std::string& name, double score) {
  return name + " " + Fixed(score) + " (" + ScoreWord(score) + "): ";
}

}  // namespace

Report BuildReport(const ReportOptions& options) {
  const auto start = Clock::now();
  Report report;
  report.options = options;
  report.options.progress = nullptr;
  Say(options, "reading the data");
  Dataset dataset = LoadDataset(options.real, options.synthetic, options.holdout, options.links, options.null_marker,
                                options.declared);
  report.multi_table = dataset.multi_table;
  report.links = dataset.links;
  for (const TableSet& t : dataset.tables) {
    TableSummary s;
    s.name = t.name;
    s.real_file = t.real.file;
    s.synthetic_file = t.synthetic.file;
    s.real_rows = t.real.rows;
    s.synthetic_rows = t.synthetic.rows;
    if (t.holdout) {
      s.holdout_file = t.holdout->file;
      s.holdout_rows = t.holdout->rows;
    }
    for (size_t c = 0; c < t.columns.size(); ++c) {
      ColumnSummary col{t.columns[c].name, t.columns[c].kind, t.columns[c].reason,
                        t.synthetic.columns[c].unparsed, t.holdout ? t.holdout->columns[c].unparsed : 0};
      if (col.unparsed_synthetic > 0) {
        report.warnings.push_back(t.synthetic.file + ": column '" + col.name + "': " +
                                  std::to_string(col.unparsed_synthetic) + " value(s) are not " +
                                  KindName(col.kind) + " and count as missing");
      }
      if (col.unparsed_holdout > 0) {
        report.warnings.push_back(t.holdout->file + ": column '" + col.name + "': " +
                                  std::to_string(col.unparsed_holdout) + " value(s) are not " +
                                  KindName(col.kind) + " and count as missing");
      }
      s.columns.push_back(std::move(col));
    }
    for (const std::string& extra : t.synthetic.extra_columns) {
      report.warnings.push_back(t.synthetic.file + ": column '" + extra + "' is not in the real data; ignored");
    }
    if (t.synthetic.rows == 0) report.warnings.push_back(t.synthetic.file + ": no rows");
    report.tables.push_back(std::move(s));
  }
  if (options.holdout.empty()) {
    report.warnings.push_back(
        "no --holdout: the DCR comparison and the membership-inference attack need real rows the synthesizer "
        "never saw, so they are not computed");
  }
  report.load_seconds = SecondsSince(start);

  // Check the options that name columns before the long work starts.
  std::pair<int, std::string> target = {-1, ""};
  if (!options.target.empty()) target = ResolveTarget(dataset, options.target);
  if (!options.sensitive.empty() && options.quasi.empty()) {
    throw UsageError("--sensitive needs --quasi-identifiers (l-diversity and attribute inference work over quasi-identifier groups)");
  }
  if (!options.sensitive.empty() &&
      std::find(options.quasi.begin(), options.quasi.end(), options.sensitive) != options.quasi.end()) {
    throw UsageError("--sensitive " + options.sensitive + " is also a quasi-identifier; name it once");
  }
  std::vector<std::string> wanted = options.quasi;
  if (!options.sensitive.empty()) wanted.push_back(options.sensitive);
  std::vector<bool> use_quasi(dataset.tables.size(), false);
  if (!options.quasi.empty()) {
    bool any = false;
    for (size_t t = 0; t < dataset.tables.size(); ++t) {
      use_quasi[t] = HasAll(dataset.tables[t], wanted);
      any = any || use_quasi[t];
    }
    if (!any) {
      for (const std::string& c : wanted) {
        if (!dataset.multi_table && dataset.tables[0].Find(c) < 0) {
          throw UsageError((c == options.sensitive ? "--sensitive: no column '" : "--quasi: no column '") + c + "'");
        }
      }
      throw UsageError("--quasi/--sensitive: no table has all of these columns");
    }
  }

  auto t0 = Clock::now();
  Say(options, "scoring fidelity");
  report.quality = EvaluateQuality(dataset, options.threads);
  report.quality_seconds = SecondsSince(t0);

  if (!options.target.empty()) {
    t0 = Clock::now();
    Say(options, "training models for ML utility");
    UtilityOptions u;
    u.target = target.second;
    u.seed = options.seed;
    u.max_train_rows = options.max_train_rows;
    report.utility.push_back(EvaluateUtility(dataset.tables[target.first], u));
    report.utility_seconds = SecondsSince(t0);
  }

  t0 = Clock::now();
  for (size_t t = 0; t < dataset.tables.size(); ++t) {
    const TableSet& table = dataset.tables[t];
    Say(options, "measuring privacy" + (dataset.multi_table ? " of " + table.name : std::string()));
    PrivacyOptions p;
    p.seed = options.seed;
    p.threads = options.threads;
    p.dcr_sample = options.dcr_sample;
    p.attack_sample = options.attack_sample;
    if (use_quasi[t]) {
      p.quasi = options.quasi;
      p.sensitive = options.sensitive;
    }
    report.privacy.push_back(EvaluatePrivacy(table, p));
  }
  report.privacy_seconds = SecondsSince(t0);
  report.audit = EvaluateAudit(dataset, report.privacy, options.audit, !options.holdout.empty());
  report.total_seconds = SecondsSince(start);
  return report;
}

void WriteFileAtomically(const std::string& path, std::string_view content) {
  AtomicFile file{std::filesystem::path(path)};
  file.Write(content);
  file.Commit();
}

// --- Wording -----------------------------------------------------------------

std::string ScoreWord(double score) {
  if (std::isnan(score)) return "not computed";
  if (score >= 0.9) return "excellent";
  if (score >= 0.8) return "good";
  if (score >= 0.7) return "fair";
  if (score >= 0.5) return "poor";
  return "very poor";
}

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "n/a";
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

std::string Percent(double share, int decimals) {
  if (!std::isfinite(share)) return "n/a";
  return Fixed(share * 100, decimals) + "%";
}

std::string ExplainOverall(const Report& report) {
  const QualityResult& q = report.quality;
  std::string what = report.multi_table
                         ? "the mean of four properties: single columns (Column Shapes), pairs of columns "
                           "(Column Pair Trends), children per parent (Cardinality) and pairs across linked "
                           "tables (Intertable Trends)"
                         : "the mean of two properties: how well single columns (Column Shapes) and pairs of "
                           "columns (Column Pair Trends) match the real data";
  return "Overall quality " + Fixed(q.overall) + " is " + ScoreWord(q.overall) + ". It is " + what +
         ", computed as SDMetrics' QualityReport does; 1.0 means the synthetic data cannot be told apart from "
         "the real data by these measures, and SDV users usually read 0.8 or more as good.";
}

std::string ExplainColumnShapes(double score) {
  return ScoredName("Column Shapes", score) +
         "the average match of each column's distribution. For numbers and dates it is 1 minus the largest "
         "gap between the real and synthetic cumulative distributions (KSComplement); for categories, 1 minus "
         "the share of rows that would have to change category to turn one distribution into the other "
         "(TVComplement).";
}

std::string ExplainPairTrends(double score) {
  return ScoredName("Column Pair Trends", score) +
         "how well relationships between pairs of columns are kept. Two numeric columns compare their "
         "correlations (1 - |r_real - r_synthetic| / 2); other pairs compare their joint frequency tables "
         "(1 - total variation distance), numbers cut first into 10 equal ranges, the real and the synthetic "
         "data each over its own range.";
}

std::string ExplainCardinality(double score) {
  if (std::isnan(score)) return "Cardinality: no links between tables, so nothing to compare.";
  return ScoredName("Cardinality", score) +
         "how similar the number of child rows per parent row is (1 minus the largest gap between the two "
         "cumulative distributions of children per parent).";
}

std::string ExplainIntertable(double score) {
  if (std::isnan(score)) return "Intertable Trends: no links between tables, so nothing to compare.";
  return ScoredName("Intertable Trends", score) +
         "relationships between a parent's columns and its children's columns, scored like Column Pair "
         "Trends on the child table joined to its parent.";
}

std::string ExplainShape(const ShapeRow& row) {
  std::string word = ScoreWord(row.score);
  if (!word.empty()) word[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(word[0])));
  std::string s = word + " (" + row.metric + " " + Fixed(row.score) + "): ";
  std::vector<std::string> notes;
  if (row.metric == "KSComplement") {
    s += "the share of rows below any value differs by at most " + Percent(1 - row.score) +
         ", and values would move on average " + Percent(row.wasserstein) + " of the real range to match";
    if (row.range_coverage < 0.95) {
      notes.push_back("the synthetic values span only " + Percent(row.range_coverage, 0) + " of the real range");
    }
  } else {
    s += Percent(1 - row.score) + " of rows would have to change category to match";
    if (row.category_coverage < 1) {
      notes.push_back(Percent(1 - row.category_coverage, 0) + " of the real categories never appear");
    }
    if (row.new_categories > 0) notes.push_back(std::to_string(row.new_categories) + " categories are invented");
  }
  double missing_gap = std::fabs(row.missing_real - row.missing_synthetic);
  if (missing_gap >= 0.01) notes.push_back("the share of missing values differs by " + Percent(missing_gap));
  if (row.unparsed_synthetic > 0) {
    notes.push_back(std::to_string(row.unparsed_synthetic) + " synthetic values are not " + KindName(row.kind));
  }
  s += ".";
  for (size_t i = 0; i < notes.size(); ++i) s += (i == 0 ? " Note: " : "; ") + notes[i];
  if (!notes.empty()) s += ".";
  return s;
}

std::string ExplainUtility(const UtilityResult& u) {
  if (!u.computed) return "ML utility was not computed: " + u.note + ".";
  if (u.task == "classification") {
    double gap = u.real.accuracy - u.synthetic.accuracy;
    std::string verdict = gap <= 0.02 ? "the synthetic data is as useful as the real data for this task"
                          : gap <= 0.05 ? "the synthetic data is nearly as useful as the real data"
                                        : "models learn noticeably less from the synthetic data";
    return "A " + u.model + " predicting '" + u.target + "' and trained on synthetic rows reaches accuracy " +
           Fixed(u.synthetic.accuracy) + " (macro F1 " + Fixed(u.synthetic.f1_macro) + ", ROC AUC " +
           Fixed(u.synthetic.roc_auc) + ") on real test rows, against " + Fixed(u.real.accuracy) + " (F1 " +
           Fixed(u.real.f1_macro) + ", AUC " + Fixed(u.real.roc_auc) + ") when trained on real rows: " + verdict +
           ". A gap of 0.05 or less is usually acceptable.";
  }
  double gap = u.real.r2 - u.synthetic.r2;
  std::string verdict = gap <= 0.02 ? "the synthetic data is as useful as the real data for this task"
                        : gap <= 0.05 ? "the synthetic data is nearly as useful as the real data"
                                      : "models learn noticeably less from the synthetic data";
  return "A " + u.model + " predicting '" + u.target + "' and trained on synthetic rows explains R² = " +
         Fixed(u.synthetic.r2) + " of the variance of real test rows (mean absolute error " + Fixed(u.synthetic.mae, 4) +
         "), against R² = " + Fixed(u.real.r2) + " (MAE " + Fixed(u.real.mae, 4) + ") when trained on real rows: " +
         verdict + ". A gap in R² of 0.05 or less is usually acceptable.";
}

std::string ExplainDcr(const PrivacyResult& p) {
  if (!p.has_holdout) {
    return "Distance to closest record: the median synthetic row is " + Fixed(p.dcr_synthetic.median, 4) +
           " (Gower) from its nearest real row. Without --holdout there is no baseline of genuinely new real "
           "rows to compare with.";
  }
  std::string verdict = p.dcr_share_below <= 0.07  ? "good: the synthetic rows are no closer to the training rows than new real data"
                        : p.dcr_share_below <= 0.15 ? "caution: somewhat more synthetic rows than expected sit very close to training rows"
                                                    : "poor: many synthetic rows sit very close to training rows, which suggests memorisation";
  return Percent(p.dcr_share_below) + " of synthetic rows are closer to a training row than 95% of new real rows "
         "(the holdout) are (threshold " + Fixed(p.dcr_threshold, 4) + "). About 5% is expected from data that "
         "does not copy; " + verdict + ".";
}

std::string ExplainNndr(const PrivacyResult& p) {
  std::string s = "Nearest-neighbour distance ratio: the median synthetic row is " +
                  Fixed(p.nndr_synthetic.median) + " times as far from its nearest training row as from the "
                  "second nearest (5th percentile " + Fixed(p.nndr_synthetic.p5) + ").";
  if (p.has_holdout) {
    s += " New real rows give " + Fixed(p.nndr_holdout.median) + " (5th percentile " + Fixed(p.nndr_holdout.p5) +
         "); values well below those mean synthetic rows sit on single real records.";
  } else {
    s += " Values near 0 mean synthetic rows sit on single real records.";
  }
  return s;
}

std::string ExplainCopies(const PrivacyResult& p) {
  std::string s = std::to_string(p.exact_copies) + " synthetic rows (" + Percent(p.exact_copy_rate, 2) +
                  ") are identical to a training row in every compared column";
  if (p.has_holdout) {
    s += "; new real rows match a training row " + Percent(p.holdout_copy_rate, 2) + " of the time by chance";
    bool ok = p.exact_copy_rate <= p.holdout_copy_rate + 0.001;
    s += ok ? ": good, no more copies than chance." : ": more copies than chance, so real records leak.";
  } else {
    s += p.exact_copies == 0 ? ": good." : ". Check whether these rows are common by nature or leaked records.";
  }
  return s;
}

std::string ExplainAttack(const PrivacyResult& p) {
  if (std::isnan(p.mia_auc)) {
    return "Membership inference: not computed (needs --holdout, real rows the synthesizer never saw).";
  }
  std::string verdict = p.mia_auc <= 0.55 ? "good: about as good as a coin toss"
                        : p.mia_auc <= 0.65 ? "caution: the attacker has some signal"
                                            : "poor: training rows can be recognised";
  return "An attacker who guesses that a real row was in the training data when a synthetic row lies close to it "
         "reaches ROC AUC " + Fixed(p.mia_auc) + " over " + std::to_string(p.mia_members) +
         " training and as many new rows: 0.5 means no signal, 1.0 means every training row is recognised; " +
         verdict + ".";
}

std::string ExplainAnonymity(const PrivacyResult& p) {
  const AnonymityResult& a = p.anonymity;
  if (!a.computed) return "k-anonymity: not computed (name quasi-identifier columns with --quasi).";
  if (a.groups_synthetic == 0) return "k-anonymity: the synthetic data has no rows.";
  std::string quasi;
  for (const std::string& q : a.quasi) quasi += (quasi.empty() ? "" : ", ") + q;
  std::string s = "Every combination of (" + quasi + ") in the synthetic data is shared by at least k = " +
                  std::to_string(a.k_synthetic) + " rows, and " + Percent(a.below5_synthetic) +
                  " of rows are in groups of fewer than 5 (the real data: k = " + std::to_string(a.k_real) + ", " +
                  Percent(a.below5_real) + "). k of 5 or more is a common threshold for releasing data; " +
                  (a.k_synthetic >= 5 ? "this one passes." : "this one does not, so rare combinations may single out people.");
  if (!a.sensitive.empty()) {
    s += " Each group holds at least l = " + std::to_string(a.l_synthetic) + " distinct values of '" + a.sensitive +
         "' (real data: " + std::to_string(a.l_real) + "); l of 2 or more means no group reveals its value outright.";
  }
  return s;
}

std::string ExplainAttributeInference(const PrivacyResult& p) {
  const AttributeInferenceResult& a = p.attribute_inference;
  if (!a.computed) {
    return "Attribute inference: not computed (name the quasi-identifiers with --quasi-identifiers and the column "
           "to guess with --sensitive).";
  }
  if (a.targets == 0) return "Attribute inference: no training row has a value of '" + a.sensitive + "'.";
  std::string quasi;
  for (const std::string& q : a.quasi) quasi += (quasi.empty() ? "" : ", ") + q;
  std::string s = "An attacker who knows a person's (" + quasi + ") and holds the synthetic data guesses '" +
                  a.sensitive + "'" + (a.numeric ? " to within ±" + Fixed(a.tolerance, 4) : std::string()) +
                  " right for " + Percent(a.accuracy) + " of " + std::to_string(a.targets) +
                  " training rows; guessing from the synthetic column alone ('" + a.baseline_guess + "') is right for " +
                  Percent(a.baseline) + " (lift " + Fixed(a.lift, 2) + "). " + Percent(a.exact_match_share) +
                  " of them find synthetic rows with exactly their quasi-identifiers.";
  if (std::isnan(a.holdout_accuracy)) {
    return s + " Without --holdout the report cannot tell whether this reveals the training rows in particular or "
               "holds for anyone (a real relation between the columns).";
  }
  const double gap = a.accuracy - a.holdout_accuracy;
  s += " For new real rows (the holdout) the attack is right " + Percent(a.holdout_accuracy) + " of the time";
  if (gap > 0.05) {
    s += ": the synthetic data reveals more about its training rows than about others (gap " + Fixed(gap) +
         "), which points at memorisation.";
  } else {
    s += ": no more for training rows than for others, so what the attack learns is a relation that holds in the "
         "population, not a leak of the training rows.";
  }
  return s;
}

// --- JSON ----------------------------------------------------------------------

namespace {

// "synthetic" and "holdout" summaries of one distance (DCR or NNDR).
void WriteDistances(JsonWriter& j, const DistanceSummary& synthetic, const DistanceSummary& holdout) {
  for (const auto& [key, s] : {std::pair{"synthetic", &synthetic}, std::pair{"holdout", &holdout}}) {
    j.Key(key).BeginObject();
    j.Field("rows", s->rows).Field("min", s->min).Field("p5", s->p5).Field("median", s->median);
    j.Field("mean", s->mean);
    j.EndObject();
  }
}

void WriteScores(JsonWriter& j, const UtilityScores& s) {
  j.BeginObject();
  j.Field("accuracy", s.accuracy).Field("f1_macro", s.f1_macro).Field("roc_auc", s.roc_auc);
  j.Field("r2", s.r2).Field("mae", s.mae);
  j.EndObject();
}

void WritePair(JsonWriter& j, const PairRow& p, bool intertable) {
  j.BeginObject();
  if (intertable) {
    j.Field("parent_table", p.parent_table).Field("child_table", p.table).Field("foreign_key", p.foreign_key);
    j.Field("parent_column", p.column_a).Field("child_column", p.column_b);
  } else {
    j.Field("table", p.table).Field("column_1", p.column_a).Field("column_2", p.column_b);
  }
  j.Field("metric", p.metric).Field("score", p.score);
  j.Field("real_correlation", p.real_correlation).Field("synthetic_correlation", p.synthetic_correlation);
  j.EndObject();
}

// Key(key), then an array of what write(item) writes for each item.
template <typename Items, typename Write>
void WriteArray(JsonWriter& j, std::string_view key, const Items& items, Write write) {
  j.Key(key).BeginArray();
  for (const auto& item : items) write(item);
  j.EndArray();
}

// Key(key), then the items as an array of JSON values.
template <typename Items>
void WriteValues(JsonWriter& j, std::string_view key, const Items& items) {
  WriteArray(j, key, items, [&j](const auto& value) { j.Value(value); });
}

void WriteAttributeInference(JsonWriter& j, const AttributeInferenceResult& a) {
  j.Key("attribute_inference");
  if (!a.computed) {
    j.Null();
    return;
  }
  j.BeginObject();
  WriteValues(j, "quasi_identifiers", a.quasi);
  j.Field("sensitive", a.sensitive).Field("numeric", a.numeric);
  j.Key("tolerance");
  a.numeric ? j.Value(a.tolerance) : j.Null();
  j.Field("cells", a.cells).Field("baseline_guess", a.baseline_guess);
  j.Field("targets", a.targets).Field("accuracy", a.accuracy).Field("baseline", a.baseline).Field("lift", a.lift);
  j.Field("exact_match_share", a.exact_match_share);
  j.Field("holdout_targets", a.holdout_targets).Field("holdout_accuracy", a.holdout_accuracy);
  j.Field("holdout_baseline", a.holdout_baseline);
  j.EndObject();
}

void WriteAudit(JsonWriter& j, const AuditResult& a) {
  j.Key("audit").BeginObject();
  j.Key("data_in").BeginObject();
  j.Field("tables", a.tables).Field("columns", a.columns).Field("real_rows", a.real_rows);
  j.Field("synthetic_rows", a.synthetic_rows).Field("holdout_rows", a.holdout_rows);
  j.EndObject();
  j.Field("detection", a.detection);
  WriteArray(j, "identifiers", a.identifiers, [&](const AuditColumn& c) {
    j.BeginObject();
    j.Field("table", c.handled.table).Field("column", c.handled.column).Field("pii_kind", c.handled.pii_kind);
    j.Field("handling", c.handled.handling).Field("evidence", c.handled.evidence).Field("kind", c.kind);
    j.Field("in_output", c.in_output).Field("synthetic_values", c.synthetic_values);
    j.Field("values_also_in_real", c.reproduced).Field("distinct_real_values_in_output", c.distinct_reproduced);
    j.Field("share_also_in_real", c.reproduced_share);
    if (c.handled.pii_kind == "age") j.Field("ages_over_89", c.over_89);
    j.EndObject();
  });
  j.Key("dp_budget");
  bool any = false;
  for (const PrivacyBudget& b : a.budgets) any = any || !b.mechanism.empty();
  if (a.budgets.empty()) {
    j.Null();
  } else {
    j.BeginArray();
    for (const PrivacyBudget& b : a.budgets) {
      j.BeginObject();
      j.Field("model", b.model);
      j.Key("mechanism");
      b.mechanism.empty() ? j.Null() : j.Value(b.mechanism);
      if (!b.mechanism.empty()) {
        j.Field("accountant", b.accountant).Field("epsilon", b.epsilon).Field("delta", b.delta);
        j.Field("target_epsilon", b.target_epsilon).Field("preprocessing_epsilon", b.preprocessing_epsilon);
        j.Field("sample_rate", b.sample_rate).Field("noise_multiplier", b.noise_multiplier);
        j.Field("max_grad_norm", b.max_grad_norm).Field("steps", b.steps);
        WriteValues(j, "public_columns", b.public_columns);
      }
      j.EndObject();
    }
    j.EndArray();
  }
  j.Field("differentially_private", any);
  WriteArray(j, "safe_harbor", a.safe_harbor, [&](const SafeHarborItem& item) {
    j.BeginObject();
    j.Field("item", std::string(1, item.letter)).Field("identifier", item.identifier).Field("status", item.status);
    WriteValues(j, "columns", item.columns);
    j.Field("note", item.note);
    j.EndObject();
  });
  WriteValues(j, "narrative", a.narrative);
  WriteValues(j, "gdpr", a.gdpr);
  j.EndObject();
}

}  // namespace

std::string RenderJson(const Report& report) {
  JsonWriter j;
  j.BeginObject();
  j.Field("generator", std::string("seedforge ") + SEEDFORGE_VERSION_STRING);
  j.Key("inputs").BeginObject();
  j.Field("real", report.options.real).Field("synthetic", report.options.synthetic);
  j.Key("holdout");
  report.options.holdout.empty() ? j.Null() : j.Value(report.options.holdout);
  j.Field("multi_table", report.multi_table).Field("seed", report.options.seed);
  j.Field("dcr_sample", report.options.dcr_sample).Field("attack_sample", report.options.attack_sample);
  j.Field("max_train_rows", report.options.max_train_rows);
  j.EndObject();

  WriteArray(j, "tables", report.tables, [&](const TableSummary& t) {
    j.BeginObject();
    j.Field("name", t.name).Field("real_file", t.real_file).Field("synthetic_file", t.synthetic_file);
    j.Key("holdout_file");
    t.holdout_file.empty() ? j.Null() : j.Value(t.holdout_file);
    j.Field("real_rows", t.real_rows).Field("synthetic_rows", t.synthetic_rows).Field("holdout_rows", t.holdout_rows);
    WriteArray(j, "columns", t.columns, [&](const ColumnSummary& c) {
      j.BeginObject();
      j.Field("name", c.name).Field("kind", KindName(c.kind)).Field("reason", c.reason);
      j.Field("scored", IsScored(c.kind)).Field("unparsed_synthetic", c.unparsed_synthetic);
      j.Field("unparsed_holdout", c.unparsed_holdout);
      j.EndObject();
    });
    j.EndObject();
  });

  WriteArray(j, "links", report.links, [&](const Link& l) {
    j.BeginObject();
    j.Field("child", l.child).Field("child_column", l.child_column).Field("parent", l.parent);
    j.Field("parent_column", l.parent_column).Field("inferred", l.inferred);
    j.EndObject();
  });

  const QualityResult& q = report.quality;
  j.Key("quality").BeginObject();
  j.Field("overall", q.overall);
  j.Key("properties").BeginObject();
  j.Field("column_shapes", q.column_shapes).Field("column_pair_trends", q.column_pair_trends);
  j.Field("cardinality", q.cardinality_score).Field("intertable_trends", q.intertable_trends);
  j.EndObject();
  WriteArray(j, "column_shapes", q.shapes, [&](const ShapeRow& s) {
    j.BeginObject();
    j.Field("table", s.table).Field("column", s.column).Field("kind", KindName(s.kind));
    j.Field("metric", s.metric).Field("score", s.score);
    j.Field("wasserstein", s.wasserstein).Field("jensen_shannon", s.jensen_shannon);
    j.Key("chi_square").BeginObject();
    j.Field("statistic", s.chi2_statistic).Field("dof", s.chi2_dof).Field("p_value", s.chi2_p_value);
    j.EndObject();
    j.Field("missing_real", s.missing_real).Field("missing_synthetic", s.missing_synthetic);
    j.Field("missing_difference", std::fabs(s.missing_real - s.missing_synthetic));
    j.Field("range_coverage", s.range_coverage).Field("category_coverage", s.category_coverage);
    j.Field("new_categories", s.new_categories).Field("unparsed_synthetic", s.unparsed_synthetic);
    j.Key("distribution").BeginObject();
    if (s.labels.empty()) {
      j.Field("lo", s.lo).Field("hi", s.hi).Field("bins", s.real_share.size());
    } else {
      WriteValues(j, "labels", s.labels);
    }
    WriteValues(j, "real", s.real_share);
    WriteValues(j, "synthetic", s.synthetic_share);
    j.EndObject();
    j.EndObject();
  });
  WriteArray(j, "column_pair_trends", q.pairs, [&](const PairRow& p) { WritePair(j, p, false); });
  WriteArray(j, "cardinality", q.cardinality, [&](const CardinalityRow& c) {
    j.BeginObject();
    j.Field("child", c.link.child).Field("child_column", c.link.child_column);
    j.Field("parent", c.link.parent).Field("parent_column", c.link.parent_column);
    j.Field("metric", "CardinalityShapeSimilarity").Field("score", c.score);
    j.Field("real_mean_children", c.real_mean_children).Field("synthetic_mean_children", c.synthetic_mean_children);
    j.Field("real_max_children", c.real_max_children).Field("synthetic_max_children", c.synthetic_max_children);
    j.Field("real_orphan_rate", c.real_orphans).Field("synthetic_orphan_rate", c.synthetic_orphans);
    j.EndObject();
  });
  WriteArray(j, "intertable_trends", q.intertable, [&](const PairRow& p) { WritePair(j, p, true); });
  WriteArray(j, "excluded_columns", q.excluded, [&](const ExcludedColumn& e) {
    j.BeginObject();
    j.Field("table", e.table).Field("column", e.column).Field("kind", KindName(e.kind)).Field("reason", e.reason);
    j.EndObject();
  });
  j.EndObject();

  j.Key("ml_utility");
  if (report.utility.empty()) {
    j.Null();
  } else {
    const UtilityResult& u = report.utility.front();
    j.BeginObject();
    j.Field("computed", u.computed).Field("note", u.note).Field("table", u.table).Field("target", u.target);
    j.Field("task", u.task).Field("model", u.model).Field("test_source", u.test_source);
    j.Field("train_real_rows", u.train_real_rows).Field("train_synthetic_rows", u.train_synthetic_rows);
    j.Field("test_rows", u.test_rows);
    WriteValues(j, "features", u.features);
    WriteValues(j, "classes", u.classes);
    j.Key("train_real_test_real");
    WriteScores(j, u.real);
    j.Key("train_synthetic_test_real");
    WriteScores(j, u.synthetic);
    j.EndObject();
  }

  WriteArray(j, "privacy", report.privacy, [&](const PrivacyResult& p) {
    j.BeginObject();
    j.Field("table", p.table).Field("distance", "gower");
    WriteValues(j, "columns", p.columns);
    j.Field("train_rows", p.train_rows).Field("synthetic_rows", p.synthetic_rows);
    j.Field("holdout_rows", p.holdout_rows).Field("has_holdout", p.has_holdout);
    j.Key("exact_copies").BeginObject();
    j.Field("count", p.exact_copies).Field("rate", p.exact_copy_rate).Field("holdout_rate", p.holdout_copy_rate);
    j.EndObject();
    j.Key("dcr").BeginObject();
    WriteDistances(j, p.dcr_synthetic, p.dcr_holdout);
    j.Field("holdout_p5_threshold", p.dcr_threshold).Field("share_below_threshold", p.dcr_share_below);
    j.EndObject();
    j.Key("nndr").BeginObject();
    WriteDistances(j, p.nndr_synthetic, p.nndr_holdout);
    j.EndObject();
    j.Key("membership_inference").BeginObject();
    j.Field("auc", p.mia_auc).Field("members", p.mia_members).Field("non_members", p.mia_members);
    j.EndObject();
    j.Key("anonymity");
    if (!p.anonymity.computed) {
      j.Null();
    } else {
      const AnonymityResult& a = p.anonymity;
      j.BeginObject();
      WriteValues(j, "quasi_identifiers", a.quasi);
      j.Field("k_synthetic", a.k_synthetic).Field("k_real", a.k_real);
      j.Field("groups_synthetic", a.groups_synthetic).Field("groups_real", a.groups_real);
      j.Field("share_in_groups_below_5_synthetic", a.below5_synthetic);
      j.Field("share_in_groups_below_5_real", a.below5_real);
      j.Key("sensitive");
      a.sensitive.empty() ? j.Null() : j.Value(a.sensitive);
      j.Key("l_synthetic");
      a.sensitive.empty() ? j.Null() : j.Value(a.l_synthetic);
      j.Key("l_real");
      a.sensitive.empty() ? j.Null() : j.Value(a.l_real);
      j.EndObject();
    }
    WriteAttributeInference(j, p.attribute_inference);
    j.EndObject();
  });
  WriteAudit(j, report.audit);

  WriteValues(j, "warnings", report.warnings);
  j.Key("seconds").BeginObject();
  j.Field("load", report.load_seconds).Field("quality", report.quality_seconds);
  j.Field("utility", report.utility_seconds).Field("privacy", report.privacy_seconds);
  j.Field("total", report.total_seconds);
  j.EndObject();
  j.EndObject();
  return j.str();
}

std::string RenderSummary(const Report& report) {
  const QualityResult& q = report.quality;
  std::string out;
  auto line = [&](const std::string& label, double value, const std::string& note = "") {
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "  %-22s %6s  %s\n", label.c_str(), Fixed(value).c_str(),
                  note.empty() ? ScoreWord(value).c_str() : note.c_str());
    out += buffer;
  };
  for (const TableSummary& t : report.tables) {
    out += "  table " + t.name + ": " + std::to_string(t.real_rows) + " real, " + std::to_string(t.synthetic_rows) +
           " synthetic" + (t.holdout_file.empty() ? "" : ", " + std::to_string(t.holdout_rows) + " holdout") +
           " rows\n";
  }
  line("Overall quality", q.overall);
  for (const PropertyScore& p : PropertyScores(q, report.multi_table)) line(p.name, p.score);
  for (const UtilityResult& u : report.utility) {
    if (!u.computed) {
      out += "  ML utility: not computed: " + u.note + "\n";
    } else if (u.task == "classification") {
      out += "  ML utility (" + u.target + "): accuracy real " + Fixed(u.real.accuracy) + ", synthetic " +
             Fixed(u.synthetic.accuracy) + "; ROC AUC real " + Fixed(u.real.roc_auc) + ", synthetic " +
             Fixed(u.synthetic.roc_auc) + "\n";
    } else {
      out += "  ML utility (" + u.target + "): R² real " + Fixed(u.real.r2) + ", synthetic " + Fixed(u.synthetic.r2) +
             "\n";
    }
  }
  for (const PrivacyResult& p : report.privacy) {
    out += "  Privacy" + (report.multi_table ? " (" + p.table + ")" : std::string()) + ": exact copies " +
           Percent(p.exact_copy_rate, 2) + ", DCR below holdout p5 " + Percent(p.dcr_share_below) +
           " (about 5% expected), attack AUC " + Fixed(p.mia_auc) + " (0.5 = no signal)";
    if (p.anonymity.computed) out += ", k-anonymity " + std::to_string(p.anonymity.k_synthetic);
    const AttributeInferenceResult& a = p.attribute_inference;
    if (a.computed) {
      out += ", guessing " + a.sensitive + " " + Percent(a.accuracy) + " vs " + Percent(a.baseline) + " baseline" +
             (std::isnan(a.holdout_accuracy) ? std::string() : " (holdout " + Percent(a.holdout_accuracy) + ")");
    }
    out += "\n";
  }
  for (const std::string& w : report.warnings) out += "  warning: " + w + "\n";
  return out;
}

std::vector<std::string> DomainLinks(const Domain& domain) {
  std::vector<std::string> links;
  for (const DomainEntity& entity : domain.entities) {
    for (const DomainLink& link : entity.links) {
      if (link.parent == entity.name) continue;
      links.push_back(entity.name + "." + link.columns[0] + "=" + link.parent + "." + link.parent_columns[0]);
    }
  }
  return links;
}

std::vector<DeclaredColumn> DomainDeclaredColumns(const Domain& domain) {
  // Providers whose values stand for a person, an identifier or filler
  // text: what they write is not meant to follow the real column.
  static const std::set<std::string> kNotStatistical = {
      "address", "bank_account", "bytes",  "company", "credit_card", "driver_license", "email",
      "ip",      "pattern",      "person", "phone",   "sequence",    "ssn",            "text",
      "title",   "tsvector",     "user_id", "username", "uuid",      "vin"};
  auto filled_by = [&](const DomainColumn& c) -> std::string {
    return c.source == ColumnSource::kProvider && kNotStatistical.count(c.provider) ? c.provider : "";
  };
  std::vector<DeclaredColumn> out;
  for (const DomainEntity& entity : domain.entities) {
    for (const DomainLink& link : entity.links) {
      if (link.parent != entity.name) continue;
      for (const std::string& column : link.columns) {
        out.push_back({entity.name, column, ColumnKind::kId, "key of a reference to its own table"});
      }
    }
    for (const DomainColumn& column : entity.columns) {
      // A copy (of a copy, ...) is what its origin is.
      const DomainColumn* origin = &column;
      for (int hops = 0; origin->source == ColumnSource::kCopied && origin->copy.target_entity >= 0 &&
                         origin->copy.target_column >= 0 && hops < 64;
           ++hops) {
        origin = &domain.entities[origin->copy.target_entity].columns[origin->copy.target_column];
      }
      const std::string provider = filled_by(*origin);
      if (provider.empty()) continue;
      out.push_back({entity.name, column.name, ColumnKind::kText,
                     "filled by the domain's " + provider + " provider, not learned (personal data, identifier or "
                     "filler text)"});
    }
  }
  return out;
}

}  // namespace seedforge::eval
