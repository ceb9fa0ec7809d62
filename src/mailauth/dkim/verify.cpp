#include "mailauth/dkim/verify.h"

#include <sodium.h>

#include <algorithm>

#include "mailauth/dkim/canonicalization.h"
#include "mailauth/dkim/key_record.h"
#include "mailauth/dkim/keys.h"
#include "mailauth/dkim/syntax.h"
#include "mailauth/tag_list.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dkim {

namespace {

// RFC 8301 §3.2: "Verifiers MUST be able to validate signatures with keys ranging from 1024
// bits to 4096 bits" and treat smaller ones as failures; larger than the cap are refused to bound
// the cost of one verification.
constexpr unsigned min_rsa_bits = 1024;
constexpr unsigned max_rsa_bits = 8192;
constexpr std::size_t b_prefix_length = 8;

std::string_view field_value(const HeaderField& field) {
    std::string_view text = field.text;
    text.remove_prefix(std::min(text.size(), text.find(':') + 1));
    if (text.ends_with("\r\n")) {
        text.remove_suffix(2);
    }
    return text;
}

// What a signature that does not parse still says about itself, for the report.
void describe_unparsed(std::string_view value, SignatureResult& result) {
    auto tags = TagList::parse(value);
    if (!tags) {
        return;
    }
    result.domain = std::string(tags->find("d").value_or(""));
    result.selector = std::string(tags->find("s").value_or(""));
    result.algorithm = std::string(tags->find("a").value_or(""));
    result.identity = std::string(tags->find("i").value_or(""));
    for (char c : tags->find("b").value_or("")) {
        if (c != ' ' && c != '\t' && c != '\r' && c != '\n' &&
            result.b_prefix.size() < b_prefix_length) {
            result.b_prefix += c;
        }
    }
}

SignatureResult& decide(SignatureResult& result, Result value, std::string reason) {
    result.result = value;
    result.reason = std::move(reason);
    return result;
}

bool is_signature_field(const HeaderField& field) {
    return smtp::chars::iequals(field.name, "DKIM-Signature");
}

// §6.1.2: the first record that parses is the key; otherwise the first record's error.
KeyRecordParse pick_key_record(const std::vector<std::string>& records) {
    KeyRecordParse first;
    for (const auto& text : records) {
        auto parsed = parse_key_record(text);
        if (parsed.record) {
            return parsed;
        }
        if (first.error.empty()) {
            first = std::move(parsed);
        }
    }
    return first;
}

}  // namespace

std::string_view to_string(Result result) {
    switch (result) {
        case Result::pass:
            return "pass";
        case Result::fail:
            return "fail";
        case Result::neutral:
            return "neutral";
        case Result::policy:
            return "policy";
        case Result::temperror:
            return "temperror";
        case Result::permerror:
            return "permerror";
    }
    return "?";
}

std::string key_record_name(const Signature& signature) {
    return signature.selector + "._domainkey." + signature.domain;
}

FieldCheck check_signature_field(const HeaderField& field, const VerifyOptions& options) {
    FieldCheck check;
    auto& result = check.result;
    auto parsed = parse_signature(field_value(field));
    if (!parsed.signature) {
        describe_unparsed(field_value(field), result);
        decide(result, Result::permerror, "malformed signature: " + parsed.error);
        return check;
    }
    const auto& sig = *parsed.signature;
    result.domain = sig.domain;
    result.selector = sig.selector;
    result.algorithm = std::string(to_string(sig.algorithm));
    result.identity = sig.identity;
    result.b_prefix = sig.b_text.substr(0, b_prefix_length);
    if (sig.algorithm == Algorithm::rsa_sha1) {
        // RFC 8301 §3.1: "Verifiers MUST NOT consider signatures using rsa-sha1 valid."
        decide(result, Result::permerror, "rsa-sha1 is not accepted (RFC 8301)");
        return check;
    }
    auto now = options.now;
    if (sig.expiration && static_cast<std::int64_t>(*sig.expiration) + options.clock_skew < now) {
        // §6.1.1: "Verifiers MAY ignore the DKIM-Signature header field and return PERMFAIL
        // (signature expired)."
        decide(result, Result::permerror, "signature expired (x=)");
        return check;
    }
    if (sig.timestamp && static_cast<std::int64_t>(*sig.timestamp) > now + options.clock_skew) {
        // §3.5 t=: "Implementations MAY ignore signatures that have a timestamp in the future."
        decide(result, Result::permerror, "signature timestamp (t=) is in the future");
        return check;
    }
    check.signature = std::move(parsed.signature);
    return check;
}

std::optional<PublicKey> key_from_answer(const Signature& signature,
                                         const dns::TxtAnswer& key_answer,
                                         SignatureResult& result) {
    // §6.1.2 steps 2-3: a query that fails is TEMPFAIL; no key is PERMFAIL.
    switch (key_answer.status) {
        case dns::Status::ok:
            break;
        case dns::Status::nxdomain:
        case dns::Status::nodata:
            decide(result, Result::permerror, "no key for signature");
            return std::nullopt;
        case dns::Status::temporary:
        case dns::Status::bogus:
            decide(result, Result::temperror, "key unavailable: " + key_answer.detail);
            return std::nullopt;
    }
    auto parsed = pick_key_record(key_answer.records);
    if (!parsed.record) {
        decide(result, Result::permerror, "key syntax error: " + parsed.error);
        return std::nullopt;
    }
    const auto& record = *parsed.record;
    result.testing = record.testing;
    if (record.public_key.empty()) {
        decide(result, Result::permerror, "key revoked");  // §3.6.1 p=, §6.1.2 step 6
        return std::nullopt;
    }
    auto wanted =
        signature.algorithm == Algorithm::ed25519_sha256 ? KeyType::ed25519 : KeyType::rsa;
    if (record.key_type != wanted) {
        decide(result, Result::permerror, "inappropriate key algorithm");  // §6.1.2 step 8
        return std::nullopt;
    }
    if (!record.allows_hash("sha256")) {
        decide(result, Result::permerror, "inappropriate hash algorithm");  // §6.1.2 step 7
        return std::nullopt;
    }
    if (!record.for_email) {
        decide(result, Result::permerror, "key is not for email (s=)");  // §3.6.1 s=
        return std::nullopt;
    }
    // §3.6.1 t=s: "the "i=" domain MUST NOT be a subdomain of "d="".
    if (record.strict_identity &&
        !smtp::chars::iequals(signature.identity_domain(), signature.domain)) {
        decide(result, Result::permerror, "key forbids subdomains in i= (t=s)");
        return std::nullopt;
    }
    std::string error;
    auto key = PublicKey::from_record(record.key_type, record.public_key, error);
    if (!key) {
        decide(result, Result::permerror, "key syntax error: " + error);
        return std::nullopt;
    }
    result.key_bits = key->bits();
    if (key->type() == KeyType::rsa && (key->bits() < min_rsa_bits || key->bits() > max_rsa_bits)) {
        decide(result, Result::permerror,
               "RSA key of " + std::to_string(key->bits()) + " bits (RFC 8301 §3.2)");
        return std::nullopt;
    }
    return key;
}

void check_with_key(const Message& message, const HeaderField& field, const Signature& signature,
                    const dns::TxtAnswer& key_answer, SignatureResult& result) {
    auto key = key_from_answer(signature, key_answer, result);
    if (!key) {
        return;
    }

    // §6.1.3: the body hash first, then the header hash and the signature.
    auto body = hash_body(message.body, signature.canonicalization.body, signature.body_length);
    if (signature.body_length && *signature.body_length > body.canonical_length) {
        decide(result, Result::fail, "l= is longer than the body");
        return;
    }
    result.body_truncated = body.hashed_length < body.canonical_length;
    if (signature.body_hash.size() != body.digest.size() ||
        sodium_memcmp(signature.body_hash.data(), body.digest.data(), body.digest.size()) != 0) {
        decide(result, Result::fail, "body hash did not verify");
        return;
    }
    auto selected = select_headers(message.headers, signature.signed_headers, &field);
    auto digest = hash_headers(selected, field.text, signature.canonicalization.header);
    if (!key->verify(digest, signature.signature)) {
        decide(result, Result::fail, "signature did not verify");
        return;
    }
    decide(result, Result::pass,
           result.body_truncated ? "good signature; l= leaves part of the body unsigned"
                                 : "good signature");
}

boost::asio::awaitable<std::vector<SignatureResult>> verify(const Message& message, DnsLookup& dns,
                                                            VerifyOptions options,
                                                            KeyCheckRunner run) {
    std::vector<SignatureResult> results;
    for (const auto& field : message.headers) {
        if (!is_signature_field(field)) {
            continue;
        }
        if (results.size() >= options.max_signatures) {
            SignatureResult skipped;
            describe_unparsed(field_value(field), skipped);
            results.push_back(decide(skipped, Result::policy,
                                     "not verified: more than " +
                                         std::to_string(options.max_signatures) + " signatures"));
            continue;
        }
        auto check = check_signature_field(field, options);
        if (check.signature) {
            auto answer = co_await dns.txt(key_record_name(*check.signature));
            auto step = [&] {
                check_with_key(message, field, *check.signature, answer, check.result);
            };
            if (run) {
                co_await run(step);
            } else {
                step();
            }
        }
        results.push_back(std::move(check.result));
    }
    co_return results;
}

}  // namespace sealbox::mailauth::dkim
