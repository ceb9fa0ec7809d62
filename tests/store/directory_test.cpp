#include "store/directory.h"

#include <gtest/gtest.h>

#include <thread>

#include "core/error.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;

Account account(const std::string& address, std::int64_t quota = 0) {
    Account a;
    a.key_id = "key-" + address;
    a.address = address;
    a.quota_bytes = quota;
    a.keys.password_salt = {1, 2, 3};
    a.keys.master_by_password = {4};
    a.keys.master_by_recovery = {5};
    a.keys.public_key = {6};
    a.keys.secret_key_by_master = {7};
    return a;
}

TEST(SqliteDirectory, AccountsRoundTripWithTheirWrappedKeys) {
    TempDir dir;
    auto d = open_sqlite_directory(dir / "d.db");
    d->add_domain("example.test");
    auto stored = d->add_account(account("alice@example.test", 1000));
    auto found = d->find_account("alice@example.test");
    ASSERT_TRUE(found);
    EXPECT_EQ(found->id, stored.id);
    EXPECT_EQ(found->domain, "example.test");
    EXPECT_EQ(found->keys.password_salt, (std::vector<std::uint8_t>{1, 2, 3}));
    EXPECT_EQ(found->keys.secret_key_by_master, std::vector<std::uint8_t>{7});
    EXPECT_FALSE(d->find_account("bob@example.test"));
    EXPECT_THROW(d->add_account(account("alice@example.test")), Error);
    EXPECT_THROW(d->add_account(account("x@unknown.test")), Error);
}

TEST(SqliteDirectory, SurvivesReopenAndRejectsSqlInjectionAsData) {
    TempDir dir;
    {
        auto d = open_sqlite_directory(dir / "d.db");
        d->add_domain("example.test");
        d->add_account(account("o'brien@example.test"));
    }
    auto d = open_sqlite_directory(dir / "d.db");
    EXPECT_TRUE(d->find_account("o'brien@example.test"));
    EXPECT_FALSE(d->find_account("' OR '1'='1"));
    EXPECT_EQ(d->accounts(std::nullopt).size(), 1u);
}

TEST(SqliteDirectory, QuotaReservationNeverOvershootsUnderConcurrency) {
    TempDir dir;
    auto d = open_sqlite_directory(dir / "d.db");
    d->add_domain("example.test");
    auto a = d->add_account(account("alice@example.test", 1000));
    std::atomic<int> granted{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 10; ++i) {
                granted += d->reserve_quota(a.id, 60) ? 1 : 0;
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    EXPECT_EQ(granted.load(), 16);
    EXPECT_EQ(d->find_account("alice@example.test")->used_bytes, 960);
    d->release_quota(a.id, 2000);
    EXPECT_EQ(d->find_account("alice@example.test")->used_bytes, 0);
}

TEST(SqliteDirectory, AliasesAndCatchAll) {
    TempDir dir;
    auto d = open_sqlite_directory(dir / "d.db");
    d->add_domain("example.test");
    d->add_domain("other.test");
    d->add_alias({"info@example.test", "alice@example.test"});
    d->add_alias({"info@example.test", "bob@example.test"});
    d->add_alias({"@other.test", "alice@example.test"});
    EXPECT_THROW(d->add_alias({"info@example.test", "bob@example.test"}), Error);
    EXPECT_EQ(d->alias_targets("info@example.test"),
              (std::vector<std::string>{"alice@example.test", "bob@example.test"}));
    EXPECT_EQ(d->aliases(std::string_view("other.test")).size(), 1u);
    d->remove_alias("info@example.test", "bob@example.test");
    EXPECT_EQ(d->alias_targets("info@example.test").size(), 1u);
    d->remove_alias("info@example.test", "");
    EXPECT_TRUE(d->alias_targets("info@example.test").empty());
    EXPECT_THROW(d->remove_alias("info@example.test", ""), Error);
    EXPECT_THROW(d->remove_domain("other.test"), Error);
}

}  // namespace
}  // namespace sealbox::store
