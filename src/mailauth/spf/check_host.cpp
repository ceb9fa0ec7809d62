#include "mailauth/spf/check_host.h"

#include <algorithm>
#include <cctype>
#include <ctime>
#include <map>

#include "core/ascii.h"
#include "mailauth/spf/macro.h"
#include "mailauth/spf/record.h"

namespace sealbox::mailauth::spf {
namespace {

using boost::asio::awaitable;
using boost::asio::ip::address;

// §4.6.4 limits.
constexpr int max_dns_terms = 10;
constexpr int max_void_lookups = 2;
constexpr std::size_t max_mx_names = 10;
constexpr std::size_t max_ptr_names = 10;
constexpr std::size_t max_name_length = 253;  // §7.3, without the final dot
constexpr std::size_t max_label_length = 63;

// temperror and permerror end the whole evaluation, however deep in include and redirect they
// arise (§4.4, §4.6.4, §5, §5.2): thrown from there and caught by Evaluation::run().
struct Stop {
    Result result;
    std::string detail;
};

std::string without_final_dot(std::string name) {
    if (!name.empty() && name.back() == '.') {
        name.pop_back();
    }
    return name;
}

// Labels between 1 and 63 octets, a final dot allowed.
bool labels_valid(std::string_view name) {
    if (!name.empty() && name.back() == '.') {
        name.remove_suffix(1);
    }
    if (name.empty()) {
        return false;
    }
    std::size_t start = 0;
    while (true) {
        auto dot = name.find('.', start);
        auto length = (dot == std::string_view::npos ? name.size() : dot) - start;
        if (length == 0 || length > max_label_length) {
            return false;
        }
        if (dot == std::string_view::npos) {
            return true;
        }
        start = dot + 1;
    }
}

// §4.3: a <domain> that is malformed, a domain literal or not a multi-label name has no policy.
bool valid_policy_domain(std::string_view domain) {
    auto name = without_final_dot(std::string(domain));
    return labels_valid(name) && name.size() <= max_name_length && name.front() != '[' &&
           name.find('.') != std::string::npos;
}

// §7.3: a name longer than 253 characters loses labels on its left until it fits.
std::string fit_name(std::string name) {
    name = without_final_dot(std::move(name));
    while (name.size() > max_name_length) {
        auto dot = name.find('.');
        name = dot == std::string::npos ? std::string() : name.substr(dot + 1);
    }
    return name;
}

bool in_network(const address& ip, const address& network, int prefix) {
    auto compare = [prefix](const auto& a, const auto& b) {
        int bits = prefix;
        for (std::size_t i = 0; i < a.size() && bits > 0; ++i, bits -= 8) {
            unsigned mask = bits >= 8 ? 0xffu : (0xffu << (8 - bits)) & 0xffu;
            if ((a[i] & mask) != (b[i] & mask)) {
                return false;
            }
        }
        return true;
    };
    if (ip.is_v4() && network.is_v4()) {
        return compare(ip.to_v4().to_bytes(), network.to_v4().to_bytes());
    }
    if (ip.is_v6() && network.is_v6()) {
        return compare(ip.to_v6().to_bytes(), network.to_v6().to_bytes());
    }
    return false;
}

// `name` is `domain` or one of its subdomains, without regard to case or a final dot.
bool within(const std::string& name, const std::string& domain) {
    auto n = ascii_lower(without_final_dot(name));
    auto d = ascii_lower(without_final_dot(domain));
    return n == d || (n.size() > d.size() && n.ends_with(d) && n[n.size() - d.size() - 1] == '.');
}

Result result_of(Qualifier qualifier) {
    switch (qualifier) {
        case Qualifier::pass:
            return Result::pass;
        case Qualifier::fail:
            return Result::fail;
        case Qualifier::softfail:
            return Result::softfail;
        case Qualifier::neutral:
            break;
    }
    return Result::neutral;
}

std::string_view to_string(MechanismKind kind) {
    switch (kind) {
        case MechanismKind::all:
            return "all";
        case MechanismKind::include:
            return "include";
        case MechanismKind::a:
            return "a";
        case MechanismKind::mx:
            return "mx";
        case MechanismKind::ptr:
            return "ptr";
        case MechanismKind::ip4:
            return "ip4";
        case MechanismKind::ip6:
            return "ip6";
        case MechanismKind::exists:
            break;
    }
    return "exists";
}

// One check_host() call with everything its includes and redirects share: the lookup counts of
// §4.6.4 and the client's PTR names, fetched at most once.
class Evaluation {
  public:
    Evaluation(DnsLookup& dns, address ip, std::string sender, std::string helo, Options options)
        : dns_(dns), options_(std::move(options)) {
        // §5: an IPv4-mapped IPv6 client is an IPv4 client, for mechanisms and macros alike.
        if (ip.is_v6() && ip.to_v6().is_v4_mapped()) {
            ip = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, ip.to_v6());
        }
        base_.ip = ip;
        auto at = sender.rfind('@');
        base_.local_part = at == std::string::npos ? "" : sender.substr(0, at);
        base_.sender_domain = at == std::string::npos ? sender : sender.substr(at + 1);
        if (base_.local_part.empty()) {
            base_.local_part = "postmaster";  // §4.3
        }
        base_.sender = base_.local_part + "@" + base_.sender_domain;
        base_.helo = std::move(helo);
        base_.receiver = options_.receiver;
        base_.timestamp =
            options_.timestamp.value_or(static_cast<std::int64_t>(std::time(nullptr)));
    }

    awaitable<Outcome> run(std::string domain) {
        try {
            co_return co_await evaluate(std::move(domain), true);
        } catch (const Stop& stop) {
            co_return Outcome{stop.result, "", stop.detail};
        }
    }

  private:
    // §4.4 - §4.7 for one <domain>: the top one, an include's or a redirect's.
    awaitable<Outcome> evaluate(std::string domain, bool explain) {
        if (!valid_policy_domain(domain)) {
            co_return Outcome{Result::none, "", "not a valid domain name (RFC 7208 §4.3)"};
        }
        auto answer = co_await dns_.txt(domain);
        if (answer.status == dns::Status::temporary || answer.status == dns::Status::bogus) {
            throw Stop{Result::temperror, "SPF record lookup failed for " + domain};
        }
        const std::string* text = nullptr;
        for (const auto& record : answer.records) {
            if (is_spf_record(record)) {
                if (text) {
                    throw Stop{Result::permerror, "several SPF records at " + domain};  // §4.5
                }
                text = &record;
            }
        }
        if (!text) {
            co_return Outcome{Result::none, "", "no SPF record at " + domain};
        }
        auto parsed = parse_record(*text);
        if (!parsed.record) {
            throw Stop{Result::permerror, parsed.error + " at " + domain};  // §4.6
        }
        const Record& record = *parsed.record;
        for (const auto& mechanism : record.mechanisms) {
            if (co_await matches(mechanism, domain)) {
                Outcome outcome{result_of(mechanism.qualifier), "",
                                std::string(to_string(mechanism.kind)) + " matched at " + domain};
                if (outcome.result == Result::fail && explain) {
                    outcome.explanation = co_await explanation(record, domain);
                }
                co_return outcome;
            }
        }
        if (record.redirect) {  // §6.1
            count_dns_term();
            auto target = co_await target_name(*record.redirect, domain);
            auto outcome = co_await evaluate(target, explain);
            if (outcome.result == Result::none) {
                throw Stop{Result::permerror, "redirect to " + target + " without SPF record"};
            }
            co_return outcome;
        }
        co_return Outcome{Result::neutral, "", "no mechanism matched at " + domain};  // §4.7
    }

    awaitable<bool> matches(const Mechanism& m, const std::string& domain) {
        const address& ip = base_.ip;
        switch (m.kind) {
            case MechanismKind::all:
                co_return true;
            case MechanismKind::ip4:
            case MechanismKind::ip6:
                co_return in_network(ip, m.network, ip.is_v4() ? m.ip4_prefix : m.ip6_prefix);
            default:
                break;
        }
        count_dns_term();
        auto target = co_await target_name(m.domain_spec, domain);
        switch (m.kind) {
            case MechanismKind::include:
                co_return co_await include(target);
            case MechanismKind::a:
                co_return co_await address_matches(target, m, true);
            case MechanismKind::mx:
                co_return co_await mx_matches(target, m);
            case MechanismKind::ptr:
                co_return co_await ptr_matches(target);
            default: {  // exists, §5.7: an A query whatever the client's address family
                auto answer = co_await dns_.a(target);
                co_return check(answer, target);
            }
        }
    }

    // §5.2
    awaitable<bool> include(const std::string& target) {
        auto outcome = co_await evaluate(target, false);
        if (outcome.result == Result::none) {
            throw Stop{Result::permerror, "include of " + target + " without SPF record"};
        }
        co_return outcome.result == Result::pass;
    }

    // §5.3 (and each MX host of §5.4, whose empty answers are not void lookups of their own).
    awaitable<bool> address_matches(const std::string& name, const Mechanism& m,
                                    bool counts_as_void) {
        auto answer = co_await addresses_of(name);
        if (counts_as_void ? !check(answer, name) : !check_no_void(answer, name)) {
            co_return false;
        }
        int prefix = base_.ip.is_v4() ? m.ip4_prefix : m.ip6_prefix;
        co_return std::any_of(answer.records.begin(), answer.records.end(),
                              [&](const address& a) { return in_network(base_.ip, a, prefix); });
    }

    // The client's address family: A for IPv4, AAAA for IPv6. (Not a ?: around co_await, which
    // GCC 12 miscompiles.)
    awaitable<dns::AddressAnswer> addresses_of(const std::string& name) {
        if (base_.ip.is_v4()) {
            co_return co_await dns_.a(name);
        }
        co_return co_await dns_.aaaa(name);
    }

    // §5.4
    awaitable<bool> mx_matches(const std::string& target, const Mechanism& m) {
        auto answer = co_await dns_.mx(target);
        if (!check(answer, target)) {
            co_return false;
        }
        if (answer.records.size() > max_mx_names) {
            throw Stop{Result::permerror, "more than 10 MX records at " + target};  // §4.6.4
        }
        for (const auto& mx : answer.records) {
            if (mx.exchange != "." && co_await address_matches(mx.exchange, m, false)) {
                co_return true;
            }
        }
        co_return false;
    }

    // §5.5: only names within the target can match, so only those are validated.
    awaitable<bool> ptr_matches(const std::string& target) {
        auto names = co_await ptr_names();
        if (ptr_status_ == dns::Status::nxdomain || ptr_status_ == dns::Status::nodata) {
            count_void("PTR of the client address");
        }
        for (const auto& name : names) {
            if (within(name, target) && co_await validated(name)) {
                co_return true;
            }
        }
        co_return false;
    }

    // The client's PTR names, the first 10 only (§4.6.4); none when the lookup fails (§5.5).
    awaitable<std::vector<std::string>> ptr_names() {
        if (!ptr_names_) {
            auto answer = co_await dns_.ptr(base_.ip);
            ptr_status_ = answer.status;
            ptr_names_.emplace();
            if (answer.status == dns::Status::ok) {
                for (auto& name : answer.records) {
                    if (ptr_names_->size() == max_ptr_names) {
                        break;
                    }
                    ptr_names_->push_back(without_final_dot(std::move(name)));
                }
            }
        }
        co_return *ptr_names_;
    }

    // §5.5: a PTR name is validated when it resolves back to the client; a lookup error just
    // leaves it unvalidated.
    awaitable<bool> validated(const std::string& name) {
        auto key = ascii_lower(name);
        if (auto it = validated_.find(key); it != validated_.end()) {
            co_return it->second;
        }
        auto answer = co_await addresses_of(name);
        bool valid = std::find(answer.records.begin(), answer.records.end(), base_.ip) !=
                     answer.records.end();
        validated_[key] = valid;
        co_return valid;
    }

    // §7.3 "p": a validated name equal to <domain>, else one within it, else any; "unknown".
    awaitable<std::string> validated_name(const std::string& domain) {
        auto names = co_await ptr_names();
        for (int pass = 0; pass < 3; ++pass) {
            for (const auto& name : names) {
                bool wanted = pass == 0   ? ascii_lower(name) == ascii_lower(domain)
                              : pass == 1 ? within(name, domain)
                                          : true;
                if (wanted && co_await validated(name)) {
                    co_return name;
                }
            }
        }
        co_return "unknown";
    }

    awaitable<MacroContext> context_for(const std::string& domain, std::string_view text) {
        MacroContext context = base_;
        context.domain = domain;
        if (uses_validated_name(text)) {
            context.validated_name = co_await validated_name(domain);
        }
        co_return context;
    }

    // The domain a mechanism or redirect= names, macros expanded (§4.8, §7.3).
    awaitable<std::string> target_name(const std::string& spec, const std::string& domain) {
        if (spec.empty()) {
            co_return domain;
        }
        auto context = co_await context_for(domain, spec);
        auto expanded = expand(spec, context, MacroUse::domain_spec);
        auto name = expanded ? fit_name(std::move(*expanded)) : std::string();
        if (!labels_valid(name)) {
            throw Stop{Result::permerror, "\"" + spec + "\" does not expand to a domain name"};
        }
        co_return name;
    }

    // §6.2: the exp= text, or the default explanation when anything about it is wrong.
    awaitable<std::string> explanation(const Record& record, const std::string& domain) {
        if (record.explanation) {
            auto context = co_await context_for(domain, *record.explanation);
            auto name = expand(*record.explanation, context, MacroUse::domain_spec);
            auto fitted = name ? fit_name(std::move(*name)) : std::string();
            if (labels_valid(fitted)) {
                auto answer = co_await dns_.txt(fitted);
                if (answer.status == dns::Status::ok && answer.records.size() == 1) {
                    const auto& text = answer.records.front();
                    auto text_context = co_await context_for(domain, text);
                    auto explained = expand(text, text_context, MacroUse::explanation);
                    if (explained) {
                        co_return *explained;
                    }
                }
            }
        }
        const auto& text = options_.default_explanation;
        auto context = co_await context_for(domain, text);
        auto explained = expand(text, context, MacroUse::explanation);
        co_return explained ? *explained : text;
    }

    // §4.6.4
    void count_dns_term() {
        if (++dns_terms_ > max_dns_terms) {
            throw Stop{Result::permerror, "more than 10 DNS-querying terms (RFC 7208 §4.6.4)"};
        }
    }

    void count_void(const std::string& what) {
        if (++void_lookups_ > max_void_lookups) {
            throw Stop{Result::permerror,
                       "more than 2 void lookups (RFC 7208 §4.6.4), the last " + what};
        }
    }

    // §5: a DNS error in a mechanism's lookup ends everything with temperror. Whether records
    // came back; an empty answer counts as a void lookup (§4.6.4).
    template <typename Answer>
    bool check(const Answer& answer, const std::string& name) {
        if (!check_no_void(answer, name)) {
            count_void(name);
            return false;
        }
        return true;
    }

    template <typename Answer>
    bool check_no_void(const Answer& answer, const std::string& name) {
        switch (answer.status) {
            case dns::Status::ok:
                return !answer.records.empty();
            case dns::Status::nxdomain:
            case dns::Status::nodata:
                return false;
            default:
                throw Stop{Result::temperror, "DNS lookup failed for " + name};
        }
    }

    DnsLookup& dns_;
    Options options_;
    MacroContext base_;
    int dns_terms_ = 0;
    int void_lookups_ = 0;
    std::optional<std::vector<std::string>> ptr_names_;
    dns::Status ptr_status_ = dns::Status::ok;
    std::map<std::string, bool> validated_;
};

}  // namespace

std::string_view to_string(Result result) {
    switch (result) {
        case Result::none:
            return "none";
        case Result::neutral:
            return "neutral";
        case Result::pass:
            return "pass";
        case Result::fail:
            return "fail";
        case Result::softfail:
            return "softfail";
        case Result::temperror:
            return "temperror";
        case Result::permerror:
            break;
    }
    return "permerror";
}

awaitable<Outcome> check_host(DnsLookup& dns, address ip, std::string domain, std::string sender,
                              std::string helo, Options options) {
    Evaluation evaluation(dns, ip, std::move(sender), std::move(helo), std::move(options));
    co_return co_await evaluation.run(std::move(domain));
}

awaitable<Outcome> check_mail_from(DnsLookup& dns, address ip, std::string mail_from,
                                   std::string helo, Options options) {
    if (mail_from.empty()) {
        mail_from = "postmaster@" + helo;  // §2.4
    }
    auto at = mail_from.rfind('@');
    auto domain = at == std::string::npos ? mail_from : mail_from.substr(at + 1);
    co_return co_await check_host(dns, ip, std::move(domain), std::move(mail_from), std::move(helo),
                                  std::move(options));
}

awaitable<Outcome> check_helo(DnsLookup& dns, address ip, std::string helo, Options options) {
    auto sender = "postmaster@" + helo;  // §2.3
    co_return co_await check_host(dns, ip, helo, std::move(sender), helo, std::move(options));
}

}  // namespace sealbox::mailauth::spf
