// The multi-table learner's decisions and statistics, from small databases
// with a known ground truth: counting links and learned counts, copied
// columns, two links to one parent, junction tables and self links, and the
// CSV folder reader's inferred schema.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>

#include "learn/database_model.h"
#include "seedforge/database.h"
#include "seedforge/error.h"
#include "support/database_fixtures.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using internal::DatabasePlan;
using internal::LinkPlan;

// A folder that removes itself.
struct TempDir {
  fs::path path = testing::MakeTempDir("learndb");
  ~TempDir() { fs::remove_all(path); }
};

DatabaseSample CountsDependOnX(const fs::path& dir, uint64_t seed, size_t parents) {
  testing::WriteCountsDependOnX(dir, seed, parents);
  return ReadCsvDatabase({.dir = dir.string()}, BuiltinRegistry());
}

// A folder with a schema.yaml, read with it.
DatabaseSample WithSchema(const fs::path& dir) {
  return ReadCsvDatabase({.dir = dir.string(), .domain_file = (dir / "schema.yaml").string()}, BuiltinRegistry());
}

// Whether the domain text defines column `name` as `definition` (names
// are aligned with spaces).
bool HasColumn(const std::string& text, const std::string& name, const std::string& definition) {
  size_t at = 0;
  while ((at = text.find("\n      " + name + ":", at)) != std::string::npos) {
    at += 8 + name.size();
    const size_t start = text.find_first_not_of(' ', at);
    if (text.compare(start, definition.size(), definition) == 0 && text[start + definition.size()] == '\n') {
      return true;
    }
  }
  return false;
}

// Least-squares slope of y on x.
double Slope(const std::vector<double>& x, const std::vector<double>& y) {
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += x[i], my += y[i];
  mx /= x.size();
  my /= y.size();
  double sxy = 0, sxx = 0;
  for (size_t i = 0; i < x.size(); ++i) sxy += (x[i] - mx) * (y[i] - my), sxx += (x[i] - mx) * (x[i] - mx);
  return sxy / sxx;
}

TEST(LearnDatabase, InfersKeysAndLinksFromNamesAndValues) {
  TempDir dir;
  const DatabaseSample sample = CountsDependOnX(dir.path, 1, 200);
  ASSERT_EQ(sample.inferred_links.size(), 1u);
  EXPECT_NE(sample.inferred_links[0].find("children.parent_id -> parents.parent_id: 100.0%"), std::string::npos)
      << sample.inferred_links[0];
  const DomainEntity& children = sample.schema.entities[sample.schema.FindEntity("children")];
  EXPECT_EQ(children.PrimaryKey(), std::vector<std::string>{"child_id"});
  ASSERT_EQ(children.links.size(), 1u);
  EXPECT_EQ(children.links[0].parent, "parents");
}

TEST(LearnDatabase, LinkNotInferredWhenValuesAreNotParentKeys) {
  TempDir dir;
  testing::WriteTextFile(dir.path / "parents.csv", "parent_id,x\n1,a\n2,b\n3,c\n");
  // 2 of 4 references name no parent: a name alone is no link.
  testing::WriteTextFile(dir.path / "children.csv", "child_id,parent_id\n1,1\n2,2\n3,7\n4,9\n");
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  EXPECT_TRUE(sample.inferred_links.empty());
  EXPECT_TRUE(sample.schema.entities[sample.schema.FindEntity("children")].links.empty());
}

TEST(LearnDatabase, DomainEntityWithoutFileIsNamed) {
  TempDir dir;
  testing::WriteTextFile(dir.path / "a.csv", "id\n1\n");
  testing::WriteTextFile(dir.path / "schema.yaml",
            "domain: d\nentities:\n  a:\n    columns:\n      id: {type: integer, primary_key: true, provider: sequence}\n"
            "  b:\n    columns:\n      id: {type: integer, primary_key: true, provider: sequence}\n");
  try {
    ReadCsvDatabase({.dir = dir.path.string(), .domain_file = (dir.path / "schema.yaml").string()}, BuiltinRegistry());
    FAIL() << "no error";
  } catch (const InputError& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("schema.yaml:6:"), std::string::npos) << message;
    EXPECT_NE(message.find("entity 'b' has no file"), std::string::npos) << message;
  }
}

TEST(LearnDatabase, CountingLinkLearnsTheCountInTheParent) {
  TempDir dir;
  const DatabaseSample sample = CountsDependOnX(dir.path, 2, 300);
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const int parents = sample.schema.FindEntity("parents"), children = sample.schema.FindEntity("children");
  ASSERT_EQ(plan.entities[children].counting_link, 0);
  EXPECT_EQ(plan.entities[children].links[0].role, LinkPlan::Role::kCounting);
  EXPECT_EQ(plan.entities[children].links[0].count_column, "n_children");
  ASSERT_EQ(plan.entities[parents].added.size(), 1u);
  EXPECT_EQ(plan.entities[parents].added[0].name, "n_children");
  const std::string text = internal::DomainText(sample, plan, {.synthesizer = "copula"});
  EXPECT_NE(text.find("references: parents.parent_id, per_parent: {column: n_children}"), std::string::npos) << text;
  EXPECT_TRUE(HasColumn(text, "n_children", "{type: integer, hidden: true, learned: true}")) << text;
  EXPECT_TRUE(HasColumn(text, "x", "{type: double precision, not_null: true, learned: true}")) << text;
  EXPECT_NE(text.find("model: models/parents.model"), std::string::npos) << text;
  EXPECT_NE(text.find("children.parent_id -> parents.parent_id"), std::string::npos) << text;  // as a comment

  // The counts the parent's model is fitted on are the sample's.
  const DataTable table = internal::TrainingTable(sample, plan, parents);
  const int n = table.Find("n_children");
  ASSERT_GE(n, 0);
  int64_t total = 0;
  for (int64_t c : table.columns[n].ints) total += c;
  EXPECT_EQ(static_cast<size_t>(total), sample.tables.at("children").rows());
}

// The learned count follows the parent's column: the slope of count on x in
// rows sampled from the parent's model is within what the sample's own
// slope could have been (3.29 standard errors) plus the copula's smoothing
// (10% of the true slope), for every seed.
TEST(LearnDatabase, LearnedCountSlopeWithinItsConfidenceInterval) {
  constexpr double kTrueSlope = 3;
  constexpr size_t kParents = 2000;
  for (uint64_t seed : {11, 12, 13}) {
    TempDir dir, out;
    const DatabaseSample sample = CountsDependOnX(dir.path, seed, kParents);
    LearnDatabaseOptions options;
    options.out_dir = out.path.string();
    options.seed = seed;
    const LearnDatabaseResult result = LearnDatabase(sample, options);
    ASSERT_TRUE(fs::exists(out.path / "models/parents.model"));
    const auto model = LoadSynthesizer((out.path / "models/parents.model").string());
    const auto sampler = model->MakeSampler();
    std::vector<uint64_t> rows(20000);
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = i;
    std::vector<BatchColumn> columns;
    sampler->SampleRows(rows, seed, columns);
    int xc = -1, nc = -1;
    for (size_t c = 0; c < sampler->columns().size(); ++c) {
      if (sampler->columns()[c].name == "x") xc = static_cast<int>(c);
      if (sampler->columns()[c].name == "n_children") nc = static_cast<int>(c);
    }
    ASSERT_GE(xc, 0);
    ASSERT_GE(nc, 0);
    std::vector<double> x, n;
    for (size_t i = 0; i < rows.size(); ++i) {
      x.push_back(columns[xc].floats[i]);
      n.push_back(static_cast<double>(columns[nc].ints[i]));
    }
    // Var(count | x) = 1 + 3x (Poisson), 2.5 on average; Var(x) = 1/12.
    const double standard_error = std::sqrt(2.5 / (kParents / 12.0));
    const double slope = Slope(x, n);
    EXPECT_NEAR(slope, kTrueSlope, testing::NormalTwoSided(testing::kOneComparison) * standard_error + 0.1 * kTrueSlope) << "seed " << seed;
  }
}

TEST(LearnDatabase, CopiedColumnsAreDetected) {
  TempDir dir;
  const std::string visits = testing::WritePatientsVisits(dir.path);
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const std::string text = internal::DomainText(sample, plan, {.synthesizer = "copula"});
  EXPECT_TRUE(HasColumn(text, "sex", "{type: text, not_null: true, copy: patients.sex}")) << text;
  EXPECT_TRUE(HasColumn(text, "treatment", "{type: text, not_null: true, copy: patients.treatment}"))
      << text;
  EXPECT_TRUE(HasColumn(text, "score", "{type: integer, not_null: true, learned: true}")) << text;
  // A column equal on most rows but not all is no copy.
  testing::WriteTextFile(dir.path / "visits.csv", visits + "100000,1,X,drug,5\n");
  const DatabaseSample changed = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const std::string changed_text = internal::DomainText(changed, internal::PlanDatabase(changed), {});
  EXPECT_FALSE(HasColumn(changed_text, "sex", "{type: text, not_null: true, copy: patients.sex}"))
      << changed_text;
}

TEST(LearnDatabase, TwoLinksToOneParentPickDistinctAndMatched) {
  TempDir dir;
  testing::WriteFlights(dir.path);
  const DatabaseSample sample = WithSchema(dir.path);
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const internal::EntityPlan& flights = plan.entities[sample.schema.FindEntity("flights")];
  // Matched links do not count: flights is a root with the sample's rows.
  EXPECT_EQ(flights.counting_link, -1);
  EXPECT_EQ(flights.rows, sample.tables.at("flights").rows());
  const LinkPlan& origin = flights.links[0];
  const LinkPlan& destination = flights.links[1];
  EXPECT_EQ(origin.role, LinkPlan::Role::kPicked);
  EXPECT_EQ(destination.role, LinkPlan::Role::kPicked);
  EXPECT_EQ(destination.distinct_from, "origin");
  EXPECT_EQ(origin.match_child, "origin_region");
  EXPECT_EQ(destination.match_child, "destination_region");
  EXPECT_EQ(destination.match_parent, "region");
  EXPECT_TRUE(flights.given.empty());
  const std::string text = internal::DomainText(sample, plan, {});
  EXPECT_TRUE(HasColumn(text, "origin",
                        "{type: integer, not_null: true, references: airports.airport_id, "
                        "pick: {weight: n_flights_by_origin, match: {origin_region: region}}}"))
      << text;
  EXPECT_TRUE(HasColumn(text, "destination",
                        "{type: integer, not_null: true, references: airports.airport_id, "
                        "pick: {weight: n_flights_by_destination, distinct_from: origin, "
                        "match: {destination_region: region}}}"))
      << text;
  EXPECT_TRUE(HasColumn(text, "destination_region", "{type: text, hidden: true, learned: true}")) << text;
  // The model learns both regions together: the pair's joint is in its
  // training rows.
  const DataTable table = internal::TrainingTable(sample, plan, sample.schema.FindEntity("flights"));
  const int from = table.Find("origin_region"), to = table.Find("destination_region");
  ASSERT_GE(from, 0);
  ASSERT_GE(to, 0);
  size_t same = 0;
  for (size_t r = 0; r < table.rows; ++r) same += table.columns[from].texts[r] == table.columns[to].texts[r];
  EXPECT_GT(static_cast<double>(same) / table.rows, 0.8);
}

TEST(LearnDatabase, JunctionTablePicksDistinctAndSelfLinkKeepsItsNullRate) {
  TempDir dir;
  testing::WriteMusic(dir.path);
  const DatabaseSample sample = WithSchema(dir.path);
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const internal::EntityPlan& junction = plan.entities[sample.schema.FindEntity("playlist_track")];
  EXPECT_EQ(junction.counting_link, 0);
  EXPECT_TRUE(junction.links[1].distinct);
  const internal::EntityPlan& employees = plan.entities[sample.schema.FindEntity("employees")];
  EXPECT_EQ(employees.counting_link, -1);
  EXPECT_EQ(employees.links[0].role, LinkPlan::Role::kSelf);
  EXPECT_NEAR(employees.links[0].null_rate, 1.0 / 40, 1e-9);
  const std::string text = internal::DomainText(sample, plan, {});
  EXPECT_TRUE(HasColumn(text, "reports_to", "{type: integer, references: employees.employee_id, null_rate: 0.025}"))
      << text;
  EXPECT_TRUE(HasColumn(text, "track_id",
                        "{type: integer, primary_key: true, references: tracks.track_id, "
                        "pick: {weight: n_playlist_track_by_track_id, distinct: true}}"))
      << text;
  EXPECT_NE(text.find("rows: 40"), std::string::npos) << text;
}

TEST(LearnDatabase, ReferenceTableNamesAndPickedCategoryGoWithTheChild) {
  TempDir dir;
  testing::WriteCatalogue(dir.path);
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const DomainEntity& tracks = sample.schema.entities[sample.schema.FindEntity("tracks")];
  const internal::EntityPlan& track_plan = plan.entities[sample.schema.FindEntity("tracks")];
  ASSERT_EQ(tracks.links.size(), 2u);
  // media_type_id comes first but has 4 parents: the 200 albums count.
  ASSERT_EQ(tracks.links[0].parent, "media_types");
  EXPECT_EQ(track_plan.counting_link, 1);
  EXPECT_EQ(track_plan.links[0].role, LinkPlan::Role::kPicked);
  EXPECT_EQ(track_plan.links[0].match_child, "media_type_id_name");
  EXPECT_EQ(track_plan.links[0].match_parent, "name");
  const int media = sample.schema.FindEntity("media_types");
  const DomainEntity& media_types = sample.schema.entities[media];
  const internal::ColumnPlan& name = plan.entities[media].columns[media_types.FindColumn("name")];
  EXPECT_EQ(name.source, internal::ColumnPlan::Source::kVocabulary);
  EXPECT_EQ(name.counts.size(), 4u);
  EXPECT_EQ(plan.entities[media].given, std::vector<std::string>{"name"});
  const std::string text = internal::DomainText(sample, plan, {});
  EXPECT_NE(text.find("provider: category, params: {values: [MPEG audio file, AAC audio file, MPEG-4 video file, "
                      "Lossless audio file], cycle: true}"),
            std::string::npos)
      << text;
}

// Visits whose dates rise with the visit id within each patient, and a
// second date in no order: only the first gets `sequence: true`.
TEST(LearnDatabase, DatesRisingAmongAParentsChildrenAreSequences) {
  TempDir dir;
  std::string patients = "patient_id,age\n", visits = "visit_id,patient_id,seen_on,billed_on\n";
  int visit = 0;
  for (int p = 1; p <= 60; ++p) {
    patients += std::to_string(p) + "," + std::to_string(20 + p % 50) + "\n";
    int day = p % 28;
    for (int k = 0; k < 2 + p % 4; ++k) {
      day += 1 + (p * 7 + k * 3) % 20;
      const int month = 1 + (day / 28) % 12, billed = 1 + (p * 13 + k * 11) % 28;
      visits += std::to_string(++visit) + "," + std::to_string(p) + ",2024-" + (month < 10 ? "0" : "") +
                std::to_string(month) + "-" + (day % 28 + 1 < 10 ? "0" : "") + std::to_string(day % 28 + 1) +
                ",2025-01-" + (billed < 10 ? "0" : "") + std::to_string(billed) + "\n";
    }
  }
  testing::WriteTextFile(dir.path / "patients.csv", patients);
  testing::WriteTextFile(dir.path / "visits.csv", visits);
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const int v = sample.schema.FindEntity("visits");
  const DomainEntity& entity = sample.schema.entities[v];
  EXPECT_TRUE(plan.entities[v].columns[entity.FindColumn("seen_on")].sequence);
  EXPECT_FALSE(plan.entities[v].columns[entity.FindColumn("billed_on")].sequence);
  const std::string text = internal::DomainText(sample, plan, {});
  EXPECT_TRUE(HasColumn(text, "seen_on", "{type: date, not_null: true, learned: true, sequence: true}")) << text;
}

// Each table's fit runs on one thread with a seed of its own: the model
// files are the same bytes for any thread count.
TEST(LearnDatabase, ModelsAreTheSameForAnyThreadCount) {
  TempDir dir, one, three;
  testing::WriteMusic(dir.path);
  const DatabaseSample sample = WithSchema(dir.path);
  LearnDatabaseOptions options;
  options.out_dir = one.path.string();
  options.threads = 1;
  const LearnDatabaseResult first = LearnDatabase(sample, options);
  options.out_dir = three.path.string();
  options.threads = 3;
  const LearnDatabaseResult second = LearnDatabase(sample, options);
  ASSERT_EQ(first.model_files.size(), 3u);  // employees, playlists and tracks (the junction learns nothing)
  for (const std::string& file : first.model_files) {
    const fs::path name = fs::path(file).lexically_relative(one.path);
    EXPECT_EQ(testing::ReadFile(file), testing::ReadFile(three.path / name)) << name;
  }
}

// UUID keys read from CSV are uuid columns made by the uuid provider, and
// the link to them is still found; a log line's free text gets filler text.
TEST(LearnDatabase, UuidKeysAndFreeTextGetTheirProviders) {
  TempDir dir;
  std::string users = "user_id,plan\n", orders = "order_id,user_id,note\n";
  for (int u = 0; u < 30; ++u) {
    const std::string id = fmt::format("{:08x}-0000-4000-8000-{:012x}", 0x1000 + u * 7919, u * 104729);
    users += id + "," + (u % 3 ? "pro" : "free") + "\n";
    for (int k = 0; k < 1 + u % 3; ++k) orders += fmt::format("{},{},done item {}\n", u * 10 + k, id, u * 10 + k);
  }
  testing::WriteTextFile(dir.path / "users.csv", users);
  testing::WriteTextFile(dir.path / "orders.csv", orders);
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const std::string text = internal::DomainText(sample, internal::PlanDatabase(sample), {});
  EXPECT_TRUE(HasColumn(text, "user_id", "{type: uuid, primary_key: true, provider: uuid}")) << text;
  EXPECT_NE(text.find("references: users.user_id"), std::string::npos) << text;
  EXPECT_NE(text.find("note:     {type: text, not_null: true, provider: text"), std::string::npos) << text;
}

// Tables without rows (an unused lookup table, an empty root): links to
// them stay plain references and nothing is stratified, so the learned
// domain validates (LearnDatabase checks it before writing).
TEST(LearnDatabase, EmptyTablesGiveAValidDomain) {
  TempDir dir, out;
  testing::WriteTextFile(dir.path / "schema.yaml", R"(domain: empty
entities:
  kinds:
    columns:
      kind_id: {type: integer, primary_key: true, provider: sequence}
      label:   {type: text, not_null: true, provider: category, params: {values: [a, b]}}
  items:
    columns:
      item_id: {type: integer, primary_key: true, provider: sequence}
      kind_id: {type: integer, references: kinds}
      size:    {type: integer, not_null: true, provider: integer}
)");
  testing::WriteTextFile(dir.path / "kinds.csv", "kind_id,label\n");
  std::string items = "item_id,kind_id,size\n";
  for (int i = 1; i <= 40; ++i) items += std::to_string(i) + ",," + std::to_string(i % 7) + "\n";
  testing::WriteTextFile(dir.path / "items.csv", items);
  const DatabaseSample sample = WithSchema(dir.path);
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const int items_entity = sample.schema.FindEntity("items");
  EXPECT_EQ(plan.entities[items_entity].links[0].role, LinkPlan::Role::kPlain);
  LearnDatabaseOptions options;
  options.out_dir = out.path.string();
  options.registry = &BuiltinRegistry();
  EXPECT_NO_THROW(LearnDatabase(sample, options));
  EXPECT_TRUE(fs::exists(out.path / "domain.yaml"));
}

TEST(LearnDatabase, RefusesToReplaceFilesItDidNotWrite) {
  TempDir dir, out;
  const DatabaseSample sample = CountsDependOnX(dir.path, 4, 50);
  testing::WriteTextFile(out.path / "domain.yaml", "mine\n");
  LearnDatabaseOptions options;
  options.out_dir = out.path.string();
  EXPECT_THROW(LearnDatabase(sample, options), UsageError);
  EXPECT_EQ(testing::ReadFile(out.path / "domain.yaml"), "mine\n");
  EXPECT_FALSE(fs::exists(out.path / "models"));
  // Its own files it replaces.
  fs::remove(out.path / "domain.yaml");
  LearnDatabase(sample, options);
  EXPECT_NO_THROW(LearnDatabase(sample, options));
}

}  // namespace
}  // namespace seedforge
