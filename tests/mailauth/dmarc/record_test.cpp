// The DMARC record of RFC 7489 §6.3 and §6.4.
#include "mailauth/dmarc/record.h"

#include <gtest/gtest.h>

namespace sealbox::mailauth::dmarc {
namespace {

TEST(DmarcRecord, ReadsEveryTag) {
    auto record = parse_record(
        "v=DMARC1; p=reject; sp=quarantine; np=none; adkim=s; aspf=s; pct=20; "
        "rua=mailto:agg@example.com!10m, mailto:other@example.net; ruf=mailto:f@example.com; "
        "fo=0 : d; rf=afrf; ri=3600");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->policy, Policy::reject);
    EXPECT_EQ(record->subdomain_policy, Policy::quarantine);
    EXPECT_EQ(record->nonexistent_policy, Policy::none);
    EXPECT_EQ(record->dkim_alignment, Alignment::strict);
    EXPECT_EQ(record->spf_alignment, Alignment::strict);
    EXPECT_EQ(record->percent, 20);
    ASSERT_EQ(record->aggregate_uris.size(), 2U);
    EXPECT_EQ(record->aggregate_uris[0],
              (ReportUri{"mailto:agg@example.com", std::uint64_t{10} << 20}));
    EXPECT_EQ(record->aggregate_uris[1], (ReportUri{"mailto:other@example.net", std::nullopt}));
    ASSERT_EQ(record->failure_uris.size(), 1U);
    EXPECT_EQ(record->failure_options, "0:d");
    EXPECT_EQ(record->report_formats, std::vector<std::string>{"afrf"});
    EXPECT_EQ(record->report_interval, 3600U);
    EXPECT_FALSE(record->policy_defaulted);
}

TEST(DmarcRecord, AppliesTheDefaultsOfSection6_3) {
    auto record = parse_record("v=DMARC1; p=quarantine");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->policy, Policy::quarantine);
    EXPECT_EQ(record->policy_for_subdomain(), Policy::quarantine);    // sp defaults to p
    EXPECT_EQ(record->policy_for_nonexistent(), Policy::quarantine);  // np to sp
    EXPECT_EQ(record->dkim_alignment, Alignment::relaxed);
    EXPECT_EQ(record->spf_alignment, Alignment::relaxed);
    EXPECT_EQ(record->percent, 100);
    EXPECT_TRUE(record->aggregate_uris.empty());
    EXPECT_EQ(record->failure_options, "0");
    EXPECT_EQ(record->report_interval, 86400U);

    auto with_sp = parse_record("v=DMARC1; p=none; sp=reject");
    ASSERT_TRUE(with_sp);
    EXPECT_EQ(with_sp->policy_for_nonexistent(), Policy::reject);
}

TEST(DmarcRecord, RequiresVersionFirst) {
    EXPECT_FALSE(parse_record("p=reject; v=DMARC1"));
    EXPECT_FALSE(parse_record("v=DMARC2; p=reject"));
    EXPECT_FALSE(parse_record("v=dmarc1; p=reject"));  // %x44 %x4d ...: case-sensitive
    EXPECT_FALSE(parse_record("v=DMARC1x; p=reject"));
    EXPECT_FALSE(parse_record(""));
    EXPECT_TRUE(parse_record(" v = DMARC1 ;p=reject;"));
    EXPECT_TRUE(is_dmarc_record("v=DMARC1"));
    EXPECT_FALSE(is_dmarc_record("v=spf1 -all"));
}

TEST(DmarcRecord, IgnoresUnknownTagsAndCaseOfKeywords) {
    auto record = parse_record("v=DMARC1; P=Reject; future=whatever; ADKIM=S");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->policy, Policy::reject);
    EXPECT_EQ(record->dkim_alignment, Alignment::strict);
}

TEST(DmarcRecord, RefusesInvalidValuesAndSyntax) {
    for (const char* text : {
             "v=DMARC1",                                // p is required
             "v=DMARC1; p=reject; adkim=x",             // r or s
             "v=DMARC1; p=reject; aspf=",               //
             "v=DMARC1; p=reject; pct=101",             // 0-100
             "v=DMARC1; p=reject; pct=-1",              //
             "v=DMARC1; p=reject; pct=0100",            // 1*3DIGIT
             "v=DMARC1; p=reject; ri=99999999999",      // beyond 32 bits
             "v=DMARC1; p=reject; fo=2",                // 0, 1, d, s
             "v=DMARC1; p=reject; rf=a_b",              // Keyword
             "v=DMARC1; p=reject; rua=nothing",         // no URI at all
             "v=DMARC1; p=reject; rua=mailto:a@b!10x",  // size unit
             "v=DMARC1; p=reject; p=none",              // a tag twice
             "v=DMARC1; p=reject; P=none",              //
             "v=DMARC1; p=reject;; adkim=s",            // not a tag-list
             "v=DMARC1; p=reject; bad\x01=1",           //
         }) {
        EXPECT_FALSE(parse_record(text)) << text;
    }
    auto zero = parse_record("v=DMARC1; p=reject; pct=0");
    ASSERT_TRUE(zero);
    EXPECT_EQ(zero->percent, 0);
}

TEST(DmarcRecord, DropsInvalidReportUrisButKeepsTheValidOnes) {
    auto record = parse_record("v=DMARC1; p=none; rua=not a uri,mailto:ok@example.com!1k");
    ASSERT_TRUE(record);
    ASSERT_EQ(record->aggregate_uris.size(), 1U);
    EXPECT_EQ(record->aggregate_uris[0], (ReportUri{"mailto:ok@example.com", 1024}));
}

TEST(DmarcRecord, InvalidPolicyWithReportAddressStandsAsNone) {
    // RFC 7489 §6.6.3 step 6.1.
    for (const char* text :
         {"v=DMARC1; rua=mailto:d@example.com", "v=DMARC1; p=block; rua=mailto:d@example.com",
          "v=DMARC1; p=reject; sp=maybe; rua=mailto:d@example.com"}) {
        auto record = parse_record(text);
        ASSERT_TRUE(record) << text;
        EXPECT_EQ(record->policy, Policy::none) << text;
        EXPECT_EQ(record->policy_for_subdomain(), Policy::none) << text;
        EXPECT_TRUE(record->policy_defaulted) << text;
        EXPECT_EQ(record->aggregate_uris.size(), 1U);
    }
    // Step 6.2: otherwise no DMARC processing.
    for (const char* text : {"v=DMARC1", "v=DMARC1; p=block", "v=DMARC1; p=reject; sp=maybe",
                             "v=DMARC1; p=reject; np=maybe", "v=DMARC1; p=block; rua=junk"}) {
        RecordProblem problem = RecordProblem::syntax;
        EXPECT_FALSE(parse_record(text, &problem)) << text;
        EXPECT_EQ(problem, RecordProblem::invalid_policy) << text;
    }
    RecordProblem problem = RecordProblem::invalid_policy;
    EXPECT_FALSE(parse_record("v=DMARC1; p=reject; rua=junk", &problem));
    EXPECT_EQ(problem, RecordProblem::syntax);
}

}  // namespace
}  // namespace sealbox::mailauth::dmarc
