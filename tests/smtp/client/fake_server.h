#pragma once
// A scripted SMTP server for the client's tests: one connection on 127.0.0.1, in the test's own
// io_context, doing exactly the steps it is given, in order, and recording what the client
// sent. A client that waits where the script expects it to write (or the reverse) shows as a
// timeout, which is how the tests see that commands were pipelined.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <exception>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "net/connection.h"

namespace sealbox::smtp::client::test {

namespace asio = boost::asio;
using asio::ip::tcp;

struct Step {
    enum class Kind { send, expect, data, starttls, pause, hang_up };
    Kind kind;
    std::string text;
    std::chrono::milliseconds duration{0};
};

inline Step send(std::string text) {
    return {Step::Kind::send, std::move(text)};
}
// One line from the client, compared without its CRLF.
inline Step expect(std::string line) {
    return {Step::Kind::expect, std::move(line)};
}
// Message content up to the line ".", kept as it came over the wire (still dot-stuffed).
inline Step data() {
    return {Step::Kind::data, ""};
}
inline Step starttls() {
    return {Step::Kind::starttls, ""};
}
inline Step pause(std::chrono::milliseconds duration) {
    return {Step::Kind::pause, "", duration};
}
inline Step hang_up() {
    return {Step::Kind::hang_up, ""};
}

class FakeServer {
  public:
    FakeServer(asio::io_context& io, std::vector<Step> script,
               std::shared_ptr<asio::ssl::context> tls = nullptr)
        : acceptor_(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)),
          script_(std::move(script)),
          tls_(std::move(tls)) {
        asio::co_spawn(io, run(), asio::detached);
    }

    tcp::endpoint endpoint() const { return acceptor_.local_endpoint(); }
    // Every line the client sent outside DATA, in order.
    const std::vector<std::string>& received() const { return received_; }
    // What the client sent after the script's end and before it closed: should be nothing.
    const std::vector<std::string>& extra() const { return extra_; }
    const std::string& content() const { return content_; }  // the wire form, without ".CRLF"
    bool finished() const { return finished_; }

  private:
    asio::awaitable<void> run() {
        boost::system::error_code ec;
        tcp::socket socket =
            co_await acceptor_.async_accept(asio::redirect_error(asio::use_awaitable, ec));
        acceptor_.close();
        if (ec) {
            ADD_FAILURE() << "fake server: accept failed: " << ec.message();
            co_return;
        }
        auto connection =
            std::make_shared<net::Connection>(std::move(socket), std::chrono::minutes(1));
        try {
            for (const Step& step : script_) {
                bool go_on = co_await play(*connection, step);
                if (!go_on) {
                    co_return;
                }
            }
        } catch (const std::exception& e) {
            ADD_FAILURE() << "fake server: " << e.what();
            co_return;
        }
        finished_ = true;
        for (;;) {
            auto line = co_await connection->read_line(4096);
            if (!line) {
                break;
            }
            extra_.push_back(line->text);
        }
    }

    // False when the script cannot go on. (An if-chain, not a switch: GCC 12 mislays
    // coroutine frames awaited inside switch cases.)
    asio::awaitable<bool> play(net::Connection& connection, const Step& step) {
        using Kind = Step::Kind;
        if (step.kind == Kind::send) {
            // A client that left early is the test's business (it checks finished()).
            bool sent = true;
            try {
                co_await connection.write(step.text);
            } catch (const boost::system::system_error&) {
                sent = false;
            }
            co_return sent;
        }
        if (step.kind == Kind::expect) {
            auto line = co_await connection.read_line(4096);
            if (!line) {
                ADD_FAILURE() << "fake server: the client left before sending " << step.text;
                co_return false;
            }
            EXPECT_FALSE(line->bare_lf) << line->text;
            received_.push_back(line->text);
            EXPECT_EQ(line->text, step.text);
            co_return line->text == step.text;
        }
        if (step.kind == Kind::data) {
            for (;;) {
                auto line = co_await connection.read_line(1 << 20);
                if (!line) {
                    ADD_FAILURE() << "fake server: the client left during DATA";
                    co_return false;
                }
                EXPECT_FALSE(line->bare_lf);
                if (line->text == ".") {
                    co_return true;
                }
                content_ += line->text + "\r\n";
            }
        }
        if (step.kind == Kind::starttls) {
            // False when the client refused the certificate, as some tests want.
            bool secured = co_await connection.handshake(tls_);
            co_return secured;
        }
        if (step.kind == Kind::pause) {
            asio::steady_timer timer(connection.executor(), step.duration);
            boost::system::error_code ignored;
            co_await timer.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
            co_return true;
        }
        connection.close();  // hang_up
        finished_ = true;
        co_return false;
    }

    tcp::acceptor acceptor_;
    std::vector<Step> script_;
    std::shared_ptr<asio::ssl::context> tls_;
    std::vector<std::string> received_;
    std::vector<std::string> extra_;
    std::string content_;
    bool finished_ = false;
};

// Runs a client coroutine (and whatever else is on io) to its end; its exception, if any.
inline std::exception_ptr run_client(asio::io_context& io,
                                     std::function<asio::awaitable<void>()> body) {
    std::exception_ptr failure;
    bool done = false;
    asio::co_spawn(io, body(), [&](std::exception_ptr e) {
        failure = e;
        done = true;
    });
    io.run_for(std::chrono::seconds(20));
    EXPECT_TRUE(done) << "the client never finished";
    return failure;
}

}  // namespace sealbox::smtp::client::test
