#pragma once
// A Mailbox of the wire as the directory looks it up.

#include "core/address.h"
#include "smtp/proto/path.h"

namespace sealbox::smtp {

// The validated address where core accepts it, otherwise the parts as sent, so that the
// service still tells a foreign domain (relay) from an unknown local user.
inline MailAddress lookup_address(const Mailbox& mailbox) {
    if (auto address = mailbox.to_mail_address()) {
        return *address;
    }
    return MailAddress{mailbox.local_part, mailbox.domain};
}

}  // namespace sealbox::smtp
