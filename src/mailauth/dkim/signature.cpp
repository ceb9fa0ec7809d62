#include "mailauth/dkim/signature.h"

#include <algorithm>

#include "mailauth/dkim/syntax.h"
#include "mailauth/tag_list.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

using smtp::chars::iequals;

SignatureParse error(std::string reason) {
    return {std::nullopt, std::move(reason)};
}

std::optional<Canon> parse_canon(std::string_view text) {
    if (text == "simple") {
        return Canon::simple;
    }
    if (text == "relaxed") {
        return Canon::relaxed;
    }
    return std::nullopt;
}

// RFC 5322 §3.6.8 ftext: printable US-ASCII but ":".
bool is_field_name(std::string_view name) {
    return !name.empty() &&
           std::ranges::all_of(name, [](char c) { return c >= 33 && c <= 126 && c != ':'; });
}

}  // namespace

std::string_view to_string(Algorithm algorithm) {
    switch (algorithm) {
        case Algorithm::rsa_sha1:
            return "rsa-sha1";
        case Algorithm::rsa_sha256:
            return "rsa-sha256";
        case Algorithm::ed25519_sha256:
            return "ed25519-sha256";
    }
    return "?";
}

std::string_view Signature::identity_domain() const {
    std::string_view id = identity;
    return id.substr(id.rfind('@') + 1);
}

std::string parse_shared_tags(const TagList& tags, Signature& sig) {
    // §6.1.1: a, b, bh, d, h and s are required.
    for (auto required : {"a", "b", "bh", "d", "h", "s"}) {
        if (!tags.find(required)) {
            return std::string("missing required tag ") + required + "=";
        }
    }

    auto a = *tags.find("a");
    if (iequals(a, "rsa-sha256")) {
        sig.algorithm = Algorithm::rsa_sha256;
    } else if (iequals(a, "rsa-sha1")) {
        sig.algorithm = Algorithm::rsa_sha1;
    } else if (iequals(a, "ed25519-sha256")) {
        sig.algorithm = Algorithm::ed25519_sha256;
    } else {
        return "unsupported algorithm a=" + std::string(a);
    }

    std::string_view b_value = *tags.find("b");
    auto b = decode_base64_value(b_value);
    if (!b || b->empty()) {
        return "b= is not base64";
    }
    sig.signature = std::move(*b);
    for (char c : b_value) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
            sig.b_text += c;
        }
    }
    auto bh = decode_base64_value(*tags.find("bh"));
    if (!bh || bh->empty()) {
        return "bh= is not base64";
    }
    sig.body_hash = std::move(*bh);

    if (auto c = tags.find("c")) {  // header[/body]; body defaults to simple
        auto slash = c->find('/');
        auto header = parse_canon(c->substr(0, slash));
        auto body = slash == std::string_view::npos ? std::optional(Canon::simple)
                                                    : parse_canon(c->substr(slash + 1));
        if (!header || !body) {
            return "unknown canonicalization c=" + std::string(*c);
        }
        sig.canonicalization = {*header, *body};
    }

    sig.domain = std::string(*tags.find("d"));
    if (!is_domain_name(sig.domain)) {
        return "d= is not a domain name";
    }

    // An empty name selects nothing; DKIM refuses it (parse_signature), ARC verifiers read past
    // it (the ARC test suite's ams_fields_h_empty and ams_fields_h_mis_hdr pass).
    for (auto name : split_colon_list(*tags.find("h"))) {
        if (name.empty()) {
            continue;
        }
        if (!is_field_name(name)) {
            return "h= holds an invalid field name";
        }
        sig.signed_headers.emplace_back(name);
    }

    if (auto l = tags.find("l")) {
        sig.body_length = parse_decimal(*l, 76);
        if (!sig.body_length) {
            return "l= is not a number";
        }
    }

    if (auto q = tags.find("q")) {  // §3.5 q=: "dns/txt" is the only method defined
        auto methods = split_colon_list(*q);
        if (std::ranges::none_of(methods, [](auto m) { return iequals(m, "dns/txt"); })) {
            return "no supported query method in q=";
        }
    }

    sig.selector = std::string(*tags.find("s"));
    if (!is_selector(sig.selector)) {
        return "s= is not a selector";
    }

    if (auto t = tags.find("t")) {
        sig.timestamp = parse_decimal(*t, 12);
        if (!sig.timestamp) {
            return "t= is not a timestamp";
        }
    }
    if (auto x = tags.find("x")) {
        sig.expiration = parse_decimal(*x, 12);
        if (!sig.expiration) {
            return "x= is not a timestamp";
        }
        // §3.5 x=: "the value of the "x=" tag MUST be greater than the value of the "t=" tag
        // if both are present."
        if (sig.timestamp && *sig.expiration <= *sig.timestamp) {
            return "x= is not after t=";
        }
    }
    if (auto z = tags.find("z")) {
        sig.copied_headers = std::string(*z);
    }
    sig.identity = "@" + sig.domain;
    // Any other tag is ignored (§3.2: "Unrecognized tags MUST be ignored").
    return {};
}

SignatureParse parse_signature(std::string_view value) {
    auto tags = TagList::parse(value);
    if (!tags) {
        return error("not a tag=value list");
    }
    auto v = tags->find("v");
    if (!v) {  // §6.1.1: v= is required too
        return error("missing required tag v=");
    }
    if (*v != "1") {  // §3.5 v=, §6.1.1 "incompatible version"
        return error("unsupported version v=" + std::string(*v));
    }
    Signature sig;
    if (auto problem = parse_shared_tags(*tags, sig); !problem.empty()) {
        return error(std::move(problem));
    }
    // §3.5 h=: hdr-name *( [FWS] ":" [FWS] hdr-name ), no empty name.
    if (std::ranges::any_of(split_colon_list(*tags->find("h")), &std::string_view::empty)) {
        return error("h= holds an invalid field name");
    }
    // §6.1.1: "If the "h=" tag does not include the From header field, the Verifier MUST
    // ignore the DKIM-Signature header field and return PERMFAIL (From field not signed)."
    if (std::ranges::none_of(sig.signed_headers,
                             [](const std::string& name) { return iequals(name, "from"); })) {
        return error("h= does not include From");
    }
    if (auto i = tags->find("i")) {
        auto at = i->rfind('@');
        if (at == std::string_view::npos || !is_domain_name(i->substr(at + 1))) {
            return error("i= is not an identity");
        }
        // §6.1.1: the i= domain must be d= or a subdomain of it ("domain mismatch").
        if (!is_same_or_subdomain(i->substr(at + 1), sig.domain)) {
            return error("i= is not within d=");
        }
        sig.identity = std::string(*i);
    }
    return {std::move(sig), {}};
}

}  // namespace sealbox::mailauth::dkim
