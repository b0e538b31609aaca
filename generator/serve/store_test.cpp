// The serve Store's audit log keeps bounded fields whatever clients send.
#include "serve/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>

#include "test_util.h"

namespace seedforge::serve {
namespace {

namespace fs = std::filesystem;

TEST(ServeStore, AuditFieldsAreCutOnWrite) {
  const fs::path dir = seedforge::testing::MakeTempDir("serve_store_audit");
  {
    Store store(dir / "serve.db");
    const std::string huge(1 << 20, 'x');
    store.Audit(huge, "127.0.0.1", "login.failed", huge, std::string(300, 'y') + "\xc3\xa9");
    const std::vector<AuditEntry> entries = store.AuditEntries(10, 0);
    ASSERT_EQ(entries.size(), 1u);
    EXPECT_EQ(entries[0].user, std::string(kMaxAuditField, 'x'));
    EXPECT_EQ(entries[0].target.size(), kMaxAuditField);
    EXPECT_EQ(entries[0].detail, std::string(kMaxAuditField, 'y'));
    EXPECT_EQ(entries[0].action, "login.failed");
  }
  // What is stored is cut too, not only what is read.
  EXPECT_LT(fs::file_size(dir / "serve.db"), 200u * 1024u);
  fs::remove_all(dir);
}

TEST(ServeStore, OversizeAuditRowsWrittenBeforeTheCapAreCutOnRead) {
  const fs::path dir = seedforge::testing::MakeTempDir("serve_store_audit_old");
  { Store store(dir / "serve.db"); }
  {
    // A row as the uncapped server wrote it.
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "serve.db").c_str(), &db), SQLITE_OK);
    const std::string sql = "INSERT INTO audit (at, user, address, action, target, detail) VALUES (1, '" +
                            std::string(100000, 'u') + "', '::1', 'login.limited', 't', '" +
                            std::string(100000, 'd') + "')";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
  }
  Store store(dir / "serve.db");
  const std::vector<AuditEntry> entries = store.AuditEntries(10, 0);
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].user.size(), kMaxAuditField);
  EXPECT_EQ(entries[0].detail.size(), kMaxAuditField);
  EXPECT_EQ(entries[0].target, "t");
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge::serve
