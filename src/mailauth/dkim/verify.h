#pragma once
// DKIM verification (RFC 6376 §6): every DKIM-Signature field of a message, each with its own
// result named as RFC 8601 §2.7.1 names them. The steps that need no DNS are pure functions, so
// that ARC (RFC 8617 §5.2) and the tests can call them directly.

#include <boost/asio/awaitable.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "dns/records.h"
#include "mailauth/dkim/keys.h"
#include "mailauth/dkim/message.h"
#include "mailauth/dkim/signature.h"
#include "mailauth/dns_lookup.h"

namespace sealbox::mailauth::dkim {

// RFC 8601 §2.7.1.
enum class Result { pass, fail, neutral, policy, temperror, permerror };

std::string_view to_string(Result result);

struct SignatureResult {
    Result result = Result::permerror;
    std::string domain;     // header.d (d=)
    std::string selector;   // header.s (s=)
    std::string algorithm;  // header.a (a=)
    std::string identity;   // header.i (i=, or "@" + d=)
    std::string b_prefix;   // header.b: the first 8 characters of b= (RFC 6008 §4)
    std::string reason;     // why, for people and logs; never message content
    unsigned key_bits = 0;  // once a key was found
    bool testing = false;   // the key record says t=y: the domain is testing DKIM (§3.6.1)
    // l= ends before the canonical body does: whatever follows is unsigned, so anyone could
    // have appended it (RFC 6376 §8.2).
    bool body_truncated = false;
};

struct VerifyOptions {
    std::int64_t now = 0;  // seconds since the epoch: when "now" is for t= and x=
    // Tolerated clock difference for t= in the future and x= in the past.
    std::int64_t clock_skew = 3600;
    // Signatures checked per message (RFC 6376 §6.1: "A Verifier MAY limit the number of
    // signatures it tries"); later ones get `policy`. Bounds DNS queries and CPU.
    std::size_t max_signatures = 10;
};

// Step 1, pure (§6.1.1): parse the field and make the checks that need no key. A result comes
// back when the signature is already decided; otherwise `signature` is set, and `result`
// carries its d=, s=, a=, i= and header.b for the steps that follow.
struct FieldCheck {
    SignatureResult result;
    std::optional<Signature> signature;
};
FieldCheck check_signature_field(const HeaderField& field, const VerifyOptions& options);

// The name of the key record (§3.6.2.1): "<s>._domainkey.<d>".
std::string key_record_name(const Signature& signature);

// Step 2 alone, pure (§6.1.2): the public key the answer to the key query holds for `signature`,
// once the record passed its checks (key type, hash, service, t=s, RSA size); nullopt with
// `result` decided when there is none. ARC-Seal verification (RFC 8617 §5.2), which has no body
// to hash, uses it.
std::optional<PublicKey> key_from_answer(const Signature& signature,
                                         const dns::TxtAnswer& key_answer, SignatureResult& result);

// Steps 2 and 3, pure (§6.1.2, §6.1.3): the answer to the key query, then the body and header
// hashes and the signature itself. Fills in `result`. `field` is the element of
// message.headers being verified.
void check_with_key(const Message& message, const HeaderField& field, const Signature& signature,
                    const dns::TxtAnswer& key_answer, SignatureResult& result);

// Runs the CPU-bound step of one signature (check_with_key: the body and header hashes and the
// signature itself); the server passes one that runs it on its worker pool, off the I/O thread.
// Empty: in place.
using KeyCheckRunner = std::function<boost::asio::awaitable<void>(std::function<void()>)>;

// Every DKIM-Signature field, top to bottom, one result each. `message` must outlive the wait.
boost::asio::awaitable<std::vector<SignatureResult>> verify(const Message& message, DnsLookup& dns,
                                                            VerifyOptions options,
                                                            KeyCheckRunner run = {});

}  // namespace sealbox::mailauth::dkim
