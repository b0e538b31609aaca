// Precision and recall of the PII detector on a labelled corpus: columns
// made by seedforge's own providers (tests/fixtures/pii_corpus.yaml, seeds
// 1-3, fixed before the detector was tuned) plus look-alikes built here,
// each under helpful, neutral and misleading headers. The per-kind figures
// are printed; bench/pii_detection.sh shows them. Over seeds 1-30 (4,230
// columns, 2,610 personal) every column was right: the least confidence of
// a personal column was 0.55, the most of another 0.41, against the
// threshold of 0.5. A detector without the margin over chance (scoring the
// raw pass share) reports the product codes under `phone` (0.27 * 0.9 +
// 0.35 = 0.59) and the 5-digit numbers under `zip` (0.35 * 0.6 + 0.35).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "seedforge/identifiers.h"
#include "seedforge/pii.h"
#include "seedforge/table.h"
#include "test_util.h"

namespace seedforge {
namespace {

using testing::MakeTempDir;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::SourceDir;

constexpr size_t kRows = 300;

std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\n") == std::string::npos && !v.empty()) return v;
  std::string out = "\"";
  for (char c : v) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// One column typed by the table layer, as profile reads it.
TableColumn ColumnOf(const std::string& header, const std::vector<std::string>& values) {
  std::string csv = CsvField(header) + "\n";
  for (const std::string& v : values) csv += CsvField(v) + "\n";
  Table table = ParseTable(csv, header);
  return std::move(table.columns[0]);
}

struct Labelled {
  std::string what;  // for messages
  PiiKind truth;
  std::vector<std::string> headers;
  std::vector<std::string> values;
};

std::vector<std::string> ColumnValues(const Table& table, const std::string& name) {
  const int c = table.Find(name);
  EXPECT_GE(c, 0) << name;
  std::vector<std::string> out;
  for (size_t r = 0; r < table.rows(); ++r) out.emplace_back(table.columns[c].Text(r));
  return out;
}

// The corpus of one seed: the fixture's columns, and look-alikes made from
// them or drawn here from the seed.
std::vector<Labelled> Corpus(const Table& t, uint64_t seed) {
  std::vector<Labelled> out;
  auto add = [&](std::string what, PiiKind truth, std::vector<std::string> headers, std::vector<std::string> values) {
    out.push_back({std::move(what), truth, std::move(headers), std::move(values)});
  };
  auto col = [&](const char* name) { return ColumnValues(t, name); };
  using K = PiiKind;
  // Personal data: a helpful header and two that say nothing.
  add("first", K::kFirstName, {"first_name", "col_a", "given"}, col("first"));
  add("last", K::kLastName, {"last_name", "col_b", "family"}, col("last"));
  add("full", K::kFullName, {"full_name", "col_c", "party"}, col("full"));
  add("mail", K::kEmail, {"email", "col_d", "login_id"}, col("mail"));
  add("tel", K::kPhone, {"phone", "col_e", "contact"}, col("tel"));
  add("tel_dashed", K::kPhone, {"mobile", "col_f", "ref"}, col("tel_dashed"));
  add("tel_plus1", K::kPhone, {"phone_number", "col_g", "line"}, col("tel_plus1"));
  add("tel_uk", K::kPhone, {"telephone", "col_h", "uk_line"}, col("tel_uk"));
  add("ssn", K::kSsn, {"ssn", "col_i", "tax_ref"}, col("ssn"));
  add("card", K::kCard, {"card_number", "col_j", "payment_ref"}, col("card"));
  add("street", K::kStreetAddress, {"street_address", "col_k", "line1"}, col("street"));
  add("zip", K::kZip, {"zip_code", "col_l", "area"}, col("zip"));
  add("city", K::kCity, {"city", "col_m", "place"}, col("city"));
  add("state", K::kState, {"state", "col_n", "region_code"}, col("state"));
  add("ip4", K::kIpAddress, {"client_ip", "col_o", "origin"}, col("ip4"));
  add("vin", K::kVin, {"vin", "col_p", "vehicle"}, col("vin"));
  add("iban", K::kIban, {"iban", "col_p2", "account"}, col("iban"));
  add("iban printed", K::kIban, {"payee_iban", "col_p3", "bank_account"}, col("iban_print"));
  add("ip6", K::kIpAddress, {"ip_address", "col_p4", "peer"}, col("ip6"));
  // Real columns hold junk too: 1 value in 12 of each kind above made
  // "n/a", "unknown", "?" or "-", under a neutral header.
  const size_t clean = out.size();
  for (size_t i = 0; i < clean; ++i) {
    std::vector<std::string> messy = out[i].values;
    const char* junk[] = {"n/a", "unknown", "?", "-"};
    for (size_t r = 5; r < messy.size(); r += 12) messy[r] = junk[(r / 12) % 4];
    add(out[i].what + " with junk", out[i].truth, {"attr_" + std::to_string(i)}, messy);
  }
  // Only their names make these personal: a date is any date, and nine
  // bare digits pass the SSA rules 89% of the time.
  add("dob", K::kDateOfBirth, {"date_of_birth", "dob", "birthday"}, col("dob"));
  std::vector<std::string> bare = col("ssn");
  for (std::string& v : bare) v.erase(std::remove(v.begin(), v.end(), '-'), v.end());
  add("ssn digits", K::kSsn, {"ssn", "social_security_number"}, bare);
  // A few cities as a category are places of people only when the header
  // says so (a customer's city); under another name they are offices or
  // warehouses (below).
  std::vector<std::string> cities = col("city"), few;
  for (size_t r = 0; r < cities.size(); ++r) few.push_back(cities[r % 6]);
  add("city category", K::kCity, {"home_city", "city"}, few);
  // Free text with e-mails in a third of the rows, phones in a fifth.
  std::vector<std::string> lorem = col("lorem"), mails = col("mail"), tels = col("tel"), with_mail, with_tel;
  for (size_t r = 0; r < lorem.size(); ++r) {
    with_mail.push_back(r % 3 == 0 ? lorem[r] + " write to " + mails[r] + " please" : lorem[r]);
    with_tel.push_back(r % 5 == 0 ? "call " + tels[r] + " " + lorem[r] : lorem[r]);
  }
  add("text with e-mails", K::kFreeText, {"notes", "col_q"}, with_mail);
  add("text with phones", K::kFreeText, {"comment", "col_r"}, with_tel);

  // Look-alikes and plain data: a neutral header and a misleading one.
  add("order numbers (Visa IIN, Luhn 1 in 10)", K::kNone, {"order_no", "card_number"}, col("order_no"));
  add("16 digits", K::kNone, {"order_id", "col_s"}, col("order_no2"));
  std::vector<std::string> unknown_iin = col("order_no2");
  for (std::string& v : unknown_iin) {
    v[0] = '9';
    v.back() = identifiers::LuhnCheckDigit(std::string_view(v).substr(0, v.size() - 1));
  }
  add("16 digits, Luhn, unknown IIN", K::kNone, {"ref_no", "card_ref"}, unknown_iin);
  add("product codes ###-###-####", K::kNone, {"product_code", "phone"}, col("product"));
  add("ITINs", K::kNone, {"itin", "tax_id"}, col("itin"));
  add("9-digit ids", K::kNone, {"account_id", "col_t"}, col("nine"));
  add("17-char part numbers", K::kNone, {"part_no", "vin_code"}, col("part_no"));
  add("SKUs", K::kNone, {"sku", "col_u"}, col("sku"));
  add("random words", K::kNone, {"word", "col_v"}, col("word"));
  add("titles", K::kNone, {"title", "name"}, col("title"));
  add("lorem text", K::kNone, {"notes", "description"}, lorem);
  add("dates", K::kNone, {"hired_on", "col_w"}, col("hired"));
  add("timestamps", K::kNone, {"placed_at", "updated"}, col("placed"));
  add("amounts", K::kNone, {"amount", "col_x"}, col("amount"));
  add("5-digit numbers", K::kNone, {"quantity", "zip"}, col("qty"));
  add("tiers", K::kNone, {"tier", "col_y"}, col("tier"));
  add("six cities, a category", K::kNone, {"warehouse", "office"}, few);
  // Colours and flowers that are surnames and first names, as categories.
  std::vector<std::string> colours, flowers;
  for (size_t r = 0; r < kRows; ++r) {
    colours.push_back(std::vector<std::string>{"Brown", "Green", "White", "Black", "Gray"}[(r * 7 + seed) % 5]);
    flowers.push_back(std::vector<std::string>{"Rose", "Lily", "Iris", "Daisy", "Violet", "Jasmine"}[(r * 5 + seed) % 6]);
  }
  add("colours", K::kNone, {"colour", "col_cc"}, colours);
  add("flowers", K::kNone, {"flower", "col_fl"}, flowers);
  add("order states", K::kNone, {"status", "state"}, col("status"));
  add("companies", K::kNone, {"company", "employer"}, col("company"));
  add("job titles", K::kNone, {"job_title", "col_z"}, col("job"));
  add("uuids", K::kNone, {"token", "id"}, col("token"));
  add("booleans", K::kNone, {"flag", "email_opt_in"}, col("flag"));
  add("DE and 20 digits (mod 97 1 in 97)", K::kNone, {"bank_ref", "iban"}, col("bank_ref"));
  add("MAC-like addresses", K::kNone, {"device", "col_mac"}, col("mac"));
  // Version strings are valid IPv4 addresses.
  std::mt19937_64 random(seed);
  std::vector<std::string> versions;
  for (size_t r = 0; r < kRows; ++r) {
    versions.push_back(fmt::format("{}.{}.{}.{}", random() % 13, random() % 41, random() % 201, random() % 256));
  }
  add("version strings", K::kNone, {"version", "build"}, versions);
  return out;
}

struct Counts {
  size_t truth = 0, predicted = 0, right = 0;
  double least = 1;  // the lowest confidence of a right finding
};

TEST(PiiCorpus, PrecisionAndRecallAtLeast98Percent) {
  const auto dir = MakeTempDir("pii_corpus");
  std::map<PiiKind, Counts> kinds;
  Counts all;
  size_t columns = 0;
  std::vector<std::string> errors;
  // Seeds 1-3 by default; SEEDFORGE_PII_SEEDS=N runs seeds 1-N
  // (bench/pii_detection.sh SEEDS=30).
  const char* seeds_env = std::getenv("SEEDFORGE_PII_SEEDS");
  const uint64_t seeds = seeds_env ? std::max<uint64_t>(1, std::strtoull(seeds_env, nullptr, 10)) : 3;
  for (uint64_t seed = 1; seed <= seeds; ++seed) {
    const auto out = dir / std::to_string(seed);
    std::string output;
    ASSERT_EQ(RunCommand(SeedforgeBinary() + " generate -q --as-of 2026-01-01 --seed " + std::to_string(seed) +
                             " -d " + (SourceDir() / "tests/fixtures/pii_corpus.yaml").string() + " --out " +
                             out.string(),
                         &output),
              0)
        << output;
    const Table table = ReadTable((out / "corpus.csv").string());
    for (const Labelled& l : Corpus(table, seed)) {
      for (const std::string& header : l.headers) {
        const PiiFinding f = DetectPii(ColumnOf(header, l.values), "records");
        ++columns;
        if (l.truth != PiiKind::kNone) ++kinds[l.truth].truth, ++all.truth;
        if (f.kind != PiiKind::kNone) ++kinds[f.kind].predicted, ++all.predicted;
        if (f.kind == l.truth && l.truth != PiiKind::kNone) {
          ++kinds[l.truth].right, ++all.right;
          kinds[l.truth].least = std::min(kinds[l.truth].least, f.confidence);
        }
        if (f.kind != l.truth) {
          errors.push_back(fmt::format("seed {}: {} as '{}': {} (want {}), confidence {:.2f}, {}", seed, l.what,
                                       header, PiiKindName(f.kind), PiiKindName(l.truth), f.confidence, f.Explain()));
        }
      }
    }
  }
  std::filesystem::remove_all(dir);
  std::cout << fmt::format("{:<16} {:>6} {:>9} {:>9} {:>9} {:>15}\n", "kind", "truth", "predicted", "precision",
                           "recall", "least conf.");
  for (const auto& [kind, c] : kinds) {
    std::cout << fmt::format("{:<16} {:>6} {:>9} {:>9.3f} {:>9.3f} {:>15.2f}\n", PiiKindName(kind), c.truth,
                             c.predicted, c.predicted ? double(c.right) / double(c.predicted) : 1.0,
                             c.truth ? double(c.right) / double(c.truth) : 1.0, c.least);
  }
  const double precision = double(all.right) / double(all.predicted);
  const double recall = double(all.right) / double(all.truth);
  std::cout << fmt::format("all: {} columns, {} personal, {} detected, precision {:.3f}, recall {:.3f}\n", columns,
                           all.truth, all.predicted, precision, recall);
  for (const std::string& e : errors) std::cout << "  miss: " << e << "\n";
  // The corpus is big enough for the bound to mean something: at 0.98,
  // recall allows 5 misses in 261 personal columns (3 seeds).
  EXPECT_GE(all.truth, 250u);
  EXPECT_GE(columns, 400u);
  EXPECT_GE(precision, 0.98);
  EXPECT_GE(recall, 0.98);
}

}  // namespace
}  // namespace seedforge
