#pragma once
// The From: field of a submitted message (RFC 5322 §3.6.2), read only as far as the submission
// server needs: which mailboxes the message claims to come from.

#include <string_view>
#include <vector>

#include "core/address.h"

namespace sealbox::smtp {

struct FromField {
    enum class Problem {
        none,
        missing,    // RFC 5322 §3.6: exactly one From: is required
        several,    // two fields: readers would disagree about which one is the author
        malformed,  // unparsable, a group, or an address core does not accept
    };
    Problem problem = Problem::none;
    std::vector<MailAddress> addresses;  // every mailbox of the list, when problem is none
};

// `message` holds the header section, CRLF line ends, then an empty line (or the end).
FromField read_from_field(std::string_view message);

}  // namespace sealbox::smtp
