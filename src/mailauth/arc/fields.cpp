#include "mailauth/arc/fields.h"

#include <algorithm>

#include "mailauth/dkim/syntax.h"
#include "mailauth/tag_list.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::arc {

namespace {

using smtp::chars::iequals;

bool is_fws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

std::string_view trim(std::string_view text) {
    while (!text.empty() && is_fws(text.front())) {
        text.remove_prefix(1);
    }
    while (!text.empty() && is_fws(text.back())) {
        text.remove_suffix(1);
    }
    return text;
}

std::optional<unsigned> instance_tag(const TagList& tags) {
    auto i = tags.find("i");
    return i ? parse_instance(*i) : std::nullopt;
}

SealParse seal_error(std::string reason) {
    return {std::nullopt, std::move(reason)};
}

}  // namespace

std::string_view to_string(ChainStatus status) {
    switch (status) {
        case ChainStatus::none:
            return "none";
        case ChainStatus::pass:
            return "pass";
        case ChainStatus::fail:
            return "fail";
    }
    return "?";
}

std::optional<FieldKind> field_kind(std::string_view name) {
    if (iequals(name, "ARC-Authentication-Results")) {
        return FieldKind::authentication_results;
    }
    if (iequals(name, "ARC-Message-Signature")) {
        return FieldKind::message_signature;
    }
    if (iequals(name, "ARC-Seal")) {
        return FieldKind::seal;
    }
    return std::nullopt;
}

std::string_view field_value(const dkim::HeaderField& field) {
    std::string_view text = field.text;
    auto colon = text.find(':');
    text.remove_prefix(colon == std::string_view::npos ? text.size() : colon + 1);
    if (text.ends_with("\r\n")) {
        text.remove_suffix(2);
    }
    return text;
}

std::optional<unsigned> parse_instance(std::string_view text) {
    auto value = dkim::parse_decimal(text, 2);
    if (!value || *value < 1 || *value > max_instance) {
        return std::nullopt;
    }
    return static_cast<unsigned>(*value);
}

std::optional<AuthenticationResults> parse_authentication_results(std::string_view value) {
    // §4.1.1: arc-info = instance [CFWS] ";" authres-payload, instance = [CFWS] "i" [CFWS] "="
    // [CFWS] 1*2DIGIT.
    value = trim(value);
    if (!value.starts_with('i')) {
        return std::nullopt;
    }
    value = trim(value.substr(1));
    if (!value.starts_with('=')) {
        return std::nullopt;
    }
    value = trim(value.substr(1));
    auto digits = std::ranges::find_if_not(value, smtp::chars::is_digit) - value.begin();
    auto instance = parse_instance(value.substr(0, static_cast<std::size_t>(digits)));
    value = trim(value.substr(static_cast<std::size_t>(digits)));
    if (!instance || !value.starts_with(';')) {
        return std::nullopt;
    }
    return AuthenticationResults{*instance, std::string(trim(value.substr(1)))};
}

MessageSignatureParse parse_message_signature(std::string_view value) {
    auto tags = TagList::parse(value);
    if (!tags) {
        return {std::nullopt, "not a tag=value list"};
    }
    auto instance = instance_tag(*tags);
    if (!instance) {
        return {std::nullopt, "no valid instance (i=)"};
    }
    MessageSignature ams{*instance, {}};
    if (auto problem = dkim::parse_shared_tags(*tags, ams.signature); !problem.empty()) {
        return {std::nullopt, std::move(problem)};
    }
    if (!tags->find("c")) {
        // Without c=, relaxed/relaxed, ARC's own canonicalization (§5.1.1), where DKIM would
        // take simple/simple: as dkimpy reads it and the ARC test suite expects
        // (ams_fields_c_na).
        ams.signature.canonicalization = {dkim::Canon::relaxed, dkim::Canon::relaxed};
    }
    if (ams.signature.algorithm == dkim::Algorithm::rsa_sha1) {
        return {std::nullopt, "rsa-sha1 is not accepted (RFC 8301 §3.1)"};
    }
    if (std::ranges::any_of(ams.signature.signed_headers,
                            [](const std::string& name) { return iequals(name, "ARC-Seal"); })) {
        return {std::nullopt, "h= names ARC-Seal"};  // §4.1.2
    }
    return {std::move(ams), {}};
}

SealParse parse_seal(std::string_view value) {
    auto tags = TagList::parse(value);
    if (!tags) {
        return seal_error("not a tag=value list");
    }
    for (auto required : {"i", "a", "b", "cv", "d", "s"}) {
        if (!tags->find(required)) {
            return seal_error(std::string("missing required tag ") + required + "=");
        }
    }
    if (tags->find("h")) {
        return seal_error("h= is not allowed in an ARC-Seal");  // §4.1.3
    }
    Seal seal;
    auto instance = instance_tag(*tags);
    if (!instance) {
        return seal_error("no valid instance (i=)");
    }
    seal.instance = *instance;

    auto cv = *tags->find("cv");
    if (cv == "none") {
        seal.cv = ChainStatus::none;
    } else if (cv == "pass") {
        seal.cv = ChainStatus::pass;
    } else if (cv == "fail") {
        seal.cv = ChainStatus::fail;
    } else {
        return seal_error("unknown cv=" + std::string(cv));
    }

    // §4.1.3 a=: the algorithms of DKIM (RFC 6376 §3.3, RFC 8463), rsa-sha1 refused (RFC 8301).
    auto a = *tags->find("a");
    if (iequals(a, "rsa-sha256")) {
        seal.algorithm = dkim::Algorithm::rsa_sha256;
    } else if (iequals(a, "ed25519-sha256")) {
        seal.algorithm = dkim::Algorithm::ed25519_sha256;
    } else {
        return seal_error("unsupported algorithm a=" + std::string(a));
    }

    std::string_view b_value = *tags->find("b");
    auto b = dkim::decode_base64_value(b_value);
    if (!b || b->empty()) {
        return seal_error("b= is not base64");
    }
    seal.signature = std::move(*b);
    std::ranges::copy_if(b_value, std::back_inserter(seal.b_text),
                         [](char c) { return !is_fws(c); });

    seal.domain = std::string(*tags->find("d"));
    if (!dkim::is_domain_name(seal.domain)) {
        return seal_error("d= is not a domain name");
    }
    seal.selector = std::string(*tags->find("s"));
    if (!dkim::is_selector(seal.selector)) {
        return seal_error("s= is not a selector");
    }
    if (auto t = tags->find("t")) {
        seal.timestamp = dkim::parse_decimal(*t, 12);
        if (!seal.timestamp) {
            return seal_error("t= is not a timestamp");
        }
    }
    return {std::move(seal), {}};
}

std::optional<unsigned> instance_of(FieldKind kind, std::string_view value) {
    if (kind == FieldKind::authentication_results) {
        auto aar = parse_authentication_results(value);
        return aar ? std::optional(aar->instance) : std::nullopt;
    }
    auto tags = TagList::parse(value);
    return tags ? instance_tag(*tags) : std::nullopt;
}

}  // namespace sealbox::mailauth::arc
