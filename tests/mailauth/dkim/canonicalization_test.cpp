// RFC 6376 §3.4 canonicalization, §3.7 hashing inputs, §5.4.2 header selection.
#include "mailauth/dkim/canonicalization.h"

#include <gtest/gtest.h>

#include "mailauth/dkim/message.h"

namespace sealbox::mailauth::dkim {
namespace {

// RFC 6376 §3.4.5, the worked example.
TEST(DkimCanonicalization, Rfc6376Section345Example) {
    auto message = parse_message("A: X\r\nB : Y\t\r\n\tZ  \r\n\r\n C \r\nD \t E\r\n\r\n\r\n");
    ASSERT_EQ(message.headers.size(), 2u);
    EXPECT_EQ(canonicalize_header(message.headers[0].text, Canon::relaxed), "a:X\r\n");
    EXPECT_EQ(canonicalize_header(message.headers[1].text, Canon::relaxed), "b:Y Z\r\n");
    EXPECT_EQ(canonicalize_header(message.headers[1].text, Canon::simple), "B : Y\t\r\n\tZ  \r\n");
    EXPECT_EQ(canonicalize_body(message.body, Canon::relaxed), " C\r\nD E\r\n");
    EXPECT_EQ(canonicalize_body(message.body, Canon::simple), " C \r\nD \t E\r\n");
}

// §3.4.3 / §3.4.4: an empty body is CRLF under simple and empty under relaxed; a missing final
// CRLF is added; whitespace-only trailing lines vanish only under relaxed.
TEST(DkimCanonicalization, BodyEdges) {
    EXPECT_EQ(canonicalize_body("", Canon::simple), "\r\n");
    EXPECT_EQ(canonicalize_body("", Canon::relaxed), "");
    EXPECT_EQ(canonicalize_body("\r\n\r\n", Canon::simple), "\r\n");
    EXPECT_EQ(canonicalize_body("\r\n\r\n", Canon::relaxed), "");
    EXPECT_EQ(canonicalize_body("abc", Canon::simple), "abc\r\n");
    EXPECT_EQ(canonicalize_body("abc", Canon::relaxed), "abc\r\n");
    EXPECT_EQ(canonicalize_body("a\r\n \r\n", Canon::simple), "a\r\n \r\n");
    EXPECT_EQ(canonicalize_body("a\r\n \r\n", Canon::relaxed), "a\r\n");
    EXPECT_EQ(canonicalize_body("a\r\n\r\nb\r\n\r\n", Canon::relaxed), "a\r\n\r\nb\r\n");
}

// §3.4.3 / §3.4.4: the body hash of an empty body is SHA-256("\r\n") under simple and
// SHA-256("") under relaxed.
TEST(DkimCanonicalization, EmptyBodyHashes) {
    auto simple = hash_body("", Canon::simple, std::nullopt);
    auto relaxed = hash_body("", Canon::relaxed, std::nullopt);
    auto hex = [](const Sha256& d) {
        std::string out;
        for (auto b : d) {
            out += "0123456789abcdef"[b >> 4];
            out += "0123456789abcdef"[b & 15];
        }
        return out;
    };
    // SHA-256("\r\n") and SHA-256("").
    EXPECT_EQ(hex(simple.digest),
              "7eb70257593da06f682a3ddda54a9d260d4fc514f645237f5ca74b08f8da61a6");
    EXPECT_EQ(hex(relaxed.digest),
              "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    EXPECT_EQ(simple.canonical_length, 2u);
}

// §3.5 l=: the hash covers only the first l octets; the rest is reported as unsigned.
TEST(DkimCanonicalization, BodyLengthLimit) {
    auto whole = hash_body("abc\r\n", Canon::simple, std::nullopt);
    auto cut = hash_body("abc\r\nappended\r\n", Canon::simple, 5);
    EXPECT_EQ(whole.digest, cut.digest);
    EXPECT_EQ(cut.hashed_length, 5u);
    EXPECT_EQ(cut.canonical_length, 15u);
}

TEST(DkimMessage, BareLineFeedsReadAsCrlf) {
    auto message = parse_message("From: a@example.org\nSubject: x\n  y\n\nbody\n");
    ASSERT_EQ(message.headers.size(), 2u);
    EXPECT_EQ(message.headers[1].name, "Subject");
    EXPECT_EQ(message.headers[1].text, "Subject: x\r\n  y\r\n");
    EXPECT_EQ(message.body, "body\r\n");
}

// §5.4.2: instances are taken from the bottom up; a name listed more often than it occurs
// selects nothing more (over-signing).
TEST(DkimMessage, SelectsFromTheBottomUp) {
    auto message = parse_message("Received: 1\r\nX: first\r\nReceived: 2\r\nx: second\r\n\r\n");
    auto selected = select_headers(message.headers, {"x", "received", "X", "x", "From"});
    ASSERT_EQ(selected.size(), 3u);
    EXPECT_EQ(selected[0]->text, "x: second\r\n");
    EXPECT_EQ(selected[1]->text, "Received: 2\r\n");
    EXPECT_EQ(selected[2]->text, "X: first\r\n");
}

// §3.7: the b= value goes, with its folding whitespace; the tag and the rest stay.
TEST(DkimCanonicalization, RemovesOnlyTheBValue) {
    EXPECT_EQ(without_b_value("DKIM-Signature: a=x; b=abc\r\n def ; bh=xyz; d=e\r\n"),
              "DKIM-Signature: a=x; b=; bh=xyz; d=e\r\n");
    EXPECT_EQ(without_b_value("DKIM-Signature: bh=xyz;\r\n b= ab\r\n  cd\r\n"),
              "DKIM-Signature: bh=xyz;\r\n b=\r\n");
    EXPECT_EQ(without_b_value("X: bh=1"), "X: bh=1");
}

}  // namespace
}  // namespace sealbox::mailauth::dkim
