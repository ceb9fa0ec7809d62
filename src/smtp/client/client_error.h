#pragma once
// Why a conversation with a server ended before it could carry a message: the stage, the
// server's reply when it gave one, and what the caller can do about it.

#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "smtp/proto/reply.h"

namespace sealbox::smtp::client {

enum class Stage {
    connect,        // TCP connect
    greeting,       // the server's first reply (RFC 5321 §4.3.1)
    hello,          // EHLO, or HELO after EHLO was refused
    starttls,       // STARTTLS itself, or the policy needing TLS where none is offered
    tls_handshake,  // the handshake after "220 ready", certificate checks included
    auth,           // AUTH, or credentials that cannot be sent (no TLS, no shared mechanism)
    mail,
    rcpt,
    data,     // DATA up to its 354
    message,  // the content and the reply to its final dot
    rset,
    quit,
};

std::string_view stage_name(Stage stage);

struct Failure {
    Stage stage = Stage::connect;
    // What happened, for logs and delivery reports: a system or TLS error, or the reply's code
    // and first line. Never message content.
    std::string detail{};
    std::optional<Reply> reply{};  // the server's refusal, when there was one
    // Trying again later may work: a 4xx reply, the network, a timeout, a garbled reply, TLS.
    // False for a 5xx reply, including a 554 greeting, which RFC 5321 §3.1 means as "no service
    // here": the caller decides whether another MX may serve instead.
    bool temporary = true;
    bool timed_out = false;
    // TLS was wanted and did not happen: STARTTLS refused or missing under a policy that needs
    // it, or the handshake failed. A handshake failure leaves the connection unusable; under an
    // opportunistic policy the caller may choose to connect again without TLS (RFC 7435 §4).
    bool tls_failure = false;
};

class ClientError : public std::runtime_error {
  public:
    explicit ClientError(Failure failure);
    const Failure& failure() const { return failure_; }

  private:
    Failure failure_;
};

}  // namespace sealbox::smtp::client
