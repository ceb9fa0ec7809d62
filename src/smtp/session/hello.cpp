// HELO and EHLO (RFC 5321 §4.1.1.1), LHLO (RFC 2033 §4.1), and the extensions they announce.

#include <string>

#include "smtp/session/session.h"

namespace sealbox::smtp {
namespace asio = boost::asio;

asio::awaitable<void> Session::on_hello(const Hello& hello) {
    // RFC 2033 §4.1: an LMTP server answers only LHLO; an SMTP server does not know LHLO.
    if (lmtp() != (hello.kind == Hello::Kind::lhlo)) {
        reply(500, "5.5.1", lmtp() ? "This is LMTP: use LHLO" : "This is SMTP: use EHLO");
        bad_command();
        co_return;
    }
    // RFC 5321 §4.1.4: a hello in the middle of a transaction clears it, like RSET.
    transaction_.reset();
    hello_ = hello.kind;
    // §4.1.4 forbids refusing a client over its name; an invalid one is only left out of
    // Received: fields.
    helo_name_ = hello.valid_syntax ? hello.argument : std::string();
    if (hello.kind == Hello::Kind::helo) {
        reply(250, "", config_->hostname);
    } else {
        reply(ehlo_reply(config_->hostname, "", extensions()));
    }
    co_return;
}

std::vector<std::string> Session::extensions() const {
    std::vector<std::string> out{
        "PIPELINING",                               // RFC 2920
        "SIZE " + std::to_string(message_limit()),  // RFC 1870
        "8BITMIME",                                 // RFC 6152
        "SMTPUTF8",                                 // RFC 6531
        "ENHANCEDSTATUSCODES",                      // RFC 2034
        "CHUNKING",                                 // RFC 3030
        "DSN",                                      // RFC 3461
    };
    if (!connection_.is_tls() && services_.tls) {
        out.emplace_back("STARTTLS");  // RFC 3207
    }
    if (connection_.is_tls()) {
        // RFC 8689 §4: only where the message arrived over TLS can that be promised onward.
        out.emplace_back("REQUIRETLS");
    }
    // RFC 4954 §4 and RFC 8314 §3: passwords travel only over TLS, so AUTH is not even offered
    // before it.
    if (submission() && connection_.is_tls()) {
        out.emplace_back("AUTH PLAIN LOGIN");
    }
    return out;
}

// MAIL, DATA and BDAT need a hello first (RFC 5321 §4.1.4); says so and returns true when
// there was none.
bool Session::hello_required() {
    if (hello_) {
        return false;
    }
    reply(503, "5.5.1", lmtp() ? "Send LHLO first" : "Send EHLO first");
    bad_command();
    return true;
}

}  // namespace sealbox::smtp
