// RFC 7672 §2.2 and §3.1.3: which MX hosts DANE applies to, which TLSA records count, and what
// each kind of TLSA answer asks of the connection.

#include "queue/dane.h"

#include <gtest/gtest.h>

#include "queue/transport_security.h"

namespace sealbox::queue {
namespace {

dns::TlsaRecord record(std::uint8_t usage, std::uint8_t selector, std::uint8_t matching_type,
                       std::size_t length) {
    return dns::TlsaRecord{usage, selector, matching_type, std::vector<std::uint8_t>(length, 7)};
}

dns::TlsaAnswer answer(dns::Status status, bool secure, std::vector<dns::TlsaRecord> records) {
    dns::TlsaAnswer a;
    a.status = status;
    a.secure = secure;
    a.records = std::move(records);
    a.detail = status == dns::Status::ok ? "" : "the reason";
    return a;
}

TEST(Dane, AppliesOnlyWhenTheMxAndAddressLookupsWereValidated) {
    dns::MailHost host{"mx.example.org", {}, true, true};
    EXPECT_TRUE(dane_applies(host));
    host.mx_secure = false;  // §2.2.1: an insecure MX RRset could name any host
    EXPECT_FALSE(dane_applies(host));
    host = {"mx.example.org", {}, true, false};  // §2.2.2: the host's addresses insecure
    EXPECT_FALSE(dane_applies(host));
}

TEST(Dane, OnlyDaneTaAndDaneEeRecordsWithKnownParametersAreUsable) {
    EXPECT_TRUE(usable_tlsa(record(3, 1, 1, 32)));
    EXPECT_TRUE(usable_tlsa(record(3, 0, 2, 64)));
    EXPECT_TRUE(usable_tlsa(record(2, 0, 0, 300)));
    EXPECT_TRUE(usable_tlsa(record(2, 1, 1, 32)));
    EXPECT_FALSE(usable_tlsa(record(0, 1, 1, 32)));  // PKIX-TA: §3.1.3
    EXPECT_FALSE(usable_tlsa(record(1, 1, 1, 32)));  // PKIX-EE: §3.1.3
    EXPECT_FALSE(usable_tlsa(record(4, 1, 1, 32)));
    EXPECT_FALSE(usable_tlsa(record(3, 2, 1, 32)));  // no such selector
    EXPECT_FALSE(usable_tlsa(record(3, 1, 3, 32)));  // no such matching type
    EXPECT_FALSE(usable_tlsa(record(3, 1, 1, 31)));  // not a SHA2-256 digest
    EXPECT_FALSE(usable_tlsa(record(3, 1, 2, 32)));  // not a SHA2-512 digest
    EXPECT_FALSE(usable_tlsa(record(3, 1, 0, 0)));
}

TEST(Dane, TlsaNameIsPortProtocolAndHost) {
    EXPECT_EQ(tlsa_name(25, "mx.example.org"), "_25._tcp.mx.example.org");
    EXPECT_EQ(tlsa_name(2525, "mx"), "_2525._tcp.mx");
}

TEST(Dane, ValidatedUsableRecordsRequireAMatch) {
    auto d = decide_host_tls(
        answer(dns::Status::ok, true, {record(1, 1, 1, 32), record(3, 1, 1, 32)}), "mx.a.org");
    EXPECT_EQ(d.tls, HostTls::dane);
    ASSERT_EQ(d.records.size(), 1U);  // the PKIX-EE record is left out
    EXPECT_EQ(d.records[0].usage, 3);
}

TEST(Dane, ValidatedRecordsNoneUsableStillRequireTls) {
    auto d = decide_host_tls(answer(dns::Status::ok, true, {record(0, 0, 1, 32)}), "mx.a.org");
    EXPECT_EQ(d.tls, HostTls::mandatory);
    EXPECT_TRUE(d.records.empty());
}

TEST(Dane, RecordsDnssecDoesNotVouchForAreIgnored) {
    auto d = decide_host_tls(answer(dns::Status::ok, false, {record(3, 1, 1, 32)}), "mx.a.org");
    EXPECT_EQ(d.tls, HostTls::opportunistic);
    EXPECT_TRUE(d.records.empty());
}

TEST(Dane, NoTlsaRecordsMeansOpportunisticTls) {
    EXPECT_EQ(decide_host_tls(answer(dns::Status::nodata, true, {}), "mx").tls,
              HostTls::opportunistic);
    EXPECT_EQ(decide_host_tls(answer(dns::Status::nxdomain, true, {}), "mx").tls,
              HostTls::opportunistic);
}

TEST(Dane, FailedOrBogusLookupsMakeTheHostUnusable) {
    auto bogus = decide_host_tls(answer(dns::Status::bogus, false, {}), "mx.a.org");
    EXPECT_EQ(bogus.tls, HostTls::unusable);
    EXPECT_EQ(bogus.detail, "TLSA of mx.a.org: DNSSEC validation failed: the reason");
    EXPECT_EQ(decide_host_tls(answer(dns::Status::temporary, false, {}), "mx").tls,
              HostTls::unusable);
}

TEST(Dane, TlsFailuresAreClassifiedForTlsReporting) {
    using smtp::client::Failure;
    using smtp::client::Stage;
    using R = TlsOutcome::Result;
    Failure refused{.stage = Stage::connect, .detail = "refused"};
    EXPECT_EQ(tls_result(refused, TlsOutcome::Policy::dane), R::success);
    Failure no_starttls{.stage = Stage::starttls, .detail = "x", .tls_failure = true};
    EXPECT_EQ(tls_result(no_starttls, TlsOutcome::Policy::dane), R::starttls_not_supported);
    Failure mismatch{.stage = Stage::tls_handshake,
                     .detail = "certificate verification failed: hostname mismatch",
                     .tls_failure = true};
    EXPECT_EQ(tls_result(mismatch, TlsOutcome::Policy::dane), R::validation_failure);
    EXPECT_EQ(tls_result(mismatch, TlsOutcome::Policy::sts), R::certificate_host_mismatch);
    EXPECT_EQ(sts_fetch_result(mtasts::FetchProblem::certificate), R::sts_webpki_invalid);
    EXPECT_EQ(sts_fetch_result(mtasts::FetchProblem::unreachable), R::sts_policy_fetch_error);
    EXPECT_EQ(to_string(R::certificate_host_mismatch), "certificate-host-mismatch");
    EXPECT_EQ(to_string(TlsOutcome::Policy::dane), "tlsa");
}

}  // namespace
}  // namespace sealbox::queue
