// BDAT (RFC 3030): a message in chunks of announced size, with no terminator to smuggle.

#include <spdlog/spdlog.h>

#include <algorithm>

#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

// Reads exactly `size` octets; appends them to the message when `keep`. False when the client
// went away.
asio::awaitable<bool> Session::read_chunk(std::uint64_t size, bool keep) {
    const bool normalize = config_->bare_line_endings == BareLineEndings::normalize;
    while (size > 0) {
        std::string_view input = connection_.buffered();
        if (input.empty()) {
            bool more = co_await read_more();  // not in the condition: gcc 12 miscompiles it
            if (!more) {
                co_return false;
            }
            continue;
        }
        input =
            input.substr(0, static_cast<std::size_t>(std::min<std::uint64_t>(input.size(), size)));
        if (keep) {
            Transaction& t = *transaction_;
            t.line_endings.feed(input, normalize ? &t.body : nullptr);
            if (!normalize) {
                t.body.append(input);
            }
            keep = !(t.line_endings.saw_bare() && !normalize);
        }
        connection_.consume(input.size());
        size -= input.size();
    }
    co_return true;
}

asio::awaitable<void> Session::on_bdat(const Bdat& bdat) {
    // The chunk follows the command whatever the answer, and is read first so that none of it
    // is taken for commands (RFC 3030 §2).
    if (auto out_of_sequence = data_refusal(true)) {
        bool read = co_await read_chunk(bdat.size, false);
        if (read) {
            reply(std::move(*out_of_sequence));
            bad_command();
        } else {
            closing_ = true;
        }
        co_return;
    }
    std::optional<Reply> refusal = transaction_->chunk_error;
    const std::uint64_t limit = message_limit();
    const std::uint64_t held = transaction_->body.size();
    if (!refusal && (held > limit || bdat.size > limit - held)) {
        refusal = Reply{552, "5.3.4", {"Message size exceeds fixed maximum message size"}};
    }
    bool read = co_await read_chunk(bdat.size, !refusal);
    if (!read) {
        closing_ = true;
        co_return;
    }
    Transaction& t = *transaction_;
    t.chunking = true;
    const bool normalize = config_->bare_line_endings == BareLineEndings::normalize;
    if (!refusal && bdat.last) {
        t.line_endings.finish(normalize ? &t.body : nullptr);
    }
    if (!refusal && !normalize && t.line_endings.saw_bare()) {
        refusal = Reply{550, "5.6.0", {"Bare CR or LF in message data"}};  // RFC 5321 §2.3.8
    }
    if (refusal && !t.chunk_error) {
        spdlog::info("{}: message from {} refused: {}", config_->name, client(),
                     refusal->lines.front());
        t.chunk_error = refusal;
        t.body = std::string();  // nothing of it will be delivered
    }
    if (!bdat.last) {
        if (refusal) {
            reply(std::move(*refusal));
        } else {
            reply(250, "2.0.0", std::to_string(bdat.size) + " octets received");
        }
        co_return;
    }
    // BDAT LAST ends the transaction, delivered or not; in LMTP with a reply per recipient.
    if (refusal) {
        reply_per_recipient(*refusal);
        transaction_.reset();
        co_return;
    }
    std::string message = std::move(t.body);
    co_await finish_message(std::move(message));
}

}  // namespace sealbox::smtp
