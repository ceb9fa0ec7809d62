// DATA (RFC 5321 §4.1.1.4): only <CRLF>.<CRLF> ends the message (smuggling-proof DataReader).

#include <spdlog/spdlog.h>

#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

// Why the message of this transaction cannot start (DATA) or continue (BDAT), if it cannot.
std::optional<Reply> Session::data_refusal(bool chunk) const {
    if (!hello_) {
        return Reply{503, "5.5.1", {lmtp() ? "Send LHLO first" : "Send EHLO first"}};
    }
    if (chunk && !extended()) {
        return Reply{503, "5.5.1", {"BDAT needs EHLO"}};  // CHUNKING was not advertised
    }
    if (!transaction_) {
        return Reply{503, "5.5.1", {"Need MAIL command"}};
    }
    if (!chunk && transaction_->chunking) {
        return Reply{503, "5.5.1", {"DATA not allowed after BDAT"}};  // RFC 3030 §3
    }
    if (transaction_->recipients.empty()) {
        // RFC 5321 §3.3: 554 when every RCPT was refused, 503 when none was sent.
        if (transaction_->rcpt_attempted) {
            return Reply{554, "5.5.1", {"No valid recipients"}};
        }
        return Reply{503, "5.5.1", {"Need RCPT command"}};
    }
    return std::nullopt;
}

asio::awaitable<void> Session::on_data() {
    if (auto refusal = data_refusal(false)) {
        reply(std::move(*refusal));
        bad_command();
        co_return;
    }
    reply(354, "", "End data with <CR><LF>.<CR><LF>");
    DataReader reader({config_->bare_line_endings, message_limit()});
    std::string message;
    for (;;) {
        std::string_view input = connection_.buffered();
        if (input.empty()) {
            bool more = co_await read_more();  // not in the condition: gcc 12 miscompiles it
            if (!more) {
                closing_ = true;  // gone or timed out in the middle: nothing is delivered
                co_return;
            }
            continue;
        }
        FeedResult fed = reader.feed(input, message);
        connection_.consume(fed.consumed);
        if (fed.done) {
            break;
        }
    }
    if (auto error = reader.error_reply()) {
        spdlog::info("{}: message from {} refused: {}", config_->name, client(),
                     error->lines.front());
        reply_per_recipient(*error);
        transaction_.reset();
        co_return;
    }
    co_await finish_message(std::move(message));
}

}  // namespace sealbox::smtp
