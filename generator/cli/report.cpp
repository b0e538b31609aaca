// seedforge report: fidelity, ML utility and privacy of synthetic data
// against the real data, as a terminal summary, JSON, HTML and a model card.
#include <fmt/format.h>

#include <iostream>
#include <memory>

#include "cli/app.h"
#include "eval/report.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"
#include "seedforge/synthesizer.h"
#include "seedforge/worker_threads.h"

namespace seedforge {

namespace {

struct ReportArgs {
  eval::ReportOptions options;
  std::string domain;
  std::string quasi;
  std::string out_html, out_json, model_card;
  std::vector<std::string> model_info;
  std::vector<std::string> models;
  int threads = 0;
  bool quiet = false;
  bool progress = false;
};

// What a model file says about its privacy budget (Synthesizer::privacy()),
// for the audit; eval itself does not read model files.
eval::PrivacyBudget BudgetOf(const std::string& path, const DpAccount& dp) {
  eval::PrivacyBudget b;
  b.model = path;
  b.mechanism = dp.mechanism;
  b.accountant = dp.accountant;
  b.epsilon = dp.epsilon;
  b.delta = dp.delta;
  b.target_epsilon = dp.target_epsilon;
  b.preprocessing_epsilon = dp.preprocessing_epsilon;
  b.sample_rate = dp.sample_rate;
  b.noise_multiplier = dp.noise_multiplier;
  b.max_grad_norm = dp.max_grad_norm;
  b.steps = dp.steps;
  b.public_columns = dp.public_columns;
  return b;
}

void RunReport(ReportArgs& args) {
  if (!args.domain.empty()) {
    const Domain domain = LoadDomain(args.domain, CommandRegistry());
    const std::vector<std::string> links = eval::DomainLinks(domain);
    args.options.links.insert(args.options.links.end(), links.begin(), links.end());
    args.options.declared = eval::DomainDeclaredColumns(domain);
    args.options.audit.handled = eval::DomainHandledColumns(domain);
  }
  eval::ReportOptions& options = args.options;
  options.quasi = SplitList(args.quasi);
  options.threads = ThreadsOrCores(args.threads);
  std::vector<std::pair<std::string, std::string>> model_info;
  for (const std::string& pair : args.model_info) {
    size_t eq = pair.find('=');
    if (eq == std::string::npos || eq == 0) throw UsageError("--model-info " + pair + ": expected KEY=VALUE");
    model_info.emplace_back(pair.substr(0, eq), pair.substr(eq + 1));
  }
  // A budget stated with --model-info and no model file to read it from: shown
  // as declared, not as checked.
  std::string epsilon, delta;
  for (const auto& [key, value] : model_info) {
    if (key == "epsilon") epsilon = value;
    if (key == "delta") delta = value;
  }
  if (!epsilon.empty() && args.models.empty()) {
    eval::PrivacyBudget declared;
    declared.model = "--model-info";
    declared.mechanism = "declared";
    try {
      declared.epsilon = std::stod(epsilon);
      declared.delta = delta.empty() ? 0 : std::stod(delta);
    } catch (const std::exception&) {
      throw UsageError("--model-info epsilon=" + epsilon + (delta.empty() ? "" : " delta=" + delta) +
                       ": expected numbers");
    }
    options.audit.budgets.push_back(declared);
  }
  for (const std::string& path : args.models) {
    // What the model file records: its synthesizer and, when private, what
    // it spent and what it took as public (docs/privacy.md).
    const std::unique_ptr<Synthesizer> model = LoadSynthesizer(path);
    model_info.emplace_back("synthesizer", std::string(model->Name()));
    const DpAccount& dp = model->privacy();
    options.audit.budgets.push_back(BudgetOf(path, dp));
    if (!dp.mechanism.empty()) {
      auto number = [](double v) { return fmt::format("{:.4g}", v); };
      model_info.emplace_back("epsilon", number(dp.epsilon));
      model_info.emplace_back("delta", number(dp.delta));
      model_info.emplace_back("dp_mechanism", dp.mechanism);
      model_info.emplace_back("dp_accountant", dp.accountant == "rdp" ? "RDP (Opacus's orders and conversion)"
                                                                       : dp.accountant);
      model_info.emplace_back("dp_target_epsilon", number(dp.target_epsilon));
      model_info.emplace_back("dp_preprocessing_epsilon", number(dp.preprocessing_epsilon));
      model_info.emplace_back("dp_sample_rate", number(dp.sample_rate));
      model_info.emplace_back("dp_noise_multiplier", number(dp.noise_multiplier));
      model_info.emplace_back("dp_steps", std::to_string(dp.steps));
      if (dp.max_grad_norm > 0) model_info.emplace_back("dp_clipping_norm", number(dp.max_grad_norm));
      for (const std::string& line : dp.public_columns) model_info.emplace_back("dp_public", line);
    }
  }
  const bool show = ShowProgress(args.quiet, args.progress);
  if (show) options.progress = [](const std::string& stage) { std::cerr << "seedforge report: " << stage << "...\n"; };

  eval::Report report = eval::BuildReport(options);
  if (!args.out_json.empty()) eval::WriteFileAtomically(args.out_json, eval::RenderJson(report));
  if (!args.out_html.empty()) eval::WriteFileAtomically(args.out_html, eval::RenderHtml(report));
  if (!args.model_card.empty()) eval::WriteFileAtomically(args.model_card, eval::RenderModelCard(report, model_info));
  if (!args.quiet) {
    std::cout << "seedforge report: " << report.options.real << " vs " << report.options.synthetic << " ("
              << eval::Fixed(report.total_seconds, 2) << " s)\n"
              << eval::RenderSummary(report);
    for (const std::string* path : {&args.out_html, &args.out_json, &args.model_card}) {
      if (!path->empty()) std::cout << "  wrote " << *path << "\n";
    }
  }
}

}  // namespace

void SetupReportCommand(CLI::App& app) {
  auto args = std::make_shared<ReportArgs>();
  CLI::App* sub = app.add_subcommand(
      "report", "Score synthetic data against real data: fidelity, ML utility and privacy, as HTML, JSON and a model card");
  sub->footer(
      "PATH is a CSV file, or a folder of per-entity CSV files (<entity>.csv, the same names in every folder).\n"
      "Scores follow SDMetrics' QualityReport (Column Shapes, Column Pair Trends; Cardinality and Intertable\n"
      "Trends for several tables). Privacy compares synthetic rows with the real rows they were learned from\n"
      "(--real) and with real rows the synthesizer never saw (--holdout). See docs/report.md.\n"
      "\n"
      "Examples:\n"
      "  seedforge report --real train.csv --synthetic synth.csv --holdout test.csv --out report.html\n"
      "  seedforge report --real train.csv --synthetic synth.csv --target price --json report.json\n"
      "  seedforge report --real real/ --synthetic synth/ --link orders.customer_id=customers.id\n"
      "  seedforge report --real a.csv --synthetic b.csv --quasi-identifiers age,zip --sensitive diagnosis\n"
      "  seedforge report --real a.csv --synthetic b.csv --holdout h.csv --model customers.model --out report.html\n"
      "  seedforge report --real a.csv --synthetic b.csv --model-card card.md --model-info synthesizer=copula");
  sub->add_option("--real", args->options.real, "Real data the synthesizer learned from: CSV file or folder")
      ->required();
  sub->add_option("--synthetic", args->options.synthetic, "Synthetic data: CSV file or folder")->required();
  sub->add_option("--holdout", args->options.holdout,
                  "Real rows the synthesizer never saw (CSV file or folder): the baseline for DCR and the "
                  "membership-inference attack, and the test set for ML utility");
  sub->add_option("--null", args->options.null_marker,
                  "Also read unquoted fields equal to this as NULL (e.g. NA); an empty one always is");
  sub->add_option("--target", args->options.target,
                  "Column to predict for ML utility (TABLE.COLUMN when several tables have it): classification "
                  "for categories, regression for numbers");
  sub->add_option("--quasi,--quasi-identifiers", args->quasi,
                  "Quasi-identifier columns for k-anonymity and attribute inference, comma-separated (e.g. age,zip)");
  sub->add_option("--sensitive", args->options.sensitive,
                  "Sensitive column for l-diversity and the attribute-inference attack (needs --quasi)");
  sub->add_option("--model", args->models,
                  "Model file the synthetic data came from (repeat for several): its synthesizer and its "
                  "differential-privacy record (learn --dp: epsilon, delta, the accountant, q, sigma, steps, what "
                  "was public), or the lack of one, go into the audit and the model card")
      ->check(CLI::ExistingFile);
  sub->add_option("--domain", args->domain,
                  "Built-in domain, or domain file (with a '/' or a .yaml/.yml suffix), whose links relate the tables "
                  "of the folders (instead of --link); columns it fills with providers of personal data, ids or "
                  "filler text are not scored");
  sub->add_option("--link", args->options.links,
                  "A link between tables, CHILD.COLUMN=PARENT.COLUMN (repeat for more); without any, links are "
                  "inferred from <parent>_id columns");
  sub->add_option("--out", args->out_html, "Write the report as one self-contained HTML file");
  sub->add_option("--json", args->out_json, "Write every figure as JSON");
  sub->add_option("--model-card", args->model_card, "Write a Markdown model card");
  sub->add_option("--model-info", args->model_info,
                  "KEY=VALUE for the model card (repeat): synthesizer and settings; epsilon and delta are the "
                  "privacy budget; intended_use and limitation add lines");
  sub->add_option("--seed", args->options.seed, "Seed for the samples and splits (same seed, same report)")
      ->default_val(1);
  AddThreadsOption(*sub, args->threads, "Worker threads (default: all cores)");
  sub->add_option("--privacy-sample", args->options.dcr_sample,
                  "Synthetic (and holdout) rows sampled for DCR and NNDR, each searched against all training rows")
      ->default_val(5000);
  sub->add_option("--attack-sample", args->options.attack_sample,
                  "Training rows (and as many holdout rows) in the membership-inference attack")
      ->default_val(2000);
  sub->add_option("--max-train-rows", args->options.max_train_rows, "Rows per model for ML utility (seeded sample)")
      ->default_val(50000);
  sub->add_flag("--progress", args->progress, "Show progress on stderr even when it is not a terminal");
  sub->add_flag("-q,--quiet", args->quiet, "Print nothing on success");
  AddPluginOption(*sub);
  sub->callback([args] { RunReport(*args); });
}

}  // namespace seedforge
