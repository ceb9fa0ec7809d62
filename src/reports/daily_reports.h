#pragma once
// The daily run that turns what the report store gathered into reports: for every day that has
// ended, per policy domain, the DMARC aggregate report (RFC 7489 §7.2) and the TLS-RPT report
// (RFC 8460 §5), each built, gzipped, DKIM-signed with the From domain's keys when it has any,
// and handed to the outbound queue (or POSTed, for an https: TLS-RPT rua).
//
// A report is claimed in the store before it is handed over, so it is sent at most once; a DNS
// look-up that fails for now leaves the day pending for the next run, for a few days.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/thread_pool.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "mailauth/dkim_keys/key_store.h"
#include "mailauth/dmarc/public_suffix.h"
#include "mailauth/dns_lookup.h"
#include "reports/report_store.h"

namespace sealbox::reports {

// Data of days older than this many days is forgotten, sent or not.
inline constexpr std::int64_t kKeepDays = 7;
// A day whose destinations could not be looked up is tried again for this many days.
inline constexpr std::int64_t kRetryDays = 2;

// One message for the outbound queue.
struct OutgoingReport {
    std::string queue_id;                 // fresh, for the queue and the logs ("rpt" + hex)
    std::string sender;                   // the envelope's reverse-path: reports.from
    std::vector<std::string> recipients;  // forward-paths
    std::string content;                  // the whole message, DKIM-signed
};

struct ReportIdentity {
    std::string org_name;   // reports.org_name, or server.hostname
    std::string from;       // reports.from, or postmaster@<server.hostname>
    std::string submitter;  // server.hostname
    bool dmarc = true;      // reports.dmarc
    bool tls = true;        // reports.tls
};

// What a run uses. `send` and `is_local_domain` are called on the worker pool (they may block);
// `post` on the run's executor. `keys` may be null (no DKIM signature) and `is_local_domain`
// empty (then only the submitter's and the From address's domains are local).
struct ReportDependencies {
    boost::asio::thread_pool& workers;
    ReportStore& store;
    mailauth::DnsLookup& dns;
    const mailauth::dmarc::PublicSuffixList& suffixes;
    mailauth::dkim_keys::KeyStore* keys = nullptr;
    std::function<void(const OutgoingReport&)> send;
    // RFC 8460 §5.4: POSTs a gzipped report to an https: rua; empty on success, else why not.
    std::function<boost::asio::awaitable<std::string>(std::string url, std::string body)> post;
    std::function<bool(std::string_view domain)> is_local_domain;
};

ReportIdentity report_identity(const Config& config);

// Sends every report of the days before `now`'s UTC day that has not been sent, and forgets
// what is older than kKeepDays. Reports about this server's own domains, and to addresses at
// them, are not sent: a report delivered here would be observed and reported on again the next
// day, forever.
boost::asio::awaitable<void> send_due_reports(const ReportDependencies& deps,
                                              const ReportIdentity& identity, std::int64_t now);

}  // namespace sealbox::reports
