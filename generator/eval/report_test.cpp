// The whole report: HTML parts, JSON figures, the model card and the
// `seedforge report` command, run in-process.
#include "eval/report.h"

#include <CLI/CLI.hpp>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>

#include "cli/app.h"
#include "eval/eval_test_util.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/registry.h"
#include "test_util.h"


namespace seedforge::eval {
namespace {

namespace fs = std::filesystem;
using testing::RandomCsv;
using testing::Shape;

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class ReportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = seedforge::testing::MakeTempDir("seedforge-report");
    Write("real.csv", RandomCsv(1200, 1));
    Write("synthetic.csv", RandomCsv(1200, 2));
    Write("holdout.csv", RandomCsv(400, 3));
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Write(const std::string& name, const std::string& text) { std::ofstream(dir_ / name) << text; }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  ReportOptions Options() const {
    ReportOptions o;
    o.real = Path("real.csv");
    o.synthetic = Path("synthetic.csv");
    o.holdout = Path("holdout.csv");
    o.target = "label";
    o.quasi = {"group", "flag"};
    o.sensitive = "label";
    o.threads = 2;
    return o;
  }

  // Runs `seedforge report ARGS` in-process, as RunCli would.
  void Run(std::vector<std::string> args) {
    CLI::App app{"seedforge"};
    app.require_subcommand(1);
    SetupReportCommand(app);
    args.insert(args.begin(), "report");
    std::reverse(args.begin(), args.end());  // CLI11 parses a reversed vector
    app.parse(args);
  }

  fs::path dir_;
};

TEST_F(ReportTest, HtmlHasEveryPartAndNoNetworkReferences) {
  Report report = BuildReport(Options());
  std::string html = RenderHtml(report);
  for (const char* id :
       {"summary", "shapes", "distributions", "pairs", "utility", "privacy", "audit", "data", "method"}) {
    EXPECT_NE(html.find(std::string("<section id=\"") + id + "\">"), std::string::npos) << id;
  }
  EXPECT_EQ(Count(html, "<section"), Count(html, "</section>"));
  EXPECT_EQ(Count(html, "<svg"), Count(html, "</svg>"));
  // One plot per scored column (5), plus the real and synthetic correlation
  // maps (x and y are numeric) and the pair-score map.
  EXPECT_EQ(Count(html, "<svg"), 5u + 3u);
  EXPECT_GT(Count(html, "<rect"), 100u);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // A plain-English sentence under each metric.
  for (const std::string& sentence :
       {ExplainOverall(report), ExplainColumnShapes(report.quality.column_shapes),
        ExplainPairTrends(report.quality.column_pair_trends), ExplainUtility(report.utility[0]),
        ExplainDcr(report.privacy[0]), ExplainNndr(report.privacy[0]), ExplainCopies(report.privacy[0]),
        ExplainAttack(report.privacy[0]), ExplainAnonymity(report.privacy[0]),
        ExplainAttributeInference(report.privacy[0])}) {
    std::string escaped = std::regex_replace(sentence, std::regex("'"), "&#39;");
    EXPECT_NE(html.find(escaped), std::string::npos) << sentence;
  }
  EXPECT_NE(html.find("Wasserstein distance: how far"), std::string::npos);
  EXPECT_NE(html.find("Jensen–Shannon divergence"), std::string::npos);
  EXPECT_NE(html.find("Chi-squared test"), std::string::npos);
  EXPECT_NE(html.find("Range coverage"), std::string::npos);
}

TEST_F(ReportTest, HtmlEscapesNamesFromTheData) {
  Write("odd.csv", "\"<b>x</b>\",c\n1.5,<i>\n2.5,&\n3.5,<i>\n");
  ReportOptions o;
  o.real = o.synthetic = Path("odd.csv");
  std::string html = RenderHtml(BuildReport(o));
  EXPECT_EQ(html.find("<b>x</b>"), std::string::npos);
  EXPECT_NE(html.find("&lt;b&gt;x&lt;/b&gt;"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
}

TEST_F(ReportTest, JsonHasEveryFigure) {
  Report report = BuildReport(Options());
  nlohmann::json j = nlohmann::json::parse(RenderJson(report));
  const auto& q = j["quality"];
  EXPECT_NEAR(q["overall"].get<double>(), report.quality.overall, 1e-9);
  for (const char* p : {"column_shapes", "column_pair_trends", "cardinality", "intertable_trends"}) {
    EXPECT_TRUE(q["properties"].contains(p)) << p;
  }
  ASSERT_EQ(q["column_shapes"].size(), 5u);
  for (const auto& s : q["column_shapes"]) {
    for (const char* k : {"score", "wasserstein", "jensen_shannon", "chi_square", "missing_real", "missing_synthetic",
                          "missing_difference", "range_coverage", "category_coverage", "new_categories",
                          "distribution"}) {
      EXPECT_TRUE(s.contains(k)) << k;
    }
    EXPECT_TRUE(s["chi_square"].contains("p_value"));
    EXPECT_EQ(s["distribution"]["real"].size(), s["distribution"]["synthetic"].size());
  }
  ASSERT_EQ(q["column_pair_trends"].size(), 10u);
  for (const auto& p : q["column_pair_trends"]) {
    for (const char* k : {"column_1", "column_2", "metric", "score", "real_correlation", "synthetic_correlation"}) {
      EXPECT_TRUE(p.contains(k)) << k;
    }
  }
  const auto& u = j["ml_utility"];
  EXPECT_TRUE(u["computed"].get<bool>());
  for (const char* side : {"train_real_test_real", "train_synthetic_test_real"}) {
    for (const char* k : {"accuracy", "f1_macro", "roc_auc"}) EXPECT_TRUE(u[side][k].is_number()) << side << k;
  }
  const auto& p = j["privacy"][0];
  EXPECT_TRUE(p["exact_copies"]["rate"].is_number());
  EXPECT_TRUE(p["exact_copies"]["holdout_rate"].is_number());
  EXPECT_TRUE(p["dcr"]["share_below_threshold"].is_number());
  EXPECT_TRUE(p["dcr"]["holdout"]["p5"].is_number());
  EXPECT_TRUE(p["nndr"]["synthetic"]["median"].is_number());
  EXPECT_TRUE(p["membership_inference"]["auc"].is_number());
  EXPECT_EQ(p["anonymity"]["k_synthetic"].get<size_t>(), report.privacy[0].anonymity.k_synthetic);
  EXPECT_TRUE(p["anonymity"]["l_synthetic"].is_number());
  EXPECT_NEAR(p["membership_inference"]["auc"].get<double>(), report.privacy[0].mia_auc, 1e-9);
  const AttributeInferenceResult& ai = report.privacy[0].attribute_inference;
  ASSERT_TRUE(ai.computed);
  EXPECT_EQ(p["attribute_inference"]["sensitive"], "label");
  EXPECT_EQ(p["attribute_inference"]["targets"].get<size_t>(), ai.targets);
  for (const char* k : {"accuracy", "baseline", "lift", "exact_match_share", "holdout_accuracy", "holdout_baseline"}) {
    EXPECT_TRUE(p["attribute_inference"][k].is_number()) << k;
  }
  for (const char* k : {"data_in", "detection", "identifiers", "dp_budget", "safe_harbor", "narrative", "gdpr"}) {
    EXPECT_TRUE(j["audit"].contains(k)) << k;
  }
  EXPECT_TRUE(j["seconds"]["total"].is_number());
}

TEST_F(ReportTest, IdenticalScoresOneAndDifferentScoresLow) {
  ReportOptions same;
  same.real = same.synthetic = Path("real.csv");
  EXPECT_DOUBLE_EQ(BuildReport(same).quality.overall, 1.0);
  Shape other;
  other.x_shift = 4;
  other.slope = -2;
  other.flip_category = true;
  other.flag_rate = 0.9;
  Write("other.csv", RandomCsv(1200, 2, other));
  ReportOptions different = same;
  different.synthetic = Path("other.csv");
  // As EvalQuality.ClearlyDifferentDataScoresLow: measured 0.270-0.301
  // (mean 0.288, sd 0.006) over 200 seeds at these sizes.
  EXPECT_LT(BuildReport(different).quality.overall, 0.35);
}

TEST_F(ReportTest, ModelCardHasEverySection) {
  Report report = BuildReport(Options());
  std::string card = RenderModelCard(
      report, {{"synthesizer", "gaussian copula"}, {"epochs", "300"}, {"epsilon", "1.5"}, {"delta", "1e-6"},
               {"intended_use", "Load tests of the billing service."}, {"limitation", "Dates are not realistic."}});
  for (const char* heading : {"# Model card: gaussian copula", "## Model details", "### Privacy budget",
                              "## Intended use", "## Data", "## Fidelity", "## ML utility", "## Privacy",
                              "## Limitations"}) {
    EXPECT_NE(card.find(heading), std::string::npos) << heading;
  }
  EXPECT_NE(card.find("| epochs | 300 |"), std::string::npos);
  EXPECT_NE(card.find("ε = 1.5, δ = 1e-6"), std::string::npos);
  EXPECT_NE(card.find("- Load tests of the billing service."), std::string::npos);
  EXPECT_NE(card.find("- Dates are not realistic."), std::string::npos);
  EXPECT_NE(card.find("| Column Shapes | " + Fixed(report.quality.column_shapes)), std::string::npos);
  EXPECT_NE(card.find("k = " + std::to_string(report.privacy[0].anonymity.k_synthetic)), std::string::npos);
  EXPECT_EQ(card.find("{{"), std::string::npos);
  EXPECT_EQ(card.find("\n\n\n"), std::string::npos);
}

TEST_F(ReportTest, CommandWritesAllOutputsAtomically) {
  Run({"--real", Path("real.csv"), "--synthetic", Path("synthetic.csv"), "--holdout", Path("holdout.csv"),
       "--target", "y", "--out", Path("r.html"), "--json", Path("r.json"), "--model-card", Path("card.md"),
       "--model-info", "synthesizer=copula", "--seed", "3", "--threads", "2", "-q"});
  for (const char* name : {"r.html", "r.json", "card.md"}) EXPECT_TRUE(fs::exists(dir_ / name)) << name;
  for (const auto& entry : fs::directory_iterator(dir_)) {
    EXPECT_EQ(entry.path().filename().string().find(".tmp"), std::string::npos) << entry.path();
  }
  nlohmann::json j = nlohmann::json::parse(seedforge::testing::ReadFile(dir_ / "r.json"));
  EXPECT_EQ(j["inputs"]["seed"].get<int>(), 3);
  EXPECT_EQ(j["ml_utility"]["task"].get<std::string>(), "regression");
}

TEST_F(ReportTest, BadInputsNameFileAndLine) {
  Write("ragged.csv", "x,y,group,flag,label\n1,2,a,true,yes\n1,2\n");
  try {
    Run({"--real", Path("real.csv"), "--synthetic", Path("ragged.csv"), "-q"});
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find(Path("ragged.csv") + ":3: expected 5 fields as in the header, found 2"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(Run({"--real", Path("missing.csv"), "--synthetic", Path("real.csv"), "-q"}), InputError);
  EXPECT_THROW(Run({"--real", Path("real.csv"), "--synthetic", Path("real.csv"), "--target", "nope", "-q"}),
               UsageError);
  EXPECT_THROW(Run({"--real", Path("real.csv"), "--synthetic", Path("real.csv"), "--quasi", "nope", "-q"}),
               UsageError);
  EXPECT_THROW(Run({"--real", Path("real.csv"), "--synthetic", Path("real.csv"), "--model-info", "novalue", "-q"}),
               UsageError);
  EXPECT_FALSE(fs::exists(dir_ / "r.html"));
}

TEST_F(ReportTest, FailedWriteLeavesNothingBehind) {
  EXPECT_THROW(WriteFileAtomically(Path("no/such/dir/r.html"), "x"), Error);
  WriteFileAtomically(Path("ok.txt"), "hello");
  EXPECT_EQ(seedforge::testing::ReadFile(dir_ / "ok.txt"), "hello");
}

TEST_F(ReportTest, MultiTableFolders) {
  for (const char* side : {"mreal", "msyn"}) {
    fs::create_directories(dir_ / side);
    std::ofstream(dir_ / side / "customers.csv") << "id,segment\n1,a\n2,b\n3,a\n4,b\n";
    std::ofstream(dir_ / side / "orders.csv")
        << "order_id,customer_id,amount\n1,1,5.5\n2,1,7.25\n3,2,1.5\n4,3,9.75\n5,4,2.5\n";
  }
  ReportOptions o;
  o.real = Path("mreal");
  o.synthetic = Path("msyn");
  Report report = BuildReport(o);
  EXPECT_TRUE(report.multi_table);
  ASSERT_EQ(report.links.size(), 1u);
  EXPECT_DOUBLE_EQ(report.quality.cardinality_score, 1.0);
  EXPECT_DOUBLE_EQ(report.quality.intertable_trends, 1.0);
  EXPECT_DOUBLE_EQ(report.quality.overall, 1.0);
  EXPECT_EQ(report.privacy.size(), 2u);
  std::string html = RenderHtml(report);
  EXPECT_NE(html.find("<section id=\"relationships\">"), std::string::npos);
  EXPECT_NE(html.find("orders.customer_id -&gt; customers.id"), std::string::npos);
}

// --domain: provider-filled personal data, its copies and a self link's key
// are left out of the scores; a learned column is scored.
TEST_F(ReportTest, DomainDecidesWhichColumnsAreScored) {
  const Domain domain = ParseDomain(R"(domain: d
entities:
  customers:
    rows: 4
    columns:
      id: {type: integer, primary_key: true, provider: sequence}
      name: {type: text, provider: person.first_name}
      referrer: {type: integer, references: customers.id, null_rate: 0.5}
      segment: {type: text, provider: category, params: {values: [a, b]}}
  orders:
    columns:
      order_id: {type: integer, primary_key: true, provider: sequence}
      customer_id: {type: integer, references: customers.id, per_parent: 2}
      name: {type: text, copy: customers.name}
)",
                                    "d.yaml", BuiltinRegistry());
  const std::vector<DeclaredColumn> declared = DomainDeclaredColumns(domain);
  auto kind_of = [&](const std::string& table, const std::string& column) -> std::string {
    for (const DeclaredColumn& d : declared) {
      if (d.table == table && d.column == column) return KindName(d.kind);
    }
    return "inferred";
  };
  EXPECT_EQ(kind_of("customers", "name"), "text");
  EXPECT_EQ(kind_of("orders", "name"), "text");
  EXPECT_EQ(kind_of("customers", "referrer"), "id");
  EXPECT_EQ(kind_of("customers", "segment"), "inferred");

  for (const char* side : {"dreal", "dsyn"}) {
    fs::create_directories(dir_ / side);
    std::ofstream(dir_ / side / "customers.csv") << "id,name,referrer,segment\n1,Ann,,a\n2,Bo,1,b\n3,Cy,1,a\n4,Di,,b\n";
    std::ofstream(dir_ / side / "orders.csv") << "order_id,customer_id,name\n1,1,Ann\n2,1,Ann\n3,2,Bo\n4,2,Bo\n";
  }
  ReportOptions o;
  o.real = Path("dreal");
  o.synthetic = Path("dsyn");
  o.links = DomainLinks(domain);
  o.declared = declared;
  Report report = BuildReport(o);
  std::set<std::string> scored;
  for (const auto& shape : report.quality.shapes) scored.insert(shape.table + "." + shape.column);
  EXPECT_EQ(scored, (std::set<std::string>{"customers.segment"}));
}

TEST(EvalAudit, IdentifierKindFromName) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"customer_email", "email"},   {"EmailAddress", "email"},  {"ip_address", "ip_address"},
      {"home_tel", "phone"},         {"hotel", ""},              {"dob", "date_of_birth"},
      {"zipCode", "zip"},            {"product_code", ""},       {"street", "street_address"},
      {"first_name", "person_name"}, {"age", "age"},             {"page", ""},
      {"usage", ""},                 {"SSN", "ssn"},             {"mac_address", "device_id"},
      {"card_number", "payment_card"}, {"order_number", ""},     {"city", "city"}};
  for (const auto& [name, kind] : cases) EXPECT_EQ(IdentifierKindFromName(name), kind) << name;
}

// A domain's columns: provider fields give the kind and "provider"; a copy
// is handled as its origin; a reference is generated.
TEST(EvalAudit, DomainHandledColumns) {
  const Domain domain = ParseDomain(R"(domain: d
entities:
  customers:
    rows: 4
    columns:
      id: {type: integer, primary_key: true, provider: sequence}
      name: {type: text, provider: person.first_name}
      mail: {type: text, provider: email}
      state: {type: text, provider: address.state}
      segment: {type: text, provider: category, params: {values: [a, b]}}
  orders:
    columns:
      order_id: {type: integer, primary_key: true, provider: sequence}
      customer_id: {type: integer, references: customers.id, per_parent: 2}
      name: {type: text, copy: customers.name}
)",
                                    "d.yaml", BuiltinRegistry());
  std::map<std::string, HandledColumn> by;
  for (const HandledColumn& h : DomainHandledColumns(domain)) by[h.table + "." + h.column] = h;
  EXPECT_EQ(by["customers.id"].pii_kind, "record_id");
  EXPECT_EQ(by["customers.name"].pii_kind, "person_name");
  EXPECT_EQ(by["customers.name"].handling, "provider");
  EXPECT_EQ(by["customers.mail"].pii_kind, "email");
  EXPECT_EQ(by["customers.state"].pii_kind, "");  // a state is not below state level
  EXPECT_EQ(by["customers.segment"].pii_kind, "");
  EXPECT_EQ(by["orders.name"].pii_kind, "person_name");
  EXPECT_EQ(by["orders.name"].handling, "provider");
  EXPECT_NE(by["orders.name"].evidence.find("copied from customers.name"), std::string::npos);
  EXPECT_EQ(by["orders.customer_id"].handling, "generated");
}

// Known figures: 2 of the 4 synthetic e-mails are real ones; the e-mail
// column is masked, zip learned, ssn dropped (as a mask or profile would
// report them), the visit date found by its kind.
TEST_F(ReportTest, AuditFromHandledColumnsAndFigures) {
  Write("areal.csv", "patient_email,zip,visit_date,diagnosis\na@x.org,10001,2024-01-02,flu\nb@x.org,10002,2024-02-03,"
                     "cold\nc@x.org,10001,2024-03-04,flu\nd@x.org,10003,2024-04-05,none\n");
  Write("asyn.csv", "patient_email,zip,visit_date,diagnosis\na@x.org,10001,2024-01-02,flu\nq@y.org,10002,2023-05-06,"
                    "cold\nc@x.org,10009,2024-03-04,flu\nr@y.org,10003,2022-07-08,flu\n");
  ReportOptions o;
  o.real = Path("areal.csv");
  o.synthetic = Path("asyn.csv");
  o.audit.handled = {{"areal", "patient_email", "email", "masked", "mask rule hmac"},
                     {"areal", "zip", "", "learned", "domain: learned"},
                     {"areal", "ssn", "ssn", "dropped", "mask rule drop"}};
  o.audit.budgets = {{.model = "m.model", .mechanism = "dp-sgd", .accountant = "rdp", .epsilon = 1, .delta = 1e-5}};
  Report report = BuildReport(o);
  const AuditResult& a = report.audit;
  EXPECT_EQ(a.tables, 1u);
  EXPECT_EQ(a.real_rows, 4u);
  std::map<std::string, const AuditColumn*> by;
  for (const AuditColumn& c : a.identifiers) by[c.handled.column] = &c;
  ASSERT_EQ(by.size(), 4u);
  EXPECT_EQ(by["patient_email"]->reproduced, 2u);
  EXPECT_DOUBLE_EQ(by["patient_email"]->reproduced_share, 0.5);
  EXPECT_EQ(by["zip"]->handled.pii_kind, "zip");  // the name, where the input says nothing
  EXPECT_EQ(by["zip"]->reproduced, 3u);           // 10001, 10002, 10003; 10009 is new
  EXPECT_EQ(by["zip"]->distinct_reproduced, 3u);
  EXPECT_EQ(by["visit_date"]->handled.pii_kind, "date");
  EXPECT_EQ(by["visit_date"]->reproduced, 2u);
  EXPECT_FALSE(by["ssn"]->in_output);
  std::map<char, std::string> status;
  for (const SafeHarborItem& item : a.safe_harbor) status[item.letter] = item.status;
  ASSERT_EQ(status.size(), 18u);
  EXPECT_EQ(status['A'], "not found");
  EXPECT_EQ(status['B'], "present");
  EXPECT_EQ(status['C'], "present");
  EXPECT_EQ(status['F'], "pseudonymised");
  EXPECT_EQ(status['G'], "removed");
  EXPECT_EQ(status['P'], "not checked");
  std::string narrative, gdpr;
  for (const std::string& p : a.narrative) narrative += p + "\n";
  for (const std::string& p : a.gdpr) gdpr += p + "\n";
  EXPECT_NE(narrative.find("1 table, areal (4 real rows, 4 synthetic, 4 columns)"), std::string::npos) << narrative;
  EXPECT_NE(narrative.find("patient_email (2 of 4 values)"), std::string::npos) << narrative;
  EXPECT_NE(narrative.find("dp-sgd (rdp accountant), ε = 1, δ = 1e-05"), std::string::npos) << narrative;
  EXPECT_NE(narrative.find("need --holdout"), std::string::npos) << narrative;
  EXPECT_NE(gdpr.find("1 column of this output is masked"), std::string::npos) << gdpr;
  EXPECT_NE(gdpr.find("real identifier values appear in the output"), std::string::npos) << gdpr;

  nlohmann::json j = nlohmann::json::parse(RenderJson(report));
  EXPECT_TRUE(j["audit"]["differentially_private"].get<bool>());
  EXPECT_EQ(j["audit"]["dp_budget"][0]["epsilon"].get<double>(), 1.0);
  EXPECT_EQ(j["audit"]["safe_harbor"].size(), 18u);
  EXPECT_EQ(j["audit"]["safe_harbor"][5]["item"], "F");
  EXPECT_EQ(j["audit"]["safe_harbor"][5]["status"], "pseudonymised");
  EXPECT_EQ(j["audit"]["identifiers"].size(), 4u);
  EXPECT_EQ(j["audit"]["narrative"].size(), a.narrative.size());
  const std::string html = RenderHtml(report);
  EXPECT_NE(html.find("<section id=\"audit\">"), std::string::npos);
  EXPECT_NE(html.find("<td>(F)</td><td>E-mail addresses</td><td>pseudonymised</td>"), std::string::npos);
  const std::string card = RenderModelCard(report, {});
  EXPECT_NE(card.find("## Audit and compliance"), std::string::npos);
  EXPECT_NE(card.find("| (F) | E-mail addresses | pseudonymised |"), std::string::npos);
  EXPECT_NE(card.find("| patient_email | e-mail address | masked | mask rule hmac | yes | 2 of 4 (50.0%) |"),
            std::string::npos)
      << card;
  EXPECT_EQ(card.find("\n\n\n"), std::string::npos);
}

// Without a domain, a model or the attack options the audit says what it
// could not do, rather than passing anything.
TEST_F(ReportTest, AuditSaysWhatWasNotMeasured) {
  ReportOptions o;
  o.real = Path("real.csv");
  o.synthetic = Path("synthetic.csv");
  Report report = BuildReport(o);
  std::string narrative;
  for (const std::string& p : report.audit.narrative) narrative += p + "\n";
  EXPECT_NE(narrative.find("Privacy budget: none."), std::string::npos) << narrative;
  EXPECT_NE(narrative.find("no column was recognised as a direct identifier"), std::string::npos) << narrative;
  EXPECT_NE(narrative.find("attribute inference was not run"), std::string::npos) << narrative;
  EXPECT_NE(ExplainAttributeInference(report.privacy[0]).find("not computed"), std::string::npos);
  for (const SafeHarborItem& item : report.audit.safe_harbor) {
    EXPECT_TRUE(item.status == "not found" || item.status == "not checked") << item.letter;
  }
  nlohmann::json j = nlohmann::json::parse(RenderJson(report));
  EXPECT_TRUE(j["privacy"][0]["attribute_inference"].is_null());
  EXPECT_TRUE(j["audit"]["dp_budget"].is_null());
}

}  // namespace
}  // namespace seedforge::eval
