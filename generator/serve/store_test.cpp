// The serve Store's audit log keeps bounded fields whatever clients send.
#include "serve/store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
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

TEST(ServeStore, TheSweeperAsksOnlyForExpiredDoneJobsByAnIndex) {
  const fs::path dir = seedforge::testing::MakeTempDir("serve_store_expiry");
  {
    Store store(dir / "serve.db");
    auto save = [&](const std::string& id, const std::string& state, int64_t expires_at) {
      JobRecord job;
      job.id = id;
      job.owner = "rita";
      job.kind = "generate";
      job.state = state;
      job.expires_at = expires_at;
      store.SaveJob(job);
    };
    save("a", "done", 100);
    save("b", "done", 200);
    save("c", "failed", 50);
    save("d", "expired", 50);
    save("e", "running", 0);
    EXPECT_EQ(store.ExpiredJobIds(150), std::vector<std::string>{"a"});
    std::vector<std::string> both = store.ExpiredJobIds(200);
    std::sort(both.begin(), both.end());
    EXPECT_EQ(both, (std::vector<std::string>{"a", "b"}));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "serve.db").c_str(), &db), SQLITE_OK);
  std::string plan;
  sqlite3_exec(
      db, "EXPLAIN QUERY PLAN SELECT id FROM jobs WHERE state = 'done' AND expires_at <= 5",
      [](void* out, int n, char** values, char**) {
        for (int i = 0; i < n; ++i) *static_cast<std::string*>(out) += values[i] ? values[i] : "";
        return 0;
      },
      &plan, nullptr);
  sqlite3_close(db);
  EXPECT_NE(plan.find("jobs_expiry"), std::string::npos) << plan;
  fs::remove_all(dir);
}

TEST(ServeStore, TheLastActiveAdminStaysWhateverTheOrder) {
  const fs::path dir = seedforge::testing::MakeTempDir("serve_store_admins");
  Store store(dir / "serve.db");
  ASSERT_TRUE(store.AddUser({"ann", "admin", "h", 1, false}));
  ASSERT_TRUE(store.AddUser({"bob", "admin", "h", 1, false}));
  // One of two admins may go; then the other must stay, demoted or not.
  EXPECT_EQ(store.UpdateUser({"ann", "admin", "h", 1, true}), Store::UserChange::kDone);
  EXPECT_EQ(store.UpdateUser({"bob", "viewer", "h", 1, false}), Store::UserChange::kLastAdmin);
  EXPECT_EQ(store.RemoveUser("bob"), Store::UserChange::kLastAdmin);
  EXPECT_EQ(store.FindUser("bob")->role, "admin");
  EXPECT_EQ(store.CountActiveAdmins(), 1);
  EXPECT_EQ(store.RemoveUser("nobody"), Store::UserChange::kNoSuchUser);
  EXPECT_EQ(store.RemoveUser("ann"), Store::UserChange::kDone);
  fs::remove_all(dir);
}

TEST(ServeStore, ANewUserOfARemovedNameInheritsNothing) {
  const fs::path dir = seedforge::testing::MakeTempDir("serve_store_removed");
  Store store(dir / "serve.db");
  ASSERT_TRUE(store.AddUser({"root", "admin", "h", 1, false}));
  ASSERT_TRUE(store.AddUser({"eve", "requester", "h", 1, false}));
  JobRecord job;
  job.id = "j1";
  job.owner = "eve";
  job.kind = "generate";
  job.state = "done";
  store.SaveJob(job);
  job.id = "j2";
  job.owner = "root";
  store.SaveJob(job);
  store.Share("j2", {"eve"});
  ASSERT_EQ(store.RemoveUser("eve"), Store::UserChange::kDone);
  ASSERT_TRUE(store.AddUser({"eve", "requester", "h", 2, false}));
  EXPECT_EQ(store.FindJob("j1")->owner, "(removed) eve");
  EXPECT_TRUE(store.SharedWith("j2").empty());
  fs::remove_all(dir);
}

}  // namespace
}  // namespace seedforge::serve
