#include "test_util.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/wait.h>

#include "seedforge/registry.h"

namespace seedforge::testing {

Params MakeParams(const std::map<std::string, std::string>& values) {
  std::map<std::string, ParamValue> out;
  for (const auto& [k, v] : values) {
    ParamValue p;
    p.scalar = v;
    p.where = {"<test>", 1, 1};
    out.emplace(k, p);
  }
  return Params(std::move(out), {"<test>", 1, 1});
}

std::vector<BatchColumn> RunProvider(const std::string& provider, const ProviderRun& run) {
  const ProviderSpec* spec = BuiltinRegistry().Find(provider);
  if (!spec) throw std::runtime_error("no provider " + provider);
  ProviderContext ctx;
  ctx.today = run.today;
  auto instance = spec->make(MakeParams(run.params), ctx);
  std::vector<uint64_t> rows(run.rows);
  for (size_t i = 0; i < run.rows; ++i) rows[i] = run.first_row + i;
  std::vector<BatchColumn> columns(spec->fields.size());
  std::vector<BatchColumn*> outputs;
  for (size_t f = 0; f < spec->fields.size(); ++f) {
    columns[f].kind = spec->fields[f].kind;
    columns[f].scale = spec->fields[f].scale;
    columns[f].Resize(run.rows);
    outputs.push_back(&columns[f]);
  }
  size_t n_inputs = 0;
  for (const ParamSpec& p : spec->params) n_inputs += p.is_column;
  std::vector<const BatchColumn*> inputs = run.inputs;
  inputs.resize(n_inputs, nullptr);
  std::unique_ptr<bool[]> unique(new bool[spec->fields.size()]);
  for (size_t f = 0; f < spec->fields.size(); ++f) unique[f] = f < run.unique.size() && run.unique[f];
  FillArgs args;
  args.rows = rows;
  args.key = run.key;
  args.inputs = inputs;
  args.outputs = outputs;
  args.unique = std::span<const bool>(unique.get(), spec->fields.size());
  instance->Fill(args);
  return columns;
}

std::filesystem::path MakeTempDir(const std::string& prefix) {
  std::random_device rd;
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto path = std::filesystem::temp_directory_path() /
                (prefix + "-" + std::to_string(rd()) + std::to_string(attempt));
    if (std::filesystem::create_directory(path)) return path;
  }
  throw std::runtime_error("cannot create a temp dir");
}

int RunCommand(const std::string& command, std::string* output) {
  std::string full = command + " 2>&1";
  FILE* pipe = popen(full.c_str(), "r");
  if (!pipe) return -1;
  std::array<char, 4096> buf;
  std::string text;
  size_t n;
  while ((n = fread(buf.data(), 1, buf.size(), pipe)) > 0) text.append(buf.data(), n);
  int status = pclose(pipe);
  if (output) *output = text;
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string SeedforgeBinary() { return SEEDFORGE_BINARY; }
std::filesystem::path SourceDir() { return SEEDFORGE_SOURCE_DIR; }

std::filesystem::path SharedDataDir() {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* given = std::getenv("SEEDFORGE_SHARED_DATA"); given && *given) {
    return fs::is_directory(given, ec) ? fs::path(given) : fs::path();
  }
  for (fs::path start : {fs::weakly_canonical(SourceDir(), ec), fs::current_path(ec)}) {
    for (fs::path dir = start; !dir.empty(); dir = dir.parent_path()) {
      if (fs::is_directory(dir / "shared" / "data", ec)) return dir / "shared" / "data";
      if (dir == dir.root_path()) break;
    }
  }
  return {};
}

std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace seedforge::testing
