#pragma once
// IMAP sessions on loopback against FakeMailService: a real Listener and Connection, a
// blocking client that reads responses (literals included) up to the tagged one, and TLS from
// a throwaway self-signed certificate.

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "imap/session/fake_account.h"
#include "imap/session/handler.h"
#include "net/listener.h"
#include "server/self_signed_cert.h"
#include "support/temp_dir.h"

namespace sealbox::imap::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using ::testing::ContainsRegex;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

class Client {
  public:
    Client(asio::io_context& io, std::uint16_t port) : s_(std::make_unique<State>(io)) {
        s_->socket.connect({asio::ip::make_address("127.0.0.1"), port});
    }

    void send(std::string_view data) {
        if (s_->tls) {
            asio::write(*s_->tls, asio::buffer(data));
        } else {
            asio::write(s_->socket, asio::buffer(data));
        }
    }

    // One response line without CRLF; a literal it announces is read into it whole.
    std::string line() {
        std::string text = raw_line();
        while (text.size() > 2 && text.back() == '}') {
            std::size_t open = text.rfind('{');
            if (open == std::string::npos) {
                break;
            }
            std::size_t n = std::stoul(text.substr(open + 1));
            text += "\r\n" + read_exactly(n);
            text += raw_line();
        }
        return text;
    }

    // Every line up to and including the one tagged `tag`, joined by "\n".
    std::string until(const std::string& tag) {
        std::string all;
        for (;;) {
            std::string l = line();
            all += all.empty() ? l : "\n" + l;
            if (l.starts_with(tag + " ") || l.starts_with("<")) {
                return all;
            }
        }
    }

    std::string cmd(const std::string& command, const std::string& tag = "a") {
        send(tag + " " + command + "\r\n");
        return until(tag);
    }

    // line(), for what the server sends unasked: when nothing came within `limit` the
    // connection is shut down and the line reads "<...>", failing the test instead of hanging it.
    std::string line_within(std::chrono::milliseconds limit) {
        std::mutex mutex;
        std::condition_variable arrived;
        bool got = false;
        int fd = s_->socket.native_handle();
        std::thread watchdog([&] {
            std::unique_lock lock(mutex);
            if (!arrived.wait_for(lock, limit, [&] { return got; })) {
                ::shutdown(fd, SHUT_RDWR);
            }
        });
        std::string text = line();
        {
            std::lock_guard lock(mutex);
            got = true;
        }
        arrived.notify_one();
        watchdog.join();
        return text;
    }

    bool closed() {
        for (std::string l = line();; l = line()) {
            if (l.starts_with("<")) {
                return true;
            }
        }
    }

    void starttls() {
        s_->context.set_verify_mode(asio::ssl::verify_none);
        s_->tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(s_->socket, s_->context);
        s_->tls->handshake(asio::ssl::stream_base::client);
    }

  private:
    std::string raw_line() {
        boost::system::error_code ec;
        if (s_->tls) {
            asio::read_until(*s_->tls, s_->buffer, "\r\n", ec);
        } else {
            asio::read_until(s_->socket, s_->buffer, "\r\n", ec);
        }
        if (ec) {
            return "<" + ec.message() + ">";
        }
        std::istream in(&s_->buffer);
        std::string text;
        std::getline(in, text);
        if (!text.empty() && text.back() == '\r') {
            text.pop_back();
        }
        return text;
    }
    std::string read_exactly(std::size_t n) {
        if (s_->buffer.size() < n) {
            boost::system::error_code ec;
            if (s_->tls) {
                asio::read(*s_->tls, s_->buffer, asio::transfer_exactly(n - s_->buffer.size()), ec);
            } else {
                asio::read(s_->socket, s_->buffer, asio::transfer_exactly(n - s_->buffer.size()),
                           ec);
            }
        }
        std::string out(n, '\0');
        std::istream in(&s_->buffer);
        in.read(out.data(), static_cast<std::streamsize>(n));
        return out;
    }

    struct State {
        explicit State(asio::io_context& io) : socket(io) {}
        tcp::socket socket;
        asio::ssl::context context{asio::ssl::context::tls_client};
        std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
        asio::streambuf buffer;
    };
    std::unique_ptr<State> s_;
};

class SessionTest : public ::testing::Test {
  protected:
    void start(Mode mode = Mode::imaps, SessionConfig config = {}) {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "imap.example.test");
        tls = std::make_shared<net::TlsContextProvider>(
            net::TlsFiles{paths.certificate, paths.private_key});
        ListenerConfig listener;
        listener.address = "127.0.0.1";
        listener.port = 0;
        config.mode = mode;
        config.max_bad_commands = listener.max_bad_commands;
        net::ListenerSpec spec{"test", listener, mode == Mode::imaps, busy_reply()};
        SessionServices services{mail, workers, throttle, tls};
        this->listener =
            std::make_unique<net::Listener>(io, spec, tls, session_handler(config, services));
        this->listener->start();
        thread = std::thread([this] { io.run(); });
    }

    void TearDown() override {
        io.stop();
        if (thread.joinable()) {
            thread.join();
        }
        workers.join();
    }

    Client connect() {
        Client c(client_io, listener->port());
        if (listener->spec().implicit_tls) {
            c.starttls();
        }
        EXPECT_THAT(c.line(), StartsWith("* OK [CAPABILITY IMAP4rev1 IMAP4rev2"));
        return c;
    }

    Client logged_in() {
        Client c = connect();
        EXPECT_THAT(c.cmd("LOGIN alice@example.test alice-pw", "l"),
                    StartsWith("l OK [CAPABILITY"));
        return c;
    }

    // Logged in with INBOX selected.
    Client selected(const std::string& select = "SELECT INBOX") {
        Client c = logged_in();
        EXPECT_THAT(c.cmd(select, "s"), EndsWith("completed"));
        return c;
    }

    // A small message whose subject says which it is.
    static std::string message(const std::string& subject, const std::string& body = "Hello") {
        return "From: Bob <bob@example.test>\r\nTo: alice@example.test\r\nSubject: " + subject +
               "\r\nDate: Mon, 23 Nov 2026 06:18:01 +0000\r\nMessage-ID: <" + subject +
               "@example.test>\r\n\r\n" + body + "\r\n";
    }

    testing::TempDir dir;
    FakeMailService mail;
    net::AuthThrottle throttle{
        net::AuthThrottleOptions{2, std::chrono::milliseconds(100), std::chrono::milliseconds(200),
                                 4, std::chrono::minutes(1), std::chrono::hours(1)}};
    asio::io_context io;
    asio::io_context client_io;
    asio::thread_pool workers{2};
    std::shared_ptr<net::TlsContextProvider> tls;
    std::unique_ptr<net::Listener> listener;
    std::thread thread;
};

}  // namespace sealbox::imap::test
