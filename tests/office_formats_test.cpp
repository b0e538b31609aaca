// The xlsx and docx outputs read back by independent readers (Debian's
// python3-openpyxl and python3-docx, through tests/office/check_office.py)
// and compared cell by cell with the CSV output of the same run: employee
// and banking as shipped, and a domain of the values that break encoders
// (booleans, integers past 15 digits and 2^53, wide decimals, doubles, dates
// before 1900, text with quotes, tabs and line breaks, NULLs beside empty
// strings). Also: sheets continued past the per-sheet limit, Excel's sheet
// names, the docx row warning, byte-identical files for any thread count,
// and failed runs that leave no file.
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "cli/common.h"
#include "seedforge/domain.h"
#include "seedforge/error.h"
#include "seedforge/generator.h"
#include "seedforge/output.h"
#include "seedforge/registry.h"
#include "sinks/office.h"
#include "support/pg_fixture.h"  // ShellQuote
#include "test_util.h"

namespace seedforge {
namespace {

namespace fs = std::filesystem;
using testing::ReadFile;
using testing::RunCommand;
using testing::SeedforgeBinary;
using testing::ShellQuote;

constexpr const char* kPython = "/usr/bin/python3";  // Debian's, with openpyxl and python-docx

// The values that break encoders (as tests/output_formats_test.cpp), with
// the kinds Excel types: booleans, numbers on both sides of 15 digits,
// dates and timestamps on both sides of 1900-03-01.
constexpr const char* kEdgeDomain = R"YAML(
domain: edges
entities:
  kinds:
    rows: 400
    description: Every kind of value, and <the> & "odd" ones
    columns:
      id: {type: bigint, primary_key: true, provider: sequence}
      small: {type: smallint, provider: integer, params: {min: -32768, max: 32767}, null_rate: 0.1}
      big_up: {type: bigint, not_null: true, provider: sequence, params: {start: 999999999999800}}
      big_wide: {type: bigint, provider: integer, params: {min: -4000000000000000000, max: 4000000000000000000}, null_rate: 0.1}
      price: {type: 'numeric(12,2)', provider: decimal, params: {min: -99999, max: 9999999999, scale: 2}, null_rate: 0.1}
      exact: {type: 'numeric(18,4)', provider: decimal, params: {min: -99999999999999, max: 99999999999999, scale: 4}}
      ratio: {type: double precision, provider: float, params: {min: -1000000, max: 1000000}, null_rate: 0.1}
      note:
        type: text
        provider: category
        params: {values: ['', ' lead', 'trail ', 'a,b', 'say "hi"', "it's", "line1\nline2", "cr\r\nlf", "tab\there",
                          'back\slash', 'ünï 漢字 🎉', '<b>&amp;</b>', '[x]:*?/', '=1+1', '_x0041_ and _x00_',
                          "bell\x07", plain]}
        null_rate: 0.1
      flag: {type: boolean, provider: boolean, null_rate: 0.1}
      day: {type: date, provider: date, params: {from: 1899-06-01, to: 2099-12-31}}
      at: {type: timestamp, provider: timestamp, params: {from: 1899-06-01, to: 2099-12-31}}
      at_tz: {type: timestamptz, provider: timestamp, null_rate: 0.2}
      uid: {type: uuid, provider: uuid}
      tags: {type: 'text[]', provider: array, params: {values: ['a,b', 'say "hi"', '{x}']}}
  "a sheet name that is far too long for Excel [really]":
    rows: 30
    columns:
      id: {type: integer, primary_key: true, provider: sequence}
      kind_id: {type: bigint, not_null: true, references: kinds.id}
)YAML";

class OfficeFormats : public ::testing::Test {
 protected:
  void SetUp() override { dir_ = testing::MakeTempDir("seedforge-office"); }
  void TearDown() override { fs::remove_all(dir_); }

  // `seedforge generate` with fixed seed and date; returns the output dir.
  fs::path Generate(const std::string& domain, const std::string& extra, const std::string& format,
                    const std::string& out_name, int threads = 2) {
    fs::path out = dir_ / out_name;
    std::string output;
    int status = RunCommand(SeedforgeBinary() + " generate -q --seed 7 --as-of 2026-01-01 --threads " +
                                std::to_string(threads) + " --domain " + ShellQuote(domain) + " " + extra +
                                " --format " + format + " --out " + ShellQuote(out.string()),
                            &output);
    EXPECT_EQ(status, 0) << output;
    return out;
  }

  // The entities in output order with their columns' kinds, as the checker
  // reads them (from the Generator the CLI would make).
  fs::path WriteLayout(const std::string& domain_name, const std::vector<std::string>& rows, double scale) {
    RunArgs args;
    args.domain = domain_name;
    args.rows = rows;
    args.scale = scale;
    args.seed = 7;
    args.as_of = "2026-01-01";
    Domain domain = LoadDomain(domain_name, BuiltinRegistry());
    Generator generator(domain, BuiltinRegistry(), MakeGenerateOptions(args, domain, {.warnings = false}));
    nlohmann::json layout = nlohmann::json::array();
    for (int e : generator.order()) {
      const DomainEntity& entity = generator.domain().entities[e];
      Batch batch;
      generator.InitBatch(e, batch);
      nlohmann::json item = {{"name", entity.name}};
      for (size_t c = 0; c < entity.columns.size(); ++c) {
        item["columns"].push_back(entity.columns[c].name);
        item["kinds"].push_back(std::string(ValueKindName(batch.columns[c].kind)));
        item["scales"].push_back(batch.columns[c].scale);
      }
      layout.push_back(item);
    }
    fs::path path = dir_ / (generator.domain().name + "-layout.json");
    std::ofstream(path) << layout.dump();
    return path;
  }

  // Runs the checker; passes when every cell agrees.
  void Check(const std::string& mode, const fs::path& file, const fs::path& csv_dir, const fs::path& layout,
             uint64_t rows_per_sheet = 0) {
    std::string output;
    std::string command = std::string(kPython) + " " +
                          ShellQuote((testing::SourceDir() / "tests/office/check_office.py").string()) + " " + mode +
                          " " + ShellQuote(file.string()) + " " + ShellQuote(csv_dir.string()) + " " +
                          ShellQuote(layout.string());
    if (rows_per_sheet) command += " " + std::to_string(rows_per_sheet);
    EXPECT_EQ(RunCommand(command, &output), 0) << output;
    EXPECT_NE(output.find("ok: "), std::string::npos) << output;
  }

  fs::path dir_;
};

TEST_F(OfficeFormats, EmployeeAndBankingAgreeWithCsvCellByCell) {
  struct Case {
    std::string domain, extra;
    std::vector<std::string> rows;
    double scale;
  };
  for (const Case& c : {Case{"employee", "--rows employees=3000", {"employees=3000"}, 1.0},
                        Case{"banking", "--scale 0.05", {}, 0.05}}) {
    SCOPED_TRACE(c.domain);
    fs::path csv = Generate(c.domain, c.extra, "csv", c.domain + "-csv");
    fs::path xlsx = Generate(c.domain, c.extra, "xlsx", c.domain + "-xlsx");
    fs::path docx = Generate(c.domain, c.extra, "docx", c.domain + "-docx");
    fs::path layout = WriteLayout(c.domain, c.rows, c.scale);
    Check("xlsx", xlsx / (c.domain + ".xlsx"), csv, layout);
    Check("docx", docx / (c.domain + ".docx"), csv, layout);
  }
}

TEST_F(OfficeFormats, EdgeValuesAgreeWithCsv) {
  fs::path domain = dir_ / "edges.yaml";
  std::ofstream(domain) << kEdgeDomain;
  fs::path csv = Generate(domain.string(), "", "csv", "csv");
  fs::path xlsx = Generate(domain.string(), "", "xlsx", "xlsx");
  fs::path docx = Generate(domain.string(), "", "docx", "docx");
  fs::path layout = WriteLayout(domain.string(), {}, 1.0);
  Check("xlsx", xlsx / "edges.xlsx", csv, layout);
  Check("docx", docx / "edges.docx", csv, layout);
}

TEST_F(OfficeFormats, SheetsContinuePastTheRowLimitWithTheirOwnHeader) {
  fs::path domain_file = dir_ / "edges.yaml";
  std::ofstream(domain_file) << kEdgeDomain;
  fs::path csv = Generate(domain_file.string(), "", "csv", "csv");
  fs::path layout = WriteLayout(domain_file.string(), {}, 1.0);

  Domain domain = LoadDomain(domain_file.string(), BuiltinRegistry());
  RunArgs args;
  args.domain = domain_file.string();
  args.seed = 7;
  args.as_of = "2026-01-01";
  Generator generator(domain, BuiltinRegistry(), MakeGenerateOptions(args, domain, {.warnings = false}));
  WriteOptions options;
  options.format = Format::kXlsx;
  options.out_dir = dir_ / "parts";
  options.threads = 2;
  options.as_of = "2026-01-01";
  options.xlsx_rows_per_sheet = 150;  // 400 rows: 150 + 150 + 100; 30 rows: one sheet
  WriteSummary summary = WriteOutputs(generator, options);
  EXPECT_EQ(summary.rows, 430u);
  Check("xlsx", options.out_dir / "edges.xlsx", csv, layout, 150);

  std::string output;
  ASSERT_EQ(RunCommand(std::string(kPython) + " -c " +
                           ShellQuote("import openpyxl, sys; print('|'.join(openpyxl.load_workbook(sys.argv[1], "
                                      "read_only=True).sheetnames))") +
                           " " + ShellQuote((options.out_dir / "edges.xlsx").string()),
                       &output),
            0)
      << output;
  EXPECT_EQ(output, "kinds|kinds (2)|kinds (3)|a sheet name that is far too lo\n");
}

TEST(XlsxSheetName, FollowsExcelsRules) {
  std::set<std::string> taken;
  EXPECT_EQ(XlsxSheetName("customers", 1, taken), "customers");
  EXPECT_EQ(XlsxSheetName("customers", 2, taken), "customers (2)");
  EXPECT_EQ(XlsxSheetName("a[b]c:d*e?f/g\\h", 1, taken), "a_b_c_d_e_f_g_h");
  EXPECT_EQ(XlsxSheetName("'quoted'", 1, taken), "_quoted_");
  EXPECT_EQ(XlsxSheetName("History", 1, taken), "History (2)");  // reserved by Excel
  // 31 characters, a part's number kept whole, a clash (without case) numbered.
  const std::string long_name = "an_entity_name_longer_than_thirty_one";
  EXPECT_EQ(XlsxSheetName(long_name, 1, taken), "an_entity_name_longer_than_thir");
  EXPECT_EQ(XlsxSheetName(long_name + "_too", 1, taken), "an_entity_name_longer_than_ (2)");
  EXPECT_EQ(XlsxSheetName(long_name, 12, taken), "an_entity_name_longer_than (12)");
  EXPECT_EQ(XlsxSheetName("CUSTOMERS", 1, taken), "CUSTOMERS (3)");  // "customers (2)" is part 2
  // Characters, not bytes: 31 of them, whatever their UTF-8 length.
  const std::string accented = "ééééééééééééééééééééééééééééééééééé";  // 35
  EXPECT_EQ(XlsxSheetName(accented, 1, taken), accented.substr(0, 31 * 2));
}

TEST_F(OfficeFormats, SameSeedSameBytesForAnyThreadCount) {
  for (const std::string format : {"xlsx", "docx"}) {
    SCOPED_TRACE(format);
    fs::path one = Generate("banking", "--scale 0.02", format, format + "-1", 1);
    fs::path four = Generate("banking", "--scale 0.02", format, format + "-4", 4);
    const std::string a = ReadFile(one / ("banking." + format));
    EXPECT_GT(a.size(), 1000u);
    EXPECT_TRUE(a == ReadFile(four / ("banking." + format)));
  }
}

TEST_F(OfficeFormats, DocxWarnsAboveTheRowLimitAndWritesEveryRow) {
  fs::path out = dir_ / "warn";
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " generate --seed 7 --as-of 2026-01-01 --domain employee "
                                            "--rows employees=10001 --format docx --out " +
                           ShellQuote(out.string()),
                       &output),
            0)
      << output;
  EXPECT_NE(output.find("warning: docx: the table employees has 10001 rows"), std::string::npos) << output;
  EXPECT_TRUE(fs::exists(out / "employee.docx"));
}

// A run that fails part-way leaves nothing: no file, no temporary file, and
// not the output directory it made.
TEST_F(OfficeFormats, AFailedRunLeavesNoFile) {
  fs::path domain_file = dir_ / "edges.yaml";
  std::ofstream(domain_file) << kEdgeDomain;
  Domain domain = LoadDomain(domain_file.string(), BuiltinRegistry());
  RunArgs args;
  args.domain = domain_file.string();
  args.seed = 7;
  args.as_of = "2026-01-01";
  Generator generator(domain, BuiltinRegistry(), MakeGenerateOptions(args, domain, {.warnings = false}));
  for (Format format : {Format::kXlsx, Format::kDocx}) {
    SCOPED_TRACE(std::string(FormatName(format)));
    WriteOptions options;
    options.format = format;
    options.out_dir = dir_ / ("failed-" + std::string(FormatName(format)));
    options.threads = 2;
    options.as_of = "2026-01-01";
    int batches = 0;
    // The second entity's first batch: the first sheet or table is written.
    options.progress = [&](int, uint64_t) {
      if (++batches == 2) throw Error("injected failure");
    };
    EXPECT_THROW(WriteOutputs(generator, options), Error);
    EXPECT_EQ(batches, 2);
    EXPECT_FALSE(fs::exists(options.out_dir));

    // Into a directory that exists: it stays, empty.
    fs::create_directories(options.out_dir);
    batches = 0;
    EXPECT_THROW(WriteOutputs(generator, options), Error);
    EXPECT_TRUE(fs::is_empty(options.out_dir));
  }

  // From the command line: a text longer than an Excel cell holds.
  const std::string long_domain = "domain: long\nentities:\n  notes:\n    rows: 20000\n    columns:\n"
                                  "      id: {type: integer, provider: sequence}\n"
                                  "      body: {type: text, provider: category, params: {values: [short, " +
                                  std::string(40000, 'x') + "]}}\n";
  fs::path long_file = dir_ / "long.yaml";
  std::ofstream(long_file) << long_domain;
  fs::path out = dir_ / "long-out";
  fs::create_directories(out);
  std::string output;
  EXPECT_NE(RunCommand(SeedforgeBinary() + " generate -q --domain " + ShellQuote(long_file.string()) +
                           " --format xlsx --out " + ShellQuote(out.string()),
                       &output),
            0);
  EXPECT_NE(output.find("notes.body, row "), std::string::npos) << output;
  EXPECT_NE(output.find("40000 characters does not fit an Excel cell"), std::string::npos) << output;
  EXPECT_TRUE(fs::is_empty(out));
}

TEST_F(OfficeFormats, SampleRefusesTheDocumentFormats) {
  std::string output;
  const fs::path model = dir_ / "any.model";  // the format is refused before the model is read
  std::ofstream(model) << "not a model";
  EXPECT_NE(RunCommand(SeedforgeBinary() + " sample --model " + ShellQuote(model.string()) + " --rows 5 --format xlsx --out " +
                           ShellQuote((dir_ / "s.xlsx").string()),
                       &output),
            0);
  EXPECT_NE(output.find("--format: xlsx not in {csv,jsonl,json}"), std::string::npos) << output;
}

TEST(OfficeFormatsCli, ListFormatsNamesThem) {
  std::string output;
  ASSERT_EQ(RunCommand(SeedforgeBinary() + " list formats", &output), 0) << output;
  EXPECT_NE(output.find("xlsx   one Excel workbook"), std::string::npos) << output;
  EXPECT_NE(output.find("docx   one Word document"), std::string::npos) << output;
}

}  // namespace
}  // namespace seedforge
