// RSET (RFC 5321 §4.1.1.5) and HELP (§4.1.1.8).

#include "smtp/session/session.h"

namespace sealbox::smtp {

void Session::on_rset() {
    transaction_.reset();
    reply(250, "2.0.0", "OK");
}

void Session::on_help() {
    Reply help{214, "2.0.0", {}};
    help.lines.push_back(lmtp() ? "Commands: LHLO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP"
                                : "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY "
                                  "HELP STARTTLS AUTH");
    help.lines.push_back("See RFC 5321");
    reply(std::move(help));
}

}  // namespace sealbox::smtp
