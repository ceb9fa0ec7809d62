#include "mailauth/dmarc/discovery.h"

#include <vector>

namespace sealbox::mailauth::dmarc {

namespace {

namespace asio = boost::asio;

struct RecordSet {
    bool temporary = false;
    std::vector<std::string> records;  // those starting with v=DMARC1
    std::string detail;
};

// §6.6.3 steps 1-2 (and 3-4): the TXT records at _dmarc.<domain> that claim to be DMARC.
asio::awaitable<RecordSet> query(DnsLookup& dns, const std::string& domain) {
    RecordSet set;
    dns::TxtAnswer answer = co_await dns.txt("_dmarc." + domain);
    switch (answer.status) {
        case dns::Status::ok:
            for (auto& text : answer.records) {
                if (is_dmarc_record(text)) {
                    set.records.push_back(std::move(text));
                }
            }
            break;
        case dns::Status::nxdomain:
        case dns::Status::nodata:
            break;
        case dns::Status::temporary:
        case dns::Status::bogus:
            set.temporary = true;
            set.detail = "_dmarc." + domain + ": " + answer.detail;
            break;
    }
    co_return set;
}

bool absent(dns::Status status) {
    return status == dns::Status::nxdomain || status == dns::Status::nodata;
}

// RFC 9091 §2.7: "a domain for which there is an NXDOMAIN or NODATA response for A, AAAA, and
// MX records". A failed query leaves the domain counted as existing (sp applies, not np).
asio::awaitable<bool> nonexistent(DnsLookup& dns, const std::string& domain) {
    // One co_await a statement: GCC 12 miscompiles co_await inside || and temporaries.
    dns::AddressAnswer v4 = co_await dns.a(domain);
    if (!absent(v4.status)) {
        co_return false;
    }
    dns::AddressAnswer v6 = co_await dns.aaaa(domain);
    if (!absent(v6.status)) {
        co_return false;
    }
    dns::MxAnswer mx = co_await dns.mx(domain);
    co_return absent(mx.status);
}

}  // namespace

asio::awaitable<PolicyLookup> discover_policy(DnsLookup& dns, const PublicSuffixList& suffixes,
                                              std::string from_domain) {
    PolicyLookup lookup;
    auto domain = to_ascii_domain(from_domain);
    if (!domain) {
        lookup.status = PolicyLookup::Status::permerror;
        lookup.detail = "the From domain is not a domain name";
        co_return lookup;
    }
    lookup.from_domain = *domain;
    lookup.organizational_domain = *suffixes.organizational_domain(*domain);

    lookup.policy_domain = lookup.from_domain;
    RecordSet set = co_await query(dns, lookup.policy_domain);
    if (!set.temporary && set.records.empty() &&
        lookup.organizational_domain != lookup.from_domain) {
        lookup.policy_domain = lookup.organizational_domain;
        set = co_await query(dns, lookup.policy_domain);
    }

    if (set.temporary) {
        lookup.status = PolicyLookup::Status::temperror;
        lookup.detail = std::move(set.detail);
        co_return lookup;
    }
    if (set.records.size() != 1) {
        // §6.6.3 step 5: "multiple records or no records" end discovery; DMARC does not apply.
        lookup.status = PolicyLookup::Status::none;
        lookup.detail = set.records.empty()
                            ? "no DMARC record"
                            : "several DMARC records at _dmarc." + lookup.policy_domain;
        co_return lookup;
    }
    RecordProblem problem = RecordProblem::syntax;
    lookup.record = parse_record(set.records.front(), &problem);
    if (!lookup.record) {
        // §6.6.3 step 6.2: no valid p and no rua: "applies no DMARC processing". Otherwise
        // §11.2 "permerror": "such as encountering a syntactically incorrect DMARC record".
        lookup.status = problem == RecordProblem::invalid_policy ? PolicyLookup::Status::none
                                                                 : PolicyLookup::Status::permerror;
        lookup.detail =
            (problem == RecordProblem::invalid_policy ? "no valid policy in" : "invalid") +
            std::string(" DMARC record at _dmarc.") + lookup.policy_domain;
        co_return lookup;
    }
    lookup.status = PolicyLookup::Status::found;
    if (lookup.policy_domain != lookup.from_domain && lookup.record->nonexistent_policy) {
        lookup.from_domain_nonexistent = co_await nonexistent(dns, lookup.from_domain);
    }
    co_return lookup;
}

}  // namespace sealbox::mailauth::dmarc
