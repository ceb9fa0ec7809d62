#include "smtp/session/trace.h"

#include <fmt/format.h>

#include "core/date.h"

namespace sealbox::smtp {

std::string with_protocol(bool lmtp, bool extended, bool tls, bool authenticated) {
    if (!lmtp && !extended) {
        return "SMTP";  // RFC 3848 registers no TLS or AUTH variant of plain SMTP
    }
    std::string out = lmtp ? "LMTP" : "ESMTP";
    if (tls) {
        out += 'S';
    }
    if (authenticated) {
        out += 'A';
    }
    return out;
}

// RFC 5321 §4.4: Received-token = "from" From-domain "by" By-domain [Via] [With] [ID] [For];
// From-domain = Extended-Domain, whose TCP-info is the client's address literal.
std::string received_field(const ReceivedInfo& info) {
    bool ipv6 = info.client_ip.find(':') != std::string::npos;
    std::string literal = ipv6 ? "[IPv6:" + info.client_ip + "]" : "[" + info.client_ip + "]";
    std::string out = "Received: from ";
    out += info.helo.empty() ? literal : info.helo + " (" + literal + ")";
    out += "\r\n";
    if (!info.tls_version.empty()) {
        // A comment (CFWS is allowed between the clauses), as Postfix and others write it.
        out += fmt::format("\t(using {} with cipher {})\r\n", info.tls_version, info.tls_cipher);
    }
    out += fmt::format("\tby {} (Sealbox) with {} id {}", info.hostname, info.protocol, info.id);
    if (info.recipient) {
        out += fmt::format("\r\n\tfor <{}>", *info.recipient);
    }
    out += ";\r\n\t" + rfc5322_date(info.time) + "\r\n";
    return out;
}

std::string return_path_field(const std::optional<Mailbox>& sender) {
    return "Return-Path: <" + (sender ? sender->str() : std::string()) + ">\r\n";
}

}  // namespace sealbox::smtp
