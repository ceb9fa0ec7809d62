#include "reports/report_store.h"

#include <gtest/gtest.h>

#include <map>

#include "mailauth/dmarc/record.h"
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
