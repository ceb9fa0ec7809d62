#include "store/spool.h"

#include <gtest/gtest.h>

#include <fstream>

#include "core/error.h"
#include "support/temp_dir.h"

namespace sealbox::store {
namespace {

using sealbox::testing::TempDir;

const crypto::PasswordHashParams kFast{1, 8u << 20};

class SpoolTest : public ::testing::Test {
protected:
    SpoolTest()
        : created_(crypto::create_account_keys("pw", kFast, "acct")),
          keys_(crypto::unlock_with_password(created_.wrapped, "pw", "acct")),
          spool_(dir_ / "spool", "acct") {}

    TempDir dir_;
    crypto::NewAccountKeys created_;
    crypto::UnlockedKeys keys_;
    Spool spool_;
};

TEST_F(SpoolTest, RoundTripInArrivalOrder) {
    std::vector<std::string> names;
    for (int i = 0; i < 20; ++i) {
        names.push_back(spool_.append(created_.wrapped.public_key,
                                      {"INBOX", 1000 + i, {1, 2, 3}, "message " + std::to_string(i)}));
    }
    EXPECT_EQ(spool_.pending(), names);
    auto entry = spool_.open(names[7], keys_);
    EXPECT_EQ(entry.raw, "message 7");
    EXPECT_EQ(entry.internal_date, 1007);
    EXPECT_EQ(entry.mailbox, "INBOX");
    EXPECT_EQ(entry.summary, (std::vector<std::uint8_t>{1, 2, 3}));
    spool_.remove({names[0], names[1]});
    EXPECT_EQ(spool_.pending().size(), 18u);
}

TEST_F(SpoolTest, EntryRenamedOrFromAnotherAccountFailsAuthentication) {
    auto name = spool_.append(created_.wrapped.public_key, {"INBOX", 1, {}, "hello"});
    // Another arrival time: the last digit of the 20-digit timestamp.
    auto renamed = name;
    renamed[19] = renamed[19] == '0' ? '1' : '0';
    std::filesystem::rename(dir_ / "spool" / name, dir_ / "spool" / renamed);
    try {
        spool_.open(renamed, keys_);
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::corrupt);
        EXPECT_NE(std::string(e.what()).find(renamed), std::string::npos);
    }
    Spool other(dir_ / "spool", "another-account");
    EXPECT_THROW(other.open(renamed, keys_), Error);
}

TEST_F(SpoolTest, TruncatedOrForeignFilesAreCorruptNotCrashes) {
    auto name = spool_.append(created_.wrapped.public_key, {"INBOX", 1, {}, "hello"});
    auto path = dir_ / "spool" / name;
    auto size = std::filesystem::file_size(path);
    for (std::uintmax_t keep : {std::uintmax_t{0}, std::uintmax_t{5}, std::uintmax_t{40}, size - 1}) {
        std::filesystem::resize_file(path, keep);
        EXPECT_THROW(spool_.open(name, keys_), Error) << keep;
    }
}

TEST_F(SpoolTest, TemporaryFilesOfAnInterruptedWriteAreNotPending) {
    std::filesystem::create_directories(dir_ / "spool");
    std::ofstream(dir_ / "spool" / ".00000000000000000001-00000000.sealed.tmp") << "partial";
    EXPECT_TRUE(spool_.pending().empty());
}

}  // namespace
}  // namespace sealbox::store
