#pragma once
// One message as the client sends it, and what became of each recipient.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/proto/command.h"
#include "smtp/proto/reply.h"

namespace sealbox::smtp::client {

struct OutboundRecipient {
    std::string address;  // the forward-path, without angle brackets
    // RFC 3461 §4.1, §4.2: sent only to a server that announces DSN.
    std::optional<Notify> notify;
    std::optional<Orcpt> orcpt;
};

struct OutboundMessage {
    std::string reverse_path;  // without angle brackets; empty for the null sender "<>"
    std::vector<OutboundRecipient> recipients;  // at least one
    std::string_view content;                   // as stored: CRLF line ends, not dot-stuffed
    bool eight_bit = false;  // octets above 127: needs 8BITMIME, sent as BODY=8BITMIME
    // UTF-8 in header fields (RFC 6532); needed as well, whatever this says, when an address
    // is not ASCII (RFC 6531 §3.4).
    bool smtputf8 = false;
    // RFC 3461 §4.3, §4.4 (ENVID not yet xtext-encoded): sent only to a server that announces
    // DSN.
    std::optional<Ret> ret;
    std::optional<std::string> envid;
    bool requiretls = false;  // RFC 8689
};

struct RecipientResult {
    // What decides this recipient: its RCPT refusal, or the transaction's failure, or the reply
    // to the final dot (2xx: delivered). The first digit says it all: 2 delivered, 4 try again
    // later, 5 failed.
    Reply reply;
    // Decided here, before anything was sent for it: the server never said this, and a
    // delivery report must not name it as the reporting server's answer.
    bool local = false;
};

struct MessageResult {
    // MAIL, DATA or final-dot refusal (or the local refusal made instead of sending: see
    // RecipientResult::local). It applies to every recipient not refused at RCPT already.
    std::optional<Reply> transaction_failure;
    std::vector<RecipientResult> recipients;  // one per recipient, in order
    // The server announced DSN (RFC 3461): it will report on the message itself. Without it,
    // NOTIFY and ORCPT were not sent, and a recipient that asked for NOTIFY=SUCCESS gets a
    // "relayed" report from us instead (RFC 3461 §5.2.2).
    bool dsn_supported = false;
};

}  // namespace sealbox::smtp::client
