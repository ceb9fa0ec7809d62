// DANE end to end (RFC 7672): the delivery agent with the real resolver, validating a
// DNSSEC-signed test zone served on 127.0.0.1, delivering to a scripted SMTP sink with a test
// certificate. A matching TLSA record lets the message through over TLS; a mismatch, a server
// without STARTTLS or a TLSA answer that fails validation defers it, and nothing reaches the
// sink in the clear.

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <fstream>

#include "dns/fake_upstream.h"
#include "net/tls.h"
#include "queue/agent_fixture.h"
#include "server/self_signed_cert.h"
#include "smtp/client/fake_server.h"

namespace sealbox::queue {
namespace {

namespace asio = boost::asio;
using dns::testing::Bytes;
using dns::testing::Rr;
using smtp::client::test::data;
using smtp::client::test::expect;
using smtp::client::test::FakeServer;
using smtp::client::test::send;
using smtp::client::test::starttls;
using namespace std::chrono_literals;

constexpr const char* kEhlo = "EHLO client.example.org";
constexpr const char* kStarttlsEhlo = "250-mx.dane.example\r\n250 STARTTLS\r\n";

// RFC 6698 §2.1: DANE-EE(3) SPKI(1) SHA2-256(1) of a certificate file.
Bytes spki_sha256(const std::filesystem::path& certificate) {
    std::FILE* f = std::fopen(certificate.c_str(), "r");
    X509* x = PEM_read_X509(f, nullptr, nullptr, nullptr);
    std::fclose(f);
    unsigned char* der = nullptr;
    int length = i2d_PUBKEY(X509_get0_pubkey(x), &der);
    Bytes digest(32);
    unsigned int size = 0;
    EVP_Digest(der, static_cast<std::size_t>(length), digest.data(), &size, EVP_sha256(), nullptr);
    OPENSSL_free(der);
    X509_free(x);
    return digest;
}

class DaneDeliveryTest : public testing::AgentTest {
  protected:
    std::shared_ptr<asio::ssl::context> sink_tls() {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "mx.dane.example");
        certificate = paths.certificate;
        return net::make_server_tls_context(net::TlsFiles{paths.certificate, paths.private_key});
    }

    // `zone` holds MX, A (127.0.0.1), AAAA (::, which the agent never connects to) and a TLSA
    // record with `association` for DANE-EE SPKI SHA2-256; signed when `sign` says so.
    void publish(const std::string& zone, int port, Bytes association, bool sign) {
        if (sign) {
            upstream.sign_with(signer);
        }
        const std::string mx = "mx." + zone;
        upstream.add(dns::testing::mx_record(zone, 10, mx));
        upstream.add(dns::testing::a_record(mx, {127, 0, 0, 1}));
        upstream.add(Rr{mx, dns::testing::kTypeAaaa, Bytes(16, 0)});
        Bytes rdata{3, 1, 1};
        rdata.insert(rdata.end(), association.begin(), association.end());
        upstream.add(
            Rr{"_" + std::to_string(port) + "._tcp." + mx, dns::testing::kTypeTlsa, rdata});
    }

    // The message to `recipient` through the validating resolver, with DANE on (the default).
    std::string deliver_to(const std::string& recipient, int port) {
        DnsConfig c;
        c.upstream = {upstream.address()};
        c.timeout = 5s;
        c.trust_anchor_file = dir / "anchor.key";
        std::ofstream(c.trust_anchor_file) << signer.trust_anchor() << "\n";
        start_resolver(c);
        return deliver(recipient, options(port));
    }

    dns::testing::FakeUpstream upstream;
    dns::testing::ZoneSigner signer{"dane.example"};
    std::filesystem::path certificate;
};

TEST_F(DaneDeliveryTest, MatchingTlsaDeliversOverTls) {
    FakeServer sink(io,
                    {send("220 mx.dane.example ESMTP\r\n"), expect(kEhlo), send(kStarttlsEhlo),
                     expect("STARTTLS"), send("220 Ready\r\n"), starttls(), expect(kEhlo),
                     send("250 mx.dane.example\r\n"), expect("MAIL FROM:<alice@example.test>"),
                     send("250 OK\r\n"), expect("RCPT TO:<bob@dane.example>"), send("250 OK\r\n"),
                     expect("DATA"), send("354 Go\r\n"), data(), send("250 Queued\r\n"),
                     expect("QUIT"), send("221 Bye\r\n")},
                    sink_tls());
    const int port = sink.endpoint().port();
    publish("dane.example", port, spki_sha256(certificate), true);
    EXPECT_EQ(deliver_to("bob@dane.example", port), "");
    EXPECT_TRUE(sink.finished());
    EXPECT_EQ(sink.content(), "Subject: hi\r\n\r\nhello\r\n");
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].policy, TlsOutcome::Policy::dane);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::success);
    EXPECT_TRUE(outcomes[0].tls);
    EXPECT_EQ(outcomes[0].detail, "DANE-EE(3) 1 1 at depth 0");
    EXPECT_EQ(outcomes[0].domain, "dane.example");
}

TEST_F(DaneDeliveryTest, MismatchingTlsaDefersAndSendsNothing) {
    FakeServer sink(io,
                    {send("220 mx.dane.example ESMTP\r\n"), expect(kEhlo), send(kStarttlsEhlo),
                     expect("STARTTLS"), send("220 Ready\r\n"), starttls()},
                    sink_tls());
    const int port = sink.endpoint().port();
    publish("dane.example", port, Bytes(32, 0xab), true);
    std::string reply = deliver_to("bob@dane.example", port);
    EXPECT_TRUE(reply.starts_with("4.7.5 ")) << reply;
    EXPECT_NE(reply.find("DANE TLSA"), std::string::npos) << reply;
    EXPECT_EQ(sink.content(), "");
    EXPECT_EQ(sink.received().size(), 2U);  // EHLO and STARTTLS, never EHLO again in the clear
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::validation_failure);
}

TEST_F(DaneDeliveryTest, ServerWithoutStarttlsIsDeferred) {
    FakeServer sink(io, {send("220 mx.dane.example ESMTP\r\n"), expect(kEhlo),
                         send("250 mx.dane.example\r\n"), expect("QUIT"), send("221 Bye\r\n")});
    const int port = sink.endpoint().port();
    publish("dane.example", port, Bytes(32, 0xab), true);
    std::string reply = deliver_to("bob@dane.example", port);
    EXPECT_TRUE(reply.starts_with("4.7.5 ")) << reply;
    EXPECT_NE(reply.find("does not offer STARTTLS"), std::string::npos) << reply;
    EXPECT_TRUE(sink.finished());  // it said QUIT, and no MAIL
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::starttls_not_supported);
}

TEST_F(DaneDeliveryTest, TlsaThatFailsValidationDefersWithoutConnecting) {
    FakeServer sink(io, {send("220 mx.dane.example ESMTP\r\n")});
    const int port = sink.endpoint().port();
    publish("dane.example", port, Bytes(32, 0xab), true);
    upstream.spoil_signature("_" + std::to_string(port) + "._tcp.mx.dane.example",
                             dns::testing::kTypeTlsa);
    std::string reply = deliver_to("bob@dane.example", port);
    EXPECT_TRUE(reply.starts_with("4.7.5 TLSA of mx.dane.example: DNSSEC validation failed"))
        << reply;
    EXPECT_FALSE(sink.finished());  // never connected to
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].result, TlsOutcome::Result::dnssec_invalid);
}

TEST_F(DaneDeliveryTest, TlsaOutsideDnssecIsIgnored) {
    // Unsigned: the mismatching record proves nothing, and opportunistic TLS goes on.
    FakeServer sink(io,
                    {send("220 mx.plain.example ESMTP\r\n"), expect(kEhlo), send(kStarttlsEhlo),
                     expect("STARTTLS"), send("220 Ready\r\n"), starttls(), expect(kEhlo),
                     send("250 mx.plain.example\r\n"), expect("MAIL FROM:<alice@example.test>"),
                     send("250 OK\r\n"), expect("RCPT TO:<bob@plain.example>"), send("250 OK\r\n"),
                     expect("DATA"), send("354 Go\r\n"), data(), send("250 Queued\r\n"),
                     expect("QUIT"), send("221 Bye\r\n")},
                    sink_tls());
    const int port = sink.endpoint().port();
    publish("plain.example", port, Bytes(32, 0xab), false);
    EXPECT_EQ(deliver_to("bob@plain.example", port), "");
    EXPECT_TRUE(sink.finished());
    ASSERT_EQ(outcomes.size(), 1U);
    EXPECT_EQ(outcomes[0].policy, TlsOutcome::Policy::none);
    EXPECT_TRUE(outcomes[0].tls);
}

}  // namespace
}  // namespace sealbox::queue
