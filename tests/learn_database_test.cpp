// `seedforge learn --from DIR` then `generate --domain DIR/domain.yaml`,
// through the binary: links inferred on seeds/banking and the learned
// per-parent counts following the parent's income at --scale 2; copied
// columns equal to the parent's; two links to one parent never the same
// and matched on the parents' region; a junction without duplicate pairs and
// a self link; and an output folder holding someone else's files refused.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "support/csv_reader.h"
#include "support/database_fixtures.h"
#include "support/sampling_bounds.h"
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::CsvTable;

struct Outcome {
  int status = 0;
  std::string output;
};

Outcome Seedforge(const std::string& args) {
  Outcome outcome;
  outcome.status = testing::RunCommand(testing::SeedforgeBinary() + " " + args, &outcome.output);
  return outcome;
}

class LearnDatabaseCli : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-learndb"); }
  void TearDown() override { fs::remove_all(dir_); }

  // learn --from `from` --out dir_/learned, then generate into dir_/out.
  void LearnAndGenerate(const std::string& from, const std::string& learn_args = "",
                        const std::string& generate_args = "") {
    const Outcome learned = Seedforge("learn --from " + from + " --out " + (dir_ / "learned").string() + " " +
                                      learn_args);
    ASSERT_EQ(learned.status, 0) << learned.output;
    learn_output_ = learned.output;
    const Outcome generated = Seedforge("generate -q --as-of 2026-01-01 --domain " +
                                        (dir_ / "learned/domain.yaml").string() + " --out " + (dir_ / "out").string() +
                                        " " + generate_args);
    ASSERT_EQ(generated.status, 0) << generated.output << testing::ReadFile(dir_ / "learned/domain.yaml");
  }
  CsvTable Output(const std::string& entity) { return testing::ReadCsv((dir_ / "out" / (entity + ".csv")).string()); }

  fs::path dir_;
  std::string learn_output_;
};

// Children per parent row, by the parent's key.
std::map<std::string, int> ChildCounts(const CsvTable& children, const std::string& column) {
  std::map<std::string, int> counts;
  for (const auto& row : children.rows) ++counts[*row[children.Column(column)]];
  return counts;
}

// Pearson correlation of a customer's log income and their account count.
double IncomeCountCorrelation(const CsvTable& customers, const CsvTable& accounts) {
  const std::map<std::string, int> counts = ChildCounts(accounts, "customer_id");
  std::vector<double> x, y;
  for (const auto& row : customers.rows) {
    auto it = counts.find(*row[customers.Column("customer_id")]);
    x.push_back(std::log(std::stod(*row[customers.Column("annual_income")])));
    y.push_back(it == counts.end() ? 0 : it->second);
  }
  return testing::PearsonR(x, y);
}

TEST_F(LearnDatabaseCli, BankingLinksInferredCountsFollowIncomeAtScale2) {
  ASSERT_NO_FATAL_FAILURE(LearnAndGenerate((testing::SourceDir() / "seeds/banking").string(), "", "--scale 2"));
  EXPECT_NE(learn_output_.find("accounts.customer_id -> customers.customer_id: 100.0% of 3000 values found"),
            std::string::npos)
      << learn_output_;
  EXPECT_NE(learn_output_.find("learned 2 tables (5000 rows, 1 links"), std::string::npos) << learn_output_;
  EXPECT_TRUE(fs::exists(dir_ / "learned/models/customers.model"));
  EXPECT_TRUE(fs::exists(dir_ / "learned/models/accounts.model"));

  const CsvTable customers = Output("customers");
  const CsvTable accounts = Output("accounts");
  EXPECT_EQ(customers.rows.size(), 4000u);
  EXPECT_EQ(customers.Column("n_accounts"), -1);  // hidden
  // 1.5 accounts per customer in the sample: 6,000 expected, within the
  // noise of 4,000 counts (variance about 2 each) and 10% for the model.
  EXPECT_NEAR(static_cast<double>(accounts.rows.size()), 6000,
              0.1 * 6000 + testing::NormalTwoSided(testing::kOneComparison) * std::sqrt(4000 * 2.0));
  std::set<std::string> ids;
  for (const auto& row : customers.rows) ids.insert(*row[customers.Column("customer_id")]);
  for (const auto& row : accounts.rows) EXPECT_TRUE(ids.count(*row[accounts.Column("customer_id")]));

  // In the sample richer customers hold more accounts (correlation of log
  // income and account count 0.27). The copula keeps most of it (0.16 to
  // 0.19 in three runs); counts that ignored the parent would give 0, whose
  // noise at 4,000 customers is 0.016 a standard deviation. A third of the
  // sample's is the bound: 5 deviations from both.
  const CsvTable seed_customers = testing::ReadCsv((testing::SourceDir() / "seeds/banking/customers.csv").string());
  const CsvTable seed_accounts = testing::ReadCsv((testing::SourceDir() / "seeds/banking/accounts.csv").string());
  const double in_sample = IncomeCountCorrelation(seed_customers, seed_accounts);
  // The root table's segment comes stratified: at --scale 2 each segment
  // exactly twice as often as in the sample.
  std::map<std::string, int> seed_segments, segments;
  for (const auto& row : seed_customers.rows) seed_segments[*row[seed_customers.Column("segment")]] += 2;
  for (const auto& row : customers.rows) ++segments[*row[customers.Column("segment")]];
  EXPECT_EQ(segments, seed_segments);
  ASSERT_GT(in_sample, 0.2);
  EXPECT_GT(IncomeCountCorrelation(customers, accounts), in_sample / 3);
}

TEST_F(LearnDatabaseCli, ReferenceNamesOncePerRunAndTracksKeepTheirMediaTypesSize) {
  testing::WriteCatalogue(dir_ / "in");
  ASSERT_NO_FATAL_FAILURE(LearnAndGenerate((dir_ / "in").string(), "", "--scale 2"));
  const CsvTable media_types = Output("media_types");
  std::map<std::string, int> names;
  std::map<std::string, std::string> name_of;
  for (const auto& row : media_types.rows) {
    ++names[*row[media_types.Column("name")]];
    name_of[*row[media_types.Column("media_type_id")]] = *row[media_types.Column("name")];
  }
  EXPECT_EQ(names, (std::map<std::string, int>{
                       {"AAC audio file", 2}, {"Lossless audio file", 2}, {"MPEG audio file", 2}, {"MPEG-4 video file", 2}}));
  // Video tracks are 300-500 MB, audio ones 5-15 MB. A pick that ignored
  // the media type would give both kinds the mean of all, about 49 MB, and
  // their difference 0 within 17 (p = 0.001 for these counts and spreads).
  // The copula keeps the direction but not the whole step: the difference
  // came out 47 to 183 MB over five fixture and learning seeds.
  const CsvTable tracks = Output("tracks");
  double video = 0, video_n = 0, audio = 0, audio_n = 0;
  for (const auto& row : tracks.rows) {
    const double mb = std::stod(*row[tracks.Column("megabytes")]);
    if (name_of.at(*row[tracks.Column("media_type_id")]) == "MPEG-4 video file") {
      video += mb, ++video_n;
    } else {
      audio += mb, ++audio_n;
    }
  }
  ASSERT_GT(video_n, 100);
  ASSERT_GT(audio_n, 1000);
  EXPECT_GT(video / video_n - audio / audio_n, 25) << video / video_n << " vs " << audio / audio_n;
}

TEST_F(LearnDatabaseCli, CopiedColumnsEqualTheParentsAfterGeneration) {
  testing::WritePatientsVisits(dir_ / "in");
  ASSERT_NO_FATAL_FAILURE(LearnAndGenerate((dir_ / "in").string()));
  EXPECT_NE(learn_output_.find("visits.sex copies patients.sex"), std::string::npos) << learn_output_;
  const CsvTable patients = Output("patients");
  const CsvTable visits = Output("visits");
  std::map<std::string, std::pair<std::string, std::string>> of;
  for (const auto& row : patients.rows) {
    of[*row[patients.Column("patient_id")]] = {*row[patients.Column("sex")], *row[patients.Column("treatment")]};
  }
  ASSERT_GT(visits.rows.size(), 100u);
  for (const auto& row : visits.rows) {
    const auto& parent = of.at(*row[visits.Column("patient_id")]);
    EXPECT_EQ(*row[visits.Column("sex")], parent.first);
    EXPECT_EQ(*row[visits.Column("treatment")], parent.second);
  }
}

TEST_F(LearnDatabaseCli, ChildColumnsFollowTheParentGivenToTheirModel) {
  testing::WriteStagedVisits(dir_ / "in");
  ASSERT_NO_FATAL_FAILURE(LearnAndGenerate((dir_ / "in").string()));
  EXPECT_NE(testing::ReadFile(dir_ / "learned/domain.yaml").find("given: [patients_stage]"), std::string::npos);
  const CsvTable patients = Output("patients");
  const CsvTable visits = Output("visits");
  std::map<std::string, std::string> stage;
  for (const auto& row : patients.rows) stage[*row[patients.Column("patient_id")]] = *row[patients.Column("stage")];
  std::map<std::string, double> sum, n;
  for (const auto& row : visits.rows) {
    const std::string& s = stage.at(*row[visits.Column("patient_id")]);
    sum[s] += std::stod(*row[visits.Column("cost")]);
    ++n[s];
  }
  // Costs of N(100 (k + 1), 30^2) by stage: each stage's mean within 30 of
  // its truth (the model's error; sampling noise is under 5 at these
  // counts), where ignoring the stage would put every mean near 290.
  const std::map<std::string, double> truth = {{"I", 100}, {"II", 200}, {"III", 300}, {"IV", 400}};
  for (const auto& [s, mean] : truth) {
    ASSERT_GT(n[s], 50) << s;
    EXPECT_NEAR(sum[s] / n[s], mean, 30) << s;
  }
  // And stage IV patients have more visits (up to 8, mean 4) than stage I (0 to 2, mean 1).
  const std::map<std::string, int> counts = ChildCounts(visits, "patient_id");
  double visits_i = 0, patients_i = 0, visits_iv = 0, patients_iv = 0;
  for (const auto& [id, s] : stage) {
    auto it = counts.find(id);
    const int k = it == counts.end() ? 0 : it->second;
    if (s == "I") visits_i += k, ++patients_i;
    if (s == "IV") visits_iv += k, ++patients_iv;
  }
  EXPECT_GT(visits_iv / patients_iv, 2 * visits_i / patients_i);
}

TEST_F(LearnDatabaseCli, TwoLinksToOneParentNeverTheSameAndMatchedOnRegion) {
  testing::WriteFlights(dir_ / "in");
  ASSERT_NO_FATAL_FAILURE(
      LearnAndGenerate((dir_ / "in").string(), "--domain " + (dir_ / "in/schema.yaml").string(), "--scale 4"));
  const CsvTable airports = Output("airports");
  const CsvTable flights = Output("flights");
  std::map<std::string, std::string> region;
  for (const auto& row : airports.rows) region[*row[airports.Column("airport_id")]] = *row[airports.Column("region")];
  double same = 0;
  for (const auto& row : flights.rows) {
    const std::string& origin = *row[flights.Column("origin")];
    const std::string& destination = *row[flights.Column("destination")];
    EXPECT_NE(origin, destination);
    same += region.at(origin) == region.at(destination);
  }
  // The sample: 80% aimed at the origin's region, a third of the rest by
  // chance, 0.87. Picks ignoring the regions would give a third. The
  // copula learns the two regions together but smooths an association of
  // two unordered categories (0.65 here), so the bound is the halfway mark.
  const double n = static_cast<double>(flights.rows.size());
  ASSERT_GT(n, 1000);
  const double noise = testing::ShareBound(0.87, n, testing::kOneComparison);
  EXPECT_GT(same / n, (1.0 / 3 + 0.87) / 2 - noise);
  EXPECT_LT(same / n, 0.87 + noise);
}

TEST_F(LearnDatabaseCli, JunctionWithoutDuplicatePairsAndSelfLink) {
  testing::WriteMusic(dir_ / "in");
  ASSERT_NO_FATAL_FAILURE(
      LearnAndGenerate((dir_ / "in").string(), "--domain " + (dir_ / "in/schema.yaml").string(), "--scale 3"));
  const Outcome validated = Seedforge("validate --domain " + (dir_ / "learned/domain.yaml").string());
  EXPECT_EQ(validated.status, 0) << validated.output;
  const CsvTable pairs = Output("playlist_track");
  ASSERT_GT(pairs.rows.size(), 100u);
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& row : pairs.rows) {
    EXPECT_TRUE(seen.insert({*row[pairs.Column("playlist_id")], *row[pairs.Column("track_id")]}).second);
  }
  const CsvTable employees = Output("employees");
  std::set<std::string> ids;
  size_t nulls = 0;
  for (const auto& row : employees.rows) ids.insert(*row[employees.Column("employee_id")]);
  for (const auto& row : employees.rows) {
    const auto& boss = row[employees.Column("reports_to")];
    if (!boss) {
      ++nulls;
      continue;
    }
    EXPECT_TRUE(ids.count(*boss));
  }
  EXPECT_GE(nulls, 1u);  // the first has no one to report to
}

TEST_F(LearnDatabaseCli, RefusesAnOutputFolderWithFilesItDidNotWrite) {
  testing::WriteCountsDependOnX(dir_ / "in", 1, 100);
  fs::create_directories(dir_ / "learned");
  testing::WriteTextFile(dir_ / "learned/domain.yaml", "mine\n");
  const Outcome refused = Seedforge("learn --from " + (dir_ / "in").string() + " --out " + (dir_ / "learned").string());
  EXPECT_EQ(refused.status, 2);
  EXPECT_NE(refused.output.find("domain.yaml exists and was not written by seedforge"), std::string::npos)
      << refused.output;
  EXPECT_EQ(testing::ReadFile(dir_ / "learned/domain.yaml"), "mine\n");
  // Its own files it replaces.
  const std::string again = "learn -q --from " + (dir_ / "in").string() + " --out " + (dir_ / "mine").string();
  EXPECT_EQ(Seedforge(again).status, 0);
  EXPECT_EQ(Seedforge(again).status, 0);
}

TEST_F(LearnDatabaseCli, ClearErrors) {
  Outcome outcome = Seedforge("learn --from " + (dir_ / "nothing").string() + " --out " + (dir_ / "o").string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.output.find("is no CSV file, folder of CSV files or PostgreSQL database"), std::string::npos)
      << outcome.output;
  fs::create_directories(dir_ / "empty");
  outcome = Seedforge("learn --from " + (dir_ / "empty").string() + " --out " + (dir_ / "o").string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.output.find("holds no .csv file"), std::string::npos) << outcome.output;
  outcome = Seedforge("learn --from " + (dir_ / "empty").string() + " --tables a --out " + (dir_ / "o").string());
  EXPECT_EQ(outcome.status, 2);
  EXPECT_NE(outcome.output.find("are for a PostgreSQL database"), std::string::npos) << outcome.output;
}

}  // namespace
}  // namespace seedforge
