// Type inference, encoding with a shared schema, and loading of files,
// folders and links.
#include "eval/table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>

#include "seedforge/error.h"
#include "test_util.h"

namespace seedforge::eval {
namespace {

namespace fs = std::filesystem;

void WriteText(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

TEST(EvalSchema, InfersEveryKind) {
  std::string csv = "id,amount,day,flag,grade,year,code,note,customer_id\n";
  for (int i = 0; i < 60; ++i) {
    csv += std::to_string(i + 1) + "," + std::to_string(i * 1.5) + ",2024-01-" + (i % 28 < 9 ? "0" : "") +
           std::to_string(i % 28 + 1) + "," + (i % 2 ? "true" : "false") + "," + "ABC"[i % 3] + "," +
           std::to_string(2007 + i % 3) + ",K" + std::to_string(i) + ",word" + std::to_string(i % 40) + "," +
           std::to_string(i % 7) + "\n";
  }
  Table raw = ParseTable(csv, "t.csv");
  std::vector<ColumnEncoding> schema = InferSchema(raw);
  auto kind = [&](const std::string& name) {
    for (const ColumnEncoding& c : schema) {
      if (c.name == name) return c.kind;
    }
    ADD_FAILURE() << name;
    return ColumnKind::kText;
  };
  EXPECT_EQ(kind("id"), ColumnKind::kId);            // by name
  EXPECT_EQ(kind("amount"), ColumnKind::kNumeric);
  EXPECT_EQ(kind("day"), ColumnKind::kDatetime);
  EXPECT_EQ(kind("flag"), ColumnKind::kBoolean);
  EXPECT_EQ(kind("grade"), ColumnKind::kCategorical);
  EXPECT_EQ(kind("year"), ColumnKind::kCategorical);  // whole numbers, 3 distinct values
  EXPECT_EQ(kind("code"), ColumnKind::kId);           // every value distinct
  EXPECT_EQ(kind("note"), ColumnKind::kText);         // 40 distinct in 60
  EXPECT_EQ(kind("customer_id"), ColumnKind::kId);
}

TEST(EvalSchema, SyntheticUsesTheRealSchema) {
  Table real = ParseTable("x,c\n1,a\n2,b\n3.5,a\n4,b\n5,a\n6,b\n", "real.csv");
  // Columns in another order, one extra column, a bad number, a new category.
  Table syn = ParseTable("c,x,extra\nb,1,0\na,oops,0\nz,,0\n", "syn.csv");
  std::vector<ColumnEncoding> schema = InferSchema(real);
  TableData r = Encode(real, schema);
  for (ColumnEncoding& c : schema) c.real_labels = c.labels.size();
  TableData s = Encode(syn, schema);
  EXPECT_EQ(s.columns[0].values[0], 1.0);
  EXPECT_TRUE(std::isnan(s.columns[0].values[1]));
  EXPECT_EQ(s.columns[0].unparsed, 1u);            // "oops"
  EXPECT_TRUE(std::isnan(s.columns[0].values[2]));  // empty: missing, not unparsed
  EXPECT_EQ(s.columns[1].codes[0], r.columns[1].codes[1]);  // "b" has the same code
  EXPECT_EQ(schema[1].labels[s.columns[1].codes[2]], "z");  // new category appended
  EXPECT_EQ(schema[1].real_labels, 2u);
  EXPECT_EQ(s.extra_columns, (std::vector<std::string>{"extra"}));
}

TEST(EvalSchema, MissingSyntheticColumnIsAnInputError) {
  Table real = ParseTable("x,y\n1,2\n", "real.csv");
  Table syn = ParseTable("x\n1\n", "syn.csv");
  std::vector<ColumnEncoding> schema = InferSchema(real);
  EXPECT_THROW(Encode(syn, schema), InputError);
}

TEST(EvalSchema, LoadsFoldersAndInfersLinks) {
  fs::path dir = testing::MakeTempDir("seedforge-eval-load");
  for (const char* side : {"real", "syn"}) {
    WriteText(dir / side / "customers.csv", "id,age\n1,30\n2,40\n3,50\n");
    WriteText(dir / side / "orders.csv", "order_id,customer_id,total\n10,1,5.5\n11,1,6\n12,3,7\n");
  }
  Dataset d = LoadDataset((dir / "real").string(), (dir / "syn").string(), "", {});
  EXPECT_TRUE(d.multi_table);
  ASSERT_EQ(d.tables.size(), 2u);
  ASSERT_EQ(d.links.size(), 1u);
  EXPECT_EQ(d.links[0].ToString(), "orders.customer_id -> customers.id");
  EXPECT_TRUE(d.links[0].inferred);

  Dataset explicit_link =
      LoadDataset((dir / "real").string(), (dir / "syn").string(), "", {"orders.customer_id=customers.id"});
  EXPECT_FALSE(explicit_link.links[0].inferred);
  EXPECT_THROW(LoadDataset((dir / "real").string(), (dir / "syn").string(), "", {"orders.nope=customers.id"}),
               UsageError);

  fs::remove(dir / "syn" / "orders.csv");
  try {
    LoadDataset((dir / "real").string(), (dir / "syn").string(), "", {});
    FAIL();
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("orders.csv: missing"), std::string::npos) << e.what();
  }
  EXPECT_THROW(LoadDataset((dir / "real" / "customers.csv").string(), (dir / "syn").string(), "", {}), UsageError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge::eval
