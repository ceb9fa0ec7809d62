// The conversation up to the first message: greeting (RFC 5321 §4.3.1), EHLO or HELO
// (§4.1.1.1, §3.2), STARTTLS (RFC 3207), and the reading of replies (§4.2).

#include "smtp/client/smtp_client.h"

#include <spdlog/spdlog.h>

#include <exception>

#include "core/error.h"
#include "net/tls.h"
#include "smtp/proto/path.h"
#include "smtp/proto/reply_parser.h"

namespace sealbox::smtp::client {
namespace asio = boost::asio;
using asio::ip::tcp;

namespace {

const ReplyLimits kReplyLimits{};

// "554 5.7.1 first line of text": for logs and delivery reports.
std::string describe(const Reply& reply) {
    std::string out = std::to_string(reply.code);
    if (!reply.enhanced.empty()) {
        out += " " + reply.enhanced;
    }
    if (!reply.lines.empty() && !reply.lines.front().empty()) {
        out += " " + reply.lines.front();
    }
    return out;
}

void check_options(const ClientOptions& options) {
    if (!is_valid_domain(options.helo_name) && !is_valid_address_literal(options.helo_name)) {
        throw Error(ErrorCode::invalid_argument,
                    "SMTP client: the HELO name must be a domain or an address literal");
    }
    if (options.tls == TlsPolicy::required_verified && options.tls_server_name.empty()) {
        throw Error(ErrorCode::invalid_argument,
                    "SMTP client: verified TLS needs the server name to verify");
    }
    if (options.tls == TlsPolicy::dane && (!options.dane || options.dane->records.empty())) {
        throw Error(ErrorCode::invalid_argument, "SMTP client: DANE needs TLSA records");
    }
    if (options.auth) {
        // RFC 4616 §2: NUL separates the fields, so none may hold one.
        for (const std::string* field : {&options.auth->user, &options.auth->password}) {
            if (field->empty() || field->find('\0') != std::string::npos) {
                throw Error(ErrorCode::invalid_argument,
                            "SMTP client: a user name and a password without NUL are needed");
            }
        }
    }
}

}  // namespace

std::string_view stage_name(Stage stage) {
    switch (stage) {
        case Stage::connect:
            return "connect";
        case Stage::greeting:
            return "greeting";
        case Stage::hello:
            return "EHLO";
        case Stage::starttls:
            return "STARTTLS";
        case Stage::tls_handshake:
            return "TLS handshake";
        case Stage::auth:
            return "AUTH";
        case Stage::mail:
            return "MAIL";
        case Stage::rcpt:
            return "RCPT";
        case Stage::data:
            return "DATA";
        case Stage::message:
            return "end of data";
        case Stage::rset:
            return "RSET";
        case Stage::quit:
            return "QUIT";
    }
    return "?";
}

ClientError::ClientError(Failure failure)
    : std::runtime_error(std::string(stage_name(failure.stage)) + ": " + failure.detail),
      failure_(std::move(failure)) {}

SmtpClient::SmtpClient(std::shared_ptr<net::ClientConnection> connection, ClientOptions options)
    : connection_(std::move(connection)), options_(std::move(options)) {}

SmtpClient::~SmtpClient() {
    connection_->close();
}

asio::awaitable<std::unique_ptr<SmtpClient>> SmtpClient::connect(asio::any_io_executor executor,
                                                                 tcp::endpoint endpoint,
                                                                 ClientOptions options) {
    check_options(options);
    std::unique_ptr<SmtpClient> client(
        new SmtpClient(net::ClientConnection::create(std::move(executor)), std::move(options)));
    bool connected =
        co_await client->connection_->connect(endpoint, client->options_.timeouts.connect);
    if (!connected) {
        throw client->io_failure(Stage::connect, client->options_.timeouts.connect);
    }
    std::exception_ptr failure;
    try {
        co_await client->open();
    } catch (const ClientError&) {
        failure = std::current_exception();
    }
    if (failure) {
        // RFC 5321 §3.1: even after a 554 greeting the client should QUIT and wait for the
        // reply; quit() does nothing when the connection is already gone.
        co_await client->quit();
        std::rethrow_exception(failure);
    }
    co_return client;
}

asio::awaitable<void> SmtpClient::open() {
    greeting_ = co_await read_reply(Stage::greeting, options_.timeouts.greeting);
    // RFC 5321 §4.3.2: the greeting is 220, or 554 for "no service here" (4xx also happens).
    if (greeting_.code != 220) {
        if (succeeded(greeting_, Stage::greeting)) {
            unexpected(Stage::greeting, greeting_);
        }
        refused(Stage::greeting, greeting_);
    }
    co_await hello();
    if (options_.tls != TlsPolicy::none) {
        co_await start_tls();
    }
    if (options_.auth) {
        co_await authenticate();
    }
}

asio::awaitable<void> SmtpClient::hello() {
    Reply reply = co_await command("EHLO " + options_.helo_name + "\r\n", Stage::hello,
                                   options_.timeouts.command);
    if (succeeded(reply, Stage::hello)) {
        extensions_ = parse_ehlo(reply);
        esmtp_ = true;
        co_return;
    }
    // RFC 5321 §3.2: a server that does not know EHLO refuses it with a 5xx, and HELO may
    // still work; a 4xx (421 above all) is the server's state, not its vocabulary.
    if (reply.code / 100 != 5) {
        refused(Stage::hello, reply);
    }
    reply = co_await command("HELO " + options_.helo_name + "\r\n", Stage::hello,
                             options_.timeouts.command);
    if (!succeeded(reply, Stage::hello)) {
        refused(Stage::hello, reply);
    }
    extensions_ = Extensions{};
    extensions_.server_name = parse_ehlo(reply).server_name;
    esmtp_ = false;
}

asio::awaitable<void> SmtpClient::start_tls() {
    const bool opportunistic = options_.tls == TlsPolicy::opportunistic;
    if (!extensions_.starttls) {
        if (opportunistic) {
            co_return;
        }
        throw ClientError(Failure{.stage = Stage::starttls,
                                  .detail = "the server does not offer STARTTLS",
                                  .tls_failure = true});
    }
    Reply reply = co_await command("STARTTLS\r\n", Stage::starttls, options_.timeouts.command);
    if (reply.code != 220) {
        if (succeeded(reply, Stage::starttls)) {
            unexpected(Stage::starttls, reply);  // 2xx but not "ready to start TLS"
        }
        // RFC 3207 §4: after a refused STARTTLS the session goes on as before, in the clear;
        // opportunistic TLS (RFC 7435) accepts that, unless the server is leaving (421).
        if (opportunistic && usable()) {
            spdlog::debug("SMTP client: {} refused STARTTLS ({}); going on without TLS",
                          remote().address().to_string(), describe(reply));
            co_return;
        }
        refused(Stage::starttls, reply, true);
    }
    if (!options_.tls_context) {
        options_.tls_context = net::make_client_tls_context();
    }
    const bool dane = options_.tls == TlsPolicy::dane;
    const bool verify = options_.tls == TlsPolicy::required_verified || dane;
    bool secured = co_await connection_->handshake(
        options_.tls_context, options_.tls_server_name,
        verify ? net::TlsVerify::verify : net::TlsVerify::none, options_.timeouts.command,
        dane ? &*options_.dane : nullptr);
    if (!secured) {
        std::string why = connection_->verification_error();
        Failure failure{.stage = Stage::tls_handshake,
                        .timed_out = connection_->timed_out(),
                        .tls_failure = true};
        if (failure.timed_out) {
            failure.detail = "no TLS handshake within " +
                             std::to_string(options_.timeouts.command.count()) + " ms";
        } else if (verify && !why.empty()) {
            failure.detail = "certificate verification failed: " + why;
        } else {
            failure.detail = "TLS handshake failed: " + connection_->error().message();
        }
        throw ClientError(std::move(failure));
    }
    // RFC 3207 §4.2: the server forgets what it said before TLS; so does the client, and it
    // asks again over the secure channel.
    extensions_ = Extensions{};
    reply = co_await command("EHLO " + options_.helo_name + "\r\n", Stage::hello,
                             options_.timeouts.command);
    if (!succeeded(reply, Stage::hello)) {
        refused(Stage::hello, reply);
    }
    extensions_ = parse_ehlo(reply);
}

asio::awaitable<void> SmtpClient::quit() {
    if (usable()) {
        try {
            co_await command("QUIT\r\n", Stage::quit, options_.timeouts.quit);
        } catch (const ClientError&) {
            // Gone already, or slow to say goodbye: either way the conversation is over.
        }
    }
    connection_->close();
}

asio::awaitable<Reply> SmtpClient::read_reply(Stage stage, milliseconds timeout) {
    // The timeout is for the whole reply, however slowly its lines come.
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    ReplyParser parser(kReplyLimits);
    for (;;) {
        auto left =
            std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
        auto line =
            co_await connection_->read_line(kReplyLimits.max_line, std::max(left, milliseconds(1)));
        if (!line) {
            throw io_failure(stage, timeout);
        }
        // A bare LF ending is tolerated in replies: it cannot hide anything from a client.
        auto status = line->too_long ? ReplyParser::Status::malformed : parser.feed(line->text);
        if (status == ReplyParser::Status::complete) {
            Reply reply = parser.take();
            // RFC 5321 §3.8: 421 means the server is closing the channel; whatever it said
            // last is all it will say.
            if (reply.code == 421) {
                connection_->close();
            }
            co_return reply;
        }
        if (status == ReplyParser::Status::malformed) {
            connection_->close();  // out of step: nothing later can be trusted
            throw ClientError(Failure{
                .stage = stage,
                .detail = "malformed reply: " +
                          (line->too_long ? std::string("reply line too long") : parser.error())});
        }
    }
}

asio::awaitable<void> SmtpClient::write(std::string_view bytes, Stage stage, milliseconds timeout) {
    bool written = co_await connection_->write(bytes, timeout);
    if (!written) {
        throw io_failure(stage, timeout);
    }
}

asio::awaitable<Reply> SmtpClient::command(std::string_view line, Stage stage,
                                           milliseconds timeout) {
    co_await write(line, stage, timeout);
    Reply reply = co_await read_reply(stage, timeout);
    co_return reply;
}

ClientError SmtpClient::io_failure(Stage stage, milliseconds timeout) const {
    Failure failure{.stage = stage, .timed_out = connection_->timed_out()};
    if (failure.timed_out) {
        failure.detail = "no answer within " + std::to_string(timeout.count()) + " ms";
    } else if (connection_->error() == asio::error::eof) {
        failure.detail = "connection closed by the server";
    } else {
        failure.detail = connection_->error().message();
    }
    return ClientError(std::move(failure));
}

void SmtpClient::refused(Stage stage, const Reply& reply, bool tls_failure) {
    throw ClientError(Failure{.stage = stage,
                              .detail = describe(reply),
                              .reply = reply,
                              .temporary = reply.code / 100 != 5,
                              .tls_failure = tls_failure});
}

// 2xx: true; 4xx or 5xx: false. Anything else cannot answer the command (a 354 to MAIL).
bool SmtpClient::succeeded(const Reply& reply, Stage stage) {
    switch (reply.code / 100) {
        case 2:
            return true;
        case 4:
        case 5:
            return false;
        default:
            unexpected(stage, reply);
    }
}

// A reply of a kind the command cannot have (250 to DATA, 354 to MAIL): the server and the
// client no longer agree on where they are.
void SmtpClient::unexpected(Stage stage, const Reply& reply) {
    connection_->close();
    throw ClientError(
        Failure{.stage = stage, .detail = "unexpected reply " + describe(reply), .reply = reply});
}

}  // namespace sealbox::smtp::client
