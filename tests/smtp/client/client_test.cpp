// The SMTP client against a scripted server: what it sends, in what order, and what it makes of
// every kind of answer, including the wrong ones.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "core/error.h"
#include "net/tls.h"
#include "server/self_signed_cert.h"
#include "smtp/client/fake_server.h"
#include "smtp/client/smtp_client.h"
#include "support/temp_dir.h"

namespace sealbox::smtp::client::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr const char* kGreeting = "220 mx.example.test ESMTP\r\n";
constexpr const char* kHelo = "EHLO client.example.org";
constexpr const char* kQuit = "QUIT";
constexpr const char* kBye = "221 2.0.0 Bye\r\n";

// The EHLO reply of a server with everything but STARTTLS and AUTH.
std::string ehlo_reply(const std::string& more = "") {
    return "250-mx.example.test Hello\r\n250-PIPELINING\r\n250-SIZE 1000000\r\n250-8BITMIME\r\n" +
           more + "250-DSN\r\n250 ENHANCEDSTATUSCODES\r\n";
}

class ClientTest : public ::testing::Test {
  protected:
    ClientOptions options(TlsPolicy tls = TlsPolicy::none) {
        ClientOptions o;
        o.helo_name = "client.example.org";
        o.tls = tls;
        o.tls_server_name = "mx.example.test";
        // Short enough that a test that goes wrong fails in seconds, not minutes.
        for (milliseconds* t : {&o.timeouts.connect, &o.timeouts.greeting, &o.timeouts.mail,
                                &o.timeouts.rcpt, &o.timeouts.data_init, &o.timeouts.data_block,
                                &o.timeouts.data_end, &o.timeouts.command, &o.timeouts.quit}) {
            *t = 5s;
        }
        return o;
    }

    // The server's TLS context; it notes the name the client asks for with SNI.
    std::shared_ptr<asio::ssl::context> server_tls() {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "mx.example.test");
        auto context =
            net::make_server_tls_context(net::TlsFiles{paths.certificate, paths.private_key});
        SSL_CTX_set_tlsext_servername_arg(context->native_handle(), &sni);
        SSL_CTX_set_tlsext_servername_callback(
            context->native_handle(), +[](SSL* ssl, int*, void* arg) {
                const char* name = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
                *static_cast<std::string*>(arg) = name ? name : "";
                return SSL_TLSEXT_ERR_OK;
            });
        return context;
    }

    static OutboundMessage message(std::vector<std::string> recipients,
                                   std::string_view content = "Subject: hi\r\n\r\nhello\r\n") {
        OutboundMessage m;
        m.reverse_path = "sender@example.org";
        for (auto& r : recipients) {
            m.recipients.push_back(OutboundRecipient{std::move(r), std::nullopt, std::nullopt});
        }
        m.content = content;
        return m;
    }

    // Connects, sends each message, quits; returns the results.
    std::vector<MessageResult> deliver(FakeServer& server, ClientOptions o,
                                       std::vector<OutboundMessage> messages) {
        std::vector<MessageResult> results;
        auto failure = run_client(io, [&]() -> asio::awaitable<void> {
            auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), o);
            for (const auto& m : messages) {
                results.push_back(co_await c->send(m));
            }
            co_await c->quit();
        });
        if (failure) {
            try {
                std::rethrow_exception(failure);
            } catch (const std::exception& e) {
                ADD_FAILURE() << "unexpected failure: " << e.what();
            }
        }
        return results;
    }

    // Runs body, which must fail with ClientError; returns its details.
    Failure failure_of(std::function<asio::awaitable<void>()> body) {
        auto failure = run_client(io, std::move(body));
        try {
            if (failure) {
                std::rethrow_exception(failure);
            }
        } catch (const ClientError& e) {
            return e.failure();
        } catch (const std::exception& e) {
            ADD_FAILURE() << "not a ClientError: " << e.what();
            return {};
        }
        ADD_FAILURE() << "no failure";
        return {};
    }

    Failure connect_failure(FakeServer& server, ClientOptions o) {
        return failure_of([&]() -> asio::awaitable<void> {
            co_await SmtpClient::connect(io.get_executor(), server.endpoint(), o);
        });
    }

    sealbox::testing::TempDir dir;
    asio::io_context io;
    std::string sni;
};

TEST_F(ClientTest, PipelinesTheEnvelopeAndReadsMultilineReplies) {
    FakeServer server(
        io,
        {send("220-mx.example.test ESMTP\r\n220 second line\r\n"), expect(kHelo),
         send(ehlo_reply()),
         // MAIL, both RCPTs and DATA arrive before any reply is sent: one pipelined group.
         expect("MAIL FROM:<sender@example.org> SIZE=24 BODY=8BITMIME RET=HDRS ENVID=id+2B1"),
         expect("RCPT TO:<alice@example.test> NOTIFY=SUCCESS,FAILURE ORCPT=rfc822;Alice@x.test"),
         expect("RCPT TO:<nobody@example.test>"), expect("DATA"),
         send("250 2.1.0 Sender OK\r\n250 2.1.5 Recipient OK\r\n"
              "550-5.1.1 No such user\r\n550 5.1.1 here\r\n354 Go ahead\r\n"),
         data(), send("250-2.0.0 Queued\r\n250 2.0.0 as X1\r\n"), expect(kQuit), send(kBye)});
    auto m = message({"alice@example.test", "nobody@example.test"},
                     "Subject: caf\xC3\xA9\r\n\r\n.dot\r\n");
    m.eight_bit = true;
    m.ret = Ret::hdrs;
    m.envid = "id+1";
    m.recipients[0].notify = Notify{false, true, true, false};
    m.recipients[0].orcpt = Orcpt{"rfc822", "Alice@x.test"};
    auto results = deliver(server, options(), {m});
    ASSERT_EQ(results.size(), 1U);
    const MessageResult& r = results[0];
    EXPECT_FALSE(r.transaction_failure);
    EXPECT_TRUE(r.dsn_supported);
    ASSERT_EQ(r.recipients.size(), 2U);
    EXPECT_EQ(r.recipients[0].reply.code, 250);
    EXPECT_EQ(r.recipients[0].reply.enhanced, "2.0.0");
    EXPECT_THAT(r.recipients[0].reply.lines, ElementsAre("Queued", "as X1"));
    EXPECT_FALSE(r.recipients[0].local);
    EXPECT_EQ(r.recipients[1].reply.code, 550);
    EXPECT_EQ(r.recipients[1].reply.enhanced, "5.1.1");
    EXPECT_THAT(r.recipients[1].reply.lines, ElementsAre("No such user", "here"));
    EXPECT_EQ(server.content(), "Subject: caf\xC3\xA9\r\n\r\n..dot\r\n");
    EXPECT_TRUE(server.finished());
    EXPECT_TRUE(server.extra().empty());
}

TEST_F(ClientTest, LockStepWithoutPipeliningAndNoDsnParametersWithoutDsn) {
    FakeServer server(
        io, {send(kGreeting), expect(kHelo), send("250-mx.example.test\r\n250 8BITMIME\r\n"),
             expect("MAIL FROM:<>"), send("250 OK\r\n"), expect("RCPT TO:<alice@example.test>"),
             send("250 OK\r\n"), expect("RCPT TO:<bob@example.test>"), send("250 OK\r\n"),
             expect("DATA"), send("354 Go\r\n"), data(), send("250 OK\r\n"), expect(kQuit),
             send(kBye)});
    auto m = message({"alice@example.test", "bob@example.test"}, "no final newline");
    m.reverse_path = "";
    m.envid = "x";
    m.recipients[0].notify = Notify{true, false, false, false};
    auto results = deliver(server, options(), {m});
    ASSERT_EQ(results.size(), 1U);
    EXPECT_FALSE(results[0].dsn_supported);
    EXPECT_EQ(results[0].recipients[0].reply.code, 250);
    EXPECT_EQ(results[0].recipients[1].reply.code, 250);
    EXPECT_EQ(server.content(), "no final newline\r\n");
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, FallsBackToHeloWhenEhloIsRefused) {
    // RFC 5321 §3.2. Without 8BITMIME, an 8-bit message is refused here and never sent.
    FakeServer server(io,
                      {send(kGreeting), expect(kHelo), send("502 5.5.1 EHLO not implemented\r\n"),
                       expect("HELO client.example.org"), send("250 mx.example.test\r\n"),
                       expect("MAIL FROM:<sender@example.org>"), send("250 OK\r\n"),
                       expect("RCPT TO:<alice@example.test>"), send("250 OK\r\n"), expect("DATA"),
                       send("354 Go\r\n"), data(), send("250 OK\r\n"), expect(kQuit), send(kBye)});
    auto eight_bit = message({"alice@example.test"}, "caf\xC3\xA9\r\n");
    eight_bit.eight_bit = true;
    auto seven_bit = message({"alice@example.test"});
    bool esmtp = true;
    std::vector<MessageResult> results;
    auto failure = run_client(io, [&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), options());
        esmtp = c->esmtp();
        results.push_back(co_await c->send(eight_bit));
        results.push_back(co_await c->send(seven_bit));
        co_await c->quit();
    });
    ASSERT_FALSE(failure);
    EXPECT_FALSE(esmtp);
    ASSERT_EQ(results.size(), 2U);
    ASSERT_TRUE(results[0].transaction_failure);
    EXPECT_EQ(results[0].transaction_failure->code, 554);
    EXPECT_EQ(results[0].transaction_failure->enhanced, "5.6.3");
    EXPECT_TRUE(results[0].recipients[0].local);
    EXPECT_EQ(results[1].recipients[0].reply.code, 250);
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, Greeting554IsPermanentAndGetsItsQuit) {
    FakeServer server(io, {send("554 5.7.1 No SMTP service here\r\n"), expect(kQuit), send(kBye)});
    Failure f = connect_failure(server, options());
    EXPECT_EQ(f.stage, Stage::greeting);
    ASSERT_TRUE(f.reply);
    EXPECT_EQ(f.reply->code, 554);
    EXPECT_FALSE(f.temporary);
    EXPECT_EQ(f.detail, "554 5.7.1 No SMTP service here");
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, Greeting421IsTemporaryAndTheClientJustLeaves) {
    FakeServer server(io, {send("421 4.3.2 Busy, try later\r\n")});
    Failure f = connect_failure(server, options());
    EXPECT_EQ(f.stage, Stage::greeting);
    EXPECT_TRUE(f.temporary);
    EXPECT_TRUE(server.finished());
    EXPECT_TRUE(server.extra().empty()) << "QUIT after 421: " << server.extra().front();
}

TEST_F(ClientTest, EhloRefusedWith4xxIsNotRetriedAsHelo) {
    FakeServer server(io, {send(kGreeting), expect(kHelo), send("451 4.3.0 Try later\r\n"),
                           expect(kQuit), send(kBye)});
    Failure f = connect_failure(server, options());
    EXPECT_EQ(f.stage, Stage::hello);
    EXPECT_TRUE(f.temporary);
    EXPECT_EQ(f.reply->code, 451);
}

TEST_F(ClientTest, SilentServerTimesOut) {
    FakeServer server(io, {pause(1s)});
    auto o = options();
    o.timeouts.greeting = 200ms;
    std::chrono::steady_clock::duration waited{};
    Failure f = failure_of([&]() -> asio::awaitable<void> {
        auto start = std::chrono::steady_clock::now();
        try {
            co_await SmtpClient::connect(io.get_executor(), server.endpoint(), o);
        } catch (const ClientError&) {
            waited = std::chrono::steady_clock::now() - start;
            throw;
        }
    });
    EXPECT_LT(waited, 800ms);
    EXPECT_EQ(f.stage, Stage::greeting);
    EXPECT_TRUE(f.timed_out);
    EXPECT_TRUE(f.temporary);
    EXPECT_EQ(f.detail, "no answer within 200 ms");
}

TEST_F(ClientTest, TheTimeoutCoversTheWholeReplyNotEachLine) {
    // A server trickling one line of a multiline reply at a time cannot hold the client
    // longer than the command's timeout.
    std::vector<Step> script{send(kGreeting), expect(kHelo)};
    for (int i = 0; i < 12; ++i) {
        script.push_back(send("250-line\r\n"));
        script.push_back(pause(100ms));
    }
    FakeServer server(io, std::move(script));
    auto o = options();
    o.timeouts.command = 500ms;
    std::chrono::steady_clock::duration waited{};
    Failure f = failure_of([&]() -> asio::awaitable<void> {
        auto start = std::chrono::steady_clock::now();
        try {
            co_await SmtpClient::connect(io.get_executor(), server.endpoint(), o);
        } catch (const ClientError&) {
            waited = std::chrono::steady_clock::now() - start;
            throw;
        }
    });
    EXPECT_LT(waited, 1s);
    EXPECT_EQ(f.stage, Stage::hello);
    EXPECT_TRUE(f.timed_out);
}

TEST_F(ClientTest, SlowFinalReplyTimesOutOnItsOwnTimeout) {
    FakeServer server(io, {send(kGreeting), expect(kHelo), send(ehlo_reply()),
                           expect("MAIL FROM:<sender@example.org> SIZE=22"),
                           expect("RCPT TO:<alice@example.test>"), expect("DATA"),
                           send("250 OK\r\n250 OK\r\n354 Go\r\n"), data(), pause(2s)});
    auto o = options();
    o.timeouts.data_end = 300ms;
    auto m = message({"alice@example.test"});
    Failure f = failure_of([&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), o);
        co_await c->send(m);
    });
    EXPECT_EQ(f.stage, Stage::message);
    EXPECT_TRUE(f.timed_out);
    EXPECT_TRUE(f.temporary);
}

TEST_F(ClientTest, GarbageRepliesEndTheConversation) {
    for (const char* garbage :
         {"hello there\r\n", "220-a\r\n230 b\r\n", "2200 x\r\n", "099 low\r\n"}) {
        asio::io_context local;
        FakeServer server(local, {send(garbage)});
        std::exception_ptr e = run_client(local, [&]() -> asio::awaitable<void> {
            co_await SmtpClient::connect(local.get_executor(), server.endpoint(), options());
        });
        ASSERT_TRUE(e) << garbage;
        try {
            std::rethrow_exception(e);
        } catch (const ClientError& error) {
            EXPECT_EQ(error.failure().stage, Stage::greeting) << garbage;
            EXPECT_THAT(error.failure().detail, HasSubstr("malformed reply")) << garbage;
            EXPECT_TRUE(error.failure().temporary);
            EXPECT_FALSE(error.failure().reply);
        }
        EXPECT_TRUE(server.extra().empty()) << "no QUIT into a garbled conversation";
    }
}

TEST_F(ClientTest, OverlongReplyLineIsMalformed) {
    FakeServer server(io, {send("220 " + std::string(5000, 'x') + "\r\n")});
    Failure f = connect_failure(server, options());
    EXPECT_EQ(f.detail, "malformed reply: reply line too long");
}

TEST_F(ClientTest, ServerClosingMidTransactionIsAnError) {
    FakeServer server(io, {send(kGreeting), expect(kHelo), send(ehlo_reply()),
                           expect("MAIL FROM:<sender@example.org> SIZE=22"),
                           expect("RCPT TO:<alice@example.test>"), expect("DATA"),
                           send("250 OK\r\n250 OK\r\n354 Go\r\n"), data(), hang_up()});
    bool usable = true;
    auto m = message({"alice@example.test"});
    Failure f = failure_of([&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), options());
        try {
            co_await c->send(m);
        } catch (const ClientError&) {
            usable = c->usable();
            throw;
        }
    });
    EXPECT_EQ(f.stage, Stage::message);
    EXPECT_EQ(f.detail, "connection closed by the server");
    EXPECT_TRUE(f.temporary);
    EXPECT_FALSE(usable);
}

TEST_F(ClientTest, UnexpectedReplyKindIsAProtocolError) {
    FakeServer server(io, {send(kGreeting), expect(kHelo), send("250 mx\r\n"),
                           expect("MAIL FROM:<sender@example.org>"), send("354 what?\r\n")});
    auto m = message({"alice@example.test"});
    Failure f = failure_of([&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), options());
        co_await c->send(m);
    });
    EXPECT_EQ(f.stage, Stage::mail);
    EXPECT_EQ(f.detail, "unexpected reply 354 what?");
}

TEST_F(ClientTest, RefusalsAtEachStageAndTheConnectionStaysUsable) {
    // Lock-step: MAIL refused (nothing to reset), then every RCPT refused (RSET before the
    // next MAIL), then DATA refused (RSET again), then a final dot refused, then a delivery.
    FakeServer server(io, {send(kGreeting),
                           expect(kHelo),
                           send("250-mx\r\n250 ENHANCEDSTATUSCODES\r\n"),
                           expect("MAIL FROM:<sender@example.org>"),
                           send("451 4.3.0 Sender check failed\r\n"),
                           expect("MAIL FROM:<sender@example.org>"),
                           send("250 2.1.0 OK\r\n"),
                           expect("RCPT TO:<a@example.test>"),
                           send("550 5.1.1 No\r\n"),
                           expect("RCPT TO:<b@example.test>"),
                           send("452 4.2.2 Full\r\n"),
                           expect("RSET"),
                           send("250 2.0.0 OK\r\n"),
                           expect("MAIL FROM:<sender@example.org>"),
                           send("250 OK\r\n"),
                           expect("RCPT TO:<a@example.test>"),
                           send("250 OK\r\n"),
                           expect("DATA"),
                           send("554 5.7.1 Content refused\r\n"),
                           expect("RSET"),
                           send("250 OK\r\n"),
                           expect("MAIL FROM:<sender@example.org>"),
                           send("250 OK\r\n"),
                           expect("RCPT TO:<a@example.test>"),
                           send("250 OK\r\n"),
                           expect("DATA"),
                           send("354 Go\r\n"),
                           data(),
                           send("452 4.3.1 Out of space\r\n"),
                           expect("MAIL FROM:<sender@example.org>"),
                           send("250 OK\r\n"),
                           expect("RCPT TO:<a@example.test>"),
                           send("250 OK\r\n"),
                           expect("DATA"),
                           send("354 Go\r\n"),
                           data(),
                           send("250 2.0.0 Done\r\n"),
                           expect(kQuit),
                           send(kBye)});
    auto r = deliver(server, options(),
                     {message({"a@example.test", "b@example.test"}),
                      message({"a@example.test", "b@example.test"}), message({"a@example.test"}),
                      message({"a@example.test"}), message({"a@example.test"})});
    ASSERT_EQ(r.size(), 5U);
    // MAIL refused: it decides every recipient.
    ASSERT_TRUE(r[0].transaction_failure);
    EXPECT_EQ(r[0].transaction_failure->code, 451);
    EXPECT_EQ(r[0].recipients[0].reply.code, 451);
    EXPECT_EQ(r[0].recipients[1].reply.code, 451);
    // Every RCPT refused: each its own reply, and no transaction failure.
    EXPECT_FALSE(r[1].transaction_failure);
    EXPECT_EQ(r[1].recipients[0].reply.enhanced, "5.1.1");
    EXPECT_EQ(r[1].recipients[1].reply.enhanced, "4.2.2");
    ASSERT_TRUE(r[2].transaction_failure);
    EXPECT_EQ(r[2].recipients[0].reply.code, 554);
    ASSERT_TRUE(r[3].transaction_failure);
    EXPECT_EQ(r[3].recipients[0].reply.code, 452);
    EXPECT_FALSE(r[4].transaction_failure);
    EXPECT_EQ(r[4].recipients[0].reply.code, 250);
    EXPECT_TRUE(server.finished());
    EXPECT_TRUE(server.extra().empty());
}

TEST_F(ClientTest, PipelinedResetAndALoneDotAfterABogus354) {
    // RFC 2920 §3.1: when no RCPT was accepted and the server still says 354 to DATA, the
    // client ends the data at once; the next transaction starts with RSET in its group.
    FakeServer server(io, {send(kGreeting),
                           expect(kHelo),
                           send(ehlo_reply()),
                           expect("MAIL FROM:<sender@example.org> SIZE=22"),
                           expect("RCPT TO:<a@example.test>"),
                           expect("DATA"),
                           send("250 OK\r\n550 5.1.1 No\r\n354 Go anyway\r\n"),
                           expect("."),
                           send("554 5.5.1 No valid recipients\r\n"),
                           expect("MAIL FROM:<sender@example.org> SIZE=22"),
                           expect("RCPT TO:<a@example.test>"),
                           expect("DATA"),
                           send("250 OK\r\n250 OK\r\n503 5.5.1 Not now\r\n"),
                           expect("RSET"),
                           expect("MAIL FROM:<sender@example.org> SIZE=22"),
                           expect("RCPT TO:<a@example.test>"),
                           expect("DATA"),
                           send("250 OK\r\n250 OK\r\n250 OK\r\n354 Go\r\n"),
                           data(),
                           send("250 Done\r\n"),
                           expect(kQuit),
                           send(kBye)});
    auto r = deliver(
        server, options(),
        {message({"a@example.test"}), message({"a@example.test"}), message({"a@example.test"})});
    ASSERT_EQ(r.size(), 3U);
    EXPECT_EQ(r[0].recipients[0].reply.code, 550);
    EXPECT_FALSE(r[0].transaction_failure);
    EXPECT_EQ(r[1].recipients[0].reply.code, 503);
    EXPECT_EQ(r[2].recipients[0].reply.code, 250);
    EXPECT_EQ(server.content(), "Subject: hi\r\n\r\nhello\r\n");
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, PipelinedMailRefusalDecidesEveryRecipient) {
    FakeServer server(
        io, {send(kGreeting), expect(kHelo), send(ehlo_reply()),
             expect("MAIL FROM:<sender@example.org> SIZE=22"), expect("RCPT TO:<a@example.test>"),
             expect("RCPT TO:<b@example.test>"), expect("DATA"),
             send("553 5.1.8 Bad sender domain\r\n503 5.5.1 Need MAIL\r\n"
                  "503 5.5.1 Need MAIL\r\n503 5.5.1 Need MAIL\r\n"),
             expect(kQuit), send(kBye)});
    auto r = deliver(server, options(), {message({"a@example.test", "b@example.test"})});
    ASSERT_EQ(r.size(), 1U);
    ASSERT_TRUE(r[0].transaction_failure);
    EXPECT_EQ(r[0].transaction_failure->enhanced, "5.1.8");
    EXPECT_EQ(r[0].recipients[0].reply.enhanced, "5.1.8");
    EXPECT_EQ(r[0].recipients[1].reply.enhanced, "5.1.8");
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, ServerLeavingWith421MidPipelineEndsTheTransaction) {
    FakeServer server(
        io, {send(kGreeting), expect(kHelo), send(ehlo_reply()),
             expect("MAIL FROM:<sender@example.org> SIZE=22"), expect("RCPT TO:<a@example.test>"),
             expect("RCPT TO:<b@example.test>"), expect("DATA"),
             send("250 OK\r\n250 OK\r\n421 4.3.2 Shutting down\r\n"), hang_up()});
    std::optional<MessageResult> result;
    bool usable = true;
    auto m = message({"a@example.test", "b@example.test"});
    auto failure = run_client(io, [&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), options());
        result = co_await c->send(m);
        usable = c->usable();
        co_await c->quit();
    });
    ASSERT_FALSE(failure);
    ASSERT_TRUE(result);
    EXPECT_FALSE(usable);
    ASSERT_TRUE(result->transaction_failure);
    EXPECT_EQ(result->transaction_failure->code, 421);
    EXPECT_EQ(result->recipients[0].reply.code, 421);  // accepted, but never delivered
    EXPECT_EQ(result->recipients[1].reply.code, 421);
}

TEST_F(ClientTest, MessagesTheServerCannotTakeAreRefusedWithoutSendingThem) {
    FakeServer server(io, {send(kGreeting), expect(kHelo),
                           send("250-mx\r\n250-PIPELINING\r\n250-SIZE 100\r\n250 8BITMIME\r\n"),
                           expect(kQuit), send(kBye)});
    std::string big(101, 'x');
    auto too_big = message({"a@example.test"}, big);
    auto utf8 = message({"jöran@example.test"});
    auto requiretls = message({"a@example.test"});
    requiretls.requiretls = true;
    auto bad_address = message({"not an address", "a@example.test"});
    bad_address.reverse_path = "bad<>sender";
    auto r = deliver(server, options(), {too_big, utf8, requiretls, bad_address});
    ASSERT_EQ(r.size(), 4U);
    EXPECT_EQ(r[0].transaction_failure->code, 552);
    EXPECT_EQ(r[0].transaction_failure->enhanced, "5.3.4");   // RFC 1870, RFC 3463 §3.4
    EXPECT_EQ(r[1].transaction_failure->enhanced, "5.6.7");   // RFC 6531
    EXPECT_EQ(r[2].transaction_failure->enhanced, "5.7.30");  // RFC 8689
    EXPECT_EQ(r[3].transaction_failure->enhanced, "5.1.7");
    for (const auto& result : r) {
        for (const auto& recipient : result.recipients) {
            EXPECT_TRUE(recipient.local);
            EXPECT_EQ(recipient.reply.code / 100, 5);
        }
    }
    EXPECT_TRUE(server.finished());
    EXPECT_TRUE(server.extra().empty());
}

TEST_F(ClientTest, AnUnwritableRecipientIsRefusedAloneAndTheRestGoOut) {
    FakeServer server(
        io, {send(kGreeting), expect(kHelo), send(ehlo_reply()),
             expect("MAIL FROM:<sender@example.org> SIZE=22"), expect("RCPT TO:<a@example.test>"),
             expect("DATA"), send("250 OK\r\n250 OK\r\n354 Go\r\n"), data(), send("250 OK\r\n"),
             expect(kQuit), send(kBye)});
    auto r = deliver(server, options(), {message({"a@b@c", "a@example.test"})});
    ASSERT_EQ(r.size(), 1U);
    EXPECT_EQ(r[0].recipients[0].reply.enhanced, "5.1.3");
    EXPECT_TRUE(r[0].recipients[0].local);
    EXPECT_EQ(r[0].recipients[1].reply.code, 250);
    EXPECT_FALSE(r[0].recipients[1].local);
}

TEST_F(ClientTest, OpportunisticTlsDiscardsWhatCameInTheClearWithThe220) {
    // The 220 and an injected reply arrive together in the clear (the client side of
    // CVE-2011-0411): the injected line must not be taken for the EHLO reply over TLS.
    FakeServer server(
        io,
        {send(kGreeting), expect(kHelo), send(ehlo_reply("250-STARTTLS\r\n")), expect("STARTTLS"),
         send("220 2.0.0 Ready\r\n250-injected\r\n250-PIPELINING\r\n250 AUTH PLAIN\r\n"),
         starttls(), expect(kHelo), send("250-mx.example.test\r\n250 8BITMIME\r\n"),
         expect("MAIL FROM:<sender@example.org>"), send("250 OK\r\n"),
         expect("RCPT TO:<a@example.test>"), send("250 OK\r\n"), expect("DATA"), send("354 Go\r\n"),
         data(), send("250 OK\r\n"), expect(kQuit), send(kBye)},
        server_tls());
    std::string version;
    std::string cipher;
    bool verified = true;
    Extensions extensions;
    std::vector<MessageResult> results;
    auto m = message({"a@example.test"});
    auto failure = run_client(io, [&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(),
                                              options(TlsPolicy::opportunistic));
        version = c->tls_version();
        cipher = c->tls_cipher();
        verified = c->certificate_verified();
        extensions = c->extensions();
        results.push_back(co_await c->send(m));
        co_await c->quit();
    });
    ASSERT_FALSE(failure);
    EXPECT_EQ(version, "TLSv1.3");
    EXPECT_FALSE(cipher.empty());
    EXPECT_EQ(sni, "mx.example.test");
    EXPECT_FALSE(verified);  // self-signed: fine for opportunistic TLS, and reported
    EXPECT_FALSE(extensions.pipelining);
    EXPECT_TRUE(extensions.auth.empty());
    ASSERT_EQ(results.size(), 1U);
    EXPECT_EQ(results[0].recipients[0].reply.code, 250);
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, OpportunisticTlsGoesOnInTheClearWhenStarttlsIsRefused) {
    FakeServer server(io, {send(kGreeting), expect(kHelo), send(ehlo_reply("250-STARTTLS\r\n")),
                           expect("STARTTLS"), send("454 4.7.0 TLS not available\r\n"),
                           expect(kQuit), send(kBye)});
    bool tls = true;
    auto failure = run_client(io, [&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(),
                                              options(TlsPolicy::opportunistic));
        tls = c->is_tls();
        co_await c->quit();
    });
    ASSERT_FALSE(failure);
    EXPECT_FALSE(tls);
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, RequiredTlsFailsWhereStarttlsIsMissingOrRefused) {
    {
        FakeServer server(
            io, {send(kGreeting), expect(kHelo), send(ehlo_reply()), expect(kQuit), send(kBye)});
        Failure f = connect_failure(server, options(TlsPolicy::required));
        EXPECT_EQ(f.stage, Stage::starttls);
        EXPECT_TRUE(f.tls_failure);
        EXPECT_TRUE(f.temporary);
        EXPECT_EQ(f.detail, "the server does not offer STARTTLS");
        EXPECT_TRUE(server.finished());
    }
    io.restart();
    {
        FakeServer server(io, {send(kGreeting), expect(kHelo), send(ehlo_reply("250-STARTTLS\r\n")),
                               expect("STARTTLS"), send("554 5.7.0 No TLS for you\r\n"),
                               expect(kQuit), send(kBye)});
        Failure f = connect_failure(server, options(TlsPolicy::required));
        EXPECT_EQ(f.stage, Stage::starttls);
        EXPECT_TRUE(f.tls_failure);
        EXPECT_FALSE(f.temporary);
        EXPECT_EQ(f.reply->code, 554);
    }
}

TEST_F(ClientTest, VerifiedTlsRefusesASelfSignedCertificate) {
    FakeServer server(io,
                      {send(kGreeting), expect(kHelo), send(ehlo_reply("250-STARTTLS\r\n")),
                       expect("STARTTLS"), send("220 Ready\r\n"), starttls()},
                      server_tls());
    Failure f = connect_failure(server, options(TlsPolicy::required_verified));
    EXPECT_EQ(f.stage, Stage::tls_handshake);
    EXPECT_TRUE(f.tls_failure);
    EXPECT_TRUE(f.temporary);
    EXPECT_EQ(f.detail, "certificate verification failed: self-signed certificate");
}

TEST_F(ClientTest, AuthLoginOverTlsWhenPlainIsNotOffered) {
    FakeServer server(
        io,
        {send(kGreeting), expect(kHelo), send(ehlo_reply("250-STARTTLS\r\n")), expect("STARTTLS"),
         send("220 Ready\r\n"), starttls(), expect(kHelo), send(ehlo_reply("250-AUTH LOGIN\r\n")),
         expect("AUTH LOGIN"), send("334 VXNlcm5hbWU6\r\n"), expect("cmVsYXktdXNlcg=="),
         send("334 UGFzc3dvcmQ6\r\n"), expect("cmVsYXktcHc="),
         send("235 2.7.0 Authentication successful\r\n"), expect(kQuit), send(kBye)},
        server_tls());
    auto o = options(TlsPolicy::required);
    o.auth = Credentials{"relay-user", "relay-pw"};
    bool authenticated = false;
    auto failure = run_client(io, [&]() -> asio::awaitable<void> {
        auto c = co_await SmtpClient::connect(io.get_executor(), server.endpoint(), o);
        authenticated = c->authenticated();
        co_await c->quit();
    });
    ASSERT_FALSE(failure);
    EXPECT_TRUE(authenticated);
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, AuthPlainRefusedIsReported) {
    FakeServer server(
        io,
        {send(kGreeting), expect(kHelo), send(ehlo_reply("250-STARTTLS\r\n")), expect("STARTTLS"),
         send("220 Ready\r\n"), starttls(), expect(kHelo),
         send(ehlo_reply("250-AUTH LOGIN PLAIN\r\n")),
         expect("AUTH PLAIN AHJlbGF5LXVzZXIAcmVsYXktcHc="),
         send("535 5.7.8 Authentication credentials invalid\r\n"), expect(kQuit), send(kBye)},
        server_tls());
    auto o = options(TlsPolicy::required);
    o.auth = Credentials{"relay-user", "relay-pw"};
    Failure f = connect_failure(server, o);
    EXPECT_EQ(f.stage, Stage::auth);
    EXPECT_FALSE(f.temporary);
    EXPECT_EQ(f.reply->enhanced, "5.7.8");
    EXPECT_TRUE(server.finished());
}

TEST_F(ClientTest, CredentialsAreNeverSentWithoutTls) {
    FakeServer server(io, {send(kGreeting), expect(kHelo), send(ehlo_reply("250-AUTH PLAIN\r\n")),
                           expect(kQuit), send(kBye)});
    auto o = options(TlsPolicy::opportunistic);
    o.auth = Credentials{"relay-user", "relay-pw"};
    Failure f = connect_failure(server, o);
    EXPECT_EQ(f.stage, Stage::auth);
    EXPECT_EQ(f.detail, "credentials are only ever sent over TLS");
    EXPECT_THAT(server.received(), ElementsAre(kHelo, kQuit));
}

TEST_F(ClientTest, AnUnreadableCaFileIsAConfigurationError) {
    try {
        net::make_client_tls_context(dir / "missing.pem");
        ADD_FAILURE() << "no error";
    } catch (const sealbox::Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        EXPECT_THAT(e.what(), HasSubstr("missing.pem"));
    }
}

TEST_F(ClientTest, ConnectionRefused) {
    tcp::endpoint closed;
    {
        tcp::acceptor probe(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
        closed = probe.local_endpoint();
    }
    Failure f = failure_of([&]() -> asio::awaitable<void> {
        co_await SmtpClient::connect(io.get_executor(), closed, options());
    });
    EXPECT_EQ(f.stage, Stage::connect);
    EXPECT_TRUE(f.temporary);
    EXPECT_FALSE(f.timed_out);
    EXPECT_FALSE(f.detail.empty());
}

TEST_F(ClientTest, OptionsThatCannotWorkAreRefusedUpFront) {
    const tcp::endpoint never_used(asio::ip::make_address("127.0.0.1"), 9);
    auto bad_name = options();
    bad_name.helo_name = "bad name\r\nRSET";
    auto no_name = options(TlsPolicy::required_verified);
    no_name.tls_server_name.clear();
    auto no_tlsa = options(TlsPolicy::dane);  // DANE without records would check nothing
    for (const auto& o : {bad_name, no_name, no_tlsa}) {
        auto e = run_client(io, [&]() -> asio::awaitable<void> {
            co_await SmtpClient::connect(io.get_executor(), never_used, o);
        });
        EXPECT_THROW(std::rethrow_exception(e), sealbox::Error);
        io.restart();
    }
}

}  // namespace
}  // namespace sealbox::smtp::client::test
