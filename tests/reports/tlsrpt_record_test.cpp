#include "reports/tlsrpt_record.h"

#include <gtest/gtest.h>

namespace sealbox::reports {
namespace {

using Uris = std::vector<std::string>;

TEST(TlsRptRecord, ReadsTheExamplesOfSection3) {
    auto mail = parse_tlsrpt_record("v=TLSRPTv1; rua=mailto:reports@example.com");
    ASSERT_TRUE(mail);
    EXPECT_EQ(mail->rua, Uris{"mailto:reports@example.com"});
    auto https = parse_tlsrpt_record("v=TLSRPTv1; rua=https://reporting.example.com/v1/tlsrpt");
    ASSERT_TRUE(https);
    EXPECT_EQ(https->rua, Uris{"https://reporting.example.com/v1/tlsrpt"});
}

TEST(TlsRptRecord, ReadsSeveralUrisExtensionsAndAFinalDelimiter) {
    auto record = parse_tlsrpt_record(
        "v=TLSRPTv1 ;\trua=mailto:a@example.com , https://r.example.net/x ; ext_1=val:ue;");
    ASSERT_TRUE(record);
    EXPECT_EQ(record->rua, (Uris{"mailto:a@example.com", "https://r.example.net/x"}));
}

TEST(TlsRptRecord, RefusesWhatTheGrammarDoesNotAllow) {
    for (const char* text : {
             "",
             "v=TLSRPTv1",                                                  // no rua
             "v=TLSRPTv1; ext=1",                                           // no rua
             "v=tlsrptv1; rua=mailto:a@example.com",                        // %s: case-sensitive
             "v=TLSRPTv2; rua=mailto:a@example.com",                        // another version
             " v=TLSRPTv1; rua=mailto:a@example.com",                       // not first
             "rua=mailto:a@example.com; v=TLSRPTv1",                        // not first
             "v=TLSRPTv1;; rua=mailto:a@example.com",                       // an empty field
             "v=TLSRPTv1; rua=",                                            // no URI
             "v=TLSRPTv1; rua=mailto:a@example.com,",                       // an empty URI
             "v=TLSRPTv1; rua=not a uri",                                   // spaces
             "v=TLSRPTv1; rua=example.com",                                 // no scheme
             "v=TLSRPTv1; rua=mailto:a@b.example; rua=mailto:c@d.example",  // two rua
             "v=TLSRPTv1; rua=mailto:a@example.com; -bad=1",                // extension name
             "v=TLSRPTv1; rua=mailto:a@example.com; ext=",                  // extension value
             "v=TLSRPTv1; rua=mailto:a@example.com; novalue",
             "v=TLSRPTv1x; rua=mailto:a@example.com",
         }) {
        EXPECT_FALSE(parse_tlsrpt_record(text)) << text;
    }
}

TEST(TlsRptRecord, SelectsTheOneTlsRptRecordAmongOthers) {
    auto record = select_tlsrpt_record(
        {"v=spf1 -all", "v=TLSRPTv1; rua=mailto:tls@example.com", "something else"});
    ASSERT_TRUE(record);
    EXPECT_EQ(record->rua, Uris{"mailto:tls@example.com"});
}

TEST(TlsRptRecord, TwoRecordsOrAnInvalidOneMeanNoTlsRpt) {
    EXPECT_FALSE(select_tlsrpt_record(
        {"v=TLSRPTv1; rua=mailto:a@example.com", "v=TLSRPTv1; rua=mailto:b@example.com"}));
    EXPECT_FALSE(select_tlsrpt_record({"v=TLSRPTv1; rua=bogus"}));
    EXPECT_FALSE(select_tlsrpt_record({}));
    // Not starting "v=TLSRPTv1;" it is discarded, so the valid one is alone.
    EXPECT_TRUE(select_tlsrpt_record({"v=TLSRPTv1", "v=TLSRPTv10; rua=mailto:x@example.com",
                                      "v=TLSRPTv1; rua=mailto:a@example.com"}));
}

}  // namespace
}  // namespace sealbox::reports
