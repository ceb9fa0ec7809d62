#include "mailauth/arc/validate.h"

#include <map>

#include "mailauth/arc/chain.h"
#include "mailauth/dkim/canonicalization.h"

namespace sealbox::mailauth::arc {

namespace {

constexpr std::size_t b_prefix_length = 8;  // header.b, as DKIM reports it (RFC 6008 §4)

// Key records by name, so that each is queried once per validation: a chain's sets are mostly
// signed by one or two keys.
class KeyAnswers {
  public:
    KeyAnswers(DnsLookup& dns, dkim::KeyCheckRunner run) : dns_(dns), run_(std::move(run)) {}

    // Not a coroutine of its own that fetches: gcc 12 reports a mismatched operator delete
    // (-Wmismatched-new-delete) when coroutines of one file are awaited two deep.
    const dns::TxtAnswer* find(const std::string& name) const {
        auto found = answers_.find(name);
        return found == answers_.end() ? nullptr : &found->second;
    }
    const dns::TxtAnswer& store(const std::string& name, dns::TxtAnswer answer) {
        return answers_.insert_or_assign(name, std::move(answer)).first->second;
    }
    DnsLookup& dns() { return dns_; }
    const dkim::KeyCheckRunner& run() const { return run_; }

  private:
    DnsLookup& dns_;
    dkim::KeyCheckRunner run_;
    std::map<std::string, dns::TxtAnswer> answers_;
};

void decide(dkim::SignatureResult& result, dkim::Result value, std::string reason) {
    result.result = value;
    result.reason = std::move(reason);
}

// §5.2 steps 4 and 5: an ARC-Message-Signature verifies as a DKIM-Signature would (RFC 6376
// §6.1.2, §6.1.3), over the message as it stands.
boost::asio::awaitable<dkim::SignatureResult> check_message_signature(
    const dkim::Message& message, const dkim::HeaderField& field, KeyAnswers& keys) {
    dkim::SignatureResult result;
    auto parsed = parse_message_signature(field_value(field));
    if (!parsed.message_signature) {
        decide(result, dkim::Result::permerror, "malformed ARC-Message-Signature: " + parsed.error);
        co_return result;
    }
    const auto& signature = parsed.message_signature->signature;
    result.domain = signature.domain;
    result.selector = signature.selector;
    result.algorithm = std::string(dkim::to_string(signature.algorithm));
    result.b_prefix = signature.b_text.substr(0, b_prefix_length);
    auto name = dkim::key_record_name(signature);
    const auto* answer = keys.find(name);
    if (answer == nullptr) {
        auto fetched = co_await keys.dns().txt(name);
        answer = &keys.store(name, std::move(fetched));
    }
    auto step = [&] { dkim::check_with_key(message, field, signature, *answer, result); };
    if (keys.run()) {
        co_await keys.run()(step);
    } else {
        step();
    }
    co_return result;
}

// §5.2 step 6: the ARC-Seal of `sets[index]` signs, in relaxed form, the fields of every set up
// to its own in instance order, AAR, AMS and AS each, itself last with b= empty (§5.1.1).
boost::asio::awaitable<dkim::SignatureResult> check_seal(const std::vector<ArcSet>& sets,
                                                         std::size_t index, KeyAnswers& keys) {
    const ArcSet& set = sets[index];
    const Seal& seal = *set.seal;
    dkim::SignatureResult result;
    result.domain = seal.domain;
    result.selector = seal.selector;
    result.algorithm = std::string(dkim::to_string(seal.algorithm));
    result.b_prefix = seal.b_text.substr(0, b_prefix_length);
    dkim::Signature key_use;  // what the key record is checked against
    key_use.algorithm = seal.algorithm;
    key_use.domain = seal.domain;
    key_use.selector = seal.selector;
    key_use.identity = "@" + seal.domain;
    auto name = dkim::key_record_name(key_use);
    const auto* answer = keys.find(name);
    if (answer == nullptr) {
        auto fetched = co_await keys.dns().txt(name);
        answer = &keys.store(name, std::move(fetched));
    }
    auto key = dkim::key_from_answer(key_use, *answer, result);
    if (!key) {
        co_return result;
    }
    std::vector<const dkim::HeaderField*> covered;
    for (std::size_t i = 0; i <= index; ++i) {
        covered.push_back(sets[i].authentication_results);
        covered.push_back(sets[i].message_signature);
        if (i < index) {
            covered.push_back(sets[i].seal_field);
        }
    }
    auto digest = dkim::hash_headers(covered, set.seal_field->text, dkim::Canon::relaxed);
    if (key->verify(digest, seal.signature)) {
        decide(result, dkim::Result::pass, "good seal");
    } else {
        decide(result, dkim::Result::fail, "seal did not verify");
    }
    co_return result;
}

void fail(Validation& validation, std::string reason) {
    validation.result = ChainStatus::fail;
    validation.reason = std::move(reason);
}

}  // namespace

boost::asio::awaitable<Validation> validate(const dkim::Message& message, DnsLookup& dns,
                                            dkim::KeyCheckRunner run) {
    Validation validation;
    auto chain = collect_chain(message);
    validation.marked_fail = chain.marked_fail;
    validation.instances = chain.highest_instance;
    if (chain.empty()) {  // §5.2 step 1
        validation.reason = "no ARC Sets";
        co_return validation;
    }
    if (!chain.error.empty()) {  // §5.2 steps 2 and 3
        fail(validation, chain.error);
        co_return validation;
    }
    KeyAnswers keys(dns, std::move(run));
    const auto& sets = chain.sets;
    std::size_t n = sets.size();

    // §5.2 step 4: the latest message signature must verify.
    // (Each co_await into a variable of its own, as elsewhere in the tree for gcc 12.)
    auto latest = co_await check_message_signature(message, *sets[n - 1].message_signature, keys);
    validation.latest_message_signature = latest;
    if (validation.latest_message_signature->result != dkim::Result::pass) {
        fail(validation, "ARC-Message-Signature i=" + std::to_string(n) + ": " +
                             validation.latest_message_signature->reason);
        co_return validation;
    }
    // §5.2 step 6: every seal, newest first. (Step 5 is optional and only says something of a
    // chain that passes, so it runs after.)
    for (std::size_t i = n; i-- > 0;) {
        auto seal = co_await check_seal(sets, i, keys);
        validation.seals.push_back(seal);
        if (validation.seals.back().result != dkim::Result::pass) {
            fail(validation,
                 "ARC-Seal i=" + std::to_string(i + 1) + ": " + validation.seals.back().reason);
            co_return validation;
        }
    }
    // §5.2 step 5: older message signatures, newest first, down to the first that fails.
    unsigned oldest_pass = 0;
    for (std::size_t i = n - 1; i-- > 0;) {
        auto older = co_await check_message_signature(message, *sets[i].message_signature, keys);
        if (older.result != dkim::Result::pass) {
            oldest_pass = static_cast<unsigned>(i + 2);
            break;
        }
    }
    validation.oldest_pass = oldest_pass;
    validation.result = ChainStatus::pass;
    validation.reason = std::to_string(n) + " ARC Set" + (n == 1 ? "" : "s") + " verified";
    co_return validation;
}

MethodResult method_result(const Validation& validation,
                           std::optional<boost::asio::ip::address> remote_ip) {
    MethodResult result{"arc", std::string(to_string(validation.result)), {}, {}};
    if (validation.oldest_pass) {
        result.property("header", "oldest-pass", std::to_string(*validation.oldest_pass));
    }
    if (remote_ip) {
        result.property("smtp", "remote-ip", remote_ip->to_string());
    }
    return result;
}

}  // namespace sealbox::mailauth::arc
