// RFC 6376 §5 signing, RFC 8463 Ed25519 signing, and the keys behind them.
#include "mailauth/dkim/sign.h"

#include <gtest/gtest.h>

#include "core/error.h"
#include "mailauth/dkim/signature.h"
#include "mailauth/dkim/test_support.h"
#include "mailauth/dkim/verify.h"
#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::dkim {
namespace {

using mailauth::testing::FakeDns;
using namespace dkim::testing;

constexpr std::int64_t now = 1700000000;

std::vector<std::string> lines_of(const std::string& field) {
    std::vector<std::string> lines;
    std::size_t at = 0;
    while (at < field.size()) {
        auto end = field.find("\r\n", at);
        lines.push_back(field.substr(at, end - at));
        at = end + 2;
    }
    return lines;
}

// §5.4 and the over-signing rule: listed once more than they occur.
TEST(DkimSign, HeadersToSign) {
    auto message = parse_message(
        "Received: from x\r\nFrom: a@example.org\r\nTo: b@example.net\r\nTo: c@example.net\r\n"
        "Subject: s\r\nList-Id: <l.example.org>\r\nList-Unsubscribe: <mailto:u@example.org>\r\n"
        "X-Mailer: m\r\nContent-Type: text/plain\r\nMIME-Version: 1.0\r\nList-: "
        "odd\r\n\r\nbody\r\n");
    EXPECT_EQ(headers_to_sign(message.headers),
              (std::vector<std::string>{"from", "from", "to", "to", "to", "cc", "subject",
                                        "subject", "date", "message-id", "reply-to", "list-id",
                                        "list-unsubscribe", "content-type", "mime-version"}));
}

TEST(DkimSign, FieldShape) {
    auto field = sign(parse_message(sample_message), rsa_key(),
                      {.domain = "example.org", .selector = "sel", .timestamp = now});
    ASSERT_TRUE(field.starts_with("DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;"));
    ASSERT_TRUE(field.ends_with("\r\n"));
    for (const auto& line : lines_of(field)) {
        EXPECT_LE(line.size(), 78u) << line;  // RFC 5322 §2.1.1
    }
    auto parsed = parse_signature(field.substr(field.find(':') + 1, field.size() - 17));
    ASSERT_TRUE(parsed.signature) << parsed.error;
    EXPECT_EQ(parsed.signature->timestamp, static_cast<std::uint64_t>(now));
    EXPECT_EQ(parsed.signature->domain, "example.org");
    EXPECT_EQ(parsed.signature->signed_headers.size(), 12u);  // 7 over-signed + 5 present
}

// A dual signature (RSA + Ed25519) is two calls; both verify.
TEST(DkimSign, DualSignatureVerifies) {
    auto message = std::string(sample_message);
    message = sign(parse_message(message), ed25519_key(),
                   {.domain = "example.org", .selector = "ed", .timestamp = now}) +
              message;
    message = sign(parse_message(message), rsa_key(),
                   {.domain = "example.org", .selector = "rsa", .timestamp = now}) +
              message;
    FakeDns dns;
    dns.add_txt("rsa._domainkey.example.org", rsa_key().key_record());
    dns.add_txt("ed._domainkey.example.org", ed25519_key().key_record());
    auto parsed = parse_message(message);
    auto results = mailauth::testing::run(verify(parsed, dns, {.now = now}));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].result, Result::pass) << results[0].reason;
    EXPECT_EQ(results[0].algorithm, "rsa-sha256");
    EXPECT_EQ(results[1].result, Result::pass) << results[1].reason;
    EXPECT_EQ(results[1].algorithm, "ed25519-sha256");
}

TEST(DkimSign, RefusesWhatCannotBeSigned) {
    auto no_from = parse_message("To: b@example.net\r\n\r\nbody\r\n");
    EXPECT_THROW(sign(no_from, rsa_key(), {.domain = "example.org", .selector = "s"}), Error);
    auto message = parse_message(sample_message);
    EXPECT_THROW(sign(message, rsa_key(), {.domain = "exa mple.org", .selector = "s"}), Error);
    EXPECT_THROW(sign(message, rsa_key(), {.domain = "example.org", .selector = ""}), Error);
}

// What key storage needs: private keys round-trip; the dkimpy test keys load and match their
// published records.
TEST(DkimKeys, PrivateKeysRoundTrip) {
    for (const auto* key : {&rsa_key(), &ed25519_key()}) {
        auto exported = key->private_key();
        auto again = SigningKey::from_private_key(key->type(), exported.bytes());
        EXPECT_EQ(again.public_key(), key->public_key());
    }
    auto rsa = from_text(KeyType::rsa, shared_file("test.private"));  // PKCS#1 PEM
    auto record = shared_file("test.txt");
    EXPECT_EQ(
        rsa.key_record().substr(rsa.key_record().find("p=")),
        record.substr(record.find("p="), record.find_last_not_of("\r\n") + 1 - record.find("p=")));
    auto seed = base64_decode(shared_file("rfc8032_7_1.key").substr(0, 44));
    ASSERT_TRUE(seed);
    auto ed = from_text(KeyType::ed25519, *seed);
    EXPECT_EQ(ed.key_record(),
              "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=");
    EXPECT_THROW(from_text(KeyType::rsa, "not a key"), Error);
    EXPECT_THROW(from_text(KeyType::ed25519, "short"), Error);
}

// §3.7 and §5.4: what the signer hashed is what the verifier rebuilds, byte for byte, even with
// folding inside h=.
TEST(DkimSign, LongHeaderListFolds) {
    std::string raw(sample_message);
    std::string extra;
    for (int i = 0; i < 20; ++i) {
        extra += "List-Extra-Field-Number-" + std::to_string(i) + ": x\r\n";
    }
    raw.insert(0, extra);
    auto field = sign(parse_message(raw), ed25519_key(),
                      {.domain = "example.org", .selector = "ed", .timestamp = now});
    for (const auto& line : lines_of(field)) {
        EXPECT_LE(line.size(), 78u) << line;
    }
    FakeDns dns;
    dns.add_txt("ed._domainkey.example.org", ed25519_key().key_record());
    auto message = parse_message(field + raw);
    auto results = mailauth::testing::run(verify(message, dns, {.now = now}));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].result, Result::pass) << results[0].reason;
}

}  // namespace
}  // namespace sealbox::mailauth::dkim
