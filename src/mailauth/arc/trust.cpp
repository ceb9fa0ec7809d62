#include "mailauth/arc/trust.h"

#include <algorithm>

#include "core/ascii.h"
#include "mailauth/auth_results.h"

namespace sealbox::mailauth::arc {

namespace {

// §4.1.1: what the sealer of `set` wrote in its ARC-Authentication-Results.
std::optional<ReadResults> sealer_results(const ArcSet& set) {
    if (!set.authentication_results) {
        return std::nullopt;
    }
    auto field = parse_authentication_results(field_value(*set.authentication_results));
    if (!field) {
        return std::nullopt;
    }
    return read_authentication_results(field->payload);
}

bool saw_dmarc_pass(const ReadResults& results, std::string_view from_domain) {
    for (const MethodResult& result : results.results) {
        if (result.method != "dmarc" || result.result != "pass") {
            continue;
        }
        const std::string* from = result.find_property("header", "from");
        if (from && ascii_lower(*from) == ascii_lower(from_domain)) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::optional<TrustedPass> trusted_dmarc_pass(const Chain& chain, const Validation& validation,
                                              const std::vector<std::string>& trusted_sealers,
                                              std::string_view from_domain) {
    if (validation.result != ChainStatus::pass || !chain.error.empty()) {
        return std::nullopt;
    }
    // §5.2 step 5: the message signatures of oldest_pass and every newer set still verify.
    const unsigned oldest_verified = validation.oldest_pass.value_or(0);
    for (std::size_t i = chain.sets.size(); i-- > 0;) {
        const ArcSet& set = chain.sets[i];
        if (set.instance < oldest_verified) {
            break;
        }
        if (!set.seal) {
            continue;
        }
        std::string sealer = ascii_lower(set.seal->domain);
        if (std::find(trusted_sealers.begin(), trusted_sealers.end(), sealer) ==
            trusted_sealers.end()) {
            continue;
        }
        auto results = sealer_results(set);
        if (results && saw_dmarc_pass(*results, from_domain)) {
            return TrustedPass{set.instance, std::move(sealer)};
        }
    }
    return std::nullopt;
}

std::string report_comment(const Chain& chain) {
    std::string comment = "arc=pass";
    for (std::size_t i = chain.sets.size(); i-- > 0;) {
        const ArcSet& set = chain.sets[i];
        if (!set.seal) {
            continue;
        }
        std::string n = std::to_string(set.instance);
        comment +=
            " as[" + n + "].d=" + set.seal->domain + " as[" + n + "].s=" + set.seal->selector;
    }
    return comment;
}

}  // namespace sealbox::mailauth::arc
