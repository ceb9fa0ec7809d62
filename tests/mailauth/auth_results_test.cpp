// The Authentication-Results header field of RFC 8601.
#include "mailauth/auth_results.h"

#include <gtest/gtest.h>

#include <string>

namespace sealbox::mailauth {
namespace {

TEST(AuthenticationResults, WritesOneFoldedFieldWithEveryMethod) {
    std::vector<MethodResult> results;
    results.push_back(
        MethodResult{"spf", "pass", "", {}}.property("smtp", "mailfrom", "alice@example.org"));
    results.push_back(MethodResult{"dkim", "pass", "", {}}
                          .property("header", "d", "example.org")
                          .property("header", "s", "sel2024")
                          .property("header", "b", "AbC/dE+f"));
    results.push_back(
        MethodResult{"dmarc", "pass", "", {}}.property("header", "from", "example.org"));
    results.push_back(MethodResult{"arc", "", "", {}});
    EXPECT_EQ(format_authentication_results("mx.sealbox.test", results),
              "Authentication-Results: mx.sealbox.test;\r\n"
              "\tspf=pass smtp.mailfrom=alice@example.org;\r\n"
              "\tdkim=pass header.d=example.org header.s=sel2024 header.b=\"AbC/dE+f\";\r\n"
              "\tdmarc=pass header.from=example.org;\r\n"
              "\tarc=none\r\n");
}

TEST(AuthenticationResults, WritesNoneWhenThereAreNoResults) {
    // RFC 8601 §2.2 no-result.
    EXPECT_EQ(format_authentication_results("mx.sealbox.test", {}),
              "Authentication-Results: mx.sealbox.test; none\r\n");
}

// What ARC-Authentication-Results carries (RFC 8617 §4.1.1): the same results on one line, and
// quoted values kept as they are, long or not.
TEST(AuthenticationResults, ResultsOnOneLineForArc) {
    MethodResult dkim{"dkim", "fail", "body  hash mismatch", {}};
    for (int i = 0; i < 8; ++i) {
        dkim.property("header", "d", "subdomain" + std::to_string(i) + ".example.org");
    }
    std::vector<MethodResult> results{
        MethodResult{"spf", "pass", "", {}}.property("smtp", "mailfrom", "alice@example.org"),
        dkim};
    std::string line = format_results(results);
    EXPECT_TRUE(
        line.starts_with("spf=pass smtp.mailfrom=alice@example.org; dkim=fail "
                         "reason=\"body  hash mismatch\" header.d=subdomain0.example.org "))
        << line;
    EXPECT_TRUE(line.ends_with(" header.d=subdomain7.example.org")) << line;
    EXPECT_EQ(line.find('\r'), std::string::npos);
    EXPECT_EQ(format_results({}), "none");
}

TEST(AuthenticationResults, QuotesWhatIsNeitherTokenNorAddress) {
    std::vector<MethodResult> results{
        MethodResult{"spf", "fail", "sender \"not\" allowed\r\n", {}}
            .property("smtp", "mailfrom", "@example.org")         // null local part: bare
            .property("smtp", "helo", "[192.0.2.1]")              // tspecials: quoted
            .property("smtp", "mailfrom", "\"odd local\"@x.org")  // not a dot-atom
            .property("policy", "x", "")};
    std::string field = format_authentication_results("mx.sealbox.test", results);
    EXPECT_NE(field.find("reason=\"sender \\\"not\\\" allowed\""), std::string::npos) << field;
    EXPECT_NE(field.find(" smtp.mailfrom=@example.org"), std::string::npos) << field;
    EXPECT_NE(field.find("smtp.helo=\"[192.0.2.1]\""), std::string::npos) << field;
    EXPECT_NE(field.find("smtp.mailfrom=\"\\\"odd local\\\"@x.org\""), std::string::npos) << field;
    EXPECT_NE(field.find("policy.x=\"\""), std::string::npos) << field;
    // Only the folds and the final CRLF break lines: a value cannot inject a header field.
    for (std::size_t at = field.find("\r\n"); at + 2 < field.size();
         at = field.find("\r\n", at + 2)) {
        EXPECT_EQ(field[at + 2], '\t') << field;
    }
    EXPECT_TRUE(field.ends_with("\"\"\r\n")) << field;
}

TEST(AuthenticationResults, FoldsLongResultsBeforeSeventyEightColumns) {
    MethodResult dkim{"dkim", "pass", "", {}};
    for (int i = 0; i < 8; ++i) {
        dkim.property("header", "d", "subdomain" + std::to_string(i) + ".example.org");
    }
    std::string field = format_authentication_results("mx.sealbox.test", {dkim});
    std::size_t start = 0;
    while (start < field.size()) {
        std::size_t end = field.find("\r\n", start);
        ASSERT_NE(end, std::string::npos);
        EXPECT_LE(end - start, 78U) << field;
        start = end + 2;
        if (start < field.size()) {
            EXPECT_EQ(field[start], '\t');  // every following line continues the field
        }
    }
}

TEST(AuthservId, ReadsTokensQuotedStringsAndSkipsComments) {
    EXPECT_EQ(read_authserv_id(" mx.example.org; spf=pass"), "mx.example.org");
    EXPECT_EQ(read_authserv_id("mx.example.org 1; none"), "mx.example.org");
    EXPECT_EQ(read_authserv_id("mx.example.org;"), "mx.example.org");
    EXPECT_EQ(read_authserv_id(" (a (nested \\) comment) here)\r\n\t mx.example.org; none"),
              "mx.example.org");
    EXPECT_EQ(read_authserv_id(" \"mx.example.org\"; none"), "mx.example.org");
    EXPECT_EQ(read_authserv_id(" \"mx.ex\\ample\r\n .org\"; none"), "mx.example .org");
    EXPECT_EQ(read_authserv_id(" (unclosed mx.example.org; none"), std::nullopt);
    EXPECT_EQ(read_authserv_id(" \"unclosed; none"), std::nullopt);
    EXPECT_EQ(read_authserv_id(" ; spf=pass"), std::nullopt);
    EXPECT_EQ(read_authserv_id(""), std::nullopt);
}

constexpr std::string_view kHeader =
    "Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
    "Authentication-Results: MX.Sealbox.Test; dkim=pass\r\n"
    "\theader.d=bank.example\r\n"
    "ARC-Authentication-Results: i=1; mx.sealbox.test; dmarc=pass\r\n"
    "authentication-results : (forged) \"mx.sealbox.test\"; spf=pass\r\n"
    "Authentication-Results: mx.other.example; spf=fail\r\n"
    "Authentication-Results: mx.sealbox.test.evil; spf=pass\r\n"
    "Subject: hello\r\n"
    "\r\n"
    "Authentication-Results: mx.sealbox.test; in the body\r\n";

TEST(OwnAuthenticationResults, FindsEveryFieldClaimingOurAuthservId) {
    auto spans = find_own_authentication_results(kHeader, "mx.sealbox.test");
    ASSERT_EQ(spans.size(), 2U);
    EXPECT_EQ(kHeader.substr(spans[0].offset, spans[0].length),
              "Authentication-Results: MX.Sealbox.Test; dkim=pass\r\n\theader.d=bank.example\r\n");
    EXPECT_EQ(kHeader.substr(spans[1].offset, spans[1].length),
              "authentication-results : (forged) \"mx.sealbox.test\"; spf=pass\r\n");
    EXPECT_EQ(remove_fields(kHeader, spans),
              "Received: from x by y; Mon, 1 Jan 2024 00:00:00 +0000\r\n"
              "ARC-Authentication-Results: i=1; mx.sealbox.test; dmarc=pass\r\n"
              "Authentication-Results: mx.other.example; spf=fail\r\n"
              "Authentication-Results: mx.sealbox.test.evil; spf=pass\r\n"
              "Subject: hello\r\n"
              "\r\n"
              "Authentication-Results: mx.sealbox.test; in the body\r\n");
}

TEST(OwnAuthenticationResults, HandlesBareLineFeedsAndAFieldAtTheEnd) {
    std::string_view header = "From: a@b.example\nAuthentication-Results: mx.sealbox.test; none";
    auto spans = find_own_authentication_results(header, "mx.sealbox.test");
    ASSERT_EQ(spans.size(), 1U);
    EXPECT_EQ(remove_fields(header, spans), "From: a@b.example\n");
    EXPECT_TRUE(find_own_authentication_results("", "mx.sealbox.test").empty());
}

// What a mailing list's ARC-Authentication-Results says, as Google writes it (after "i=1;").
TEST(ReadAuthenticationResults, ReadsEveryResultAndItsProperties) {
    auto read = read_authentication_results(
        " mx.google.com;\r\n       dkim=pass header.i=@example.org header.s=s1 header.b=\"Ab+/9=\";"
        "\r\n       spf=pass (google.com: domain of a@example.org designates 192.0.2.1 as"
        " permitted sender) smtp.mailfrom=a@example.org;\r\n       dmarc=pass"
        " (p=REJECT sp=REJECT dis=NONE) header.from=Example.org");
    ASSERT_TRUE(read);
    EXPECT_EQ(read->authserv_id, "mx.google.com");
    ASSERT_EQ(read->results.size(), 3U);
    EXPECT_EQ(read->results[0].method, "dkim");
    EXPECT_EQ(*read->results[0].find_property("header", "b"), "Ab+/9=");
    EXPECT_EQ(*read->results[0].find_property("header", "i"), "@example.org");
    EXPECT_EQ(*read->results[1].find_property("smtp", "mailfrom"), "a@example.org");
    const MethodResult& dmarc = read->results[2];
    EXPECT_EQ(dmarc.method, "dmarc");
    EXPECT_EQ(dmarc.result, "pass");
    EXPECT_EQ(*dmarc.find_property("header", "from"), "Example.org");
    EXPECT_EQ(dmarc.find_property("header", "d"), nullptr);
}

TEST(ReadAuthenticationResults, VersionsReasonsCaseAndNoResult) {
    auto read = read_authentication_results(
        "\"mx.example\" 1; DKIM/1 = Fail reason=\"bad; sig\" Header.D = example.net ;"
        " arc=none");
    ASSERT_TRUE(read);
    EXPECT_EQ(read->authserv_id, "mx.example");
    ASSERT_EQ(read->results.size(), 2U);
    EXPECT_EQ(read->results[0].method, "dkim");
    EXPECT_EQ(read->results[0].result, "fail");
    EXPECT_EQ(read->results[0].reason, "bad; sig");
    EXPECT_EQ(*read->results[0].find_property("header", "d"), "example.net");
    EXPECT_EQ(read->results[1].result, "none");

    auto none = read_authentication_results("mx.example (nothing checked); none");
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->results.empty());
}

// Half a field is no field: a reader that believed the first part of a broken one could be led
// to see a pass that the rest would have contradicted.
TEST(ReadAuthenticationResults, RefusesWhatIsNotAPayload) {
    for (std::string_view body : {
             "", "  ",
             "mx.example; dmarc",                     // no result
             "mx.example; dmarc=",                    // empty result
             "mx.example dmarc=pass",                 // no ";"
             "mx.example; dmarc=pass header.from",    // property without value
             "mx.example; dmarc=pass header=x",       // ptype without property
             "mx.example; dmarc=pass (unclosed",      // comment never closed
             "mx.example; dmarc=pass reason=\"open",  // quoted-string never closed
             "mx.example; dkim/=pass",                // method-version without digits
             "mx.example; dmarc=pass;",               // empty resinfo
         }) {
        EXPECT_FALSE(read_authentication_results(body)) << body;
    }
}

}  // namespace
}  // namespace sealbox::mailauth
