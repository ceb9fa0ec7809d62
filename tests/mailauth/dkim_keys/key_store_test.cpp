#include "mailauth/dkim_keys/key_store.h"

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "core/error.h"
#include "mailauth/dkim/key_record.h"
#include "support/temp_dir.h"

namespace sealbox::mailauth::dkim_keys {
namespace {

constexpr std::int64_t kNov2023 = 1700000000;  // 2023-11-14 UTC

crypto::SecretBytes key_of(std::uint8_t fill) {
    crypto::SecretBytes key(32);
    for (auto& b : key.mutable_bytes()) {
        b = fill;
    }
    return key;
}

// Every byte SQLite wrote for the store: the database and its WAL.
std::string bytes_on_disk(const std::filesystem::path& dir) {
    std::string all;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
        std::ifstream in(entry.path(), std::ios::binary);
        all.append(std::istreambuf_iterator<char>(in), {});
    }
    return all;
}

std::string as_text(const crypto::SecretBytes& bytes) {
    return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// A signature made with the key verifies under the published record: the key is one DKIM can
// sign with, and the record matches it.
void expect_signs_for_record(const SignerKey& signer, const DkimKey& published) {
    auto record = dkim::parse_key_record(published.txt_record());
    ASSERT_TRUE(record.record) << record.error;
    std::string error;
    auto pub =
        dkim::PublicKey::from_record(record.record->key_type, record.record->public_key, error);
    ASSERT_TRUE(pub) << error;
    dkim::Sha256 digest{};
    digest[0] = 42;
    EXPECT_TRUE(pub->verify(digest, signer.key.sign(digest))) << published.selector;
}

class KeyStoreTest : public ::testing::Test {
  protected:
    testing::TempDir dir;
    std::filesystem::path path = dir / "dkim.db";
};

TEST_F(KeyStoreTest, GenerateMakesAnActiveRsaAndEd25519KeyWithMonthlySelectors) {
    KeyStore store(path, key_of(1));
    auto keys = store.generate("Example.ORG", kNov2023);
    ASSERT_EQ(keys.size(), 2u);
    EXPECT_EQ(keys[0].domain, "example.org");
    EXPECT_EQ(keys[0].selector, "sb202311r");
    EXPECT_EQ(keys[0].algorithm(), "rsa-sha256");
    EXPECT_EQ(keys[0].record_name(), "sb202311r._domainkey.example.org");
    EXPECT_TRUE(keys[0].txt_record().starts_with("v=DKIM1; k=rsa; p=MIIBIjAN"));  // 2048-bit SPKI
    EXPECT_EQ(keys[1].selector, "sb202311e");
    EXPECT_EQ(keys[1].algorithm(), "ed25519-sha256");
    EXPECT_EQ(keys[1].public_key.size(), 32u);  // RFC 8463 §4.2: the raw key
    EXPECT_TRUE(keys[1].txt_record().starts_with("v=DKIM1; k=ed25519; p="));

    auto active = store.active_keys("example.org");
    ASSERT_EQ(active.size(), 2u);
    EXPECT_EQ(active[0].selector, "sb202311r");
    EXPECT_EQ(active[0].key.type(), dkim::KeyType::rsa);
    EXPECT_EQ(active[1].selector, "sb202311e");
    EXPECT_EQ(active[1].key.type(), dkim::KeyType::ed25519);
    expect_signs_for_record(active[0], keys[0]);
    expect_signs_for_record(active[1], keys[1]);

    EXPECT_EQ(store.list("example.org").size(), 2u);
    EXPECT_TRUE(store.list("other.org").empty());
    EXPECT_TRUE(store.active_keys("other.org").empty());
}

TEST_F(KeyStoreTest, GenerateRefusesADomainThatHasKeys) {
    KeyStore store(path, key_of(1));
    store.generate("example.org", kNov2023);
    try {
        store.generate("example.org", kNov2023);
        FAIL() << "a second generate succeeded";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::already_exists);
    }
    EXPECT_EQ(store.list("example.org").size(), 2u);
}

TEST_F(KeyStoreTest, RotateRetiresTheOldPairAndKeepsItUntilRemoved) {
    KeyStore store(path, key_of(1));
    EXPECT_THROW(store.rotate("example.org", kNov2023), Error);
    auto first = store.generate("example.org", kNov2023);
    auto second = store.rotate("example.org", kNov2023);  // same month: a new selector still
    ASSERT_EQ(second.size(), 2u);
    EXPECT_EQ(second[0].selector, "sb202311r2");
    EXPECT_EQ(second[1].selector, "sb202311e2");
    auto third = store.rotate("example.org", kNov2023 + 31 * 86400);
    EXPECT_EQ(third[0].selector, "sb202312r");

    auto all = store.list("example.org");
    ASSERT_EQ(all.size(), 6u);
    EXPECT_EQ(all[0].selector, "sb202311r");
    EXPECT_EQ(all[0].state, KeyState::retired);
    EXPECT_EQ(all[2].state, KeyState::retired);
    EXPECT_EQ(all[4].selector, "sb202312r");
    EXPECT_EQ(all[4].state, KeyState::active);
    auto active = store.active_keys("example.org");
    ASSERT_EQ(active.size(), 2u);
    EXPECT_EQ(active[0].selector, "sb202312r");
    EXPECT_EQ(active[1].selector, "sb202312e");

    store.remove("example.org", "sb202311r");
    EXPECT_EQ(store.list("example.org").size(), 5u);
    EXPECT_THROW(store.remove("example.org", "sb202312r"), Error);  // active: not removable
    EXPECT_THROW(store.remove("example.org", "nosuch"), Error);
}

TEST_F(KeyStoreTest, PrivateKeysAreEncryptedAtRestAndNeedTheServerKey) {
    std::string rsa_private;
    std::string ed25519_seed;
    {
        KeyStore store(path, key_of(1));
        store.generate("example.org", kNov2023);
        auto active = store.active_keys("example.org");
        rsa_private = as_text(active[0].key.private_key());
        ed25519_seed = as_text(active[1].key.private_key());
    }
    ASSERT_NE(rsa_private.find("BEGIN PRIVATE KEY"), std::string::npos);  // PKCS#8 PEM
    ASSERT_EQ(ed25519_seed.size(), 32u);

    auto disk = bytes_on_disk(dir.path());
    ASSERT_FALSE(disk.empty());
    EXPECT_EQ(disk.find("PRIVATE KEY"), std::string::npos);
    EXPECT_EQ(disk.find(ed25519_seed), std::string::npos);
    // A line of the PEM's base64 body, i.e. a piece of the key itself.
    auto body_line = rsa_private.substr(rsa_private.find('\n') + 1, 64);
    EXPECT_EQ(disk.find(body_line), std::string::npos);
    EXPECT_EQ(disk.find("example.org"), std::string::npos);

    {
        KeyStore reopened(path, key_of(1));
        auto active = reopened.active_keys("example.org");
        ASSERT_EQ(active.size(), 2u);
        EXPECT_EQ(as_text(active[0].key.private_key()), rsa_private);
        EXPECT_EQ(as_text(active[1].key.private_key()), ed25519_seed);
    }
    EXPECT_THROW(
        {
            KeyStore wrong(path, key_of(2));
            wrong.active_keys("example.org");
        },
        Error);
}

}  // namespace
}  // namespace sealbox::mailauth::dkim_keys
