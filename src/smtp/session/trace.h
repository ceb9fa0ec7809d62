#pragma once
// The trace fields added at final delivery (RFC 5321 §4.4): Return-Path: and Received:.

#include <ctime>
#include <optional>
#include <string>
#include <string_view>

#include "smtp/proto/path.h"

namespace sealbox::smtp {

struct ReceivedInfo {
    std::string helo;         // the client's hello argument if its syntax was valid, else empty
    std::string client_ip;    // "192.0.2.1" or "2001:db8::1"
    std::string hostname;     // ours
    std::string protocol;     // the "with" value, see with_protocol()
    std::string tls_version;  // empty without TLS
    std::string tls_cipher;
    std::string id;
    std::optional<std::string> recipient;  // the "for" clause; only for a single recipient
    std::time_t time = 0;
};

// RFC 3848 and RFC 2033: SMTP/ESMTP/ESMTPS/ESMTPA/ESMTPSA, LMTP/LMTPS/LMTPA/LMTPSA.
std::string with_protocol(bool lmtp, bool extended, bool tls, bool authenticated);

// "Received: from ...\r\n", folded, with the TLS version and cipher in a comment.
std::string received_field(const ReceivedInfo& info);

// "Return-Path: <sender>\r\n", "<>" for the null reverse-path.
std::string return_path_field(const std::optional<Mailbox>& sender);

}  // namespace sealbox::smtp
