// Database::prepare reuses idle statements of the same text, never one still in use.
#include <gtest/gtest.h>

#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;

// sqlite3_stmt_status counters live in the statement, so a reused statement shows its earlier
// runs: SQLITE_STMTSTATUS_RUN counts the times it was stepped from the start.
int runs(sqlite3* db, const char* sql) {
    int total = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) {
        if (std::string_view(sqlite3_sql(s)) == sql) {
            total += sqlite3_stmt_status(s, SQLITE_STMTSTATUS_RUN, 0);
        }
    }
    return total;
}

int prepared(sqlite3* db) {
    int n = 0;
    for (sqlite3_stmt* s = sqlite3_next_stmt(db, nullptr); s; s = sqlite3_next_stmt(db, s)) {
        ++n;
    }
    return n;
}

class StatementCacheTest : public ::testing::Test {
  protected:
    StatementCacheTest() : db_(Database::open(dir_ / "t.db")) {
        db_.exec("CREATE TABLE t(x INTEGER); INSERT INTO t VALUES(1), (2), (3);");
    }

    TempDir dir_;
    Database db_;
};

constexpr const char* kSelect = "SELECT x FROM t WHERE x >= ? ORDER BY x";

TEST_F(StatementCacheTest, SameTextReusesOneStatementWithFreshBindings) {
    for (std::int64_t from : {1, 2, 3}) {
        auto s = db_.prepare(kSelect);
        s.bind(1, from);
        ASSERT_TRUE(s.step());
        EXPECT_EQ(s.int64(0), from);
        // Left mid-result on purpose: giving it back must reset it.
    }
    EXPECT_EQ(prepared(db_.handle()), 1);
    EXPECT_EQ(runs(db_.handle(), kSelect), 3);
    // Bindings were cleared: an unbound parameter is NULL, and x >= NULL matches nothing.
    auto unbound = db_.prepare(kSelect);
    EXPECT_FALSE(unbound.step());
}

TEST_F(StatementCacheTest, NestedUseOfTheSameTextGetsSeparateStatements) {
    std::vector<std::int64_t> pairs;
    {
        auto outer = db_.prepare(kSelect);
        outer.bind(1, 1);
        while (outer.step()) {
            auto inner = db_.prepare(kSelect);
            inner.bind(1, outer.int64(0));
            while (inner.step()) {
                pairs.push_back(outer.int64(0) * 10 + inner.int64(0));
            }
        }
    }
    EXPECT_EQ(pairs, (std::vector<std::int64_t>{11, 12, 13, 22, 23, 33}));
    EXPECT_EQ(prepared(db_.handle()), 2);  // the inner loop reused one statement
    {
        // Both are idle now and are handed out again, to two users at once.
        auto a = db_.prepare(kSelect);
        auto b = db_.prepare(kSelect);
        a.bind(1, 3);
        b.bind(1, 2);
        ASSERT_TRUE(a.step());
        ASSERT_TRUE(b.step());
        EXPECT_EQ(a.int64(0), 3);
        EXPECT_EQ(b.int64(0), 2);
    }
    EXPECT_EQ(prepared(db_.handle()), 2);
}

TEST_F(StatementCacheTest, IdleStatementsDoNotHoldTheDatabaseOrOutliveIt) {
    db_.prepare(kSelect).bind(1, 1).step();  // given back mid-result
    // A reset statement holds no read transaction: another connection can write and
    // checkpoint fully.
    Database other = Database::open(dir_ / "t.db");
    other.exec("INSERT INTO t VALUES(4)");
    {
        auto checkpoint = other.prepare("PRAGMA wal_checkpoint(PASSIVE)");
        ASSERT_TRUE(checkpoint.step());
        EXPECT_EQ(checkpoint.int64(0), 0);                    // not blocked
        EXPECT_EQ(checkpoint.int64(1), checkpoint.int64(2));  // every frame copied back
    }
    auto s = db_.prepare("SELECT count(*) FROM t");
    s.step();
    EXPECT_EQ(s.int64(0), 4);
    // Moving the Database keeps its cache; the statement handed out before still returns.
    Database moved = std::move(db_);
    {
        auto again = moved.prepare(kSelect);
        again.bind(1, 4);
        ASSERT_TRUE(again.step());
        EXPECT_EQ(again.int64(0), 4);
    }
    EXPECT_EQ(prepared(moved.handle()), 2);
}

TEST_F(StatementCacheTest, TextAfterTheFirstStatementIsNotCached) {
    const char* two = "SELECT 1; SELECT 2";
    db_.prepare(two).step();
    db_.prepare(two).step();
    EXPECT_EQ(prepared(db_.handle()), 0);
}

}  // namespace
}  // namespace sealbox::store
