#include "support/codegen_outputs.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <vector>

#include "support/csv_reader.h"
#include "support/pg_fixture.h"
#include "test_util.h"

namespace seedforge::testing {

namespace fs = std::filesystem;

void RemoveAtExit(const fs::path& path) {
  // Destroyed after main returns, as statics are.
  static struct Remover {
    std::mutex mutex;
    std::vector<fs::path> paths;
    ~Remover() {
      std::error_code ec;
      for (const fs::path& p : paths) fs::remove_all(p, ec);
    }
  } remover;
  std::lock_guard<std::mutex> lock(remover.mutex);
  remover.paths.push_back(path);
}

fs::path BankingFixtures(const std::string& format) {
  static std::mutex mutex;
  static std::map<std::string, fs::path> made;
  std::lock_guard<std::mutex> lock(mutex);
  if (auto it = made.find(format); it != made.end()) return it->second;
  const fs::path temp = MakeTempDir("seedforge-codegen-fixtures");
  RemoveAtExit(temp);
  const fs::path dir = temp / format;
  const std::string command = ShellQuote(SeedforgeBinary()) + " generate --domain banking --seed 7 --format " +
                              format + " --out " + ShellQuote(dir.string());
  std::string output;
  const int status = RunCommand(command, &output);
  if (status != 0) {
    ADD_FAILURE() << command << " exited " << status << ":\n" << output;
    return {};
  }
  made[format] = dir;
  return dir;
}

std::map<std::string, size_t> CsvRowCounts(const fs::path& dir) {
  std::map<std::string, size_t> counts;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.path().extension() != ".csv") continue;
    counts[entry.path().stem().string()] = ReadCsv(entry.path().string()).rows.size();
  }
  return counts;
}

std::map<std::string, size_t> ParseCountLines(const std::string& output) {
  std::map<std::string, size_t> counts;
  std::istringstream lines(output);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream words(line);
    std::string entity, count, extra;
    if (!(words >> entity >> count) || (words >> extra)) continue;
    if (count.find_first_not_of("0123456789") != std::string::npos) continue;
    counts[entity] = std::stoul(count);
  }
  return counts;
}

namespace {

// Copies `from` into `to` and lets `edit` change line `line` of to/<file>.
template <typename Edit>
bool CopyWithEditedLine(const fs::path& from, const fs::path& to, const std::string& file, int line, Edit edit) {
  fs::create_directories(to);
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::overwrite_existing);
  std::ifstream in(to / file, std::ios::binary);
  std::vector<std::string> lines;
  std::string text;
  while (std::getline(in, text)) lines.push_back(text);
  in.close();
  if (line < 1 || line > static_cast<int>(lines.size())) return false;
  if (!edit(lines[line - 1])) return false;
  std::ofstream out(to / file, std::ios::binary | std::ios::trunc);
  for (const std::string& l : lines) out << l << '\n';
  return static_cast<bool>(out);
}

}  // namespace

bool CopyWithBrokenLine(const fs::path& from, const fs::path& to, const std::string& file, int line,
                        const std::string& old_text, const std::string& new_text) {
  return CopyWithEditedLine(from, to, file, line, [&](std::string& target) {
    const size_t at = target.find(old_text);
    if (at == std::string::npos) return false;
    target.replace(at, old_text.size(), new_text);
    return true;
  });
}

bool CopyWithBrokenField(const fs::path& from, const fs::path& to, const std::string& file, int line, int field,
                         const std::string& new_text) {
  return CopyWithEditedLine(from, to, file, line, [&](std::string& target) {
    if (target.find('"') != std::string::npos) return false;
    size_t start = 0;
    for (int i = 0; i < field; ++i) {
      start = target.find(',', start);
      if (start == std::string::npos) return false;
      ++start;
    }
    const size_t end = target.find(',', start);
    target.replace(start, end == std::string::npos ? std::string::npos : end - start, new_text);
    return true;
  });
}

std::string TypesDomainWithIdentity() {
  std::string domain = ReadFile(SourceDir() / "tests/codegen/types.yaml");
  const std::string from = "id:         {type: bigint, primary_key: true, provider: sequence}";
  const size_t at = domain.find(from);
  if (at == std::string::npos) return "";
  return domain.replace(at, from.size(),
                        "id:         {type: bigint, primary_key: true, identity: by default, provider: sequence}");
}

std::string DocumentedBlock(const std::string& name) {
  const std::string doc = ReadFile(SourceDir() / "docs/codegen.md");
  const size_t marker = doc.find("<!-- codegen_test: " + name + " -->");
  if (marker == std::string::npos) return "";
  const size_t fence = doc.find("```", marker);
  const size_t begin = doc.find('\n', fence) + 1;
  const size_t end = doc.find("\n```", begin);
  return doc.substr(begin, end - begin + 1);
}

std::string FindOnPath(const std::string& name) {
  const char* path = std::getenv("PATH");
  if (!path) return "";
  std::stringstream dirs(path);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const fs::path candidate = fs::path(dir) / name;
    if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
  }
  return "";
}

}  // namespace seedforge::testing
