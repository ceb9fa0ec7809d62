// smtp_load: an inbound SMTP/LMTP load generator. N connections share M messages; each runs
// MAIL, RCPT, DATA (pipelined when the server offers PIPELINING) and times the wait from the
// end of the message (the final ".") to the server's reply, which for Sealbox means "durably
// stored". bench/compare_mta.sh runs it against Sealbox and Postfix/Dovecot; results and how
// to read them are in docs/BENCHMARKS.md.

#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/strand.hpp>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <map>
#include <mutex>
#include <optional>
#include <random>
#include <regex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "net/client_connection.h"
#include "net/tls.h"
#include "smtp/proto/command_writer.h"
#include "smtp/proto/dot_stuffer.h"
#include "smtp/proto/extensions.h"
#include "smtp/proto/reply_parser.h"
#include "core/base64.h"

namespace asio = boost::asio;
using namespace sealbox;
using Clock = std::chrono::steady_clock;

namespace {

struct Options {
    std::string host = "127.0.0.1";
    int port = 0;
    int connections = 8;
    std::size_t messages = 2000;
    std::size_t size = 4096;
    std::string recipients = "user{0..9}@bench.test";
    int recipients_per_message = 1;
    std::string sender = "loadgen@sender.test";
    bool lmtp = false;
    bool starttls = false;
    int threads = 1;
    int timeout_seconds = 120;
};

constexpr unsigned long kMaxRecipients = 100000;

// "a@x,user{0..K}@y": a comma-separated list, each item with at most one {A..B} range.
std::vector<std::string> expand_recipients(const std::string& spec) {
    static const std::regex range(R"(^(.*)\{(\d+)\.\.(\d+)\}(.*)$)");
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= spec.size()) {
        std::size_t comma = spec.find(',', start);
        std::string item =
            spec.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        start = comma == std::string::npos ? spec.size() + 1 : comma + 1;
        if (item.empty()) {
            continue;
        }
        std::smatch m;
        if (!std::regex_match(item, m, range)) {
            out.push_back(item);
            continue;
        }
        const unsigned long first = std::stoul(m[2]);
        const unsigned long last = std::stoul(m[3]);
        if (last < first || last - first >= kMaxRecipients) {
            throw CLI::ValidationError("--recipients", "a range must run upwards, over at most " +
                                                           std::to_string(kMaxRecipients) +
                                                           " addresses");
        }
        for (unsigned long i = first; i <= last; ++i) {
            out.push_back(fmt::format("{}{}{}", m[1].str(), i, m[4].str()));
        }
    }
    return out;
}

// Messages as a mail client would send them: the usual header fields, a short text part and a
// base64 attachment that brings the message to the requested size. Attachments come from a
// small pool of random ones, made before the clock starts, so the generator spends little CPU
// while it measures; every message still has its own Message-ID, Date and recipient.
class MessageFactory {
  public:
    MessageFactory(std::size_t size, std::string sender) : size_(size), sender_(std::move(sender)) {
        std::mt19937_64 random{std::random_device{}()};
        // 3 raw bytes make 4 base64 characters, plus a CRLF after every 76.
        const std::size_t raw_size = size_ * 3 / 4 * 76 / 78 + 3;
        for (int i = 0; i < kPool; ++i) {
            std::string raw(raw_size, '\0');
            for (auto& c : raw) {
                c = static_cast<char>(random());
            }
            std::string encoded = base64_encode(raw);
            std::string body;
            for (std::size_t at = 0; at < encoded.size(); at += 76) {
                body.append(encoded, at, 76).append("\r\n");
            }
            attachments_.push_back(std::move(body));
        }
        run_tag_ = fmt::format("{:016x}", random());
    }

    // The message as sent after DATA's 354, dot-stuffed and ended by ".".
    std::string wire(std::size_t index, const std::vector<std::string>& to) const {
        std::string to_field;
        for (const auto& address : to) {
            to_field += (to_field.empty() ? "" : ", ") + address;
        }
        char date[64];
        const std::time_t now = std::time(nullptr);
        std::tm tm{};
        gmtime_r(&now, &tm);
        std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
        const std::string boundary = fmt::format("=_bench_{}_{}", run_tag_, index);
        std::string message = fmt::format(
            "Received: from relay.sender.test (relay.sender.test [192.0.2.25])\r\n"
            "\tby mx.bench.test with ESMTPS id {0:08X}; {1}\r\n"
            "From: Load Generator <{2}>\r\n"
            "To: {3}\r\n"
            "Subject: Load test message {0}\r\n"
            "Date: {1}\r\n"
            "Message-ID: <{0}.{4}@sender.test>\r\n"
            "MIME-Version: 1.0\r\n"
            "Content-Type: multipart/mixed; boundary=\"{5}\"\r\n"
            "\r\n"
            "--{5}\r\n"
            "Content-Type: text/plain; charset=utf-8\r\n"
            "\r\n"
            "Hello,\r\n\r\nthe attachment is random data from the load generator.\r\n\r\n"
            "--{5}\r\n"
            "Content-Type: application/octet-stream; name=\"data-{0}.bin\"\r\n"
            "Content-Disposition: attachment; filename=\"data-{0}.bin\"\r\n"
            "Content-Transfer-Encoding: base64\r\n"
            "\r\n",
            index, date, sender_, to_field, run_tag_, boundary);
        const std::string closing = fmt::format("--{}--\r\n", boundary);
        const std::string& attachment = attachments_[index % attachments_.size()];
        const std::size_t fixed = message.size() + closing.size();
        // Whole base64 lines only, so the attachment stays valid base64.
        std::size_t take = size_ > fixed ? std::min(size_ - fixed, attachment.size()) : 0;
        take -= take % 78;
        message.append(attachment, 0, take).append(closing);
        std::string out;
        out.reserve(message.size() + 8);
        smtp::DotStuffer stuffer;
        stuffer.feed(message, out);
        stuffer.finish(out);
        return out;
    }

  private:
    static constexpr int kPool = 16;
    std::size_t size_;
    std::string sender_;
    std::string run_tag_;
    std::vector<std::string> attachments_;
};

// What every connection shares: the next message to send, and the results.
struct Shared {
    Shared(const Options& o, const MessageFactory& f, const std::vector<std::string>& r)
        : options(o), factory(f), recipients(r) {}

    const Options& options;
    const MessageFactory& factory;
    const std::vector<std::string>& recipients;
    std::shared_ptr<asio::ssl::context> tls;
    std::atomic<std::size_t> next{0};

    std::mutex mutex;
    std::vector<double> latencies_ms;  // messages whose every final reply was 2xx
    std::size_t delivered = 0;
    std::size_t wire_bytes = 0;
    std::map<std::string, std::size_t> errors;  // "RCPT 550 5.1.1" -> count
    std::map<std::string, std::string> error_examples;
    std::optional<Clock::time_point> first_start;
    Clock::time_point last_end{};
};

class Client {
  public:
    Client(Shared& shared, asio::any_io_executor executor)
        : shared_(shared),
          timeout_(std::chrono::seconds(shared.options.timeout_seconds)),
          connection_(net::ClientConnection::create(executor)) {}

    asio::awaitable<void> run() {
        if (co_await open()) {
            while (true) {
                const std::size_t index = shared_.next.fetch_add(1);
                if (index >= shared_.options.messages) {
                    break;
                }
                if (!co_await transaction(index)) {
                    break;
                }
            }
            if (connection_->is_open()) {
                std::string quit = "QUIT\r\n";
                co_await command("QUIT", quit);
            }
        }
        connection_->close();
        publish();
    }

  private:
    const char* hello() const { return shared_.options.lmtp ? "LHLO" : "EHLO"; }

    void error(const std::string& what, const std::string& example = {}) {
        ++errors_[what];
        if (!example.empty()) {
            error_examples_.try_emplace(what, example.substr(0, 100));
        }
    }

    // A reply, or nullopt (counted as an error) when the connection broke or the server broke
    // the grammar: either way this connection can go no further.
    asio::awaitable<std::optional<smtp::Reply>> read_reply(const char* verb) {
        const smtp::ReplyLimits limits;
        smtp::ReplyParser parser(limits);
        while (true) {
            auto line = co_await connection_->read_line(limits.max_line, timeout_);
            if (!line) {
                error(fmt::format("{}: connection {}", verb,
                                  connection_->timed_out() ? "timed out" : "lost"),
                      connection_->error().message());
                co_return std::nullopt;
            }
            switch (parser.feed(line->text)) {
                case smtp::ReplyParser::Status::more:
                    continue;
                case smtp::ReplyParser::Status::complete:
                    co_return parser.take();
                case smtp::ReplyParser::Status::malformed:
                    error(fmt::format("{}: malformed reply", verb), parser.error());
                    connection_->close();
                    co_return std::nullopt;
            }
        }
    }

    // Checks a reply against the class expected; anything else is an error by its command and
    // codes, with the first such reply's text kept as an example.
    bool expect(const char* verb, const smtp::Reply& reply, int first_digit) {
        if (reply.code / 100 == first_digit) {
            return true;
        }
        std::string key = fmt::format("{} {}", verb, reply.code);
        if (!reply.enhanced.empty()) {
            key += " " + reply.enhanced;
        }
        error(key, reply.lines.empty() ? "" : reply.lines.front());
        return false;
    }

    // GCC 12 built "co_return co_await read_reply(verb);" here into a coroutine that was resumed
    // with an uninitialised frame (SIGILL), so the reply goes through a local. The same caution
    // keeps temporaries and structured bindings from living across a co_await in this file.
    asio::awaitable<std::optional<smtp::Reply>> command(const char* verb, std::string line) {
        if (!co_await connection_->write(line, timeout_)) {
            error(fmt::format("{}: write failed", verb), connection_->error().message());
            co_return std::nullopt;
        }
        auto reply = co_await read_reply(verb);
        co_return reply;
    }

    asio::awaitable<bool> greet() {
        std::string line = fmt::format("{} loadgen.sender.test\r\n", hello());
        auto reply = co_await command(hello(), line);
        if (!reply || !expect(hello(), *reply, 2)) {
            co_return false;
        }
        extensions_ = smtp::parse_ehlo(*reply);
        co_return true;
    }

    asio::awaitable<bool> open() {
        const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(shared_.options.host),
                                               static_cast<unsigned short>(shared_.options.port));
        if (!co_await connection_->connect(endpoint, timeout_)) {
            error("connect failed", connection_->error().message());
            co_return false;
        }
        auto banner = co_await read_reply("greeting");
        if (!banner || !expect("greeting", *banner, 2)) {
            co_return false;
        }
        if (!co_await greet()) {
            co_return false;
        }
        if (shared_.options.starttls) {
            if (!extensions_.starttls) {
                error("STARTTLS not offered");
                co_return false;
            }
            std::string starttls = "STARTTLS\r\n";
            auto go = co_await command("STARTTLS", starttls);
            if (!go || !expect("STARTTLS", *go, 2)) {
                co_return false;
            }
            std::string no_name;  // an IP address is not sent as SNI (RFC 6066 §3)
            if (!co_await connection_->handshake(shared_.tls, no_name, net::TlsVerify::none,
                                                 timeout_)) {
                error("TLS handshake failed", connection_->error().message());
                co_return false;
            }
            // RFC 3207 §4.2: what the server said before TLS is forgotten; ask again.
            if (!co_await greet()) {
                co_return false;
            }
        }
        co_return true;
    }

    std::vector<std::string> recipients_for(std::size_t index) const {
        const auto& all = shared_.recipients;
        const auto per = static_cast<std::size_t>(shared_.options.recipients_per_message);
        std::vector<std::string> out;
        for (std::size_t i = 0; i < per; ++i) {
            out.push_back(all[(index * per + i) % all.size()]);
        }
        return out;
    }

    struct Command {
        const char* verb;
        std::string line;
        int expected;  // the first digit of the reply that lets the transaction go on
    };

    // Takes in one reply of a transaction: a refused RCPT leaves the others to go on, a
    // refused MAIL or DATA ends the transaction.
    void note(const Command& c, const smtp::Reply& reply, std::size_t& accepted, bool& go_on,
              std::optional<smtp::Reply>& data_reply) {
        const bool ok = expect(c.verb, reply, c.expected);
        const bool rcpt = std::string_view(c.verb) == "RCPT";
        accepted += ok && rcpt;
        go_on = go_on && (ok || rcpt);
        if (c.expected == 3) {
            data_reply = reply;
        }
    }

    // One MAIL/RCPT/DATA transaction. False when the connection can go no further.
    asio::awaitable<bool> transaction(std::size_t index) {
        const auto to = recipients_for(index);
        const std::string message = shared_.factory.wire(index, to);
        smtp::MailParams params;
        if (extensions_.size) {
            params.size = message.size();  // RFC 1870 §6: an estimate is enough
        }
        std::vector<Command> commands;
        commands.push_back({"MAIL", *smtp::mail_command(shared_.options.sender, params), 2});
        for (const auto& address : to) {
            auto rcpt = smtp::rcpt_command(address, {});
            if (!rcpt) {
                error("recipient is not a mailbox", address);
                co_return false;
            }
            commands.push_back({"RCPT", *rcpt, 2});
        }
        commands.push_back({"DATA", "DATA\r\n", 3});

        const auto started = Clock::now();
        if (!first_start_) {
            first_start_ = started;
        }
        std::size_t accepted = 0;
        bool go_on = true;  // every reply so far allows the next command
        std::optional<smtp::Reply> data_reply;
        if (extensions_.pipelining) {
            // RFC 2920 §3.1: MAIL, RCPT and DATA in one write, then their replies in order.
            std::string batch;
            for (const auto& c : commands) {
                batch += c.line;
            }
            if (!co_await connection_->write(batch, timeout_)) {
                error("MAIL: write failed", connection_->error().message());
                co_return false;
            }
            for (std::size_t i = 0; i < commands.size(); ++i) {
                auto reply = co_await read_reply(commands[i].verb);
                if (!reply) {
                    co_return false;
                }
                note(commands[i], *reply, accepted, go_on, data_reply);
            }
        } else {
            for (std::size_t i = 0; i < commands.size() && go_on; ++i) {
                if (commands[i].expected == 3 && accepted == 0) {
                    break;  // no recipient: no DATA
                }
                auto reply = co_await command(commands[i].verb, commands[i].line);
                if (!reply) {
                    co_return false;
                }
                note(commands[i], *reply, accepted, go_on, data_reply);
            }
        }
        if (!data_reply || data_reply->code != 354) {
            std::string rset = "RSET\r\n";
            auto reset = co_await command("RSET", rset);
            co_return reset&& expect("RSET", *reset, 2);
        }

        if (!co_await connection_->write(message, timeout_)) {
            error("message: write failed", connection_->error().message());
            co_return false;
        }
        // The clock runs from the moment the final "." is handed to the kernel.
        const auto sent = Clock::now();
        // RFC 2033 §4.2: LMTP answers once per accepted recipient; SMTP once for all.
        const std::size_t replies = shared_.options.lmtp ? accepted : 1;
        bool all_ok = true;
        for (std::size_t i = 0; i < replies; ++i) {
            auto reply = co_await read_reply("end of data");
            if (!reply) {
                co_return false;
            }
            all_ok = expect("end of data", *reply, 2) && all_ok;
        }
        last_end_ = Clock::now();
        if (all_ok && accepted == to.size()) {
            latencies_ms_.push_back(
                std::chrono::duration<double, std::milli>(last_end_ - sent).count());
            wire_bytes_ += message.size();
        }
        co_return true;
    }

    void publish() {
        std::lock_guard lock(shared_.mutex);
        shared_.delivered += latencies_ms_.size();
        shared_.wire_bytes += wire_bytes_;
        shared_.latencies_ms.insert(shared_.latencies_ms.end(), latencies_ms_.begin(),
                                    latencies_ms_.end());
        for (const auto& [what, count] : errors_) {
            shared_.errors[what] += count;
        }
        for (const auto& [what, example] : error_examples_) {
            shared_.error_examples.try_emplace(what, example);
        }
        if (first_start_ && (!shared_.first_start || *first_start_ < *shared_.first_start)) {
            shared_.first_start = first_start_;
        }
        shared_.last_end = std::max(shared_.last_end, last_end_);
    }

    Shared& shared_;
    std::chrono::milliseconds timeout_;
    std::shared_ptr<net::ClientConnection> connection_;
    smtp::Extensions extensions_;
    std::vector<double> latencies_ms_;
    std::size_t wire_bytes_ = 0;
    std::map<std::string, std::size_t> errors_;
    std::map<std::string, std::string> error_examples_;
    std::optional<Clock::time_point> first_start_;
    Clock::time_point last_end_{};
};

// Nearest-rank percentile of sorted values.
double percentile(const std::vector<double>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    auto rank = static_cast<std::size_t>(p / 100.0 * static_cast<double>(sorted.size()) + 0.999999);
    return sorted[std::clamp<std::size_t>(rank, 1, sorted.size()) - 1];
}

int report(Shared& shared) {
    const Options& o = shared.options;
    std::sort(shared.latencies_ms.begin(), shared.latencies_ms.end());
    std::size_t error_count = 0;
    for (const auto& [what, count] : shared.errors) {
        error_count += count;
    }
    const double seconds =
        shared.first_start
            ? std::chrono::duration<double>(shared.last_end - *shared.first_start).count()
            : 0.0;
    const double rate = seconds > 0 ? static_cast<double>(shared.delivered) / seconds : 0.0;
    const auto& l = shared.latencies_ms;
    const double p50 = percentile(l, 50), p90 = percentile(l, 90), p99 = percentile(l, 99);
    const double max = l.empty() ? 0.0 : l.back();

    fmt::print(
        "{} {}:{}, {} connection(s), {} message(s) of {} bytes, {} recipient(s) each, "
        "from {} address(es){}\n",
        o.lmtp ? "LMTP" : "SMTP", o.host, o.port, o.connections, o.messages, o.size,
        o.recipients_per_message, shared.recipients.size(), o.starttls ? ", STARTTLS" : "");
    fmt::print("accepted {} of {} in {:.3f} s: {:.1f} messages/s, {:.2f} MB/s on the wire\n",
               shared.delivered, o.messages, seconds, rate,
               seconds > 0 ? static_cast<double>(shared.wire_bytes) / seconds / 1e6 : 0.0);
    fmt::print(
        "latency from the final \".\" to the reply: p50 {:.2f} ms, p90 {:.2f}, p99 {:.2f}, "
        "max {:.2f}\n",
        p50, p90, p99, max);
    fmt::print("errors: {}\n", error_count);
    for (const auto& [what, count] : shared.errors) {
        auto example = shared.error_examples.find(what);
        fmt::print(
            "  {:6} x {}{}\n", count, what,
            example == shared.error_examples.end() ? "" : " (e.g. \"" + example->second + "\")");
    }
    // One line for scripts (bench/compare_mta.sh reads it).
    fmt::print(
        "result accepted={} errors={} seconds={:.3f} rate={:.1f} p50_ms={:.2f} "
        "p90_ms={:.2f} p99_ms={:.2f} max_ms={:.2f}\n",
        shared.delivered, error_count, seconds, rate, p50, p90, p99, max);
    return error_count == 0 && shared.delivered == o.messages ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    Options o;
    CLI::App app{"Inbound SMTP/LMTP load generator: messages/s and latency to the final reply"};
    app.add_option("--host", o.host, "Server address; only loopback addresses are accepted")
        ->capture_default_str();
    app.add_option("--port", o.port, "Server port")->required()->check(CLI::Range(1, 65535));
    app.add_option("--connections", o.connections, "Parallel connections")
        ->capture_default_str()
        ->check(CLI::Range(1, 1000));
    app.add_option("--messages", o.messages, "Messages in total, shared by the connections")
        ->capture_default_str()
        ->check(CLI::PositiveNumber);
    app.add_option("--size", o.size, "Approximate size of each message in bytes")
        ->capture_default_str()
        ->check(CLI::Range(std::size_t{1024}, std::size_t{64} << 20));
    app.add_option("--recipients", o.recipients,
                   "Recipients, used in turn: a comma-separated list; an item may hold one "
                   "range, e.g. user{0..9}@bench.test")
        ->capture_default_str();
    app.add_option("--recipients-per-message", o.recipients_per_message,
                   "RCPT commands per message")
        ->capture_default_str()
        ->check(CLI::Range(1, 100));
    app.add_option("--from", o.sender, "Envelope sender and From: address")->capture_default_str();
    app.add_flag("--lmtp", o.lmtp, "Speak LMTP (LHLO; one reply per recipient after DATA)");
    app.add_flag("--starttls", o.starttls,
                 "Upgrade each connection with STARTTLS (no certificate check)");
    app.add_option("--threads", o.threads, "I/O threads of the generator")
        ->capture_default_str()
        ->check(CLI::Range(1, 64));
    app.add_option("--timeout", o.timeout_seconds, "Seconds to wait for any one reply")
        ->capture_default_str()
        ->check(CLI::Range(1, 3600));
    CLI11_PARSE(app, argc, argv);

    boost::system::error_code bad_host;
    const auto address = asio::ip::make_address(o.host, bad_host);
    // A load generator aimed elsewhere is a flood: this one stays on this machine.
    if (bad_host || !address.is_loopback()) {
        std::fprintf(stderr, "smtp_load: --host must be a loopback address (127.0.0.0/8 or ::1)\n");
        return 2;
    }
    std::vector<std::string> recipients;
    try {
        recipients = expand_recipients(o.recipients);
    } catch (const CLI::Error& e) {
        return app.exit(e);
    } catch (const std::out_of_range&) {  // from std::stoul
        std::fprintf(stderr, "smtp_load: --recipients: a range bound is too large\n");
        return 2;
    }
    if (recipients.empty()) {
        std::fprintf(stderr, "smtp_load: --recipients names nobody\n");
        return 2;
    }
    const MessageFactory factory(o.size, o.sender);
    asio::io_context io(o.threads);
    Shared shared(o, factory, recipients);
    if (o.starttls) {
        shared.tls = net::make_client_tls_context({});
    }
    std::vector<std::unique_ptr<Client>> clients;
    for (int i = 0; i < o.connections; ++i) {
        auto strand = asio::make_strand(io);
        clients.push_back(std::make_unique<Client>(shared, strand));
        asio::co_spawn(strand, clients.back()->run(), asio::detached);
    }
    std::vector<std::thread> threads;
    for (int i = 1; i < o.threads; ++i) {
        threads.emplace_back([&io] { io.run(); });
    }
    io.run();
    for (auto& t : threads) {
        t.join();
    }
    return report(shared);
}
