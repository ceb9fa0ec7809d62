#include "store/mail_store.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <future>
#include <thread>

#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;

std::string message(const std::string& subject, std::size_t body_bytes = 100) {
    return "From: Bob <bob@remote.test>\r\nTo: alice@example.test\r\nSubject: " + subject +
           "\r\nMessage-ID: <" + subject + "@remote.test>\r\n\r\n" + std::string(body_bytes, 'x') +
           "\r\n";
}

class MailStoreTest : public ::testing::Test {
  protected:
    MailStoreTest() { reopen(); }

    void reopen() {
        store_.reset();
        StoreOptions options;
        options.data_dir = dir_.path();
        options.password_params = {1, 8u << 20};
        options.unlock_idle = std::chrono::seconds(60);
        store_ = std::make_unique<MailStore>(open_sqlite_directory(dir_ / "sealbox.db"), options);
    }

    void SetUp() override {
        store_->add_domain("example.test");
        recovery_ = store_->create_account("alice@example.test", "pw-alice");
    }

    std::vector<std::string> subjects_in_inbox(AccountSession& session) {
        return session.account().with_store([](MailboxStore& s) {
            std::vector<std::string> out;
            for (const auto& m : s.messages("INBOX")) {
                std::string raw = s.read("INBOX", m.uid);
                auto start = raw.find("Subject: ") + 9;
                out.push_back(raw.substr(start, raw.find("\r\n", start) - start));
            }
            return out;
        });
    }

    std::filesystem::path spool_dir() {
        auto account = store_->directory().find_account("alice@example.test");
        return store_->account_dir(*account) / "spool";
    }

    std::size_t spool_files() {
        std::size_t n = 0;
        std::error_code ec;
        for (auto& e : std::filesystem::directory_iterator(spool_dir(), ec)) {
            n += e.path().extension() == ".sealed";
        }
        return n;
    }

    TempDir dir_;
    std::unique_ptr<MailStore> store_;
    std::string recovery_;
};

TEST_F(MailStoreTest, LockedDeliveryIsSpooledAndMergedInArrivalOrderAtLogin) {
    for (int i = 0; i < 5; ++i) {
        auto results = store_->deliver(message("m" + std::to_string(i)), {"alice@example.test"});
        ASSERT_EQ(results.size(), 1u);
        EXPECT_TRUE(results[0].delivered) << results[0].message;
    }
    EXPECT_EQ(spool_files(), 5u);
    auto session = store_->login("alice@example.test", "pw-alice");
    EXPECT_EQ(subjects_in_inbox(*session),
              (std::vector<std::string>{"m0", "m1", "m2", "m3", "m4"}));
    EXPECT_EQ(spool_files(), 0u);
}

TEST_F(MailStoreTest, UnlockedDeliveryGoesStraightToTheDatabase) {
    auto session = store_->login("alice@example.test", "pw-alice");
    auto results = store_->deliver(message("direct"), {"alice@example.test"});
    ASSERT_TRUE(results[0].delivered);
    EXPECT_EQ(spool_files(), 0u);
    EXPECT_EQ(subjects_in_inbox(*session), std::vector<std::string>{"direct"});
}

TEST_F(MailStoreTest, ReadersSeeEveryCommittedChangeWithoutWaitingForTheWriter) {
    auto session = store_->login("alice@example.test", "pw-alice");
    auto& account = session->account();
    auto inbox_size = [&] {
        return account.with_reader([](MailboxStore& s) { return s.messages("INBOX").size(); });
    };
    EXPECT_EQ(inbox_size(), 0u);
    ASSERT_TRUE(store_->deliver(message("first"), {"alice@example.test"})[0].delivered);
    EXPECT_EQ(inbox_size(), 1u);  // a reader kept from before sees the new commit

    // While the writer is held (as by a long COPY), a reader still answers, from the last
    // committed state.
    std::promise<void> writer_holds;
    std::promise<void> reader_done;
    std::thread writer([&] {
        account.with_store([&](MailboxStore&) {
            writer_holds.set_value();
            reader_done.get_future().wait();
            return 0;
        });
    });
    writer_holds.get_future().wait();
    auto read = std::async(std::launch::async, inbox_size);
    EXPECT_EQ(read.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    reader_done.set_value();
    EXPECT_EQ(read.get(), 1u);
    writer.join();

    // A reader cannot change anything, even by mistake.
    EXPECT_THROW(account.with_reader([](MailboxStore& s) {
        s.create_folder("Sneaky");
        return 0;
    }),
                 Error);
    EXPECT_FALSE(account.with_store([](MailboxStore& s) { return s.folder("Sneaky"); }));
}

TEST_F(MailStoreTest, MailSurvivesRestartAndIsReadableOnlyWithThePassword) {
    store_->deliver(message("persist"), {"alice@example.test"});
    { auto session = store_->login("alice@example.test", "pw-alice"); }
    reopen();
    EXPECT_THROW(store_->login("alice@example.test", "wrong"), Error);
    auto session = store_->login("alice@example.test", "pw-alice");
    EXPECT_EQ(subjects_in_inbox(*session), std::vector<std::string>{"persist"});
}

TEST_F(MailStoreTest, OneCopyPerAccountHoweverManyOfItsAddressesAreNamed) {
    store_->add_alias("al@example.test", "alice@example.test");
    auto results = store_->deliver(
        message("once"), {"alice@example.test", "ALICE@example.test", "alice@example.test"});
    EXPECT_EQ(results.size(), 1u);
    auto session = store_->login("alice@example.test", "pw-alice");
    EXPECT_EQ(subjects_in_inbox(*session).size(), 1u);
}

TEST_F(MailStoreTest, LoginFailuresLookTheSame) {
    auto message_of = [&](const std::string& address, const std::string& password) {
        try {
            store_->login(address, password);
        } catch (const Error& e) {
            EXPECT_EQ(e.code(), ErrorCode::auth_failed);
            return std::string(e.what());
        }
        return std::string("no error");
    };
    EXPECT_EQ(message_of("alice@example.test", "nope"), message_of("nobody@example.test", "nope"));
    EXPECT_EQ(message_of("alice@example.test", "nope"), message_of("not an address", "nope"));
}

TEST_F(MailStoreTest, PasswordChangeKeepsMailAndRecoveryKeyStillWorks) {
    store_->deliver(message("kept"), {"alice@example.test"});
    EXPECT_THROW(store_->change_password("alice@example.test", "wrong", "new"), Error);
    store_->change_password("alice@example.test", "pw-alice", "pw-new");
    EXPECT_THROW(store_->login("alice@example.test", "pw-alice"), Error);
    {
        auto session = store_->login("alice@example.test", "pw-new");
        EXPECT_EQ(subjects_in_inbox(*session), std::vector<std::string>{"kept"});
    }
    store_->recover_account("alice@example.test", recovery_, "pw-recovered");
    auto session = store_->login("alice@example.test", "pw-recovered");
    EXPECT_EQ(subjects_in_inbox(*session), std::vector<std::string>{"kept"});
}

TEST_F(MailStoreTest, AdministratorResetGivesAnEmptyMailboxAndANewRecoveryKey) {
    store_->deliver(message("old"), {"alice@example.test"});
    { auto session = store_->login("alice@example.test", "pw-alice"); }
    store_->deliver(message("spooled-old"), {"alice@example.test"});
    auto new_recovery = store_->reset_account("alice@example.test", "pw-reset");
    EXPECT_NE(new_recovery, recovery_);
    EXPECT_THROW(store_->recover_account("alice@example.test", recovery_, "x"), Error);
    auto session = store_->login("alice@example.test", "pw-reset");
    EXPECT_TRUE(subjects_in_inbox(*session).empty());
    EXPECT_EQ(store_->directory().find_account("alice@example.test")->used_bytes, 0);
}

TEST_F(MailStoreTest, QuotaIsEnforcedAtDelivery) {
    store_->create_account("small@example.test", "pw", 1000);
    auto ok = store_->deliver(message("fits", 500), {"small@example.test"});
    EXPECT_TRUE(ok[0].delivered);
    auto full = store_->deliver(message("too-much", 500), {"small@example.test"});
    EXPECT_FALSE(full[0].delivered);
    EXPECT_EQ(full[0].error, ErrorCode::quota_exceeded);
    // Usage is counted once even after the spool is merged at login.
    auto session = store_->login("small@example.test", "pw");
    auto account = store_->directory().find_account("small@example.test");
    EXPECT_EQ(account->used_bytes, static_cast<std::int64_t>(message("fits", 500).size()));
}

TEST_F(MailStoreTest, OversizeMessageIsRefused) {
    StoreOptions options = store_->options();
    options.max_message_bytes = 1000;
    MailStore small(open_sqlite_directory(dir_ / "sealbox.db"), options);
    auto results = small.deliver(message("big", 2000), {"alice@example.test"});
    EXPECT_FALSE(results[0].delivered);
    EXPECT_EQ(results[0].error, ErrorCode::invalid_argument);
}

TEST_F(MailStoreTest, ResolveFollowsAliasesPlusAddressingAndCatchAll) {
    store_->create_account("bob@example.test", "pw");
    store_->add_alias("team@example.test", "alice@example.test");
    store_->add_alias("team@example.test", "bob@example.test");
    store_->add_alias("team@example.test", "friend@elsewhere.test");
    auto team = store_->resolve("Team@Example.TEST");
    EXPECT_EQ(team.accounts, (std::vector<std::string>{"alice@example.test", "bob@example.test"}));
    EXPECT_EQ(team.external, std::vector<std::string>{"friend@elsewhere.test"});

    EXPECT_EQ(store_->resolve("alice+lists@example.test").accounts,
              std::vector<std::string>{"alice@example.test"});
    try {
        store_->resolve("nobody@example.test");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
    }
    store_->add_alias("@example.test", "bob@example.test");
    EXPECT_EQ(store_->resolve("nobody@example.test").accounts,
              std::vector<std::string>{"bob@example.test"});
    try {
        store_->resolve("x@not-ours.test");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::invalid_argument);
    }
}

TEST_F(MailStoreTest, AliasLoopsAndDanglingTargetsAreRefused) {
    EXPECT_THROW(store_->add_alias("a@example.test", "missing@example.test"), Error);
    store_->add_alias("a@example.test", "alice@example.test");
    EXPECT_THROW(store_->add_alias("alice@example.test", "a@example.test"), Error);
    EXPECT_THROW(store_->add_alias("x@unknown.test", "alice@example.test"), Error);
}

TEST_F(MailStoreTest, DomainWithAccountsCannotBeRemoved) {
    EXPECT_THROW(store_->remove_domain("example.test"), Error);
    store_->remove_account("alice@example.test");
    EXPECT_NO_THROW(store_->remove_domain("example.test"));
}

TEST_F(MailStoreTest, IdleAccountsAreLockedAndDeliveryFallsBackToTheSpool) {
    {
        auto session = store_->login("alice@example.test", "pw-alice");
        EXPECT_EQ(store_->unlocked_count(), 1u);
        EXPECT_EQ(store_->close_idle(std::chrono::steady_clock::now() + std::chrono::hours(1)), 0u);
    }
    EXPECT_EQ(store_->close_idle(std::chrono::steady_clock::now()), 0u);
    EXPECT_EQ(store_->close_idle(std::chrono::steady_clock::now() + std::chrono::seconds(61)), 1u);
    EXPECT_EQ(store_->unlocked_count(), 0u);
    store_->deliver(message("later"), {"alice@example.test"});
    EXPECT_EQ(spool_files(), 1u);
}

// The state a crash leaves after the merge transaction committed but before the spool files were
// removed: the files are still there and their names are recorded. The next merge must remove
// them without delivering them again.
TEST_F(MailStoreTest, MergeInterruptedBeforeSpoolCleanupDeliversNothingTwice) {
    for (int i = 0; i < 3; ++i) {
        store_->deliver(message("c" + std::to_string(i)), {"alice@example.test"});
    }
    TempDir saved;
    std::vector<std::string> names;
    for (auto& e : std::filesystem::directory_iterator(spool_dir())) {
        std::filesystem::copy(e.path(), saved.path() / e.path().filename());
        names.push_back(e.path().filename().string());
    }
    {
        auto session = store_->login("alice@example.test", "pw-alice");
        EXPECT_EQ(subjects_in_inbox(*session).size(), 3u);
    }
    reopen();
    for (auto& e : std::filesystem::directory_iterator(saved.path())) {
        std::filesystem::copy(e.path(), spool_dir() / e.path().filename());
    }
    {
        auto account = *store_->directory().find_account("alice@example.test");
        auto keys = crypto::unlock_with_password(account.keys, "pw-alice", account.key_id);
        MailboxStore mailbox(store_->mailbox_path(account), keys.mailbox_database_key(), "test");
        Transaction tx(mailbox.database());
        for (const auto& name : names) {
            mailbox.record_spool_entry(name);
        }
        tx.commit();
    }
    auto session = store_->login("alice@example.test", "pw-alice");
    EXPECT_EQ(subjects_in_inbox(*session), (std::vector<std::string>{"c0", "c1", "c2"}));
    EXPECT_EQ(spool_files(), 0u);
}

// kill -9 of a process in the middle of merging a large spool, at many different moments: every
// message ends up in the mailbox exactly once.
TEST_F(MailStoreTest, KilledMergeLosesAndDuplicatesNothing) {
    constexpr int kMessages = 150;
    for (int i = 0; i < kMessages; ++i) {
        store_->deliver(message("k" + std::to_string(i)), {"alice@example.test"});
    }
    reopen();
    for (int delay_ms : {0, 2, 5, 10, 20, 40, 80}) {
        pid_t child = fork();
        ASSERT_GE(child, 0);
        if (child == 0) {
            // The parent's handles belong to the parent: leak them rather than close them here.
            (void)store_.release();
            try {
                reopen();
                store_->login("alice@example.test", "pw-alice");
            } catch (...) {
            }
            _exit(0);
        }
        usleep(static_cast<useconds_t>(delay_ms) * 1000);
        kill(child, SIGKILL);
        int status = 0;
        waitpid(child, &status, 0);
    }
    reopen();
    auto session = store_->login("alice@example.test", "pw-alice");
    auto subjects = subjects_in_inbox(*session);
    ASSERT_EQ(subjects.size(), static_cast<std::size_t>(kMessages));
    for (int i = 0; i < kMessages; ++i) {
        EXPECT_EQ(subjects[static_cast<std::size_t>(i)], "k" + std::to_string(i));
    }
    EXPECT_EQ(spool_files(), 0u);
}

TEST_F(MailStoreTest, DamagedSpoolEntryIsSkippedAndKept) {
    store_->deliver(message("good1"), {"alice@example.test"});
    store_->deliver(message("bad"), {"alice@example.test"});
    store_->deliver(message("good2"), {"alice@example.test"});
    std::vector<std::filesystem::path> files;
    for (auto& e : std::filesystem::directory_iterator(spool_dir())) {
        files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    {
        std::fstream f(files[1], std::ios::in | std::ios::out | std::ios::binary);
        f.seekp(200);
        f.put('\x55');
    }
    auto session = store_->login("alice@example.test", "pw-alice");
    EXPECT_EQ(subjects_in_inbox(*session), (std::vector<std::string>{"good1", "good2"}));
    EXPECT_TRUE(std::filesystem::exists(files[1]));
}

}  // namespace
}  // namespace sealbox::store
