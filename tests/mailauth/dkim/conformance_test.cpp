// Every vector of ../shared/conformance/dkim/manifest.json (dkimpy's test data, the RFC 8463
// Appendix A.3 message among them), each key served through FakeDns.
#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "mailauth/dkim/test_support.h"
#include "mailauth/dkim/verify.h"
#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::dkim {
namespace {

namespace json = boost::json;
using mailauth::testing::FakeDns;

json::object manifest() {
    return json::parse(testing::shared_file("manifest.json")).as_object();
}

void serve_keys(const json::object& m, FakeDns& dns) {
    for (const auto& [name, record] : m.at("dns_txt").as_object()) {
        dns.add_txt(std::string(name), std::string(record.as_string()));
    }
}

TEST(DkimConformance, EveryManifestVector) {
    auto m = manifest();
    FakeDns dns;
    serve_keys(m, dns);
    const auto& cases = m.at("cases").as_array();
    ASSERT_EQ(cases.size(), 5u);
    for (const auto& entry : cases) {
        const auto& c = entry.as_object();
        std::string file(c.at("file").as_string());
        SCOPED_TRACE(file);
        auto raw = testing::shared_file(file);
        ASSERT_FALSE(raw.empty());
        auto message = parse_message(raw);
        // The vectors were signed years ago and carry no x=: verify as of now.
        auto results = mailauth::testing::run(verify(message, dns, {.now = std::time(nullptr)}));
        const auto& expected = c.at("signatures").as_array();
        ASSERT_EQ(results.size(), expected.size());
        for (std::size_t i = 0; i < results.size(); ++i) {
            std::string want(expected[i].as_string());
            if (want == "pass") {
                EXPECT_EQ(results[i].result, Result::pass) << i << ": " << results[i].reason;
            } else {
                // The manifest records dkimpy's yes/no; RFC 8601 §2.7.1 distinguishes a
                // signature that is malformed (permerror) from one that does not verify.
                EXPECT_TRUE(results[i].result == Result::fail ||
                            results[i].result == Result::permerror)
                    << i << ": " << to_string(results[i].result);
            }
        }
    }
}

// RFC 8463 Appendix A.3: both signatures, Ed25519 first, with the reported identifiers.
TEST(DkimConformance, Rfc8463AppendixA3) {
    FakeDns dns;
    serve_keys(manifest(), dns);
    auto message = parse_message(testing::shared_file("rfc8463-a3-signed.eml"));
    auto results = mailauth::testing::run(verify(message, dns, {.now = std::time(nullptr)}));
    ASSERT_EQ(results.size(), 2u);
    EXPECT_EQ(results[0].result, Result::pass);
    EXPECT_EQ(results[0].algorithm, "ed25519-sha256");
    EXPECT_EQ(results[0].selector, "brisbane");
    EXPECT_EQ(results[0].b_prefix, "9/dsDChY");
    EXPECT_EQ(results[1].result, Result::pass);
    EXPECT_EQ(results[1].algorithm, "rsa-sha256");
    EXPECT_EQ(results[1].key_bits, 1024u);
    EXPECT_EQ(results[0].domain, "football.example.com");

    // One changed byte in the body breaks both.
    auto raw = testing::shared_file("rfc8463-a3-signed.eml");
    raw.replace(raw.find("hungry"), 6, "Hungry");
    auto tampered = parse_message(raw);
    for (const auto& r :
         mailauth::testing::run(verify(tampered, dns, {.now = std::time(nullptr)}))) {
        EXPECT_EQ(r.result, Result::fail);
    }
}

// d= holding "(" is not a domain name (RFC 6376 §3.5): malformed, never looked up.
TEST(DkimConformance, BadDomainSyntaxIsPermerror) {
    FakeDns dns;
    auto message = parse_message(testing::shared_file("bad-domain-syntax.eml"));
    auto results = mailauth::testing::run(verify(message, dns, {.now = std::time(nullptr)}));
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(results[0].result, Result::permerror);
    EXPECT_EQ(dns.queries(), 0);
}

}  // namespace
}  // namespace sealbox::mailauth::dkim
