#include "mailauth/dkim/key_record.h"

#include <algorithm>

#include "mailauth/dkim/syntax.h"
#include "mailauth/tag_list.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

using smtp::chars::iequals;

KeyRecordParse error(std::string reason) {
    return {std::nullopt, std::move(reason)};
}

}  // namespace

bool KeyRecord::allows_hash(std::string_view hash) const {
    return hash_algorithms.empty() ||
           std::ranges::any_of(hash_algorithms, [&](const auto& h) { return iequals(h, hash); });
}

KeyRecordParse parse_key_record(std::string_view text) {
    auto tags = TagList::parse(text);
    if (!tags) {
        return error("key record is not a tag=value list");
    }
    // §3.6.1 v=: optional, but when present it is the first tag and says "DKIM1"; "Records
    // beginning with a "v=" tag with any other value MUST be discarded."
    if (auto v = tags->find("v")) {
        if (tags->tags().front().name != "v" || *v != "DKIM1") {
            return error("key record v= is not DKIM1 first");
        }
    }
    KeyRecord record;
    if (auto h = tags->find("h")) {
        for (auto hash : split_colon_list(*h)) {
            record.hash_algorithms.emplace_back(hash);
        }
    }
    if (auto k = tags->find("k")) {
        if (iequals(*k, "rsa")) {
            record.key_type = KeyType::rsa;
        } else if (iequals(*k, "ed25519")) {  // RFC 8463 §4.2
            record.key_type = KeyType::ed25519;
        } else {
            return error("unknown key type k=" + std::string(*k));
        }
    }
    auto p = tags->find("p");
    if (!p) {
        return error("key record has no p=");
    }
    auto key = decode_base64_value(*p);
    if (!key) {
        return error("key record p= is not base64");
    }
    record.public_key = std::move(*key);
    if (auto s = tags->find("s")) {
        auto services = split_colon_list(*s);
        record.for_email = std::ranges::any_of(
            services, [](auto service) { return service == "*" || iequals(service, "email"); });
    }
    if (auto t = tags->find("t")) {
        // Unknown flags are ignored (§3.6.1 t=).
        for (auto flag : split_colon_list(*t)) {
            record.testing = record.testing || flag == "y";
            record.strict_identity = record.strict_identity || flag == "s";
        }
    }
    return {std::move(record), {}};
}

}  // namespace sealbox::mailauth::dkim
