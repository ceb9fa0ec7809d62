#include "dns/mail_hosts.h"

#include <fmt/format.h>
#include <idn2.h>

#include <algorithm>
#include <cctype>
#include <random>

namespace sealbox::dns {
namespace {

namespace asio = boost::asio;

MailHosts fail(MailHostsResult result, std::string detail) {
    return MailHosts{result, std::move(detail), {}};
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

// RFC 5321 §4.1.3: "[" IPv4-address-literal "]" or "[IPv6:" IPv6-addr "]"; the tag is
// case-insensitive like every ABNF string. General-address-literal tags name nothing that can
// be connected to.
MailHosts from_address_literal(const std::string& literal) {
    auto bad = [&] {
        return fail(MailHostsResult::no_such_domain,
                    fmt::format("{}: not a usable address literal", literal));
    };
    if (literal.size() < 3 || literal.back() != ']') {
        return bad();
    }
    std::string inner = literal.substr(1, literal.size() - 2);
    boost::system::error_code ec;
    asio::ip::address address;
    if (lower(inner.substr(0, 5)) == "ipv6:") {
        std::string text = inner.substr(5);
        if (text.find('%') != std::string::npos) {  // a scope id is local to this machine
            return bad();
        }
        address = asio::ip::make_address_v6(text, ec);
    } else {
        address = asio::ip::make_address_v4(inner, ec);
    }
    if (ec) {
        return bad();
    }
    return MailHosts{MailHostsResult::ok, {}, {MailHost{literal, {address}, false, false}}};
}

// RFC 5321 §4.1.2 Domain, in A-label form: letters, digits and hyphens in dot-separated labels
// of 1 to 63 octets, 253 in all (RFC 1035 §2.3.4). Anything else could also change what the
// resolver parses the text into.
bool is_domain_name(std::string_view name) {
    if (name.empty() || name.size() > 253) {
        return false;
    }
    std::size_t label = 0;
    for (char c : name) {
        if (c == '.') {
            if (label == 0) {
                return false;
            }
            label = 0;
        } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '-') {
            if (++label > 63) {
                return false;
            }
        } else {
            return false;
        }
    }
    return label > 0;
}

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 5321 §5.1: by preference, lowest first; hosts of equal preference in random order, so
// that load spreads as the domain intended. A host listed twice keeps its best preference.
std::vector<std::string> order_exchanges(std::vector<MxRecord> records) {
    thread_local std::mt19937 random{std::random_device{}()};
    std::shuffle(records.begin(), records.end(), random);
    std::stable_sort(records.begin(), records.end(), [](const MxRecord& a, const MxRecord& b) {
        return a.preference < b.preference;
    });
    std::vector<std::string> names;
    for (const MxRecord& record : records) {
        std::string name = lower(record.exchange);
        if (name != "." && std::find(names.begin(), names.end(), name) == names.end()) {
            names.push_back(std::move(name));
        }
    }
    if (names.size() > kMaxMailHosts) {
        names.resize(kMaxMailHosts);
    }
    return names;
}

}  // namespace

asio::awaitable<MailHosts> find_mail_hosts(Resolver& resolver, std::string domain) {
    if (domain.starts_with('[')) {
        co_return from_address_literal(domain);
    }
    if (domain.size() > 1 && domain.back() == '.') {
        domain.pop_back();
    }
    if (!is_ascii(domain)) {
        // RFC 6531 §3.7.1: an SMTPUTF8 address may carry U-labels; DNS wants A-labels
        // (IDNA2008, RFC 5891 §4), through libidn2.
        char* a_labels = nullptr;
        int rc = idn2_to_ascii_8z(domain.c_str(), &a_labels, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
        if (rc != IDN2_OK) {
            co_return fail(MailHostsResult::no_such_domain,
                           fmt::format("{}: not a valid internationalized domain name ({})", domain,
                                       idn2_strerror(rc)));
        }
        domain = a_labels;
        idn2_free(a_labels);
    }
    if (!is_domain_name(domain)) {
        co_return fail(MailHostsResult::no_such_domain,
                       fmt::format("{}: not a valid domain name", domain));
    }

    MxAnswer mx = co_await resolver.mx(domain);
    std::vector<std::string> names;
    switch (mx.status) {
        case Status::ok:
            // RFC 7505 §3: one MX of preference 0 pointing at the root says "no mail here".
            if (mx.records.size() == 1 && mx.records[0].exchange == "." &&
                mx.records[0].preference == 0) {
                co_return fail(MailHostsResult::null_mx,
                               fmt::format("{} does not accept mail (null MX)", domain));
            }
            names = order_exchanges(std::move(mx.records));
            if (names.empty()) {
                co_return fail(MailHostsResult::no_mail_hosts,
                               fmt::format("{}: every MX record points at the root", domain));
            }
            break;
        case Status::nodata:
            // RFC 5321 §5.1: no MX RRset means an implicit MX of preference 0 at the domain.
            // A temporary failure does not: the MX RRset may well exist.
            names.push_back(domain);
            break;
        case Status::nxdomain:
            co_return fail(MailHostsResult::no_such_domain,
                           fmt::format("{}: no such domain", domain));
        case Status::temporary:
        case Status::bogus:
            co_return fail(
                MailHostsResult::temporary,
                fmt::format("MX of {}: {}: {}", domain, to_string(mx.status), mx.detail));
    }

    std::vector<AddressAnswer> answers = co_await resolver.addresses(names);
    MailHosts found{MailHostsResult::ok, {}, {}};
    bool retry_may_help = false;
    for (std::size_t i = 0; i < names.size(); ++i) {
        AddressAnswer& answer = answers[i];
        if (answer.status == Status::ok) {
            found.hosts.push_back(
                MailHost{names[i], std::move(answer.records), mx.secure, answer.secure});
            continue;
        }
        retry_may_help =
            retry_may_help || answer.status == Status::temporary || answer.status == Status::bogus;
        found.detail +=
            fmt::format("{}{}: {}", found.detail.empty() ? "" : "; ", names[i], answer.detail);
    }
    if (found.hosts.empty()) {
        // RFC 5321 §5.1: MX records none of which is usable are an error, not a reason to try
        // the domain's own address.
        found.result = retry_may_help ? MailHostsResult::temporary : MailHostsResult::no_mail_hosts;
        found.detail = fmt::format("no address for the mail hosts of {}: {}", domain, found.detail);
    }
    co_return found;
}

}  // namespace sealbox::dns
