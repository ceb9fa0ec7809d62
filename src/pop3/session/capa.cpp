// CAPA (RFC 2449 §5).

#include "pop3/session/session.h"

namespace sealbox::pop3 {

void Session::on_capa() {
    std::vector<std::string> capabilities{
        "TOP",             // RFC 2449 §6.1
        "UIDL",            // RFC 2449 §6.8
        "RESP-CODES",      // RFC 2449 §6.4
        "AUTH-RESP-CODE",  // RFC 3206 §6
        "PIPELINING",      // RFC 2449 §6.6
    };
    if (connection_.is_tls()) {
        // RFC 2449 §6.3 and RFC 5034 §3; before TLS no password is taken, so none is offered.
        capabilities.emplace_back("USER");
        capabilities.emplace_back("SASL PLAIN");
    } else if (services_.tls) {
        capabilities.emplace_back("STLS");  // RFC 2595 §4
    }
    respond(capa_response(capabilities));
}

}  // namespace sealbox::pop3
