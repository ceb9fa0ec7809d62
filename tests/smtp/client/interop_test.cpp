// Sealbox's SMTP client against Sealbox's own SMTP server session, over real STARTTLS: each
// half proves the other, down to the bytes of the message that lands.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/x509.h>

#include "net/tls.h"
#include "server/self_signed_cert.h"
#include "smtp/client/fake_server.h"
#include "smtp/client/smtp_client.h"
#include "smtp/session/fixture.h"

namespace sealbox::smtp::client::test {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using namespace std::chrono_literals;

// A line that starts with a dot, a line that is only a dot (which would end the data if it
// were not stuffed), 8-bit text, and no CRLF after the last line.
constexpr std::string_view kContent =
    "From: sender@example.org\r\nSubject: caf\xC3\xA9\r\n\r\n.leading dot\r\n.\r\n..two\r\n"
    "na\xC3\xAFve r\xC3\xA9sum\xC3\xA9\r\nlast line";

class InteropTest : public sealbox::smtp::test::SessionTest {
  protected:
    ClientOptions options(TlsPolicy tls) {
        ClientOptions o;
        o.helo_name = "client.example.org";
        o.tls = tls;
        o.tls_server_name = "mx.example.test";
        for (milliseconds* t : {&o.timeouts.connect, &o.timeouts.greeting, &o.timeouts.mail,
                                &o.timeouts.rcpt, &o.timeouts.data_init, &o.timeouts.data_block,
                                &o.timeouts.data_end, &o.timeouts.command, &o.timeouts.quit}) {
            *t = 10s;
        }
        return o;
    }

    tcp::endpoint endpoint() const {
        return tcp::endpoint(asio::ip::make_address("127.0.0.1"), listener->port());
    }

    // The server's self-signed certificate, made by start().
    std::filesystem::path certificate() {
        return server::ensure_self_signed_certificate(dir.path(), "mx.example.test").certificate;
    }

    static OutboundMessage message(std::vector<std::string> recipients) {
        OutboundMessage m;
        m.reverse_path = "sender@example.org";
        for (auto& r : recipients) {
            m.recipients.push_back(OutboundRecipient{std::move(r), std::nullopt, std::nullopt});
        }
        m.content = kContent;
        m.eight_bit = true;
        return m;
    }

    struct Conversation {
        std::string tls_version;
        std::string peer_name;  // the CN of the certificate the server showed
        bool verified = false;
        Extensions extensions;
        std::vector<MessageResult> results;
    };

    // Connects, sends the messages on the one connection, quits.
    Conversation deliver(ClientOptions o, std::vector<OutboundMessage> messages) {
        Conversation s;
        auto failure = run_client(client_io, [&]() -> asio::awaitable<void> {
            auto c = co_await SmtpClient::connect(client_io.get_executor(), endpoint(), o);
            s.tls_version = c->tls_version();
            s.verified = c->certificate_verified();
            if (X509* peer =
                    c->native_tls() ? SSL_get0_peer_certificate(c->native_tls()) : nullptr) {
                char name[256] = "";
                X509_NAME_get_text_by_NID(X509_get_subject_name(peer), NID_commonName, name,
                                          sizeof name);
                s.peer_name = name;
            }
            s.extensions = c->extensions();
            for (const auto& m : messages) {
                s.results.push_back(co_await c->send(m));
            }
            co_await c->quit();
        });
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "client failed: " << e.what();
            }
        }
        return s;
    }

    Failure connect_failure(ClientOptions o) {
        auto failure = run_client(client_io, [&]() -> asio::awaitable<void> {
            co_await SmtpClient::connect(client_io.get_executor(), endpoint(), o);
        });
        try {
            if (failure) {
                std::rethrow_exception(failure);
            }
        } catch (const ClientError& e) {
            return e.failure();
        }
        ADD_FAILURE() << "no ClientError";
        return {};
    }
};

TEST_F(InteropTest, MessageArrivesByteExactOverStarttls) {
    start(Mode::smtp);
    auto m = message({"alice@example.test", "nobody@example.test", "bob@example.test"});
    m.recipients[0].notify = Notify{false, true, true, false};
    m.recipients[0].orcpt = Orcpt{"rfc822", "alice@example.test"};
    m.envid = "env-1";
    Conversation s = deliver(options(TlsPolicy::opportunistic), {m});
    EXPECT_EQ(s.tls_version, "TLSv1.3");
    EXPECT_FALSE(s.verified);
    EXPECT_EQ(s.peer_name, "mx.example.test");  // the chain is there for DANE to check
    // After STARTTLS, the EHLO over TLS: REQUIRETLS is only offered there.
    EXPECT_TRUE(s.extensions.requiretls);
    EXPECT_FALSE(s.extensions.starttls);
    EXPECT_TRUE(s.extensions.pipelining);
    ASSERT_EQ(s.results.size(), 1U);
    const MessageResult& r = s.results[0];
    EXPECT_TRUE(r.dsn_supported);
    EXPECT_FALSE(r.transaction_failure);
    ASSERT_EQ(r.recipients.size(), 3U);
    EXPECT_EQ(r.recipients[0].reply.code, 250);
    EXPECT_THAT(r.recipients[0].reply.lines.front(), StartsWith("Delivered as "));
    EXPECT_EQ(r.recipients[1].reply.code, 550);
    EXPECT_EQ(r.recipients[1].reply.enhanced, "5.1.1");
    EXPECT_EQ(r.recipients[2].reply.code, 250);

    auto delivered = mail.delivered();
    ASSERT_EQ(delivered.size(), 1U);
    EXPECT_EQ(delivered[0].accounts,
              (std::vector<std::string>{"alice@example.test", "bob@example.test"}));
    const std::string& stored = delivered[0].message;
    EXPECT_THAT(stored, StartsWith("Return-Path: <sender@example.org>\r\nReceived: from "
                                   "client.example.org ([127.0.0.1])\r\n"));
    EXPECT_THAT(stored, HasSubstr("with ESMTPS id "));
    EXPECT_THAT(stored, HasSubstr("(using TLSv1.3 with cipher "));
    // The message exactly as sent, with the CRLF DATA gave its last line.
    EXPECT_THAT(stored, EndsWith("\r\n" + std::string(kContent) + "\r\n"));
    std::size_t body = stored.find("From: sender@example.org\r\n");
    ASSERT_NE(body, std::string::npos);
    EXPECT_EQ(stored.substr(body), std::string(kContent) + "\r\n");
}

TEST_F(InteropTest, ReusesTheConnectionAfterAFailedTransaction) {
    start(Mode::smtp);
    Conversation s =
        deliver(options(TlsPolicy::opportunistic),
                {message({"nobody@example.test"}), message({"alice@example.test"}),
                 message({"remote@elsewhere.example"}), message({"bob@example.test"})});
    ASSERT_EQ(s.results.size(), 4U);
    EXPECT_EQ(s.results[0].recipients[0].reply.code, 550);
    EXPECT_EQ(s.results[1].recipients[0].reply.code, 250);
    EXPECT_EQ(s.results[2].recipients[0].reply.code, 554);  // never an open relay
    EXPECT_EQ(s.results[3].recipients[0].reply.code, 250);
    EXPECT_EQ(mail.delivered().size(), 2U);
}

TEST_F(InteropTest, VerifiedTlsRefusesTheSelfSignedCertificateClearly) {
    start(Mode::smtp);
    Failure f = connect_failure(options(TlsPolicy::required_verified));
    EXPECT_EQ(f.stage, Stage::tls_handshake);
    EXPECT_TRUE(f.tls_failure);
    EXPECT_TRUE(f.temporary);
    EXPECT_EQ(f.detail, "certificate verification failed: self-signed certificate");
    EXPECT_TRUE(mail.delivered().empty());
}

TEST_F(InteropTest, VerifiedTlsWithTheCertificateTrustedAndRequireTls) {
    start(Mode::smtp);
    auto o = options(TlsPolicy::required_verified);
    o.tls_context = net::make_client_tls_context(certificate());
    auto m = message({"alice@example.test"});
    m.requiretls = true;
    Conversation s = deliver(o, {m});
    EXPECT_TRUE(s.verified);
    ASSERT_EQ(s.results.size(), 1U);
    EXPECT_EQ(s.results[0].recipients[0].reply.code, 250);
    EXPECT_EQ(mail.delivered().size(), 1U);
}

TEST_F(InteropTest, VerifiedTlsChecksTheName) {
    start(Mode::smtp);
    auto o = options(TlsPolicy::required_verified);
    o.tls_context = net::make_client_tls_context(certificate());
    o.tls_server_name = "other.example.test";
    Failure f = connect_failure(o);
    EXPECT_EQ(f.stage, Stage::tls_handshake);
    EXPECT_EQ(f.detail, "certificate verification failed: hostname mismatch");
}

TEST_F(InteropTest, SubmissionWithAuthPlain) {
    start(Mode::submission);
    auto o = options(TlsPolicy::required);
    o.auth = Credentials{"alice@example.test", "alice-pw"};
    auto m = message({"bob@example.test"});
    m.reverse_path = "alice@example.test";
    std::string content = "From: alice@example.test\r\nTo: bob@example.test\r\n\r\nhi\r\n";
    m.content = content;
    m.eight_bit = false;
    Conversation s = deliver(o, {m});
    ASSERT_EQ(s.results.size(), 1U);
    EXPECT_EQ(s.results[0].recipients[0].reply.code, 250);
    ASSERT_EQ(mail.delivered().size(), 1U);
    EXPECT_THAT(mail.delivered()[0].message, EndsWith(content));
}

TEST_F(InteropTest, SubmissionWithAWrongPassword) {
    start(Mode::submission);
    auto o = options(TlsPolicy::required);
    o.auth = Credentials{"alice@example.test", "wrong"};
    Failure f = connect_failure(o);
    EXPECT_EQ(f.stage, Stage::auth);
    ASSERT_TRUE(f.reply);
    EXPECT_EQ(f.reply->code, 535);
    EXPECT_FALSE(f.temporary);
}

}  // namespace
}  // namespace sealbox::smtp::client::test
