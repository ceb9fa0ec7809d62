#include "reports/destinations.h"

#include <spdlog/spdlog.h>

#include <cctype>

#include "reports/report_mail.h"
#include "reports/tlsrpt_record.h"

namespace sealbox::reports {
namespace asio = boost::asio;

namespace {

bool has_scheme(std::string_view uri, std::string_view scheme) {
    if (uri.size() <= scheme.size()) {
        return false;
    }
    for (std::size_t i = 0; i < scheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(uri[i])) != scheme[i]) {
            return false;
        }
    }
    return true;
}

}  // namespace

asio::awaitable<DmarcDestinations> dmarc_destinations(
    mailauth::DnsLookup& dns, const mailauth::dmarc::PublicSuffixList& suffixes,
    mailauth::dmarc::PublishedPolicy policy) {
    DmarcDestinations out;
    const auto policy_org = suffixes.organizational_domain(policy.domain);
    for (const auto& uri : policy.record.aggregate_uris) {
        auto address = mailto_address(uri.uri);
        if (!address) {
            spdlog::info("dmarc report for {}: rua {} not used (not one mailto: address)",
                         policy.domain, uri.uri);
            continue;
        }
        const auto rua_org = suffixes.organizational_domain(address->domain);
        if (!policy_org || rua_org != policy_org) {
            // RFC 7489 §7.1: the receiving domain must agree to get reports about this one.
            std::string name = policy.domain + "._report._dmarc." + address->domain;
            auto answer = co_await dns.txt(name);
            if (answer.status == dns::Status::temporary || answer.status == dns::Status::bogus) {
                out.temporary_failure = true;
                continue;
            }
            bool authorized = false;
            for (const auto& text : answer.records) {
                authorized = authorized || mailauth::dmarc::is_dmarc_record(text);
            }
            if (!authorized) {
                spdlog::info("dmarc report for {}: {} does not accept external reports",
                             policy.domain, address->domain);
                continue;
            }
        }
        out.mail.push_back({std::move(*address), uri.max_size});
    }
    co_return out;
}

asio::awaitable<TlsDestinations> tls_destinations(mailauth::DnsLookup& dns, std::string domain) {
    TlsDestinations out;
    std::string name = "_smtp._tls." + domain;
    auto answer = co_await dns.txt(name);
    if (answer.status == dns::Status::temporary || answer.status == dns::Status::bogus) {
        out.temporary_failure = true;
        co_return out;
    }
    auto record = select_tlsrpt_record(answer.records);
    if (!record) {
        co_return out;
    }
    for (const auto& uri : record->rua) {
        if (has_scheme(uri, "https:")) {
            out.https.push_back(uri);
        } else if (auto address = mailto_address(uri)) {
            out.mail.push_back(std::move(*address));
        }
    }
    co_return out;
}

}  // namespace sealbox::reports
