#pragma once
// What the daily aggregate reports are made of, gathered as mail comes and goes: DMARC results
// of inbound messages (RFC 7489 §7.2) and TLS outcomes of outbound connections (RFC 8460 §4),
// each counted per UTC day and policy domain. A (kind, day, domain) whose report was claimed
// for sending is marked sent in the same transaction that removes its data, so a report is
// never sent twice, not even across a restart, and later observations of that day are dropped.
//
// data_dir/reports.db is an SQLite database through the encrypting VFS under a subkey of the
// server key (it names the addresses that sent mail to this server's users).
// Thread-safe; blocking (SQLite): call it on the worker pool.

#include <cstdint>
#include <filesystem>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/config.h"
#include "crypto/secret.h"
#include "mailauth/dmarc/report.h"
#include "queue/tls_outcome.h"
#include "reports/tlsrpt_report.h"
#include "store/sqlite.h"

namespace sealbox::reports {

// One DMARC-evaluated inbound message (RFC 7489 §7.2), to aggregate by policy domain and day.
struct DmarcObservation {
    std::int64_t time = 0;                    // unix seconds
    mailauth::dmarc::PublishedPolicy policy;  // the policy domain and its record as found
    mailauth::dmarc::ReportRow row;           // count 1
};

// UTC days since the Unix epoch; a report covers one of them.
inline constexpr std::int64_t kDay = 86400;
inline std::int64_t day_number(std::int64_t unix_time) {
    return unix_time >= 0 ? unix_time / kDay : (unix_time - kDay + 1) / kDay;
}

// A day of data for a domain, not reported yet.
struct PendingDmarc {
    std::int64_t day = 0;
    mailauth::dmarc::PublishedPolicy policy;  // the record last seen that day
};
struct PendingTls {
    std::int64_t day = 0;
    std::string domain;
};

struct DmarcDay {
    mailauth::dmarc::PublishedPolicy policy;
    std::vector<mailauth::dmarc::ReportRow> rows;
};

class ReportStore {
  public:
    // `key` is a 32-byte subkey of the server key.
    ReportStore(const std::filesystem::path& path, const crypto::SecretBytes& key);

    // Only policies with rua= are kept: nobody would read the rest.
    void record_dmarc(const DmarcObservation& observation);
    // A connection without TLS where no policy asked for it counts as starttls-not-supported
    // (RFC 8460 §4.3.1), which is what the destination wants to hear about.
    void record_tls(const queue::TlsOutcome& outcome);

    // Days before `before_day` with data, oldest first.
    std::vector<PendingDmarc> pending_dmarc(std::int64_t before_day);
    std::vector<PendingTls> pending_tls(std::int64_t before_day);

    // Marks the report sent and hands over its data, which leaves the store; nullopt when it
    // was claimed before.
    std::optional<DmarcDay> claim_dmarc(std::int64_t day, const std::string& domain);
    std::optional<std::vector<TlsResultRow>> claim_tls(std::int64_t day, const std::string& domain);

    // Forgets the data of days before `before_day`, reported or not (reports are sent for the
    // day just ended; what could not be sent for a week is not going to be), and the sent marks
    // of those days.
    void prune(std::int64_t before_day);

  private:
    bool was_sent(std::string_view kind, std::int64_t day, const std::string& domain);
    bool mark_sent(std::string_view kind, std::int64_t day, const std::string& domain);

    std::mutex mutex_;
    store::Database db_;
    // Observations of days before it (a clock set back) are dropped, not reported again.
    std::int64_t first_day_ = std::numeric_limits<std::int64_t>::min();
};

// The store of a configured server: data_dir/reports.db under a subkey of the server key
// (server.key_file, or data_dir/server.key, created when `create` is true).
std::unique_ptr<ReportStore> open_report_store(const Config& config, bool create);

}  // namespace sealbox::reports
