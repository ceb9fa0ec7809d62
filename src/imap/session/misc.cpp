// CAPABILITY, LOGOUT, NAMESPACE and ID; NOOP and CHECK are answered in dispatch().

#include <spdlog/spdlog.h>

#include "imap/proto/string_writer.h"
#include "imap/session/session.h"

namespace sealbox::imap {

// RFC 9051 §6.1.1: what the server offers now. No password travels in the clear: on the
// plain port LOGIN and AUTHENTICATE wait for STARTTLS (RFC 9051 §6.2.3, RFC 8314 §3.3).
std::vector<std::string> Session::capabilities() const {
    std::vector<std::string> caps = {"IMAP4rev1", "IMAP4rev2", "LITERAL+", "ID"};
    if (state_ == State::not_authenticated) {
        if (connection_.is_tls()) {
            caps.insert(caps.end(), {"AUTH=PLAIN", "SASL-IR"});  // RFC 4959
        } else {
            if (services_.tls) {
                caps.push_back("STARTTLS");
            }
            caps.push_back("LOGINDISABLED");
        }
        return caps;
    }
    caps.insert(caps.end(), {"ENABLE",        "IDLE",
                             "UIDPLUS",       "MOVE",
                             "CONDSTORE",     "QRESYNC",
                             "SPECIAL-USE",   "CREATE-SPECIAL-USE",
                             "LIST-EXTENDED", "LIST-STATUS",
                             "CHILDREN",      "NAMESPACE",
                             "UNSELECT",      "ESEARCH",
                             "SEARCHRES",     "STATUS=SIZE",
                             "OBJECTID",      "UTF8=ACCEPT",
                             "BINARY",        "MULTIAPPEND",
                             "QUOTA",         "QUOTA=RES-STORAGE"});
    caps.push_back("APPENDLIMIT=" + std::to_string(services_.mail.append_limit()));  // RFC 7889
    // RFC 5464 §1: METADATA is server and mailbox annotations; METADATA-SERVER for clients that
    // look only for that one.
    caps.insert(caps.end(), {"METADATA", "METADATA-SERVER"});
    // RFC 5465 §3
    caps.push_back("NOTIFY");
    // RFC 5256 §1, RFC 5957 §2
    caps.insert(caps.end(), {"SORT", "SORT=DISPLAY", "THREAD=ORDEREDSUBJECT", "THREAD=REFERENCES"});
    if (!connection_.compressed()) {
        caps.push_back("COMPRESS=DEFLATE");  // RFC 4978 §3: once only
    }
    return caps;
}

void Session::on_capability() {
    send(capability_response(capabilities()));
    done(Condition::ok, "CAPABILITY completed");
}

// RFC 9051 §6.1.3: BYE first, then the tagged OK.
void Session::on_logout() {
    send(status_response("*", Condition::bye, "Sealbox logging out"));
    done(Condition::ok, "LOGOUT completed");
    state_ = State::logout;
    closing_ = true;
}

// RFC 2342 / RFC 9051 §6.3.10: one personal namespace, no other users' or shared ones.
void Session::on_namespace() {
    std::string out = "* NAMESPACE ((\"\" ";
    write_string(out, std::string(1, kHierarchyDelimiter));
    out += ")) NIL NIL\r\n";
    send(out);
    done(Condition::ok, "NAMESPACE completed");
}

// RFC 2971: the server names itself but not its version (nothing to help an attacker).
void Session::on_id(const Id& id) {
    for (const auto& [field, value] : id.fields) {
        if (field == "name" && value) {
            std::string name = value->substr(0, 64);
            for (char& c : name) {
                c = static_cast<unsigned char>(c) < 0x20 ? '?' : c;
            }
            spdlog::debug("{}: {} identifies as {}", config_->name, client(), name);
        }
    }
    send("* ID (\"name\" \"Sealbox\")\r\n");
    done(Condition::ok, "ID completed");
}

}  // namespace sealbox::imap
