#include "reports/report_store.h"

#include <gtest/gtest.h>

#include <map>

#include "mailauth/dmarc/record.h"
#include "store/encrypted_vfs.h"
#include "support/temp_dir.h"

namespace sealbox::reports {
namespace {

namespace dmarc = mailauth::dmarc;

constexpr std::int64_t kDay0 = 1775001600;  // 2026-04-01T00:00:00Z
const std::int64_t kDayNumber = day_number(kDay0);

crypto::SecretBytes key_of(std::uint8_t fill) {
    crypto::SecretBytes key(32);
    for (auto& b : key.mutable_bytes()) {
        b = fill;
    }
    return key;
}

DmarcObservation observation(
    std::string ip, std::int64_t time = kDay0 + 3600,
    const char* record = "v=DMARC1; p=reject; rua=mailto:d@example.com!10k") {
    DmarcObservation o;
    o.time = time;
    o.policy = {"example.com", *dmarc::parse_record(record)};
    o.row.source_ip = std::move(ip);
    o.row.disposition = dmarc::Policy::reject;
    o.row.header_from = "example.com";
    o.row.envelope_from = "bounce.example.com";
    o.row.dkim = {{dmarc::AuthResult::fail, "example.com"},
                  {dmarc::AuthResult::pass, "esp.example"}};
    o.row.spf = {dmarc::AuthResult::softfail, "bounce.example.com"};
    return o;
}

queue::TlsOutcome outcome(queue::TlsOutcome::Result result, bool tls = true,
                          std::int64_t time = kDay0 + 60) {
    queue::TlsOutcome o;
    o.domain = "example.net";
    o.mx_host = "mx.example.net";
    o.address = "192.0.2.25";
    o.policy = queue::TlsOutcome::Policy::sts;
    o.policy_strings = {"version: STSv1", "mode: enforce", "mx: mx.example.net", "max_age: 86400"};
    o.result = result;
    o.tls = tls;
    o.detail = result == queue::TlsOutcome::Result::success ? "ignored" : "bad\r\ncert";
    o.time = time;
    return o;
}

class ReportStoreTest : public ::testing::Test {
  protected:
    sealbox::testing::TempDir dir;
    std::filesystem::path path = dir / "reports.db";
    std::unique_ptr<ReportStore> store = std::make_unique<ReportStore>(path, key_of(7));
};

TEST(DayNumber, CountsUtcDays) {
    EXPECT_EQ(day_number(0), 0);
    EXPECT_EQ(day_number(86399), 0);
    EXPECT_EQ(day_number(86400), 1);
    EXPECT_EQ(day_number(-1), -1);
}

TEST_F(ReportStoreTest, CountsAlikeDmarcResultsInOneRow) {
    store->record_dmarc(observation("192.0.2.1"));
    store->record_dmarc(observation("192.0.2.1", kDay0 + 7200));
    store->record_dmarc(observation("192.0.2.2"));
    auto pending = store->pending_dmarc(kDayNumber + 1);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].day, kDayNumber);
    EXPECT_EQ(pending[0].policy.domain, "example.com");
    ASSERT_EQ(pending[0].policy.record.aggregate_uris.size(), 1u);
    EXPECT_EQ(pending[0].policy.record.aggregate_uris[0].uri, "mailto:d@example.com");
    EXPECT_EQ(pending[0].policy.record.aggregate_uris[0].max_size, 10240u);
    EXPECT_EQ(pending[0].policy.record.policy, dmarc::Policy::reject);

    auto day = store->claim_dmarc(kDayNumber, "example.com");
    ASSERT_TRUE(day);
    ASSERT_EQ(day->rows.size(), 2u);
    EXPECT_EQ(day->rows[0].source_ip, "192.0.2.1");
    EXPECT_EQ(day->rows[0].count, 2u);
    EXPECT_EQ(day->rows[1].count, 1u);
    const auto& row = day->rows[0];
    EXPECT_EQ(row.disposition, dmarc::Policy::reject);
    EXPECT_EQ(row.envelope_from, "bounce.example.com");
    ASSERT_EQ(row.dkim.size(), 2u);
    EXPECT_EQ(row.dkim[1].domain, "esp.example");
    EXPECT_EQ(row.dkim[1].result, dmarc::AuthResult::pass);
    EXPECT_EQ(row.spf.result, dmarc::AuthResult::softfail);
}

// RFC 7489 Appendix C: rows that differ only in why the policy was not applied stay apart.
TEST_F(ReportStoreTest, KeepsOverrideReasonsApart) {
    auto overridden = observation("192.0.2.1");
    overridden.row.disposition = dmarc::Policy::none;
    overridden.row.override_reason = dmarc::PolicyOverride::local_policy;
    overridden.row.override_comment = "arc=pass as[1].d=lists.example as[1].s=s1";
    auto sampled = observation("192.0.2.1");
    sampled.row.disposition = dmarc::Policy::none;
    sampled.row.override_reason = dmarc::PolicyOverride::sampled_out;
    store->record_dmarc(overridden);
    store->record_dmarc(overridden);
    store->record_dmarc(sampled);
    auto day = store->claim_dmarc(kDayNumber, "example.com");
    ASSERT_TRUE(day);
    ASSERT_EQ(day->rows.size(), 2u);
    EXPECT_EQ(day->rows[0].count, 2u);
    EXPECT_EQ(day->rows[0].override_reason, dmarc::PolicyOverride::local_policy);
    EXPECT_EQ(day->rows[0].override_comment, "arc=pass as[1].d=lists.example as[1].s=s1");
    EXPECT_EQ(day->rows[1].override_reason, dmarc::PolicyOverride::sampled_out);
    EXPECT_EQ(day->rows[1].override_comment, "");
}

// A reports.db of the first schema, with sampled_out as a flag, opens with its rows intact.
TEST_F(ReportStoreTest, UpgradesTheFirstSchema) {
    store.reset();
    std::filesystem::remove(path);
    {
        auto db = store::open_encrypted_database(path, key_of(7), "report store");
        db.exec(R"sql(
CREATE TABLE dmarc_policies(day INTEGER NOT NULL, domain TEXT NOT NULL, record TEXT NOT NULL,
    PRIMARY KEY(day, domain));
CREATE TABLE dmarc_rows(day INTEGER NOT NULL, domain TEXT NOT NULL, source_ip TEXT NOT NULL,
    disposition TEXT NOT NULL, dkim_aligned INTEGER NOT NULL, spf_aligned INTEGER NOT NULL,
    sampled_out INTEGER NOT NULL, envelope_from TEXT NOT NULL, header_from TEXT NOT NULL,
    dkim TEXT NOT NULL, spf_domain TEXT NOT NULL, spf_result INTEGER NOT NULL,
    spf_helo INTEGER NOT NULL, count INTEGER NOT NULL,
    UNIQUE(day, domain, source_ip, disposition, dkim_aligned, spf_aligned, sampled_out,
           envelope_from, header_from, dkim, spf_domain, spf_result, spf_helo));
CREATE TABLE tls_rows(day INTEGER NOT NULL, domain TEXT NOT NULL, policy_type TEXT NOT NULL,
    policy_strings TEXT NOT NULL, mx_host TEXT NOT NULL, receiving_ip TEXT NOT NULL,
    result TEXT NOT NULL, detail TEXT NOT NULL, count INTEGER NOT NULL,
    UNIQUE(day, domain, policy_type, policy_strings, mx_host, receiving_ip, result, detail));
CREATE TABLE sent(kind TEXT NOT NULL, day INTEGER NOT NULL, domain TEXT NOT NULL,
    PRIMARY KEY(kind, day, domain));
PRAGMA user_version = 1;
)sql");
        db.prepare(
              "INSERT INTO dmarc_policies VALUES(?, 'example.com', "
              "'v=DMARC1; p=reject; rua=mailto:d@example.com')")
            .bind(1, kDayNumber)
            .run();
        db.prepare(
              "INSERT INTO dmarc_rows VALUES(?, 'example.com', '192.0.2.9', 'none', 0, 0, 1, "
              "'', 'example.com', '', '', 0, 0, 5)")
            .bind(1, kDayNumber)
            .run();
    }
    store = std::make_unique<ReportStore>(path, key_of(7));
    store->record_dmarc(observation("192.0.2.1"));
    auto day = store->claim_dmarc(kDayNumber, "example.com");
    ASSERT_TRUE(day);
    ASSERT_EQ(day->rows.size(), 2u);
    EXPECT_EQ(day->rows[0].source_ip, "192.0.2.9");
    EXPECT_EQ(day->rows[0].count, 5u);
    EXPECT_EQ(day->rows[0].override_reason, dmarc::PolicyOverride::sampled_out);
    EXPECT_EQ(day->rows[1].override_reason, dmarc::PolicyOverride::none);
}

TEST_F(ReportStoreTest, KeepsNothingForPoliciesWithoutRua) {
    store->record_dmarc(observation("192.0.2.1", kDay0, "v=DMARC1; p=none"));
    EXPECT_TRUE(store->pending_dmarc(kDayNumber + 1).empty());
}

TEST_F(ReportStoreTest, OnlyEndedDaysArePending) {
    store->record_dmarc(observation("192.0.2.1"));
    EXPECT_TRUE(store->pending_dmarc(kDayNumber).empty());
    store->record_tls(outcome(queue::TlsOutcome::Result::success));
    EXPECT_TRUE(store->pending_tls(kDayNumber).empty());
    EXPECT_EQ(store->pending_tls(kDayNumber + 1).size(), 1u);
}

TEST_F(ReportStoreTest, CountsTlsOutcomesBySuccessAndFailure) {
    using R = queue::TlsOutcome::Result;
    store->record_tls(outcome(R::success));
    store->record_tls(outcome(R::success));
    store->record_tls(outcome(R::certificate_expired));
    store->record_tls(outcome(R::success, false));  // no TLS where nothing required it
    auto rows = store->claim_tls(kDayNumber, "example.net");
    ASSERT_TRUE(rows);
    ASSERT_EQ(rows->size(), 3u);
    std::map<std::string, TlsResultRow> by_result;
    for (const auto& row : *rows) {
        by_result[row.result_type] = row;
    }
    EXPECT_EQ(by_result["success"].count, 2u);
    EXPECT_EQ(by_result["success"].detail, "");
    EXPECT_EQ(by_result["success"].policy_type, "sts");
    EXPECT_EQ(by_result["success"].policy_strings.size(), 4u);
    EXPECT_EQ(by_result["certificate-expired"].count, 1u);
    EXPECT_EQ(by_result["certificate-expired"].detail, "bad??cert");
    EXPECT_EQ(by_result["certificate-expired"].receiving_ip, "192.0.2.25");
    EXPECT_EQ(by_result["starttls-not-supported"].count, 1u);
}

TEST_F(ReportStoreTest, AClaimedReportIsNeverClaimedAgainNorGrowsAfterReopening) {
    store->record_dmarc(observation("192.0.2.1"));
    store->record_tls(outcome(queue::TlsOutcome::Result::success));
    ASSERT_TRUE(store->claim_dmarc(kDayNumber, "example.com"));
    ASSERT_TRUE(store->claim_tls(kDayNumber, "example.net"));

    store.reset();
    store = std::make_unique<ReportStore>(path, key_of(7));
    EXPECT_FALSE(store->claim_dmarc(kDayNumber, "example.com"));
    EXPECT_FALSE(store->claim_tls(kDayNumber, "example.net"));
    // A late observation of that day does not start a second report.
    store->record_dmarc(observation("192.0.2.9"));
    store->record_tls(outcome(queue::TlsOutcome::Result::success));
    EXPECT_TRUE(store->pending_dmarc(kDayNumber + 1).empty());
    EXPECT_TRUE(store->pending_tls(kDayNumber + 1).empty());
}

TEST_F(ReportStoreTest, PruneForgetsOldDaysAndDropsObservationsOfThem) {
    store->record_dmarc(observation("192.0.2.1"));
    store->record_dmarc(observation("192.0.2.1", kDay0 + 86400));
    store->prune(kDayNumber + 1);
    auto pending = store->pending_dmarc(kDayNumber + 2);
    ASSERT_EQ(pending.size(), 1u);
    EXPECT_EQ(pending[0].day, kDayNumber + 1);
    store->record_tls(outcome(queue::TlsOutcome::Result::success));
    EXPECT_TRUE(store->pending_tls(kDayNumber + 2).empty());
}

TEST_F(ReportStoreTest, DoesNotOpenUnderAnotherKey) {
    store->record_dmarc(observation("192.0.2.1"));
    store.reset();
    EXPECT_ANY_THROW(ReportStore(path, key_of(8)));
}

}  // namespace
}  // namespace sealbox::reports
