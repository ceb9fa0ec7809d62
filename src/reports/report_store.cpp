#include "reports/report_store.h"

#include <fmt/format.h>

#include <algorithm>

#include "crypto/aead.h"
#include "crypto/server_key.h"
#include "store/encrypted_vfs.h"

namespace sealbox::reports {
namespace {

namespace dmarc = mailauth::dmarc;

constexpr int kSchemaVersion = 2;

constexpr std::string_view kDmarc = "dmarc";
constexpr std::string_view kTls = "tls";

// Failure details come from remote servers and libraries; the report carries a short, printable
// version.
constexpr std::size_t kMaxDetail = 200;

constexpr const char* kSchema = R"sql(
CREATE TABLE dmarc_policies(
    day INTEGER NOT NULL,
    domain TEXT NOT NULL,
    record TEXT NOT NULL,
    PRIMARY KEY(day, domain));
CREATE TABLE dmarc_rows(
    day INTEGER NOT NULL,
    domain TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    disposition TEXT NOT NULL,
    dkim_aligned INTEGER NOT NULL,
    spf_aligned INTEGER NOT NULL,
    sampled_out INTEGER NOT NULL,
    envelope_from TEXT NOT NULL,
    header_from TEXT NOT NULL,
    dkim TEXT NOT NULL,
    spf_domain TEXT NOT NULL,
    spf_result INTEGER NOT NULL,
    spf_helo INTEGER NOT NULL,
    count INTEGER NOT NULL,
    UNIQUE(day, domain, source_ip, disposition, dkim_aligned, spf_aligned, sampled_out,
           envelope_from, header_from, dkim, spf_domain, spf_result, spf_helo));
CREATE TABLE tls_rows(
    day INTEGER NOT NULL,
    domain TEXT NOT NULL,
    policy_type TEXT NOT NULL,
    policy_strings TEXT NOT NULL,
    mx_host TEXT NOT NULL,
    receiving_ip TEXT NOT NULL,
    result TEXT NOT NULL,
    detail TEXT NOT NULL,
    count INTEGER NOT NULL,
    UNIQUE(day, domain, policy_type, policy_strings, mx_host, receiving_ip, result, detail));
CREATE TABLE sent(
    kind TEXT NOT NULL,
    day INTEGER NOT NULL,
    domain TEXT NOT NULL,
    PRIMARY KEY(kind, day, domain));
)sql";

// RFC 7489 Appendix C: a row's override reason is any PolicyOverrideType (sampled_out was the
// only one), with its comment; both tell rows apart. SQLite cannot change a UNIQUE constraint in
// place, so the table is made anew.
constexpr store::SchemaUpgrade kUpgrades[] = {
    {2, R"sql(
CREATE TABLE dmarc_rows_2(
    day INTEGER NOT NULL,
    domain TEXT NOT NULL,
    source_ip TEXT NOT NULL,
    disposition TEXT NOT NULL,
    dkim_aligned INTEGER NOT NULL,
    spf_aligned INTEGER NOT NULL,
    override_reason INTEGER NOT NULL,
    override_comment TEXT NOT NULL,
    envelope_from TEXT NOT NULL,
    header_from TEXT NOT NULL,
    dkim TEXT NOT NULL,
    spf_domain TEXT NOT NULL,
    spf_result INTEGER NOT NULL,
    spf_helo INTEGER NOT NULL,
    count INTEGER NOT NULL,
    UNIQUE(day, domain, source_ip, disposition, dkim_aligned, spf_aligned, override_reason,
           override_comment, envelope_from, header_from, dkim, spf_domain, spf_result, spf_helo));
INSERT INTO dmarc_rows_2 SELECT day, domain, source_ip, disposition, dkim_aligned, spf_aligned,
    sampled_out, '', envelope_from, header_from, dkim, spf_domain, spf_result, spf_helo, count
    FROM dmarc_rows;
DROP TABLE dmarc_rows;
ALTER TABLE dmarc_rows_2 RENAME TO dmarc_rows;
)sql"},
};

// The record as text that dmarc::parse_record reads back with the fields a report shows and
// the rua it is sent to (RFC 7489 §6.4 grammar; sizes in octets, no unit).
std::string record_text(const dmarc::Record& record) {
    auto alignment = [](dmarc::Alignment a) { return a == dmarc::Alignment::strict ? "s" : "r"; };
    std::string out =
        fmt::format("v=DMARC1; p={}; sp={}; np={}; adkim={}; aspf={}; pct={}; fo={}",
                    to_string(record.policy), to_string(record.policy_for_subdomain()),
                    to_string(record.policy_for_nonexistent()), alignment(record.dkim_alignment),
                    alignment(record.spf_alignment), record.percent, record.failure_options);
    for (std::size_t i = 0; i < record.aggregate_uris.size(); ++i) {
        const auto& uri = record.aggregate_uris[i];
        out += i ? "," : "; rua=";
        out += uri.uri;
        if (uri.max_size) {
            out += "!" + std::to_string(*uri.max_size);
        }
    }
    return out;
}

// The stored number back: an unknown one (a newer Sealbox's) reads as none.
dmarc::PolicyOverride override_of(std::int64_t stored) {
    switch (stored) {
        case static_cast<std::int64_t>(dmarc::PolicyOverride::sampled_out):
            return dmarc::PolicyOverride::sampled_out;
        case static_cast<std::int64_t>(dmarc::PolicyOverride::local_policy):
            return dmarc::PolicyOverride::local_policy;
        default:
            return dmarc::PolicyOverride::none;
    }
}

dmarc::Policy policy_of(std::string_view name) {
    return name == "reject"       ? dmarc::Policy::reject
           : name == "quarantine" ? dmarc::Policy::quarantine
                                  : dmarc::Policy::none;
}

// auth_results/dkim as one column: "<result> <domain>" per signature, one a line.
std::string dkim_text(const std::vector<dmarc::DkimInput>& dkim) {
    std::string out;
    for (const auto& d : dkim) {
        out += fmt::format("{} {}\n", static_cast<int>(d.result), d.domain);
    }
    return out;
}

std::vector<dmarc::DkimInput> dkim_of(std::string_view text) {
    std::vector<dmarc::DkimInput> out;
    while (!text.empty()) {
        auto line = text.substr(0, text.find('\n'));
        text.remove_prefix(std::min(text.size(), line.size() + 1));
        auto space = line.find(' ');
        out.push_back(
            {static_cast<dmarc::AuthResult>(std::stoi(std::string(line.substr(0, space)))),
             std::string(line.substr(space + 1))});
    }
    return out;
}

std::string joined(const std::vector<std::string>& lines) {
    std::string out;
    for (const auto& line : lines) {
        out += line + "\n";
    }
    return out;
}

std::vector<std::string> lines_of(std::string_view text) {
    std::vector<std::string> out;
    while (!text.empty()) {
        auto line = text.substr(0, text.find('\n'));
        out.emplace_back(line);
        text.remove_prefix(std::min(text.size(), line.size() + 1));
    }
    return out;
}

std::string printable(std::string_view text) {
    std::string out;
    for (char c : text.substr(0, kMaxDetail)) {
        out += c >= 0x20 && c < 0x7f ? c : '?';
    }
    return out;
}

}  // namespace

ReportStore::ReportStore(const std::filesystem::path& path, const crypto::SecretBytes& key)
    : db_(store::open_encrypted_database(path, key, "report store")) {
    store::ensure_schema(db_, kSchemaVersion, kSchema, {}, kUpgrades);
}

bool ReportStore::was_sent(std::string_view kind, std::int64_t day, const std::string& domain) {
    auto s = db_.prepare("SELECT 1 FROM sent WHERE kind = ? AND day = ? AND domain = ?");
    s.bind(1, kind).bind(2, day).bind(3, domain);
    return s.step();
}

bool ReportStore::mark_sent(std::string_view kind, std::int64_t day, const std::string& domain) {
    db_.prepare("INSERT OR IGNORE INTO sent(kind, day, domain) VALUES(?, ?, ?)")
        .bind(1, kind)
        .bind(2, day)
        .bind(3, domain)
        .run();
    return db_.changes() > 0;
}

void ReportStore::record_dmarc(const DmarcObservation& observation) {
    const auto& policy = observation.policy;
    if (policy.record.aggregate_uris.empty() || policy.domain.empty()) {
        return;
    }
    const std::int64_t day = day_number(observation.time);
    const auto& row = observation.row;
    std::lock_guard lock(mutex_);
    if (day < first_day_ || was_sent(kDmarc, day, policy.domain)) {
        return;
    }
    store::Transaction transaction(db_);
    db_.prepare(
           "INSERT INTO dmarc_policies(day, domain, record) VALUES(?, ?, ?) "
           "ON CONFLICT(day, domain) DO UPDATE SET record = excluded.record")
        .bind(1, day)
        .bind(2, policy.domain)
        .bind(3, record_text(policy.record))
        .run();
    db_.prepare(
           "INSERT INTO dmarc_rows(day, domain, source_ip, disposition, dkim_aligned, "
           "spf_aligned, override_reason, override_comment, envelope_from, header_from, dkim, "
           "spf_domain, spf_result, spf_helo, count) "
           "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
           "ON CONFLICT DO UPDATE SET count = count + excluded.count")
        .bind(1, day)
        .bind(2, policy.domain)
        .bind(3, row.source_ip)
        .bind(4, to_string(row.disposition))
        .bind(5, std::int64_t{row.dkim_aligned_pass})
        .bind(6, std::int64_t{row.spf_aligned_pass})
        .bind(7, static_cast<std::int64_t>(row.override_reason))
        .bind(8, row.override_comment)
        .bind(9, row.envelope_from)
        .bind(10, row.header_from)
        .bind(11, dkim_text(row.dkim))
        .bind(12, row.spf.domain)
        .bind(13, static_cast<std::int64_t>(row.spf.result))
        .bind(14, std::int64_t{row.spf_scope_helo})
        .bind(15, static_cast<std::int64_t>(std::max<std::uint64_t>(row.count, 1)))
        .run();
    transaction.commit();
}

void ReportStore::record_tls(const queue::TlsOutcome& outcome) {
    if (outcome.domain.empty()) {
        return;
    }
    auto result = outcome.result;
    if (result == queue::TlsOutcome::Result::success && !outcome.tls) {
        result = queue::TlsOutcome::Result::starttls_not_supported;
    }
    const std::int64_t day = day_number(outcome.time);
    std::lock_guard lock(mutex_);
    if (day < first_day_ || was_sent(kTls, day, outcome.domain)) {
        return;
    }
    const bool success = result == queue::TlsOutcome::Result::success;
    db_.prepare(
           "INSERT INTO tls_rows(day, domain, policy_type, policy_strings, mx_host, receiving_ip, "
           "result, detail, count) VALUES(?, ?, ?, ?, ?, ?, ?, ?, 1) "
           "ON CONFLICT DO UPDATE SET count = count + 1")
        .bind(1, day)
        .bind(2, outcome.domain)
        .bind(3, to_string(outcome.policy))
        .bind(4, joined(outcome.policy_strings))
        .bind(5, outcome.mx_host)
        .bind(6, outcome.address)
        .bind(7, to_string(result))
        // Successes are counted per policy only (§4.4 summary): their details would split them.
        .bind(8, success ? std::string() : printable(outcome.detail))
        .run();
}

std::vector<PendingDmarc> ReportStore::pending_dmarc(std::int64_t before_day) {
    std::lock_guard lock(mutex_);
    auto s = db_.prepare(
        "SELECT day, domain, record FROM dmarc_policies WHERE day < ? ORDER BY day, domain");
    s.bind(1, before_day);
    std::vector<PendingDmarc> out;
    while (s.step()) {
        auto record = dmarc::parse_record(s.text(2));
        if (record) {  // written by record_text, so only a newer format gets here
            out.push_back({s.int64(0), {s.text(1), std::move(*record)}});
        }
    }
    return out;
}

std::vector<PendingTls> ReportStore::pending_tls(std::int64_t before_day) {
    std::lock_guard lock(mutex_);
    auto s =
        db_.prepare("SELECT DISTINCT day, domain FROM tls_rows WHERE day < ? ORDER BY day, domain");
    s.bind(1, before_day);
    std::vector<PendingTls> out;
    while (s.step()) {
        out.push_back({s.int64(0), s.text(1)});
    }
    return out;
}

std::optional<DmarcDay> ReportStore::claim_dmarc(std::int64_t day, const std::string& domain) {
    std::lock_guard lock(mutex_);
    store::Transaction transaction(db_);
    if (!mark_sent(kDmarc, day, domain)) {
        return std::nullopt;
    }
    DmarcDay out;
    auto policy = db_.prepare("SELECT record FROM dmarc_policies WHERE day = ? AND domain = ?");
    policy.bind(1, day).bind(2, domain);
    if (!policy.step()) {
        transaction.commit();
        return out;
    }
    auto record = dmarc::parse_record(policy.text(0));
    out.policy = {domain, record.value_or(dmarc::Record{})};
    auto s = db_.prepare(
        "SELECT source_ip, disposition, dkim_aligned, spf_aligned, override_reason, "
        "override_comment, envelope_from, header_from, dkim, spf_domain, spf_result, spf_helo, "
        "count FROM dmarc_rows "
        "WHERE day = ? AND domain = ? ORDER BY count DESC, source_ip");
    s.bind(1, day).bind(2, domain);
    while (s.step()) {
        dmarc::ReportRow row;
        row.source_ip = s.text(0);
        row.disposition = policy_of(s.text(1));
        row.dkim_aligned_pass = s.int64(2) != 0;
        row.spf_aligned_pass = s.int64(3) != 0;
        row.override_reason = override_of(s.int64(4));
        row.override_comment = s.text(5);
        row.envelope_from = s.text(6);
        row.header_from = s.text(7);
        row.dkim = dkim_of(s.text(8));
        row.spf = {static_cast<dmarc::AuthResult>(s.int64(10)), s.text(9)};
        row.spf_scope_helo = s.int64(11) != 0;
        row.count = static_cast<std::uint64_t>(s.int64(12));
        out.rows.push_back(std::move(row));
    }
    db_.prepare("DELETE FROM dmarc_rows WHERE day = ? AND domain = ?")
        .bind(1, day)
        .bind(2, domain)
        .run();
    db_.prepare("DELETE FROM dmarc_policies WHERE day = ? AND domain = ?")
        .bind(1, day)
        .bind(2, domain)
        .run();
    transaction.commit();
    return out;
}

std::optional<std::vector<TlsResultRow>> ReportStore::claim_tls(std::int64_t day,
                                                                const std::string& domain) {
    std::lock_guard lock(mutex_);
    store::Transaction transaction(db_);
    if (!mark_sent(kTls, day, domain)) {
        return std::nullopt;
    }
    auto s = db_.prepare(
        "SELECT policy_type, policy_strings, mx_host, receiving_ip, result, detail, count "
        "FROM tls_rows WHERE day = ? AND domain = ? "
        "ORDER BY policy_type, policy_strings, result, mx_host, receiving_ip, detail");
    s.bind(1, day).bind(2, domain);
    std::vector<TlsResultRow> rows;
    while (s.step()) {
        rows.push_back({s.text(0), lines_of(s.text(1)), s.text(2), s.text(3), s.text(4), s.text(5),
                        static_cast<std::uint64_t>(s.int64(6))});
    }
    db_.prepare("DELETE FROM tls_rows WHERE day = ? AND domain = ?")
        .bind(1, day)
        .bind(2, domain)
        .run();
    transaction.commit();
    return rows;
}

void ReportStore::prune(std::int64_t before_day) {
    std::lock_guard lock(mutex_);
    first_day_ = std::max(first_day_, before_day);
    store::Transaction transaction(db_);
    for (const char* sql :
         {"DELETE FROM dmarc_rows WHERE day < ?", "DELETE FROM dmarc_policies WHERE day < ?",
          "DELETE FROM tls_rows WHERE day < ?", "DELETE FROM sent WHERE day < ?"}) {
        db_.prepare(sql).bind(1, before_day).run();
    }
    transaction.commit();
}

std::unique_ptr<ReportStore> open_report_store(const Config& config, bool create) {
    const auto& dir = config.server.data_dir;
    auto key_file = config.server.key_file.empty() ? dir / "server.key" : config.server.key_file;
    crypto::SecretBytes server_key = crypto::load_server_key(key_file, create);
    return std::make_unique<ReportStore>(dir / "reports.db",
                                         crypto::derive_subkey(server_key, 4, "reports_"));
}

}  // namespace sealbox::reports
