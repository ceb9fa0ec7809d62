#include "net/listener.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/write.hpp>
#include <thread>

#include "server/self_signed_cert.h"
#include "support/temp_dir.h"

namespace sealbox::net {
namespace {

namespace asio = boost::asio;
using asio::ip::tcp;

// A line-echo protocol with STARTTLS, enough to exercise everything the listener promises.
asio::awaitable<void> echo_session(Connection& c, std::shared_ptr<TlsContextProvider> tls) {
    co_await c.write("READY\r\n");
    while (auto line = co_await c.read_line(64)) {
        if (line->too_long) {
            co_await c.write("TOOLONG\r\n");
        } else if (line->text == "STARTTLS") {
            co_await c.write("GO\r\n");
            if (!co_await c.handshake(tls->current())) {
                co_return;
            }
        } else if (line->text == "VERSION") {
            co_await c.write("VERSION " + c.tls_version() + "\r\n");
        } else {
            co_await c.write("ECHO " + line->text + "\r\n");
        }
    }
}

class ListenerTest : public ::testing::Test {
protected:
    void start(ListenerConfig config, bool implicit_tls) {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "mail.example.test");
        tls = std::make_shared<TlsContextProvider>(TlsFiles{paths.certificate, paths.private_key});
        config.address = "127.0.0.1";
        config.port = 0;
        ListenerSpec spec{"test", config, implicit_tls, "BUSY\r\n"};
        auto provider = tls;
        listener = std::make_unique<Listener>(
            io, spec, tls, [provider](Connection& c) { return echo_session(c, provider); });
        listener->start();
        thread = std::thread([this] { io.run(); });
    }

    void TearDown() override {
        if (listener) {
            asio::post(io, [this] { listener->stop(); });
        }
        io.stop();
        if (thread.joinable()) {
            thread.join();
        }
    }

    tcp::socket connect() {
        tcp::socket socket(client_io);
        socket.connect({asio::ip::make_address("127.0.0.1"), listener->port()});
        return socket;
    }

    template <typename Stream>
    std::string read_line(Stream& s, asio::streambuf& buf) {
        boost::system::error_code ec;
        asio::read_until(s, buf, "\r\n", ec);
        if (ec) {
            return "<" + ec.message() + ">";
        }
        std::istream in(&buf);
        std::string line;
        std::getline(in, line);
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        return line;
    }

    asio::ssl::context client_tls(int max_version = 0) {
        asio::ssl::context context(asio::ssl::context::tls_client);
        context.set_verify_mode(asio::ssl::verify_none);
        if (max_version) {
            SSL_CTX_set_min_proto_version(context.native_handle(), TLS1_VERSION);
            SSL_CTX_set_max_proto_version(context.native_handle(), max_version);
            SSL_CTX_set_security_level(context.native_handle(), 0);
        }
        return context;
    }

    testing::TempDir dir;
    asio::io_context io;
    asio::io_context client_io;
    std::shared_ptr<TlsContextProvider> tls;
    std::unique_ptr<Listener> listener;
    std::thread thread;
};

TEST_F(ListenerTest, LinesAreEchoedAndOverlongLinesRefusedWithoutLosingStep) {
    start({}, false);
    auto s = connect();
    asio::streambuf buf;
    EXPECT_EQ(read_line(s, buf), "READY");
    asio::write(s, asio::buffer("one\r\n" + std::string(5000, 'x') + "\r\ntwo\r\n"));
    EXPECT_EQ(read_line(s, buf), "ECHO one");
    EXPECT_EQ(read_line(s, buf), "TOOLONG");
    EXPECT_EQ(read_line(s, buf), "ECHO two");
}

// CVE-2011-0411: a command pipelined after STARTTLS in the same packet was sent in the clear;
// it must be discarded, not executed as if it had come over TLS.
TEST_F(ListenerTest, InputPipelinedAfterStartTlsIsDiscarded) {
    start({}, false);
    auto s = connect();
    asio::streambuf buf;
    EXPECT_EQ(read_line(s, buf), "READY");
    asio::write(s, asio::buffer(std::string("STARTTLS\r\nINJECTED\r\n")));
    EXPECT_EQ(read_line(s, buf), "GO");
    EXPECT_EQ(buf.size(), 0U);
    auto context = client_tls();
    asio::ssl::stream<tcp::socket&> secure(s, context);
    secure.handshake(asio::ssl::stream_base::client);
    asio::write(secure, asio::buffer(std::string("HELLO\r\n")));
    asio::streambuf tls_buf;
    EXPECT_EQ(read_line(secure, tls_buf), "ECHO HELLO");
}

TEST_F(ListenerTest, ImplicitTlsSpeaksOnlyTls12AndLater) {
    start({}, true);
    {
        auto s = connect();
        auto context = client_tls();
        asio::ssl::stream<tcp::socket&> secure(s, context);
        secure.handshake(asio::ssl::stream_base::client);
        asio::streambuf buf;
        EXPECT_EQ(read_line(secure, buf), "READY");
        asio::write(secure, asio::buffer(std::string("VERSION\r\n")));
        EXPECT_EQ(read_line(secure, buf), "VERSION TLSv1.3");
    }
    auto s = connect();
    auto old = client_tls(TLS1_1_VERSION);
    asio::ssl::stream<tcp::socket&> secure(s, old);
    boost::system::error_code ec;
    secure.handshake(asio::ssl::stream_base::client, ec);
    EXPECT_TRUE(ec) << "a TLS 1.1 handshake succeeded";
}

TEST_F(ListenerTest, ConnectionsOverTheLimitGetTheBusyReply) {
    ListenerConfig config;
    config.max_connections_per_ip = 1;
    start(config, false);
    auto first = connect();
    asio::streambuf buf1;
    EXPECT_EQ(read_line(first, buf1), "READY");
    auto second = connect();
    asio::streambuf buf2;
    EXPECT_EQ(read_line(second, buf2), "BUSY");
    EXPECT_EQ(read_line(second, buf2), "<End of file>");
    first.close();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    auto third = connect();
    asio::streambuf buf3;
    EXPECT_EQ(read_line(third, buf3), "READY");
}

TEST_F(ListenerTest, SilentClientsAreDisconnected) {
    ListenerConfig config;
    config.idle_timeout = std::chrono::milliseconds(300);
    start(config, false);
    auto s = connect();
    asio::streambuf buf;
    EXPECT_EQ(read_line(s, buf), "READY");
    auto begin = std::chrono::steady_clock::now();
    EXPECT_EQ(read_line(s, buf), "<End of file>");
    auto waited = std::chrono::steady_clock::now() - begin;
    EXPECT_GE(waited, std::chrono::milliseconds(250));
    EXPECT_LT(waited, std::chrono::seconds(5));
}

}  // namespace
}  // namespace sealbox::net
