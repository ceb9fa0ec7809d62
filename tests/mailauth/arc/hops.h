#pragma once
// The hops of a forwarding path for ARC tests: each one validates what it receives, may change
// the message (as a list tags the subject), and seals what it sends on (RFC 8617 §5.1).

#include <string>

#include "mailauth/arc/seal.h"
#include "mailauth/arc/validate.h"
#include "mailauth/dkim/sign.h"
#include "mailauth/dkim/test_support.h"
#include "mailauth/fake_dns.h"

namespace sealbox::mailauth::testing {

struct Hop {
    std::string domain;
    std::string selector;
    const dkim::SigningKey* key;

    void publish(FakeDns& dns) const {
        dns.add_txt(selector + "._domainkey." + domain, key->key_record());
    }
};

// `raw` as `hop` sends it on: `results` in its ARC-Authentication-Results, `subject_tag` (if any)
// put before the subject after the hop validated the message, and its ARC Set on top.
inline std::string forward(FakeDns& dns, std::string raw, const Hop& hop,
                           const std::string& results, const std::string& subject_tag = "") {
    auto incoming = run(arc::validate(dkim::parse_message(raw), dns));
    if (!subject_tag.empty()) {
        raw.replace(raw.find("Subject: ") + 9, 0, subject_tag + " ");
    }
    auto message = dkim::parse_message(raw);
    arc::SealOptions options;
    options.cv = incoming.result;
    options.authserv_id = "mx." + hop.domain;
    options.results = results;
    options.domain = hop.domain;
    options.selector = hop.selector;
    options.timestamp = 1700000000;
    options.headers = dkim::headers_to_sign(message.headers);
    std::string out;
    for (const auto& field : arc::seal(message, options, *hop.key)) {
        out += field;
    }
    return out + raw;
}

}  // namespace sealbox::mailauth::testing
