#pragma once
// SMTP sessions on loopback against a fake MailService: a real Listener and Connection, a
// blocking client that reads whole replies, and TLS from a throwaway self-signed certificate.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "core/address.h"
#include "core/error.h"
#include "net/listener.h"
#include "server/self_signed_cert.h"
#include "smtp/session/handler.h"
#include "support/temp_dir.h"

namespace sealbox::smtp::test {

namespace asio = boost::asio;
using asio::ip::tcp;
using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

// Domain example.test with alice and bob; team@ reaches both, sales@ and alice+tag@ reach
// alice, full@ is over quota, fwd@ forwards outside. Passwords are "<name>-pw".
class FakeMailService : public MailService {
  public:
    struct Delivery {
        std::string message;
        std::vector<std::string> accounts;
        std::string folder;
    };

    RecipientCheck check_recipient(const MailAddress& address, std::uint64_t) override {
        std::lock_guard lock(mutex_);
        if (throw_on_check) {
            throw Error(ErrorCode::io, "directory unavailable");
        }
        RecipientCheck check;
        if (auto it = routes_.find(address_key(address)); it != routes_.end()) {
            check.status = RecipientStatus::local;
            check.accounts = it->second;
        } else if (address.domain != "example.test") {
            check.status = RecipientStatus::remote;
        } else if (address.str() == "full@example.test") {
            check.status = RecipientStatus::over_quota;
        } else if (address.str() == "fwd@example.test") {
            check.status = RecipientStatus::forwarded;
            check.forward_to = {"someone@elsewhere.test"};
        } else if (address.str() == "both@example.test") {
            check.status = RecipientStatus::forwarded;
            check.accounts = {"bob@example.test"};
            check.forward_to = {"bob@elsewhere.test"};
        } else {
            check.status = RecipientStatus::unknown;
        }
        return check;
    }

    std::optional<std::string> authenticate(std::string_view user,
                                            std::string_view password) override {
        std::lock_guard lock(mutex_);
        ++auth_calls;
        std::string u(user);
        if ((u == "alice@example.test" && password == "alice-pw") ||
            (u == "bob@example.test" && password == "bob-pw")) {
            return u;
        }
        return std::nullopt;
    }

    bool may_send_as(std::string_view account, const MailAddress& address) override {
        std::lock_guard lock(mutex_);
        auto it = routes_.find(address_key(address));
        return it != routes_.end() &&
               std::find(it->second.begin(), it->second.end(), account) != it->second.end();
    }

    std::vector<DeliveryOutcome> deliver(std::string_view message,
                                         const std::vector<std::string>& accounts,
                                         std::string_view folder) override {
        std::lock_guard lock(mutex_);
        if (throw_on_deliver) {
            throw Error(ErrorCode::io, "disk full");
        }
        std::vector<DeliveryOutcome> out;
        std::vector<std::string> landed;
        for (const auto& account : accounts) {
            bool fails = failing.contains(account);
            out.push_back({account, fails ? DeliveryOutcome::Failure::mailbox_full
                                          : DeliveryOutcome::Failure::none});
            if (!fails) {
                landed.push_back(account);
            }
        }
        deliveries.push_back({std::string(message), landed, std::string(folder)});
        return out;
    }

    void enqueue(const OutboundMessage& message, std::string_view content) override {
        std::lock_guard lock(mutex_);
        if (throw_on_enqueue) {
            throw Error(ErrorCode::io, "queue unavailable");
        }
        queue_.push_back({message, std::string(content)});
    }

    std::string dkim_signature(std::string_view, std::string_view domain) override {
        std::lock_guard lock(mutex_);
        if (throw_on_sign) {
            throw Error(ErrorCode::corrupt, "key store unreadable");
        }
        signed_domains.push_back(std::string(domain));
        return domain == "example.test" ? "DKIM-Signature: v=1; d=example.test\r\n" : "";
    }

    bool may_submit_now(std::string_view) override {
        std::lock_guard lock(mutex_);
        return submissions_left-- > 0;
    }

    std::vector<Delivery> delivered() {
        std::lock_guard lock(mutex_);
        return deliveries;
    }

    struct Queued {
        OutboundMessage message;
        std::string content;
    };
    std::vector<Queued> queued() {
        std::lock_guard lock(mutex_);
        return queue_;
    }

    std::atomic<bool> throw_on_check = false;
    std::atomic<bool> throw_on_deliver = false;
    std::atomic<bool> throw_on_enqueue = false;
    std::atomic<bool> throw_on_sign = false;
    std::vector<std::string> signed_domains;  // what dkim_signature was asked for
    int submissions_left = 1000;              // the hourly limit the fake enforces
    std::set<std::string> failing;  // accounts whose delivery fails (mailbox full); set first
    int auth_calls = 0;

  private:
    std::mutex mutex_;
    std::vector<Delivery> deliveries;
    std::vector<Queued> queue_;
    std::map<std::string, std::vector<std::string>> routes_{
        {"alice@example.test", {"alice@example.test"}},
        {"alice+tag@example.test", {"alice@example.test"}},
        {"bob@example.test", {"bob@example.test"}},
        {"sales@example.test", {"alice@example.test"}},
        {"team@example.test", {"alice@example.test", "bob@example.test"}},
        {"postmaster@mx.example.test", {"alice@example.test"}},
    };
};

// Marks each message it sees and answers with `action`; the checks themselves are tested in
// tests/server.
class FakeInboundChecks : public InboundChecks {
  public:
    asio::awaitable<InboundVerdict> check(InboundEnvelope envelope, std::string message) override {
        std::lock_guard lock(mutex_);
        envelopes.push_back(envelope);
        InboundVerdict verdict;
        verdict.action = action;
        verdict.reason = "Rejected by DMARC policy of forged.test";
        verdict.message = "Authentication-Results: mx.example.test; fake\r\n" + message;
        if (!envelope.forwarding_domain.empty()) {
            verdict.forwarded_prefix = "ARC-Seal: i=1; fake\r\n";
        }
        co_return verdict;
    }

    InboundVerdict::Action action = InboundVerdict::Action::deliver;
    std::vector<InboundEnvelope> envelopes;

  private:
    std::mutex mutex_;
};

// A blocking SMTP client; replies come back whole, lines joined by "\n", CRLF removed.
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

    std::string reply() {
        std::string all;
        for (;;) {
            std::string l = line();
            all += all.empty() ? l : "\n" + l;
            if (l.size() < 4 || l[3] != '-') {
                return all;
            }
        }
    }

    std::string cmd(const std::string& command) {
        send(command + "\r\n");
        return reply();
    }

    // True when the server closed the connection with nothing more to say.
    bool closed() { return line().starts_with("<"); }

    // Ends the client's side (TLS: just stops sending) and returns all the server still says.
    std::string drain() {
        boost::system::error_code ec;
        if (!s_->tls) {
            s_->socket.shutdown(tcp::socket::shutdown_send, ec);
        }
        std::string all;
        for (std::string l = line(); !l.starts_with("<"); l = line()) {
            all += l + "\n";
        }
        return all;
    }

    void starttls() {
        s_->context.set_verify_mode(asio::ssl::verify_none);
        s_->tls = std::make_unique<asio::ssl::stream<tcp::socket&>>(s_->socket, s_->context);
        s_->tls->handshake(asio::ssl::stream_base::client);
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

class SessionTest : public ::testing::Test {
  protected:
    void start(Mode mode, SessionConfig config = {}, ListenerConfig listener = {}) {
        auto paths = server::ensure_self_signed_certificate(dir.path(), "mx.example.test");
        tls = std::make_shared<net::TlsContextProvider>(
            net::TlsFiles{paths.certificate, paths.private_key});
        config.mode = mode;
        config.hostname = "mx.example.test";
        listener.address = "127.0.0.1";
        listener.port = 0;
        config.max_line_length = static_cast<std::size_t>(listener.max_line_length);
        config.max_bad_commands = listener.max_bad_commands;
        net::ListenerSpec spec{"test", listener, mode == Mode::submissions, busy_reply()};
        SessionServices services{mail, workers, throttle, tls, inbound};
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
        EXPECT_THAT(c.reply(), StartsWith("220 mx.example.test"));
        return c;
    }

    // Connected, greeted and past EHLO (LHLO in LMTP).
    Client ready(std::string_view hello = "EHLO client.example") {
        Client c = connect();
        EXPECT_THAT(c.cmd(std::string(hello)), StartsWith("250"));
        return c;
    }

    testing::TempDir dir;
    FakeMailService mail;
    InboundChecks* inbound = nullptr;  // set before start() to check inbound mail
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

}  // namespace sealbox::smtp::test
