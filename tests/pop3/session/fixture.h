#pragma once
// POP3 sessions on loopback against a fake MaildropService: a real Listener and Connection, a
// blocking client, and TLS from a throwaway self-signed certificate.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "core/base64.h"
#include "core/error.h"
#include "net/listener.h"
#include "pop3/session/handler.h"
#include "server/self_signed_cert.h"
#include "support/temp_dir.h"

namespace sealbox::pop3::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// alice@example.test (password "alice-pw") with the messages in `inbox`; bob@example.test
// ("bob-pw") with none. Unique ids are "u<n>".
class FakeMaildropService : public MaildropService {
  public:
    Login login(std::string_view user, std::string_view password) override {
        std::lock_guard lock(mutex_);
        ++login_calls;
        if (throw_on_login) {
            throw Error(ErrorCode::io, "store unavailable");
        }
        Login out;
        std::string u(user);
        if (!((u == "alice@example.test" && password == "alice-pw") ||
              (u == "bob@example.test" && password == "bob-pw"))) {
            return out;
        }
        out.account = u;
        if (!locked_.insert(u).second) {
            out.status = Login::Status::in_use;
            return out;
        }
        out.status = Login::Status::ok;
        out.maildrop = std::make_unique<FakeMaildrop>(*this, u);
        return out;
    }

    std::vector<std::string> inbox;  // alice's, set before the first login
    std::atomic<bool> throw_on_login = false;
    std::atomic<bool> throw_on_remove = false;
    std::atomic<int> login_calls = 0;

    std::vector<std::string> removed() {
        std::lock_guard lock(mutex_);
        return removed_;
    }
    bool locked(const std::string& account) {
        std::lock_guard lock(mutex_);
        return locked_.contains(account);
    }
    void vanish(const std::string& unique_id) {
        std::lock_guard lock(mutex_);
        gone_.insert(unique_id);
    }
    // Indexes of alice's messages read so far, in order.
    std::vector<std::size_t> retrieved() {
        std::lock_guard lock(mutex_);
        return retrieved_;
    }
    // Until let_reads_go(), a read of a message at or past `index` waits (a slow disk).
    void hold_reads_from(std::size_t index) {
        std::lock_guard lock(mutex_);
        hold_from_ = index;
    }
    void let_reads_go() {
        {
            std::lock_guard lock(mutex_);
            hold_from_.reset();
        }
        reads_held_.notify_all();
    }

  private:
    class FakeMaildrop : public Maildrop {
      public:
        FakeMaildrop(FakeMaildropService& service, std::string account)
            : service_(service), account_(std::move(account)) {
            if (account_ == "alice@example.test") {
                for (std::size_t i = 0; i < service_.inbox.size(); ++i) {
                    entries_.push_back({"u" + std::to_string(i + 1), service_.inbox[i].size()});
                }
            }
        }
        ~FakeMaildrop() override {
            std::lock_guard lock(service_.mutex_);
            service_.locked_.erase(account_);
        }
        const std::vector<MaildropEntry>& entries() const override { return entries_; }
        std::string retrieve(std::size_t index) override {
            std::unique_lock lock(service_.mutex_);
            service_.reads_held_.wait(
                lock, [&] { return !service_.hold_from_ || index < *service_.hold_from_; });
            service_.retrieved_.push_back(index);
            if (service_.gone_.contains(entries_.at(index).unique_id)) {
                throw Error(ErrorCode::not_found, "gone");
            }
            return service_.inbox.at(index);
        }
        void remove(const std::vector<std::size_t>& indexes) override {
            std::lock_guard lock(service_.mutex_);
            if (service_.throw_on_remove) {
                throw Error(ErrorCode::io, "disk full");
            }
            for (std::size_t i : indexes) {
                service_.removed_.push_back(entries_.at(i).unique_id);
            }
        }

      private:
        FakeMaildropService& service_;
        std::string account_;
        std::vector<MaildropEntry> entries_;
    };

    std::mutex mutex_;
    std::set<std::string> locked_;
    std::set<std::string> gone_;
    std::vector<std::string> removed_;
    std::vector<std::size_t> retrieved_;
    std::optional<std::size_t> hold_from_;
    std::condition_variable reads_held_;
};

// A blocking POP3 client: status lines and multi-line bodies, CRLF removed.
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

    std::string line() {
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

    std::string cmd(const std::string& command) {
        send(command + "\r\n");
        return line();
    }

    // The body of a multi-line response, byte-stuffing undone (RFC 1939 §3), up to ".".
    std::vector<std::string> body() {
        std::vector<std::string> lines;
        for (std::string l = line(); l != "."; l = line()) {
            if (l.starts_with("<")) {
                lines.push_back(l);
                break;
            }
            lines.push_back(l.starts_with(".") ? l.substr(1) : l);
        }
        return lines;
    }

    // The body joined back into a message with CRLF line ends.
    std::string message() {
        std::string out;
        for (const auto& l : body()) {
            out += l + "\r\n";
        }
        return out;
    }

    bool closed() { return line().starts_with("<"); }

    void starttls() {
        s_->context.set_verify_mode(asio::ssl::verify_none);
        s_->tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(s_->socket, s_->context);
        s_->tls->handshake(asio::ssl::stream_base::client);
    }

    void close() {
        boost::system::error_code ec;
        s_->socket.close(ec);
    }

  private:
    struct State {
        explicit State(asio::io_context& io) : socket(io) {}
        tcp::socket socket;
        asio::ssl::context context{asio::ssl::context::tls_client};
        std::unique_ptr<asio::ssl::stream<tcp::socket&>> tls;
        asio::streambuf buffer;
    };
    std::unique_ptr<State> s_;
};

inline std::string plain(std::string_view user, std::string_view password) {
    return base64_encode(std::string("\0", 1) + std::string(user) + std::string("\0", 1) +
                         std::string(password));
}

class Pop3Test : public ::testing::Test {
  protected:
    void start(bool implicit_tls = false, SessionConfig config = {}, ListenerConfig listener = {}) {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "mail.example.test");
        tls = std::make_shared<net::TlsContextProvider>(
            net::TlsFiles{paths.certificate, paths.private_key});
        config.hostname = "mail.example.test";
        listener.address = "127.0.0.1";
        listener.port = 0;
        config.max_line_length = static_cast<std::size_t>(listener.max_line_length);
        config.max_bad_commands = listener.max_bad_commands;
        config.idle_timeout = listener.idle_timeout;
        net::ListenerSpec spec{"test", listener, implicit_tls, busy_response()};
        SessionServices services{maildrops, workers, throttle, tls};
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
        EXPECT_EQ(c.line(), "+OK mail.example.test Sealbox POP3 server ready");
        return c;
    }

    // Connected and past STLS (or on implicit TLS).
    Client secured() {
        Client c = connect();
        if (!listener->spec().implicit_tls) {
            EXPECT_EQ(c.cmd("STLS"), "+OK Begin TLS negotiation");
            c.starttls();
        }
        return c;
    }

    Client logged_in(const std::string& user = "alice@example.test",
                     const std::string& password = "alice-pw") {
        Client c = secured();
        EXPECT_EQ(c.cmd("USER " + user), "+OK Send the password");
        EXPECT_THAT(c.cmd("PASS " + password), StartsWith("+OK Logged in"));
        return c;
    }

    // Waits until the server let go of alice's maildrop, which it does after the connection ends.
    bool released(const std::string& account = "alice@example.test") {
        for (int i = 0; i < 200 && maildrops.locked(account); ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return !maildrops.locked(account);
    }

    testing::TempDir dir;
    FakeMaildropService maildrops;
    net::AuthThrottle throttle{
        net::AuthThrottleOptions{2, std::chrono::milliseconds(200), std::chrono::milliseconds(400),
                                 4, std::chrono::minutes(1), std::chrono::hours(1)}};
    asio::io_context io;
    asio::io_context client_io;
    asio::thread_pool workers{2};
    std::shared_ptr<net::TlsContextProvider> tls;
    std::unique_ptr<net::Listener> listener;
    std::thread thread;
};

}  // namespace sealbox::pop3::test
