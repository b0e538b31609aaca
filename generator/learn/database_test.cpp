// The multi-table learner's decisions and statistics, from small databases
// with a known ground truth: counting links and learned counts, copied
// columns, two links to one parent, junction tables and self links, and the
// CSV folder reader's inferred schema.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <random>

#include "learn/database_model.h"
#include "seedforge/database.h"
#include "seedforge/error.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using internal::DatabasePlan;
using internal::LinkPlan;

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

// A folder that removes itself.
struct TempDir {
  fs::path path = testing::MakeTempDir("learndb");
  ~TempDir() { fs::remove_all(path); }
};

// Parents with x uniform in [0, 1) and Poisson(1 + 3x) children each.
DatabaseSample CountsDependOnX(const fs::path& dir, uint64_t seed, size_t parents) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> uniform(0, 1);
  std::string parent_csv = "parent_id,x\n", child_csv = "child_id,parent_id,v\n";
  size_t child = 0;
  for (size_t p = 1; p <= parents; ++p) {
    const double x = uniform(rng);
    parent_csv += std::to_string(p) + "," + std::to_string(x) + "\n";
    std::poisson_distribution<int> count(1 + 3 * x);
    for (int c = count(rng); c > 0; --c) {
      child_csv += std::to_string(++child) + "," + std::to_string(p) + "," + std::to_string(uniform(rng)) + "\n";
    }
  }
  WriteText(dir / "parents.csv", parent_csv);
  WriteText(dir / "children.csv", child_csv);
  return ReadCsvDatabase({.dir = dir.string()}, BuiltinRegistry());
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
  WriteText(dir.path / "parents.csv", "parent_id,x\n1,a\n2,b\n3,c\n");
  // 2 of 4 references name no parent: a name alone is no link.
  WriteText(dir.path / "children.csv", "child_id,parent_id\n1,1\n2,2\n3,7\n4,9\n");
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  EXPECT_TRUE(sample.inferred_links.empty());
  EXPECT_TRUE(sample.schema.entities[sample.schema.FindEntity("children")].links.empty());
}

TEST(LearnDatabase, DomainEntityWithoutFileIsNamed) {
  TempDir dir;
  WriteText(dir.path / "a.csv", "id\n1\n");
  WriteText(dir.path / "schema.yaml",
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
// slope could have been (3 standard errors) plus the copula's smoothing
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
    EXPECT_NEAR(slope, kTrueSlope, 3 * standard_error + 0.1 * kTrueSlope) << "seed " << seed;
    std::fprintf(stderr, "DEBUG slope %f se %f\n", slope, standard_error);
  }
}

TEST(LearnDatabase, CopiedColumnsAreDetected) {
  TempDir dir;
  std::mt19937_64 rng(5);
  std::string patients = "patient_id,sex,treatment,age\n", visits = "visit_id,patient_id,sex,treatment,score\n";
  size_t visit = 0;
  for (int p = 1; p <= 200; ++p) {
    const std::string sex = rng() % 2 ? "F" : "M";
    const std::string treatment = rng() % 3 == 0 ? "placebo" : "drug";
    patients += std::to_string(p) + "," + sex + "," + treatment + "," + std::to_string(20 + rng() % 60) + "\n";
    for (int v = 1 + rng() % 4; v > 0; --v) {
      visits += std::to_string(++visit) + "," + std::to_string(p) + "," + sex + "," + treatment + "," +
                std::to_string(rng() % 100) + "\n";
    }
  }
  WriteText(dir.path / "patients.csv", patients);
  WriteText(dir.path / "visits.csv", visits);
  const DatabaseSample sample = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const std::string text = internal::DomainText(sample, plan, {.synthesizer = "copula"});
  EXPECT_TRUE(HasColumn(text, "sex", "{type: text, not_null: true, copy: patients.sex}")) << text;
  EXPECT_TRUE(HasColumn(text, "treatment", "{type: text, not_null: true, copy: patients.treatment}"))
      << text;
  EXPECT_TRUE(HasColumn(text, "score", "{type: integer, not_null: true, learned: true}")) << text;
  // A column equal on most rows but not all is no copy.
  WriteText(dir.path / "visits.csv", visits.substr(0, visits.rfind('\n', visits.size() - 2) + 1) +
                                         std::to_string(visit + 1) + ",1,X,drug,5\n");
  const DatabaseSample changed = ReadCsvDatabase({.dir = dir.path.string()}, BuiltinRegistry());
  const std::string changed_text = internal::DomainText(changed, internal::PlanDatabase(changed), {});
  EXPECT_FALSE(HasColumn(changed_text, "sex", "{type: text, not_null: true, copy: patients.sex}"))
      << changed_text;
}

// Flights: origin and destination are both airports, never the same one,
// and the destination's region follows the origin's.
constexpr const char* kFlightsSchema = R"(domain: air
entities:
  airports:
    columns:
      airport_id: {type: integer, primary_key: true, provider: sequence}
      region:     {type: text, not_null: true, provider: category, params: {values: [north, south, east]}}
      size:       {type: integer, not_null: true, provider: integer}
  flights:
    columns:
      flight_id:   {type: integer, primary_key: true, provider: sequence}
      origin:      {type: integer, not_null: true, references: airports}
      destination: {type: integer, not_null: true, references: airports}
      minutes:     {type: integer, not_null: true, provider: integer}
)";

DatabaseSample Flights(const fs::path& dir) {
  std::mt19937_64 rng(9);
  const char* regions[] = {"north", "south", "east"};
  std::string airports = "airport_id,region,size\n", flights = "flight_id,origin,destination,minutes\n";
  constexpr int kAirports = 60;
  for (int a = 1; a <= kAirports; ++a) {
    airports += std::to_string(a) + "," + regions[a % 3] + "," + std::to_string(1 + rng() % 9) + "\n";
  }
  size_t flight = 0;
  for (int a = 1; a <= kAirports; ++a) {
    for (int f = rng() % 30; f > 0; --f) {
      // 80% to an airport of the same region (the same id mod 3), never to itself.
      int to = 0;
      do {
        if (rng() % 10 < 8) {
          to = 3 * static_cast<int>(rng() % (kAirports / 3)) + a % 3;
          if (to < 1) to += 3;
        } else {
          to = 1 + static_cast<int>(rng() % kAirports);
        }
      } while (to == a);
      flights += std::to_string(++flight) + "," + std::to_string(a) + "," + std::to_string(to) + "," +
                 std::to_string(30 + rng() % 300) + "\n";
    }
  }
  WriteText(dir / "airports.csv", airports);
  WriteText(dir / "flights.csv", flights);
  WriteText(dir / "schema.yaml", kFlightsSchema);
  return ReadCsvDatabase({.dir = dir.string(), .domain_file = (dir / "schema.yaml").string()}, BuiltinRegistry());
}

TEST(LearnDatabase, TwoLinksToOneParentPickDistinctAndMatched) {
  TempDir dir;
  const DatabaseSample sample = Flights(dir.path);
  const DatabasePlan plan = internal::PlanDatabase(sample);
  const internal::EntityPlan& flights = plan.entities[sample.schema.FindEntity("flights")];
  ASSERT_EQ(flights.counting_link, 0);
  const LinkPlan& destination = flights.links[1];
  EXPECT_EQ(destination.role, LinkPlan::Role::kPicked);
  EXPECT_EQ(destination.distinct_from, "origin");
  EXPECT_EQ(destination.match_child, "destination_region");
  EXPECT_EQ(destination.match_parent, "region");
  EXPECT_EQ(flights.given, std::vector<std::string>{"origin_region"});
  const std::string text = internal::DomainText(sample, plan, {});
  EXPECT_NE(text.find("pick: {weight: n_flights_by_destination, distinct_from: origin, "
                      "match: {destination_region: region}}"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("model: {file: models/flights.model, given: [origin_region]}"), std::string::npos) << text;
  // The model learns the destination's region next to the origin's: the
  // pair's joint is in its training rows.
  const DataTable table = internal::TrainingTable(sample, plan, sample.schema.FindEntity("flights"));
  const int from = table.Find("origin_region"), to = table.Find("destination_region");
  ASSERT_GE(from, 0);
  ASSERT_GE(to, 0);
  size_t same = 0;
  for (size_t r = 0; r < table.rows; ++r) same += table.columns[from].texts[r] == table.columns[to].texts[r];
  EXPECT_GT(static_cast<double>(same) / table.rows, 0.6);
}

// A junction table whose composite key is both links, and a self link.
constexpr const char* kMusicSchema = R"(domain: music
entities:
  employees:
    columns:
      employee_id: {type: integer, primary_key: true, provider: sequence}
      reports_to:  {type: integer, references: employees}
      level:       {type: integer, not_null: true, provider: integer}
  playlists:
    columns:
      playlist_id: {type: integer, primary_key: true, provider: sequence}
      kind:        {type: text, not_null: true, provider: category, params: {values: [mix, album]}}
  tracks:
    columns:
      track_id: {type: integer, primary_key: true, provider: sequence}
      genre:    {type: text, not_null: true, provider: category, params: {values: [rock, jazz]}}
  playlist_track:
    columns:
      playlist_id: {type: integer, primary_key: true, references: playlists}
      track_id:    {type: integer, primary_key: true, references: tracks}
)";

DatabaseSample Music(const fs::path& dir) {
  std::mt19937_64 rng(3);
  std::string employees = "employee_id,reports_to,level\n1,,1\n";
  for (int e = 2; e <= 40; ++e) {
    employees += std::to_string(e) + "," + std::to_string(1 + rng() % (e - 1)) + "," + std::to_string(2 + rng() % 3) +
                 "\n";
  }
  std::string playlists = "playlist_id,kind\n", tracks = "track_id,genre\n", pairs = "playlist_id,track_id\n";
  for (int t = 1; t <= 100; ++t) tracks += std::to_string(t) + "," + (t % 4 ? "rock" : "jazz") + "\n";
  for (int p = 1; p <= 30; ++p) {
    playlists += std::to_string(p) + "," + (p % 2 ? "mix" : "album") + "\n";
    const int n = 5 + static_cast<int>(rng() % 20);
    for (int i = 0; i < n; ++i) pairs += std::to_string(p) + "," + std::to_string(1 + (p * 7 + i * 3) % 100) + "\n";
  }
  WriteText(dir / "employees.csv", employees);
  WriteText(dir / "playlists.csv", playlists);
  WriteText(dir / "tracks.csv", tracks);
  WriteText(dir / "playlist_track.csv", pairs);
  WriteText(dir / "schema.yaml", kMusicSchema);
  return ReadCsvDatabase({.dir = dir.string(), .domain_file = (dir / "schema.yaml").string()}, BuiltinRegistry());
}

TEST(LearnDatabase, JunctionTablePicksDistinctAndSelfLinkKeepsItsNullRate) {
  TempDir dir;
  const DatabaseSample sample = Music(dir.path);
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

TEST(LearnDatabase, RefusesToReplaceFilesItDidNotWrite) {
  TempDir dir, out;
  const DatabaseSample sample = CountsDependOnX(dir.path, 4, 50);
  WriteText(out.path / "domain.yaml", "mine\n");
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
