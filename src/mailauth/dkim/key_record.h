#pragma once
// The DKIM key record published at <selector>._domainkey.<domain> (RFC 6376 §3.6.1, RFC 8463
// §4.2). Pure: a malformed record is an error with a reason, never an exception.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mailauth::dkim {

enum class KeyType { rsa, ed25519 };

struct KeyRecord {
    KeyType key_type = KeyType::rsa;  // k=, rsa by default
    // h=: the hash algorithms the key may be used with; empty means any.
    std::vector<std::string> hash_algorithms;
    std::string public_key;        // p=, decoded; empty means revoked (§3.6.1)
    bool for_email = true;         // s= lists "email" or "*" (the default)
    bool testing = false;          // t=y
    bool strict_identity = false;  // t=s: i= must use d= itself, no subdomain

    bool allows_hash(std::string_view hash) const;
};

struct KeyRecordParse {
    std::optional<KeyRecord> record;
    std::string error;
};

KeyRecordParse parse_key_record(std::string_view text);

}  // namespace sealbox::mailauth::dkim
