#pragma once
// The service extensions a server announces in its EHLO reply (RFC 5321 §4.1.1.1), as a client
// needs them to decide what it may send.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "smtp/proto/reply.h"

namespace sealbox::smtp {

struct Extensions {
    std::string server_name;  // the first word of the reply: the name the server gives itself
    bool pipelining = false;  // RFC 2920
    // RFC 1870 §4: the largest message the server takes; 0 when it announces SIZE without a
    // limit (or with one it cannot state in 64 bits); nullopt when it does not announce SIZE.
    std::optional<std::uint64_t> size;
    bool eight_bit_mime = false;         // RFC 6152
    bool smtputf8 = false;               // RFC 6531
    bool starttls = false;               // RFC 3207
    bool dsn = false;                    // RFC 3461
    bool chunking = false;               // RFC 3030
    bool enhanced_status_codes = false;  // RFC 2034
    bool requiretls = false;             // RFC 8689
    std::vector<std::string> auth;       // RFC 4954: SASL mechanisms, upper case, in order

    bool offers_auth(std::string_view mechanism) const;
};

// Reads the lines of a 2xx EHLO reply. Lines that are not an extension keyword, and keywords
// not listed above, are skipped: RFC 5321 §4.1.1.1 lets a server announce anything, and a
// client uses only what it knows.
Extensions parse_ehlo(const Reply& reply);

}  // namespace sealbox::smtp
