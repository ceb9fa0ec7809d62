// RETR (RFC 1939 §5) and TOP (RFC 1939 §7): the message read from the store on the worker pool,
// then sent byte-stuffed (RFC 1939 §3) in pieces, so that a large message is never held twice.

#include <spdlog/spdlog.h>

#include "core/error.h"
#include "net/blocking.h"
#include "pop3/proto/top.h"
#include "pop3/session/session.h"
#include "smtp/proto/dot_stuffer.h"

namespace sealbox::pop3 {
namespace asio = boost::asio;

namespace {

constexpr std::size_t kPiece = 64 * 1024;

}  // namespace

// The raw message, or nullopt with the -ERR queued.
asio::awaitable<std::optional<std::string>> Session::read_message(std::uint32_t number) {
    auto index = message_index(number);
    if (!index) {
        co_return std::nullopt;
    }
    Maildrop* maildrop = maildrop_.get();
    std::size_t i = *index;
    try {
        auto read = [maildrop, i] { return maildrop->retrieve(i); };
        std::string message = co_await net::run_blocking(services_.workers, read);
        co_return message;
    } catch (const Error& e) {
        if (e.code() != ErrorCode::not_found) {
            throw;
        }
    }
    // Removed by another protocol since login: the number stays, the message cannot be read.
    respond(err("Message " + std::to_string(number) + " was removed by another session"));
    co_return std::nullopt;
}

asio::awaitable<void> Session::send_message(std::string_view status, std::string_view message) {
    respond(ok(status));
    smtp::DotStuffer stuffer;  // also turns a bare CR or LF into CRLF, so no line hides ".CRLF"
    for (std::size_t at = 0; at < message.size(); at += kPiece) {
        stuffer.feed(message.substr(at, kPiece), output_);
        if (output_.size() >= kPiece) {
            co_await flush();
        }
    }
    stuffer.finish(output_);
}

asio::awaitable<void> Session::on_retr(const Retr& retr) {
    auto message = co_await read_message(retr.message);
    if (message) {
        co_await send_message(std::to_string(message->size()) + " octets", *message);
    }
}

asio::awaitable<void> Session::on_top(const Top& top) {
    auto message = co_await read_message(top.message);
    if (message) {
        co_await send_message("Top of message follows", top_of(*message, top.lines));
    }
}

}  // namespace sealbox::pop3
