// ENABLE (RFC 5161): IMAP4rev2 (RFC 9051 §6.3.1), CONDSTORE and QRESYNC (RFC 7162 §3.2.3),
// UTF8=ACCEPT (RFC 6855 §3).

#include <algorithm>

#include "imap/session/session.h"

namespace sealbox::imap {

void Session::on_enable(const Enable& enable) {
    // RFC 5161 §3.1: valid in the authenticated state only, before a mailbox is selected.
    if (state_ != State::authenticated) {
        bad("ENABLE is only valid before SELECT");
        return;
    }
    std::vector<std::string> enabled;
    auto note = [&enabled](const std::string& name) {
        if (std::find(enabled.begin(), enabled.end(), name) == enabled.end()) {
            enabled.push_back(name);
        }
    };
    for (const std::string& capability : enable.capabilities) {
        if (capability == "IMAP4REV2") {
            rev2_ = true;
            note("IMAP4rev2");
        } else if (capability == "CONDSTORE") {
            condstore_ = true;
            note(capability);
        } else if (capability == "QRESYNC") {
            qresync_ = true;
            condstore_ = true;  // RFC 7162 §3.2.3: QRESYNC implies CONDSTORE
            note(capability);
        } else if (capability == "UTF8=ACCEPT") {
            utf8_accept_ = true;
            note(capability);
        }
        // Anything else is not enabled and not mentioned (RFC 5161 §3.1).
    }
    send(enabled_response(enabled));
    done(Condition::ok, "ENABLE completed");
}

}  // namespace sealbox::imap
