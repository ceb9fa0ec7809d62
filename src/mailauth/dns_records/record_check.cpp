#include "mailauth/dns_records/record_check.h"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "core/ascii.h"
#include "smtp/proto/chars.h"

namespace sealbox::mailauth::dns_records {
namespace {

std::string without_final_dot(std::string_view host) {
    return ascii_lower(host.ends_with('.') && host.size() > 1 ? host.substr(0, host.size() - 1)
                                                              : host);
}

// The text with runs of blanks made one space, and none around ";" and "=" or at the ends, nor a
// final ";": "v=DKIM1;k=rsa;p=..." is the same record (RFC 6376 §3.2 and RFC 7489 §6.4 allow
// whitespace around tags), while SPF's terms stay apart.
std::string squeezed(std::string_view text) {
    std::string out;
    bool blank = false;
    for (char c : text) {
        if (c == ' ' || c == '\t') {
            blank = true;
            continue;
        }
        bool tight = c == ';' || c == '=' || out.empty() || out.back() == ';' || out.back() == '=';
        if (blank && !tight) {
            out += ' ';
        }
        blank = false;
        out += c;
    }
    if (out.ends_with(';')) {
        out.pop_back();
    }
    return out;
}

// The leading "v=..." tag (up to ";" or a blank), which says what kind of record a TXT is.
std::string kind_of(std::string_view text) {
    auto s = squeezed(text);
    if (!s.starts_with("v=")) {
        return "";
    }
    return ascii_lower(s.substr(0, std::min(s.find(';'), s.find(' '))));
}

CheckStatus lookup_failure(dns::Status status) {
    return status == dns::Status::nxdomain || status == dns::Status::nodata ? CheckStatus::missing
                                                                            : CheckStatus::failed;
}

// Whether the look-up answered with records; when it did not, `check` says why.
template <typename Record>
bool answered(const dns::Answer<Record>& answer, RecordCheck& check) {
    if (answer.status == dns::Status::ok) {
        return true;
    }
    check.status = lookup_failure(answer.status);
    check.served = {answer.detail};
    return false;
}

boost::asio::awaitable<void> check_txt(DnsLookup& dns, RecordCheck& check) {
    auto answer = co_await dns.txt(check.expected.name);
    if (!answered(answer, check)) {
        co_return;
    }
    auto kind = kind_of(check.expected.text);
    check.status = CheckStatus::missing;
    for (const auto& text : answer.records) {
        if (!kind.empty() && kind_of(text) != kind) {
            continue;
        }
        if (squeezed(text) == squeezed(check.expected.text)) {
            check.status = CheckStatus::ok;
            check.served.clear();
            co_return;
        }
        check.status = CheckStatus::different;
        check.served.push_back(text);
    }
}

boost::asio::awaitable<void> check_mx(DnsLookup& dns, RecordCheck& check) {
    auto answer = co_await dns.mx(check.expected.name);
    if (!answered(answer, check)) {
        co_return;
    }
    check.status = CheckStatus::different;
    for (const auto& mx : answer.records) {
        if (without_final_dot(mx.exchange) == without_final_dot(check.expected.target)) {
            check.status = CheckStatus::ok;
            check.served.clear();
            co_return;
        }
        check.served.push_back(fmt::format("{} {}", mx.preference, mx.exchange));
    }
}

// RFC 6186 §3: a client picks the target and port; priority and weight only order several.
boost::asio::awaitable<void> check_srv(DnsLookup& dns, RecordCheck& check) {
    auto answer = co_await dns.srv(check.expected.name);
    if (!answered(answer, check)) {
        co_return;
    }
    check.status = CheckStatus::different;
    for (const auto& srv : answer.records) {
        bool same_target = smtp::chars::iequals(without_final_dot(srv.target),
                                                without_final_dot(check.expected.target));
        // RFC 2782: the port is meaningless for the "." target (service not offered).
        if (same_target && (check.expected.target == "." || srv.port == check.expected.port)) {
            check.status = CheckStatus::ok;
            check.served.clear();
            co_return;
        }
        check.served.push_back(
            fmt::format("{} {} {} {}", srv.priority, srv.weight, srv.port, srv.target));
    }
}

boost::asio::awaitable<std::set<std::string>> addresses_of(DnsLookup& dns, std::string name,
                                                           dns::Status& status) {
    std::set<std::string> addresses;
    auto v4 = co_await dns.a(name);
    auto v6 = co_await dns.aaaa(name);
    for (const auto* answer : {&v4, &v6}) {
        for (const auto& address : answer->records) {
            addresses.insert(address.to_string());
        }
    }
    status = addresses.empty() ? (v4.status != dns::Status::ok ? v4.status : v6.status)
                               : dns::Status::ok;
    co_return addresses;
}

// The policy host may be a CNAME or addresses of its own: what matters is that it reaches the
// server, so it counts when its addresses and the server's overlap.
boost::asio::awaitable<void> check_cname(DnsLookup& dns, RecordCheck& check) {
    dns::Status status{};
    auto served = co_await addresses_of(dns, check.expected.name, status);
    if (status != dns::Status::ok) {
        check.status = lookup_failure(status);
        co_return;
    }
    dns::Status target_status{};
    auto wanted = co_await addresses_of(dns, check.expected.target, target_status);
    check.status = CheckStatus::different;
    check.served.assign(served.begin(), served.end());
    for (const auto& address : served) {
        if (wanted.contains(address)) {
            check.status = CheckStatus::ok;
            check.served.clear();
            co_return;
        }
    }
}

}  // namespace

std::string_view to_string(CheckStatus status) {
    switch (status) {
        case CheckStatus::ok:
            return "OK";
        case CheckStatus::missing:
            return "MISSING";
        case CheckStatus::different:
            return "DIFFERENT";
        case CheckStatus::failed:
            return "LOOKUP FAILED";
    }
    return "?";
}

boost::asio::awaitable<std::vector<RecordCheck>> check_records(
    DnsLookup& dns, std::vector<ExpectedRecord> expected) {
    std::vector<RecordCheck> checks;
    for (auto& record : expected) {
        RecordCheck check;
        check.expected = std::move(record);
        switch (check.expected.type) {
            case RecordType::txt:
                co_await check_txt(dns, check);
                break;
            case RecordType::mx:
                co_await check_mx(dns, check);
                break;
            case RecordType::cname:
                co_await check_cname(dns, check);
                break;
            case RecordType::srv:
                co_await check_srv(dns, check);
                break;
        }
        checks.push_back(std::move(check));
    }
    co_return checks;
}

bool needs_attention(const std::vector<RecordCheck>& checks) {
    return std::any_of(checks.begin(), checks.end(), [](const RecordCheck& c) {
        return c.status == CheckStatus::missing || c.status == CheckStatus::different ||
               c.status == CheckStatus::failed;
    });
}

}  // namespace sealbox::mailauth::dns_records
