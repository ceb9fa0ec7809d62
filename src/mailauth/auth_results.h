#pragma once
// The Authentication-Results header field (RFC 8601): writing Sealbox's one field with the
// results of SPF, DKIM, DMARC and ARC, and finding the incoming fields that claim Sealbox's
// authserv-id, which must go before ours is added (§5), and reading another server's results.
// Pure; the readers take untrusted input and are fuzzed (fuzz/auth_results_fuzz.cpp).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mailauth {

// RFC 8601 §2.2 propspec: ptype "." property "=" pvalue, e.g. smtp.mailfrom=user@example.org,
// header.d=example.org, header.b="abcd/efg".
struct ResultProperty {
    std::string ptype;     // "smtp", "header", "body", "policy"
    std::string property;  // "mailfrom", "helo", "d", "s", "b", "from", ...
    std::string value;     // as it should read; quoted when written if it must be
};

// RFC 8601 §2.2 resinfo: method "=" result, an optional reason, properties.
struct MethodResult {
    std::string method;  // "spf", "dkim", "dmarc", "arc"
    std::string result;  // "pass", "fail", ...; empty is written as "none"
    std::string reason;  // empty: none written
    std::vector<ResultProperty> properties;

    MethodResult& property(std::string ptype, std::string name, std::string value) {
        properties.push_back({std::move(ptype), std::move(name), std::move(value)});
        return *this;
    }
    // The value of the first ptype.name property (both lower case), or null.
    const std::string* find_property(std::string_view ptype, std::string_view name) const;
};

// The whole field, "Authentication-Results: <authserv-id>; spf=pass smtp.mailfrom=...; ...",
// folded at 78 columns where it can be, ending in CRLF. No results at all are written as
// "<authserv-id>; none" (§2.2 no-result). The version is left out (§2.2: it is 1 when absent).
// Values are written bare when they are tokens or addr-specs, else as quoted-strings;
// control characters are dropped.
std::string format_authentication_results(std::string_view authserv_id,
                                          const std::vector<MethodResult>& results);

// The same results as format_authentication_results writes them after the authserv-id, on one
// line: what an ARC-Authentication-Results field carries (RFC 8617 §4.1.1).
std::string format_results(const std::vector<MethodResult>& results);

// RFC 8601 §2.2: the authserv-id at the start of an Authentication-Results field body (after
// the colon, folded or not): a token or quoted-string after optional CFWS (comments may nest).
// nullopt when there is none.
std::optional<std::string> read_authserv_id(std::string_view field_body);

// An Authentication-Results field body read back (RFC 8601 §2.2): what another server says it
// found, e.g. the ARC-Authentication-Results of a sealer we trust (RFC 8617 §7.2.1). Method,
// result, ptype and property names are lower-cased; values are as written, quotes undone.
struct ReadResults {
    std::string authserv_id;
    std::vector<MethodResult> results;  // empty for "none"
};
// nullopt when the body is not an authres-payload (or only half of one).
std::optional<ReadResults> read_authentication_results(std::string_view field_body);

// Where one header field lies in the header block: from its name to the end of its line break.
struct FieldSpan {
    std::size_t offset = 0;
    std::size_t length = 0;
};

// The Authentication-Results fields of `header` (a message's header block, CRLF or LF lines)
// whose authserv-id equals `authserv_id` without regard to case: forgeries or stale copies of
// ours, to remove before adding ours (§5). ARC-Authentication-Results fields are other fields
// and are never named.
std::vector<FieldSpan> find_own_authentication_results(std::string_view header,
                                                       std::string_view authserv_id);

// `header` without the fields at `spans` (as find_own_authentication_results returns them:
// in order, not overlapping).
std::string remove_fields(std::string_view header, const std::vector<FieldSpan>& spans);

}  // namespace sealbox::mailauth
