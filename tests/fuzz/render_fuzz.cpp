// Template rendering (generator/render/render.cpp). The first byte chooses:
//   even  the rest is a script template (a --templates override), rendered
//         against the plan of a small fixed domain;
//   odd   the rest is up to eight names (split at NUL bytes) put into a
//         domain as its entity, column, enum and label names; a domain the
//         parser accepts gets its DDL and SQL script rendered.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "fuzz/fuzz_util.h"
#include "seedforge/domain.h"
#include "seedforge/generator.h"
#include "seedforge/registry.h"
#include "seedforge/render.h"

using namespace seedforge;

namespace {

constexpr const char* kDomain = R"yaml(domain: shop
description: "a shop's \"orders\""
enums:
  mood: [happy, 'it''s ok']
entities:
  customers:
    rows: 3
    columns:
      id: {type: bigint, primary_key: true, identity: always, provider: sequence}
      tier: {type: mood, provider: category, params: {values: [happy]}}
      code: {type: varchar(12), unique: true, provider: pattern, params: {pattern: 'C-####'}, check: "code <> ''"}
  orders:
    columns:
      id: {type: bigint, primary_key: true, default: "nextval('orders_id_seq')", provider: sequence}
      customer_id: {type: bigint, not_null: true, references: customers, per_parent: {min: 0, max: 2}}
      amount: {type: 'numeric(10,2)', provider: decimal, params: {min: 1, max: 99}}
)yaml";

// A double-quoted YAML scalar holding exactly `s`.
std::string Quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u >= 0x7f) {
      char buffer[8];
      std::snprintf(buffer, sizeof buffer, "\\x%02x", u);
      out += buffer;
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string NamesDomain(std::string_view rest) {
  std::vector<std::string> names;
  while (names.size() < 8) {
    const size_t nul = rest.find('\0');
    names.emplace_back(rest.substr(0, nul));
    if (nul == std::string_view::npos) break;
    rest.remove_prefix(nul + 1);
  }
  const char* const kDefaults[] = {"d", "e", "label", "t1", "id", "c", "t2", "ref"};
  for (size_t i = names.size(); i < 8; ++i) names.emplace_back(kDefaults[i]);
  std::vector<std::string> q;
  for (const std::string& n : names) q.push_back(Quoted(n));
  return "domain: " + q[0] + "\nenums:\n  " + q[1] + ": [" + q[2] + ", x]\nentities:\n  " + q[3] +
         ":\n    rows: 2\n    columns:\n      " + q[4] +
         ": {type: bigint, primary_key: true, provider: sequence}\n      " + q[5] + ": {type: " + q[1] +
         ", provider: category, params: {values: [" + q[2] + "]}}\n  " + q[6] + ":\n    columns:\n      " + q[7] +
         ": {type: bigint, references: " + q[3] + "}\n";
}

const std::filesystem::path& TemplateDir() {
  static const std::filesystem::path dir = [] {
    std::filesystem::path d = std::filesystem::temp_directory_path() /
                              ("seedforge-render-fuzz-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d / "fuzz");
    return d;
  }();
  static const int cleanup = std::atexit([] {
    std::error_code ignored;
    std::filesystem::remove_all(TemplateDir(), ignored);
  });
  (void)cleanup;
  return dir;
}

void RenderAll(const Domain& domain, const std::string& script, const std::filesystem::path& dir) {
  GenerateOptions options;
  options.today = 19'723;
  Generator generator(domain, BuiltinRegistry(), options);
  (void)RenderSchema(generator, dir);
  (void)RenderScript(script, generator, dir, "out.sql", "2024-01-01");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view rest = fuzz::AsText(data + 1, size - 1);
  fuzz::Reject([&] {
    if (data[0] % 2 == 0) {
      static const Domain domain = ParseDomain(kDomain, "shop.yaml", BuiltinRegistry());
      std::ofstream(TemplateDir() / "fuzz/script.sql.mustache", std::ios::binary | std::ios::trunc) << rest;
      RenderAll(domain, "fuzz/script.sql.mustache", TemplateDir());
    } else {
      const Domain domain = ParseDomain(NamesDomain(rest), "names.yaml", BuiltinRegistry());
      RenderAll(domain, "sql/script.sql.mustache", {});
    }
  });
  return 0;
}
