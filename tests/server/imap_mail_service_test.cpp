#include "server/imap_mail_service.h"

#include <gtest/gtest.h>

#include <atomic>

#include "core/error.h"
#include "support/temp_dir.h"

namespace sealbox::server {
namespace {

using sealbox::testing::TempDir;
using Uids = std::vector<imap::Uid>;
using Kind = imap::SearchKey::Kind;

std::string message(const std::string& id, const std::string& body,
                    const std::string& extra_headers = "") {
    return "From: Bob <bob@remote.test>\r\nTo: alice@example.test\r\nSubject: about " + id +
           "\r\nMessage-ID: <" + id + "@remote.test>\r\n" + extra_headers + "\r\n" + body + "\r\n";
}

imap::SearchKey key(Kind kind, std::string value = {}) {
    imap::SearchKey k;
    k.kind = kind;
    k.value = std::move(value);
    return k;
}

imap::SearchKey all_of(std::vector<imap::SearchKey> children) {
    imap::SearchKey k;
    k.kind = Kind::all_of;
    k.children = std::move(children);
    return k;
}

// Every message of the mailbox with its metadata, by UID, as a FETCH would read them.
std::vector<imap::MessageMeta> metas(imap::Account& account, std::string_view mailbox) {
    std::vector<imap::MessageMeta> out;
    auto view = account.view(mailbox);
    for (auto& content : account.contents(mailbox, view.uids, imap::Content::meta)) {
        out.push_back(std::move(content.meta));
    }
    return out;
}

class ImapMailServiceTest : public ::testing::Test {
  protected:
    ImapMailServiceTest() {
        store::StoreOptions options;
        options.data_dir = dir_.path();
        options.password_params = {1, 8u << 20};
        options.max_message_bytes = 1 << 20;
        store_ = std::make_unique<store::MailStore>(
            store::open_sqlite_directory(dir_ / "sealbox.db"), options);
        store_->add_domain("example.test");
        store_->create_account("alice@example.test", "pw-alice", 4000);
        service_ = std::make_unique<StoreImapService>(*store_);
    }

    std::unique_ptr<imap::Account> login() {
        auto account = service_->login("alice@example.test", "pw-alice");
        EXPECT_TRUE(account);
        return account;
    }

    imap::Uid append(imap::Account& account, const std::string& raw,
                     std::vector<std::string> flags = {}) {
        return account.append("INBOX", std::vector<imap::NewMessage>{{raw, flags, std::nullopt}})
            .uids.at(0);
    }

    TempDir dir_;
    std::unique_ptr<store::MailStore> store_;
    std::unique_ptr<StoreImapService> service_;
};

TEST_F(ImapMailServiceTest, WrongPasswordGivesNoAccount) {
    EXPECT_EQ(service_->login("alice@example.test", "wrong"), nullptr);
    EXPECT_EQ(service_->login("nobody@example.test", "pw-alice"), nullptr);
    EXPECT_EQ(service_->append_limit(), 1u << 20);
}

TEST_F(ImapMailServiceTest, AppendKeepsFlagsAndRefusesOverQuota) {
    auto account = login();
    std::vector<std::string> flags{"\\Seen", "$Label1", "\\Recent"};
    const std::string hi = message("a", "hi");
    auto result = account->append("INBOX", std::vector<imap::NewMessage>{{hi, flags, 1700000000}});
    EXPECT_EQ(result.uids, std::vector<imap::Uid>{1});
    EXPECT_EQ(result.uid_validity, account->status("INBOX").uid_validity);
    auto meta = metas(*account, "INBOX");
    ASSERT_EQ(meta.size(), 1u);
    EXPECT_EQ(meta[0].flags, (std::vector<std::string>{"\\Seen", "$Label1"}));
    EXPECT_EQ(meta[0].internal_date, 1700000000);
    EXPECT_EQ(account->quota().limit, 4000u);
    EXPECT_EQ(account->quota().used, meta[0].size);

    try {
        append(*account, message("big", std::string(5000, 'x')));
        ADD_FAILURE() << "appended over quota";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::quota_exceeded);
    }
    EXPECT_EQ(metas(*account, "INBOX").size(), 1u);
    std::vector<std::string> bad{"\\Bogus"};
    EXPECT_THROW(append(*account, message("b", "x"), bad), Error);
    try {
        const std::string c = message("c", "x");
        account->append("Nope", std::vector<imap::NewMessage>{{c, {}, std::nullopt}});
        ADD_FAILURE() << "appended to a mailbox that does not exist";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);  // the session answers NO [TRYCREATE]
    }

    // MULTIAPPEND (RFC 3502 §6): two messages that each fit but not together add neither.
    const std::string half1 = message("half1", std::string(2500, 'y'));
    const std::string half2 = message("half2", std::string(2500, 'z'));
    try {
        account->append("INBOX", std::vector<imap::NewMessage>{{half1, {}, std::nullopt},
                                                               {half2, {}, std::nullopt}});
        ADD_FAILURE() << "appended two messages over quota";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::quota_exceeded);
    }
    EXPECT_EQ(metas(*account, "INBOX").size(), 1u);
    EXPECT_EQ(account->quota().used, meta[0].size);

    // Expunging gives the room back.
    std::vector<std::string> deleted{"\\Deleted"};
    account->store("INBOX", Uids{1}, imap::FlagMode::add, deleted, std::nullopt);
    EXPECT_EQ(account->expunge("INBOX", std::nullopt), Uids{1});
    EXPECT_EQ(account->quota().used, 0u);
}

TEST_F(ImapMailServiceTest, StatusAndObjectIds) {
    auto account = login();
    append(*account, message("root", "x"), {"\\Seen"});
    append(*account, message("reply", "x", "In-Reply-To: <root@remote.test>\r\n"));
    append(*account, message("other", "x"));
    auto status = account->status("INBOX");
    EXPECT_EQ(status.messages, 3u);
    EXPECT_EQ(status.unseen, 2u);
    EXPECT_EQ(status.uid_next, 4u);
    EXPECT_GT(status.size, 0u);
    account->rename("Archive", "Old Archive");
    auto archive_id = account->status("Old Archive").mailbox_id;
    EXPECT_FALSE(archive_id.empty());
    EXPECT_NE(archive_id, status.mailbox_id);

    auto meta = metas(*account, "INBOX");
    EXPECT_EQ(meta[1].thread_id, meta[0].thread_id);
    EXPECT_NE(meta[2].thread_id, meta[0].thread_id);
    auto copied = account->copy("INBOX", Uids{1}, "Old Archive", false);
    EXPECT_EQ(copied.target, Uids{1});
    auto copy = metas(*account, "Old Archive");
    EXPECT_EQ(copy[0].email_id, meta[0].email_id);
    EXPECT_EQ(copy[0].thread_id, meta[0].thread_id);
    EXPECT_EQ(account->status("Old Archive").mailbox_id, archive_id);
}

// What SELECT answers from: UIDs, the flags in use (each once) and the first unseen message.
TEST_F(ImapMailServiceTest, ViewHasUidsFlagsInUseAndFirstUnseen) {
    auto account = login();
    EXPECT_EQ(account->view("INBOX").uids, Uids{});
    append(*account, message("a", "x"), {"\\Seen", "$Label1"});
    append(*account, message("b", "x"), {"\\Flagged", "$Label1", "Work"});
    append(*account, message("c", "x"));
    auto view = account->view("INBOX");
    EXPECT_EQ(view.uids, (Uids{1, 2, 3}));
    EXPECT_EQ(view.first_unseen, 2u);
    EXPECT_EQ(view.flags, (std::vector<std::string>{"\\Seen", "\\Flagged", "$Label1", "Work"}));
    std::vector<std::string> seen{"\\Seen"};
    account->store("INBOX", Uids{2, 3}, imap::FlagMode::add, seen, std::nullopt);
    EXPECT_FALSE(account->view("INBOX").first_unseen);
}

TEST_F(ImapMailServiceTest, HeaderContentIsOnlyTheHeader) {
    auto account = login();
    std::string raw = message("a", "the body text");
    append(*account, raw);
    auto header = account->contents("INBOX", Uids{1, 7}, imap::Content::header);
    ASSERT_EQ(header.size(), 1u);
    EXPECT_EQ(header[0].raw, raw.substr(0, raw.find("\r\n\r\n") + 4));
    EXPECT_EQ(header[0].summary.envelope.subject, "about a");
    EXPECT_EQ(account->contents("INBOX", Uids{1}, imap::Content::full)[0].raw, raw);
    EXPECT_TRUE(account->contents("INBOX", Uids{1}, imap::Content::summary)[0].raw.empty());
}

TEST_F(ImapMailServiceTest, WatchHearsDeliveriesAndOtherSessions) {
    auto watcher = login();
    auto other = login();
    std::atomic<int> changes = 0;
    auto watch = watcher->watch([&] { ++changes; });
    auto results = store_->deliver(message("d", "x"), {"alice@example.test"});
    ASSERT_TRUE(results[0].delivered) << results[0].message;
    EXPECT_EQ(changes.load(), 1);  // before deliver() returned: no polling delay at all

    std::vector<std::string> seen{"\\Seen"};
    other->store("INBOX", Uids{1}, imap::FlagMode::add, seen, std::nullopt);
    EXPECT_EQ(changes.load(), 2);
    other->store("INBOX", Uids{1}, imap::FlagMode::add, seen, std::nullopt);  // no change
    EXPECT_EQ(changes.load(), 2);
    auto changed = watcher->changes_since("INBOX", 0);
    ASSERT_EQ(changed.changed.size(), 1u);
    EXPECT_EQ(changed.changed[0].flags, seen);

    watch.reset();
    other->create("New", "");
    EXPECT_EQ(changes.load(), 2);
}

TEST_F(ImapMailServiceTest, SearchCombinesIndexAndPerMessageKeys) {
    auto account = login();
    append(*account, message("one", "Meeting about the budget"), {"\\Seen"});
    append(*account, message("two", "lunch plans"));
    append(*account, message("three", "The BUDGET is late"), {"Urgent"});
    auto search = [&](const imap::SearchKey& k) { return account->search("INBOX", k); };
    EXPECT_EQ(search(key(Kind::body, "budget")), (Uids{1, 3}));
    EXPECT_EQ(search(all_of({key(Kind::body, "budget"), key(Kind::unseen)})), Uids{3});
    EXPECT_EQ(search(key(Kind::text, "about two")), Uids{2});
    EXPECT_EQ(search(key(Kind::subject, "THREE")), Uids{3});
    EXPECT_EQ(search(key(Kind::keyword, "urgent")), Uids{3});
    imap::SearchKey not_budget;
    not_budget.kind = Kind::negation;
    not_budget.children = {key(Kind::body, "budget")};
    EXPECT_EQ(search(not_budget), Uids{2});
    imap::SearchKey header = key(Kind::header, "two@remote");
    header.field = "MESSAGE-ID";
    EXPECT_EQ(search(header), Uids{2});
    EXPECT_EQ(search(key(Kind::all)), (Uids{1, 2, 3}));
}

}  // namespace
}  // namespace sealbox::server
