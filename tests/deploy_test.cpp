// deploy/kubernetes/: the manifests are well-formed Jobs, and the generate
// Job's pod command, run as N local processes with JOB_COMPLETION_INDEX =
// 0..N-1 (what the Job controller gives each pod), makes shards whose files
// concatenate to one unsharded run's.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>
#include <string>
#include <vector>

#include "support/pg_fixture.h"  // ShellQuote
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::SourceDir;

fs::path Deploy() { return SourceDir() / "deploy/kubernetes"; }

std::vector<YAML::Node> Documents(const std::string& file) {
  std::vector<YAML::Node> docs = YAML::LoadAllFromFile((Deploy() / file).string());
  EXPECT_FALSE(docs.empty()) << file;
  return docs;
}

// The one container of a Job's pod template.
YAML::Node Container(const YAML::Node& job) {
  const YAML::Node containers = job["spec"]["template"]["spec"]["containers"];
  EXPECT_TRUE(containers.IsSequence());
  EXPECT_EQ(containers.size(), 1u);
  return containers[0];
}

// The shell command of a container run as `/bin/sh -c COMMAND`.
std::string ShellCommand(const YAML::Node& container) {
  const YAML::Node command = container["command"];
  EXPECT_TRUE(command.IsSequence());
  if (!command.IsSequence() || command.size() != 3) return "";
  EXPECT_EQ(command[0].as<std::string>(), "/bin/sh");
  EXPECT_EQ(command[1].as<std::string>(), "-c");
  return command[2].as<std::string>();
}

void ExpectIndexedJob(const YAML::Node& job, const std::string& name) {
  EXPECT_EQ(job["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(job["kind"].as<std::string>(), "Job");
  EXPECT_EQ(job["metadata"]["name"].as<std::string>(), name);
  EXPECT_EQ(job["spec"]["completionMode"].as<std::string>(), "Indexed");
  const int completions = job["spec"]["completions"].as<int>();
  EXPECT_GE(completions, 2);
  EXPECT_GE(job["spec"]["parallelism"].as<int>(), 1);
  EXPECT_LE(job["spec"]["parallelism"].as<int>(), completions);
  // A failed pod is retried as a new pod, never restarted in place over
  // a half-written shard.
  EXPECT_EQ(job["spec"]["template"]["spec"]["restartPolicy"].as<std::string>(), "Never");
  const std::string command = ShellCommand(Container(job));
  EXPECT_NE(command.find("--shard $JOB_COMPLETION_INDEX/" + std::to_string(completions)), std::string::npos)
      << "the N of --shard must be the Job's completions (" << completions << "): " << command;
  for (const std::string option : {"--seed ", "--as-of "}) {
    EXPECT_NE(command.find(option), std::string::npos) << "every pod must fix " << option << ": " << command;
  }
}

TEST(KubernetesManifests, GenerateJobIsAnIndexedJobWritingShardsToTheClaim) {
  const std::vector<YAML::Node> pvc = Documents("pvc.yaml");
  ASSERT_EQ(pvc.size(), 1u);
  EXPECT_EQ(pvc[0]["apiVersion"].as<std::string>(), "v1");
  EXPECT_EQ(pvc[0]["kind"].as<std::string>(), "PersistentVolumeClaim");
  EXPECT_EQ(pvc[0]["spec"]["accessModes"][0].as<std::string>(), "ReadWriteMany");
  const std::string claim = pvc[0]["metadata"]["name"].as<std::string>();

  const std::vector<YAML::Node> docs = Documents("generate-job.yaml");
  ASSERT_EQ(docs.size(), 1u);
  const YAML::Node& job = docs[0];
  ExpectIndexedJob(job, "seedforge-generate");
  const YAML::Node container = Container(job);
  const std::string command = ShellCommand(container);
  EXPECT_NE(command.find("seedforge generate "), std::string::npos) << command;
  EXPECT_NE(command.find("--out /data/shard-$JOB_COMPLETION_INDEX"), std::string::npos) << command;
  ASSERT_TRUE(container["volumeMounts"].IsSequence());
  EXPECT_EQ(container["volumeMounts"][0]["mountPath"].as<std::string>(), "/data");
  const std::string volume = container["volumeMounts"][0]["name"].as<std::string>();
  const YAML::Node volumes = job["spec"]["template"]["spec"]["volumes"];
  ASSERT_TRUE(volumes.IsSequence());
  EXPECT_EQ(volumes[0]["name"].as<std::string>(), volume);
  EXPECT_EQ(volumes[0]["persistentVolumeClaim"]["claimName"].as<std::string>(), claim);
}

TEST(KubernetesManifests, LoadJobsStageEachShardThenFinishOnce) {
  const std::vector<YAML::Node> docs = Documents("load-job.yaml");
  ASSERT_EQ(docs.size(), 2u);
  ExpectIndexedJob(docs[0], "seedforge-load-shards");
  const std::string stage = ShellCommand(Container(docs[0]));
  EXPECT_NE(stage.find("seedforge load "), std::string::npos) << stage;
  const YAML::Node& finish = docs[1];
  EXPECT_EQ(finish["apiVersion"].as<std::string>(), "batch/v1");
  EXPECT_EQ(finish["kind"].as<std::string>(), "Job");
  EXPECT_EQ(finish["spec"]["completions"].as<int>(), 1);
  EXPECT_FALSE(finish["spec"]["completionMode"].IsDefined());
  const std::string publish = ShellCommand(Container(finish));
  EXPECT_NE(publish.find("seedforge load --finish "), std::string::npos) << publish;
  // The same run in both steps: the options after the command agree but for
  // --shard / --finish and the publish-time --create-schema.
  EXPECT_NE(publish.find(" --create-schema"), std::string::npos) << publish;
  EXPECT_EQ(stage.find(" --create-schema"), std::string::npos) << "the shards refuse it: " << stage;
  auto run_options = [](std::string command) {
    command = std::regex_replace(command, std::regex(" --shard \\S+| --finish| --create-schema"), "");
    return command;
  };
  EXPECT_EQ(run_options(stage), run_options(publish));
  // The database URL comes from a Secret, never from the manifest.
  for (const YAML::Node& job : docs) {
    const YAML::Node env = Container(job)["env"];
    ASSERT_TRUE(env.IsSequence());
    EXPECT_EQ(env[0]["name"].as<std::string>(), "DATABASE_URL");
    EXPECT_TRUE(env[0]["valueFrom"]["secretKeyRef"].IsDefined());
  }
}

// The pod command with the cluster swapped for this machine: the binary under
// test as `seedforge` on PATH, a temporary directory as the volume at /data,
// and a smaller data set (--scale) so the test is quick.
TEST(KubernetesManifests, PodCommandsRunLocallyMakeTheWholeRunsFiles) {
  const YAML::Node job = Documents("generate-job.yaml")[0];
  const int n = job["spec"]["completions"].as<int>();
  std::string command = ShellCommand(Container(job));
  ASSERT_FALSE(command.empty());

  const fs::path dir = testing::MakeTempDir("seedforge-deploy");
  const fs::path bin = dir / "bin", data = dir / "data";
  fs::create_directories(bin);
  fs::create_directories(data);
  fs::create_symlink(SeedforgeBinary(), bin / "seedforge");
  // --scale 1000 is the manifest's production size; 1 is ~56,000 rows, still
  // seven batches of transactions across the 4 shards.
  ASSERT_NE(command.find("--scale 1000"), std::string::npos) << command;
  command = std::regex_replace(command, std::regex("--scale 1000"), "--scale 1 -q");
  command = std::regex_replace(command, std::regex("/data/"), data.string() + "/");

  // N pods at once, as parallelism allows; each one's exit status checked.
  std::string script = "export PATH=" + testing::ShellQuote(bin.string()) + ":$PATH; pids=;";
  for (int k = 0; k < n; ++k) {
    script += " JOB_COMPLETION_INDEX=" + std::to_string(k) + " /bin/sh -c " + testing::ShellQuote(command) +
              " & pids=\"$pids $!\";";
  }
  script += " status=0; for p in $pids; do wait $p || status=1; done; exit $status";
  std::string output;
  ASSERT_EQ(RunCommand("/bin/sh -c " + testing::ShellQuote(script), &output), 0) << script << "\n" << output;

  // The single run: the same command line without --shard, one directory.
  std::string whole = std::regex_replace(command, std::regex(" --shard \\S+"), "");
  whole = std::regex_replace(whole, std::regex("/shard-\\$JOB_COMPLETION_INDEX"), "/whole");
  ASSERT_EQ(RunCommand("PATH=" + testing::ShellQuote(bin.string()) + ":$PATH /bin/sh -c " + testing::ShellQuote(whole),
                       &output),
            0)
      << whole << "\n" << output;

  int files = 0;
  for (const auto& entry : fs::directory_iterator(data / "whole")) {
    const std::string name = entry.path().filename().string();
    if (entry.path().extension() != ".csv") continue;
    ++files;
    std::string joined;
    int nonempty = 0;
    for (int k = 0; k < n; ++k) {
      const fs::path part = data / ("shard-" + std::to_string(k)) / name;
      ASSERT_TRUE(fs::exists(part)) << part;
      const std::string text = ReadFile(part);
      nonempty += !text.empty();
      joined += text;
    }
    EXPECT_TRUE(joined == ReadFile(entry.path())) << name << ": the shards' files differ from the single run's";
    if (name == "transactions.csv") {
      EXPECT_EQ(nonempty, n);
    }
  }
  EXPECT_EQ(files, 6);
  fs::remove_all(dir);
}

// deploy/hosts/run-shards.sh on two "hosts" that are this machine: the
// shards it makes concatenate to the single run, and a failing shard is named
// with a non-zero exit.
TEST(PlainHostsScript, RunsEveryShardAndNamesTheFailedOnes) {
  const fs::path dir = testing::MakeTempDir("seedforge-hosts");
  const std::string script = (SourceDir() / "deploy/hosts/run-shards.sh").string();
  const std::string env = "SEEDFORGE=" + testing::ShellQuote(SeedforgeBinary()) + " ";
  const std::string run = " -- generate -q --domain employee --rows employees=40000 --as-of 2026-01-01 --seed 3";
  std::string output;
  ASSERT_EQ(RunCommand(env + script + " -n 3 -H 'local local'" + run + " --out " + (dir / "shard-{K}").string(), &output),
            0)
      << output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + run.substr(3) + " --out " + (dir / "whole").string(), &output), 0) << output;
  std::string joined;
  for (int k = 0; k < 3; ++k) joined += ReadFile(dir / ("shard-" + std::to_string(k)) / "employees.csv");
  EXPECT_TRUE(joined == ReadFile(dir / "whole" / "employees.csv"));
  EXPECT_FALSE(ReadFile(dir / "shard-2" / "employees.csv").empty());

  EXPECT_EQ(RunCommand(env + script + " -n 2 -H local -- generate -q --domain no_such_domain --out " +
                           (dir / "bad-{K}").string(),
                       &output),
            1);
  EXPECT_NE(output.find("shards failed: 0 1"), std::string::npos) << output;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge
