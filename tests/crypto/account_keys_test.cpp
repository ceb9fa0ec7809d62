#include "crypto/account_keys.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include "core/error.h"
#include "crypto/aead.h"

namespace sealbox::crypto {
namespace {

// Cheap Argon2id parameters: the tests exercise the hierarchy, not the cost.
const PasswordHashParams kFast{1, 8u << 20};

std::span<const std::uint8_t> bytes_of(std::string_view s) {
    return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

void expect_auth_failed(auto&& fn) {
    try {
        fn();
        FAIL() << "expected auth_failed";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::auth_failed) << e.what();
    }
}

TEST(AccountKeys, PasswordUnlocksTheSameMasterKeyAndKeyPair) {
    auto created = create_account_keys("correct horse", kFast, "acct1");
    auto a = unlock_with_password(created.wrapped, "correct horse", "acct1");
    auto b = unlock_with_password(created.wrapped, "correct horse", "acct1");
    EXPECT_TRUE(equal(a.master.bytes(), b.master.bytes()));
    EXPECT_EQ(a.master.size(), 32u);
    EXPECT_EQ(a.public_key, created.wrapped.public_key);
    std::vector<std::uint8_t> derived(crypto_box_PUBLICKEYBYTES);
    crypto_scalarmult_base(derived.data(), a.secret_key.data());
    EXPECT_EQ(derived, created.wrapped.public_key);
}

TEST(AccountKeys, WrongPasswordFails) {
    auto created = create_account_keys("correct horse", kFast, "acct1");
    expect_auth_failed([&] { unlock_with_password(created.wrapped, "correct horsf", "acct1"); });
    expect_auth_failed([&] { unlock_with_password(created.wrapped, "", "acct1"); });
}

TEST(AccountKeys, WrappedKeysDoNotOpenForAnotherAccount) {
    auto created = create_account_keys("pw", kFast, "acct1");
    expect_auth_failed([&] { unlock_with_password(created.wrapped, "pw", "acct2"); });
    expect_auth_failed(
        [&] { unlock_with_recovery_key(created.wrapped, created.recovery_key, "acct2"); });
}

TEST(AccountKeys, RecoveryKeyUnlocksAndToleratesCaseAndSpacing) {
    auto created = create_account_keys("pw", kFast, "acct1");
    auto by_password = unlock_with_password(created.wrapped, "pw", "acct1");
    auto by_recovery = unlock_with_recovery_key(created.wrapped, created.recovery_key, "acct1");
    EXPECT_TRUE(equal(by_password.master.bytes(), by_recovery.master.bytes()));

    std::string sloppy;
    for (char c : created.recovery_key) {
        sloppy += c == '-' ? ' ' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    EXPECT_NO_THROW(unlock_with_recovery_key(created.wrapped, sloppy, "acct1"));
}

TEST(AccountKeys, DamagedRecoveryKeyFails) {
    auto created = create_account_keys("pw", kFast, "acct1");
    std::string wrong = created.recovery_key;
    wrong[0] = wrong[0] == 'A' ? 'B' : 'A';
    expect_auth_failed([&] { unlock_with_recovery_key(created.wrapped, wrong, "acct1"); });
    expect_auth_failed([&] { unlock_with_recovery_key(created.wrapped, "ABCD-!", "acct1"); });
    expect_auth_failed([&] {
        unlock_with_recovery_key(created.wrapped, created.recovery_key.substr(5), "acct1");
    });
    expect_auth_failed([&] {
        unlock_with_recovery_key(created.wrapped, created.recovery_key + "AAAA", "acct1");
    });
}

TEST(AccountKeys, RewrapChangesPasswordButNotTheMasterKey) {
    auto created = create_account_keys("old", kFast, "acct1");
    auto unlocked = unlock_with_password(created.wrapped, "old", "acct1");
    auto old_salt = created.wrapped.password_salt;
    rewrap_for_password(created.wrapped, unlocked, "new", kFast, "acct1");
    EXPECT_NE(created.wrapped.password_salt, old_salt);
    expect_auth_failed([&] { unlock_with_password(created.wrapped, "old", "acct1"); });
    auto again = unlock_with_password(created.wrapped, "new", "acct1");
    EXPECT_TRUE(equal(again.master.bytes(), unlocked.master.bytes()));
    // The recovery key still works after a password change.
    EXPECT_NO_THROW(unlock_with_recovery_key(created.wrapped, created.recovery_key, "acct1"));
}

TEST(AccountKeys, TamperedWrappingFails) {
    auto created = create_account_keys("pw", kFast, "acct1");
    created.wrapped.master_by_password[30] ^= 1;
    expect_auth_failed([&] { unlock_with_password(created.wrapped, "pw", "acct1"); });
    auto again = create_account_keys("pw", kFast, "acct1");
    again.wrapped.secret_key_by_master.back() ^= 0x80;
    expect_auth_failed([&] { unlock_with_password(again.wrapped, "pw", "acct1"); });
}

TEST(AccountKeys, MailboxKeyIsDerivedNotTheMasterKey) {
    auto created = create_account_keys("pw", kFast, "acct1");
    auto unlocked = unlock_with_password(created.wrapped, "pw", "acct1");
    auto k1 = unlocked.mailbox_database_key();
    EXPECT_EQ(k1.size(), 32u);
    EXPECT_FALSE(equal(k1.bytes(), unlocked.master.bytes()));
    EXPECT_TRUE(equal(k1.bytes(), unlocked.mailbox_database_key().bytes()));
}

TEST(SealToPublicKey, OnlyTheSecretKeyOpensAndContextIsBound) {
    auto created = create_account_keys("pw", kFast, "acct1");
    auto unlocked = unlock_with_password(created.wrapped, "pw", "acct1");
    auto sealed = seal_to_public_key(created.wrapped.public_key, bytes_of("hello"), "spool/1");
    auto opened = open_from_public_key(unlocked.public_key, unlocked.secret_key, sealed, "spool/1");
    EXPECT_EQ(std::string(opened.begin(), opened.end()), "hello");
    expect_auth_failed(
        [&] { open_from_public_key(unlocked.public_key, unlocked.secret_key, sealed, "spool/2"); });

    auto other = create_account_keys("pw", kFast, "acct2");
    auto other_unlocked = unlock_with_password(other.wrapped, "pw", "acct2");
    expect_auth_failed([&] {
        open_from_public_key(other_unlocked.public_key, other_unlocked.secret_key, sealed, "spool/1");
    });
    for (std::size_t i : {std::size_t{0}, std::size_t{85}, sealed.size() - 1}) {
        auto bad = sealed;
        bad[i] ^= 1;
        expect_auth_failed(
            [&] { open_from_public_key(unlocked.public_key, unlocked.secret_key, bad, "spool/1"); });
    }
    expect_auth_failed([&] {
        open_from_public_key(unlocked.public_key, unlocked.secret_key,
                             std::span(sealed).first(40), "spool/1");
    });
}

TEST(SecretBytes, MoveLeavesSourceEmpty) {
    SecretBytes a = SecretBytes::random(32);
    SecretBytes b = std::move(a);
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the moved-from state is the point
    EXPECT_EQ(b.size(), 32u);
}

TEST(AccountIds, AreRandomHex) {
    auto a = new_account_id();
    EXPECT_EQ(a.size(), 32u);
    EXPECT_NE(a, new_account_id());
    EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace sealbox::crypto
