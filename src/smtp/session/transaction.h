#pragma once
// One mail transaction (RFC 5321 §3.3): from MAIL to the end of the message, RSET, or a new
// hello. DSN parameters (RFC 3461) are kept for the outbound queue that will act on them.

#include <optional>
#include <string>
#include <vector>

#include "smtp/proto/command.h"
#include "smtp/proto/line_endings.h"
#include "smtp/proto/reply.h"

namespace sealbox::smtp {

struct Recipient {
    Mailbox mailbox;  // as the client wrote it
    RcptParams params;
    std::vector<std::string> accounts;    // the local accounts it reaches
    std::vector<std::string> forward_to;  // what it reaches elsewhere, through the queue
};

struct Transaction {
    std::optional<Mailbox> sender;  // empty for the null reverse-path
    MailParams params;
    std::vector<Recipient> recipients;
    bool rcpt_attempted = false;  // to tell "no RCPT yet" from "no RCPT succeeded"

    // BDAT (RFC 3030): the chunks so far, and the refusal every further chunk gets once one
    // failed.
    bool chunking = false;
    std::string body;
    LineEndingScanner line_endings;
    std::optional<Reply> chunk_error;
};

}  // namespace sealbox::smtp
