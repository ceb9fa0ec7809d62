#include "mailauth/arc/seal.h"

#include <algorithm>

#include "core/base64.h"
#include "core/error.h"
#include "mailauth/arc/chain.h"
#include "mailauth/dkim/canonicalization.h"
#include "mailauth/dkim/sign.h"
#include "mailauth/dkim/syntax.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::arc {

namespace {

using smtp::chars::iequals;

constexpr std::size_t max_line = 78;  // RFC 5322 §2.1.1

void refuse(const std::string& why) {
    throw Error(ErrorCode::invalid_argument, "cannot ARC-seal: " + why);
}

bool has_line_break(std::string_view text) {
    return text.find_first_of("\r\n") != std::string_view::npos;
}

// "name: value" with CRLF SP put before a space wherever the line would pass 78 columns;
// unfolding (RFC 5322 §2.2.3) gives the value back exactly.
std::string fold(std::string_view name, std::string_view value) {
    std::string out = std::string(name) + ":";
    std::size_t column = out.size();
    while (true) {
        auto space = value.find(' ');
        auto word = value.substr(0, space);
        if (column + 1 + word.size() > max_line && column > 1) {
            out += "\r\n";
            column = 0;
        }
        out += ' ';
        out += word;
        column += 1 + word.size();
        if (space == std::string_view::npos) {
            return out + "\r\n";
        }
        value.remove_prefix(space + 1);
    }
}

std::string algorithm_of(const dkim::SigningKey& key) {
    return std::string(dkim::to_string(key.type() == dkim::KeyType::ed25519
                                           ? dkim::Algorithm::ed25519_sha256
                                           : dkim::Algorithm::rsa_sha256));
}

void check(const dkim::Message& message, const Chain& chain, const SealOptions& options) {
    if (!dkim::is_domain_name(options.domain) || !dkim::is_selector(options.selector)) {
        refuse("the domain or selector is not a name");
    }
    if (options.authserv_id.empty() || has_line_break(options.authserv_id) ||
        has_line_break(options.results)) {
        refuse("the authserv-id or results are empty or hold line breaks");
    }
    auto names = [&](std::string_view wanted) {
        return std::ranges::any_of(options.headers,
                                   [&](const std::string& name) { return iequals(name, wanted); });
    };
    if (!names("From") || names("ARC-Seal")) {
        refuse("h= must name From and must not name ARC-Seal");
    }
    if (std::ranges::none_of(message.headers, [](const dkim::HeaderField& field) {
            return iequals(field.name, "From");
        })) {
        refuse("the message has no From field");
    }
    if ((options.cv == ChainStatus::none) != chain.empty()) {
        refuse("cv=" + std::string(to_string(options.cv)) +
               " contradicts the message's ARC fields");
    }
    if (options.cv == ChainStatus::pass && !chain.error.empty()) {
        refuse("cv=pass over a chain that is not sound: " + chain.error);
    }
}

}  // namespace

std::vector<std::string> seal(const dkim::Message& message, const SealOptions& options,
                              const dkim::SigningKey& key) {
    auto chain = collect_chain(message);
    // §5.1 step 2: a chain marked failed is not continued (and §5.1.3: it cannot be).
    if (chain.latest_cv == ChainStatus::fail || chain.highest_instance >= max_instance) {
        return {};
    }
    check(message, chain, options);
    auto instance = std::to_string(chain.highest_instance + 1);
    auto algorithm = algorithm_of(key);

    // §4.1.1, §5.1 step 4.1: our results under our authserv-id.
    dkim::HeaderField results{
        "ARC-Authentication-Results",
        fold("ARC-Authentication-Results",
             "i=" + instance + "; " + options.authserv_id + "; " + options.results)};

    // §4.1.2, §5.1 step 4.2: a DKIM signature of the message as it will leave, our AAR on top.
    // Tags in alphabetical order, as dkimpy and the ARC test suite write them, so that the same
    // key and message give the same signature.
    std::vector<dkim::HeaderField> headers{results};
    headers.insert(headers.end(), message.headers.begin(), message.headers.end());
    std::string h;
    for (const auto& name : options.headers) {
        h += (h.empty() ? "" : ":");
        std::ranges::transform(name, std::back_inserter(h), smtp::chars::to_lower);
    }
    auto body = dkim::hash_body(message.body, dkim::Canon::relaxed, std::nullopt);
    std::vector<std::pair<std::string, std::string>> ams_tags = {
        {"a", algorithm},
        {"b", ""},
        {"bh",
         base64_encode({reinterpret_cast<const char*>(body.digest.data()), body.digest.size()})},
        {"c", "relaxed/relaxed"},
        {"d", options.domain},
        {"h", h},
        {"i", instance},
        {"s", options.selector},
        {"t", std::to_string(options.timestamp)},
    };
    dkim::HeaderField message_signature{
        "ARC-Message-Signature",
        dkim::write_signed_field("ARC-Message-Signature", ams_tags,
                                 dkim::select_headers(headers, options.headers),
                                 dkim::Canon::relaxed, key)};

    // §4.1.3, §5.1.1: the seal over every set in instance order, ours last; §5.1.2: over ours
    // alone when the chain failed.
    std::vector<const dkim::HeaderField*> covered;
    if (options.cv == ChainStatus::pass) {
        for (const auto& set : chain.sets) {
            covered.insert(covered.end(),
                           {set.authentication_results, set.message_signature, set.seal_field});
        }
    }
    covered.push_back(&results);
    covered.push_back(&message_signature);
    std::vector<std::pair<std::string, std::string>> seal_tags = {
        {"a", algorithm},
        {"b", ""},
        {"cv", std::string(to_string(options.cv))},
        {"d", options.domain},
        {"i", instance},
        {"s", options.selector},
        {"t", std::to_string(options.timestamp)},
    };
    auto seal_field =
        dkim::write_signed_field("ARC-Seal", seal_tags, covered, dkim::Canon::relaxed, key);
    return {seal_field, message_signature.text, results.text};
}

}  // namespace sealbox::mailauth::arc
