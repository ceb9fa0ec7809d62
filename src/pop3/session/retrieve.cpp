// RETR (RFC 1939 §5) and TOP (RFC 1939 §7): the message read from the store on the worker pool
// (or by the read-ahead, for a client going through its messages in order), then sent byte-stuffed
// (RFC 1939 §3) in pieces, so that a large message is never held twice.

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

// Message `index`, raw, or nullopt with the -ERR queued.
asio::awaitable<std::optional<std::string>> Session::read_message(std::size_t index) {
    std::optional<std::string> message = co_await read_ahead_.take(index);
    if (message) {
        co_return message;
    }
    Maildrop* maildrop = maildrop_.get();
    try {
        auto read = [maildrop, index] { return maildrop->retrieve(index); };
        message = co_await net::run_blocking(services_.workers, read);
        co_return message;
    } catch (const Error& e) {
        if (e.code() != ErrorCode::not_found) {
            throw;
        }
    }
    // Removed by another protocol since login: the number stays, the message cannot be read.
    respond(err("Message " + std::to_string(index + 1) + " was removed by another session"));
    co_return std::nullopt;
}

// The next message not marked by DELE, if it is small enough to hold for a client that may
// never ask for it.
void Session::read_ahead_after(std::size_t index) {
    const auto& entries = maildrop_->entries();
    for (std::size_t next = index + 1; next < entries.size(); ++next) {
        if (!deleted_[next]) {
            if (entries[next].size <= ReadAhead::kMaxSize) {
                read_ahead_.start(services_.workers, connection_.executor(), *maildrop_, next);
            }
            return;
        }
    }
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
    auto index = message_index(retr.message);
    if (!index) {
        co_return;
    }
    auto message = co_await read_message(*index);
    if (message) {
        read_ahead_after(*index);  // read while this one is sent and taken in
        co_await send_message(std::to_string(message->size()) + " octets", *message);
    }
}

asio::awaitable<void> Session::on_top(const Top& top) {
    auto index = message_index(top.message);
    if (!index) {
        co_return;
    }
    auto message = co_await read_message(*index);
    if (message) {
        co_await send_message("Top of message follows", top_of(*message, top.lines));
    }
}

}  // namespace sealbox::pop3
