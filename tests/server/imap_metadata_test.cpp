// imap::Account's RFC 5464 annotations over the real store: all or nothing, the limits, and
// /private/specialuse from the folder's special use.

#include <gtest/gtest.h>

#include "core/error.h"
#include "server/imap_mail_service.h"
#include "support/temp_dir.h"

namespace sealbox::server {
namespace {

using imap::MetadataEntry;
using imap::MetadataResult;
using sealbox::testing::TempDir;
using Entries = std::vector<MetadataEntry>;

class ImapMetadataTest : public ::testing::Test {
  protected:
    ImapMetadataTest() {
        store::StoreOptions options;
        options.data_dir = dir_.path();
        options.password_params = {1, 8u << 20};
        store_ = std::make_unique<store::MailStore>(
            store::open_sqlite_directory(dir_ / "sealbox.db"), options);
        store_->add_domain("example.test");
        store_->create_account("alice@example.test", "pw-alice");
        service_ = std::make_unique<StoreImapService>(*store_);
        account_ = service_->login("alice@example.test", "pw-alice");
    }

    MetadataResult set(std::string_view mailbox, Entries entries,
                       imap::MetadataLimits limits = {}) {
        return account_->set_metadata(mailbox, entries, limits);
    }

    TempDir dir_;
    std::unique_ptr<store::MailStore> store_;
    std::unique_ptr<StoreImapService> service_;
    std::unique_ptr<imap::Account> account_;
};

TEST_F(ImapMetadataTest, SetGetRemoveAndSpecialUse) {
    ASSERT_TRUE(account_);
    EXPECT_EQ(set("Trash", {{"/private/comment", "bin"}, {"/shared/x", std::string("\0", 1)}}),
              MetadataResult::done);
    EXPECT_EQ(account_->metadata("Trash"), (Entries{{"/private/comment", "bin"},
                                                    {"/private/specialuse", "\\Trash"},
                                                    {"/shared/x", std::string("\0", 1)}}));
    EXPECT_EQ(set("Trash", {{"/private/comment", std::nullopt}}), MetadataResult::done);
    EXPECT_EQ(account_->metadata("Trash"),
              (Entries{{"/private/specialuse", "\\Trash"}, {"/shared/x", std::string("\0", 1)}}));
    EXPECT_TRUE(account_->metadata("").empty());
    EXPECT_TRUE(account_->metadata("INBOX").empty());

    EXPECT_THROW(set("Trash", {{"/private/specialuse", "\\Junk"}}), Error);
    EXPECT_EQ(set("", {{"/private/specialuse", "anything"}}), MetadataResult::done);
    try {
        account_->metadata("Nope");
        ADD_FAILURE();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::not_found);
    }
    // A second login (another session) reads the same store.
    auto again = service_->login("alice@example.test", "pw-alice");
    EXPECT_EQ(again->metadata("").size(), 1u);
}

TEST_F(ImapMetadataTest, LimitsRefuseTheWholeCommand) {  // RFC 5464 §4.3
    imap::MetadataLimits limits;
    limits.max_entries = 2;
    limits.max_total_bytes = 10;
    account_->create("Notes", "");
    EXPECT_EQ(set("INBOX", {{"/shared/a", "1"}, {"/shared/b", "2"}, {"/shared/c", "3"}}, limits),
              MetadataResult::too_many);
    EXPECT_TRUE(account_->metadata("INBOX").empty());
    EXPECT_EQ(set("INBOX", {{"/shared/a", "1"}, {"/shared/b", "2"}}, limits), MetadataResult::done);
    EXPECT_EQ(set("INBOX", {{"/shared/a", std::nullopt}, {"/shared/c", "3"}}, limits),
              MetadataResult::done);
    EXPECT_EQ(set("Notes", {{"/shared/a", "12345678"}, {"/shared/b", "9"}}, limits),
              MetadataResult::too_large);
    EXPECT_TRUE(account_->metadata("Notes").empty());
    EXPECT_EQ(set("Notes", {{"/shared/a", "12345678"}}, limits), MetadataResult::done);
    // Over the limits already (they were lowered): removing still works, growing does not.
    limits.max_total_bytes = 5;
    EXPECT_EQ(set("Notes", {{"/shared/a", "123456789"}}, limits), MetadataResult::too_large);
    EXPECT_EQ(set("Notes", {{"/shared/a", "1234"}}, limits), MetadataResult::done);
    EXPECT_EQ(account_->metadata("Notes"), (Entries{{"/shared/a", "1234"}}));
}

}  // namespace
}  // namespace sealbox::server
