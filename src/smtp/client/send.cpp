// One mail transaction (RFC 5321 §3.3): MAIL, RCPT, DATA, with PIPELINING (RFC 2920) when the
// server offers it, and the checks that keep a message from a server that cannot take it.

#include <algorithm>

#include "core/error.h"
#include "smtp/client/smtp_client.h"
#include "smtp/proto/chars.h"
#include "smtp/proto/command_writer.h"
#include "smtp/proto/dot_stuffer.h"

namespace sealbox::smtp::client {
namespace asio = boost::asio;

namespace {

// Content goes out in blocks, each with the data block timeout (RFC 5321 §4.5.3.2.5).
constexpr std::size_t kContentBlock = 64 * 1024;

// RFC 1870 §3: the octets of the message with its CRLFs, before dot-stuffing, counting the CRLF
// that DATA adds to a message without one at its end.
std::uint64_t message_size(std::string_view content) {
    return content.size() + (content.empty() || content.ends_with("\r\n") ? 0 : 2);
}

bool has_non_ascii(std::string_view s) {
    return std::any_of(s.begin(), s.end(), chars::is_non_ascii);
}

// RFC 6531 §3.4: an address that is not ASCII needs SMTPUTF8 as much as a UTF-8 header does.
bool needs_smtputf8(const OutboundMessage& message) {
    return message.smtputf8 || has_non_ascii(message.reverse_path) ||
           std::any_of(message.recipients.begin(), message.recipients.end(),
                       [](const OutboundRecipient& r) { return has_non_ascii(r.address); });
}

}  // namespace

struct SmtpClient::Transaction {
    const OutboundMessage& message;
    std::string mail;                               // the MAIL command line
    std::vector<std::optional<std::string>> rcpts;  // RCPT lines; none where it cannot be sent
    std::vector<std::optional<RecipientResult>> outcomes;
    std::vector<std::size_t> accepted;  // recipients whose RCPT got a 2xx, waiting for the end
    bool mail_accepted = false;
    std::optional<Reply> failure;

    explicit Transaction(const OutboundMessage& m)
        : message(m), rcpts(m.recipients.size()), outcomes(m.recipients.size()) {}

    bool any_accepted() const { return mail_accepted && !accepted.empty(); }

    // The transaction failed: every recipient without an outcome yet shares this one.
    void fail(const Reply& reply, bool local = false) {
        failure = reply;
        for (auto& outcome : outcomes) {
            if (!outcome) {
                outcome = RecipientResult{reply, local};
            }
        }
    }

    MessageResult result(bool dsn_supported) {
        MessageResult out;
        out.transaction_failure = std::move(failure);
        out.dsn_supported = dsn_supported;
        for (auto& outcome : outcomes) {
            if (!outcome) {
                throw Error(ErrorCode::internal, "SMTP client: a recipient has no outcome");
            }
            out.recipients.push_back(std::move(*outcome));
        }
        return out;
    }
};

asio::awaitable<MessageResult> SmtpClient::send(const OutboundMessage& message) {
    if (message.recipients.empty()) {
        throw Error(ErrorCode::invalid_argument, "SMTP client: a message needs a recipient");
    }
    if (!usable()) {
        throw ClientError(Failure{.stage = Stage::mail, .detail = "the connection is closed"});
    }
    Transaction t(message);
    if (auto refusal = local_refusal(message)) {
        t.fail(*refusal, true);
        co_return t.result(extensions_.dsn);
    }
    auto mail = mail_command(message.reverse_path, mail_params(message));
    if (!mail) {
        t.fail(Reply{553, "5.1.7", {"The sender address cannot be written in SMTP"}}, true);
        co_return t.result(extensions_.dsn);
    }
    t.mail = std::move(*mail);
    for (std::size_t i = 0; i < message.recipients.size(); ++i) {
        const OutboundRecipient& r = message.recipients[i];
        RcptParams params;
        // RFC 3461 §4: DSN parameters only to a server that announced DSN.
        if (extensions_.dsn) {
            params.notify = r.notify;
            params.orcpt = r.orcpt;
        }
        t.rcpts[i] = rcpt_command(r.address, params);
        if (!t.rcpts[i]) {
            t.outcomes[i] = RecipientResult{
                Reply{553, "5.1.3", {"The recipient address cannot be written in SMTP"}}, true};
        }
    }
    if (std::none_of(t.rcpts.begin(), t.rcpts.end(), [](const auto& line) { return line; })) {
        co_return t.result(extensions_.dsn);
    }
    co_await envelope(t);
    if (usable()) {
        co_await data(t);
    }
    co_return t.result(extensions_.dsn);
}

std::optional<Reply> SmtpClient::local_refusal(const OutboundMessage& message) const {
    // RFC 1870 §6: a message over the announced limit is not sent; the limit is the server's
    // fixed maximum, so the failure is permanent (X.3.4, RFC 3463 §3.4).
    std::uint64_t size = message_size(message.content);
    if (extensions_.size && *extensions_.size > 0 && size > *extensions_.size) {
        return Reply{552,
                     "5.3.4",
                     {"Message of " + std::to_string(size) + " octets is over the " +
                      std::to_string(*extensions_.size) + " octets the server takes"}};
    }
    // RFC 6531 §3.4: without SMTPUTF8 such a message cannot be sent as it is (X.6.7, RFC 6531
    // §3.6).
    if (needs_smtputf8(message) && !extensions_.smtputf8) {
        return Reply{553,
                     "5.6.7",
                     {"The message needs SMTPUTF8 (non-ASCII addresses or header fields), and "
                      "the server does not offer it"}};
    }
    // RFC 6152 §3: 8-bit content only to a server that announced 8BITMIME; Sealbox does not
    // downgrade to 7-bit (X.6.3, RFC 3463 §3.7: conversion required but not supported).
    if (message.eight_bit && !extensions_.eight_bit_mime) {
        return Reply{554,
                     "5.6.3",
                     {"The message has 8-bit content, and the server does not offer 8BITMIME"}};
    }
    // RFC 8689 §4.1: only over TLS with a certificate that verifies (DANE, when it comes, is the
    // other way), to a server that announced REQUIRETLS; else X.7.30 (§5).
    if (message.requiretls &&
        (!is_tls() || !connection_->certificate_verified() || !extensions_.requiretls)) {
        return Reply{550,
                     "5.7.30",
                     {"REQUIRETLS: the message needs a verified TLS connection to a server "
                      "that offers REQUIRETLS"}};
    }
    return std::nullopt;
}

MailParams SmtpClient::mail_params(const OutboundMessage& message) const {
    MailParams params;
    if (extensions_.size) {
        params.size = message_size(message.content);  // RFC 1870 §6
    }
    if (message.eight_bit) {
        params.body = Body::eight_bit_mime;
    }
    params.smtputf8 = needs_smtputf8(message);
    if (extensions_.dsn) {
        params.ret = message.ret;
        params.envid = message.envid;
    }
    params.requiretls = message.requiretls;
    return params;
}

asio::awaitable<void> SmtpClient::reset() {
    Reply reply = co_await read_reply(Stage::rset, options_.timeouts.command);
    if (!succeeded(reply, Stage::rset)) {
        connection_->close();  // a server that cannot reset is in no state to take mail
        refused(Stage::rset, reply);
    }
}

// [RSET,] MAIL and every RCPT; with PIPELINING, DATA too, in one write (RFC 2920 §3.1: RSET,
// MAIL and RCPT may go anywhere in a group, DATA only last).
asio::awaitable<void> SmtpClient::envelope(Transaction& t) {
    const bool pipelined = extensions_.pipelining;
    const bool resetting = std::exchange(needs_reset_, false);
    if (pipelined) {
        std::string group = resetting ? "RSET\r\n" : "";
        group += t.mail;
        for (const auto& line : t.rcpts) {
            group += line.value_or("");
        }
        group += "DATA\r\n";
        co_await write(group, Stage::mail, options_.timeouts.mail);
    } else if (resetting) {
        co_await write("RSET\r\n", Stage::rset, options_.timeouts.command);
    }
    if (resetting) {
        co_await reset();
    }
    if (!pipelined) {
        co_await write(t.mail, Stage::mail, options_.timeouts.mail);
    }
    // Replies come in the order of the commands (RFC 2920 §3.2), each checked: RFC 2920 §3.1
    // asks the client to read them all, whatever the first ones said.
    Reply mail = co_await read_reply(Stage::mail, options_.timeouts.mail);
    t.mail_accepted = succeeded(mail, Stage::mail);
    if (!t.mail_accepted) {
        t.fail(mail);
        if (!pipelined || !usable()) {
            co_return;
        }
    }
    for (std::size_t i = 0; i < t.rcpts.size(); ++i) {
        if (!t.rcpts[i]) {
            continue;
        }
        if (!pipelined) {
            co_await write(*t.rcpts[i], Stage::rcpt, options_.timeouts.rcpt);
        }
        Reply reply = co_await read_reply(Stage::rcpt, options_.timeouts.rcpt);
        bool ok = succeeded(reply, Stage::rcpt);
        // After a refused MAIL, the RCPT replies (503 most likely) say nothing of the
        // recipients.
        if (t.mail_accepted) {
            if (ok) {
                t.accepted.push_back(i);
            } else {
                t.outcomes[i] = RecipientResult{reply, false};
            }
        }
        if (!usable()) {  // 421: the server is gone, and takes the transaction with it
            t.fail(reply);
            co_return;
        }
    }
}

// DATA's 354 (already asked for when pipelined), the content, and the reply to the final dot.
asio::awaitable<void> SmtpClient::data(Transaction& t) {
    if (!extensions_.pipelining) {
        if (!t.any_accepted()) {
            needs_reset_ = t.mail_accepted;  // MAIL opened a transaction nobody will use
            co_return;
        }
        co_await write("DATA\r\n", Stage::data, options_.timeouts.data_init);
    }
    Reply reply = co_await read_reply(Stage::data, options_.timeouts.data_init);
    if (reply.code == 354) {
        if (!t.any_accepted()) {
            // RFC 2920 §3.1: a DATA accepted although nothing before it was must be ended with
            // a lone dot; whatever the server answers, the transaction has no recipients.
            co_await write(".\r\n", Stage::message, options_.timeouts.data_block);
            co_await read_reply(Stage::message, options_.timeouts.data_end);
            co_return;
        }
        co_await send_content(t.message.content);
        Reply final_reply = co_await read_reply(Stage::message, options_.timeouts.data_end);
        if (!succeeded(final_reply, Stage::message)) {
            t.failure = final_reply;
        }
        for (std::size_t i : t.accepted) {
            t.outcomes[i] = RecipientResult{final_reply, false};
        }
        co_return;
    }
    if (succeeded(reply, Stage::data)) {
        unexpected(Stage::data, reply);  // a 2xx to DATA: no content was asked for
    }
    if (t.any_accepted()) {
        t.fail(reply);
    }
    needs_reset_ = t.mail_accepted && usable();
}

asio::awaitable<void> SmtpClient::send_content(std::string_view content) {
    DotStuffer stuffer;
    std::string block;
    std::size_t at = 0;
    do {
        std::string_view piece = content.substr(at, kContentBlock);
        at += piece.size();
        block.clear();
        stuffer.feed(piece, block);
        if (at == content.size()) {
            stuffer.finish(block);
        }
        co_await write(block, Stage::message, options_.timeouts.data_block);
    } while (at < content.size());
}

}  // namespace sealbox::smtp::client
