#include "mailauth/dkim_keys/domain_signer.h"

#include "mailauth/dkim/sign.h"

namespace sealbox::mailauth::dkim_keys {

std::string sign_for_domain(KeyStore& keys, std::string_view message, std::string_view domain,
                            std::int64_t now) {
    auto active = keys.active_keys(domain);
    if (active.empty()) {
        return {};
    }
    auto parsed = dkim::parse_message(message);
    std::string fields;
    for (const auto& key : active) {
        // Each signature covers the message as received, not the other signature: a verifier
        // checks each one alone (RFC 6376 §5.4 leaves DKIM-Signature out of what to sign).
        fields += dkim::sign(parsed, key.key, {std::string(domain), key.selector, now});
    }
    return fields;
}

}  // namespace sealbox::mailauth::dkim_keys
