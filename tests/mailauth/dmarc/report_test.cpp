// DMARC aggregate reports (RFC 7489 §7.2, Appendix C).
#include "mailauth/dmarc/report.h"

#include <gtest/gtest.h>

#include "support/gunzip.h"

namespace sealbox::mailauth::dmarc {
namespace {

ReportMetadata metadata() {
    return {"Sealbox <mx.sealbox.test>", "dmarc-reports@sealbox.test", "r-42", 1700000000,
            1700086400};
}

PublishedPolicy published() {
    return {"example.com", *parse_record("v=DMARC1; p=reject; sp=quarantine; adkim=s; pct=50")};
}

ReportRow failing_row() {
    ReportRow row;
    row.source_ip = "192.0.2.7";
    row.count = 3;
    row.disposition = Policy::quarantine;
    row.override_reason = PolicyOverride::sampled_out;
    row.envelope_from = "bounce.example.net";
    row.header_from = "example.com";
    row.dkim = {{AuthResult::fail, "example.com"}, {AuthResult::pass, "example.net"}};
    row.spf = {AuthResult::softfail, "bounce.example.net"};
    return row;
}

using sealbox::testing::gunzip;

TEST(AggregateReport, WritesTheAppendixCDocument) {
    std::string xml = aggregate_report_xml(metadata(), published(), {failing_row()});
    for (const char* part : {
             "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<feedback>\n",
             "<org_name>Sealbox &lt;mx.sealbox.test&gt;</org_name>",
             "<report_id>r-42</report_id>",
             "<date_range>\n      <begin>1700000000</begin>\n      <end>1700086400</end>",
             "<domain>example.com</domain>\n    <adkim>s</adkim>\n    <aspf>r</aspf>\n"
             "    <p>reject</p>\n    <sp>quarantine</sp>\n    <pct>50</pct>\n    <fo>0</fo>",
             "<source_ip>192.0.2.7</source_ip>\n      <count>3</count>",
             "<disposition>quarantine</disposition>\n        <dkim>fail</dkim>\n"
             "        <spf>fail</spf>\n        <reason>\n          <type>sampled_out</type>",
             "<envelope_from>bounce.example.net</envelope_from>\n"
             "      <header_from>example.com</header_from>",
             "<dkim>\n        <domain>example.net</domain>\n        <result>pass</result>",
             "<spf>\n        <domain>bounce.example.net</domain>\n        <scope>mfrom</scope>\n"
             "        <result>softfail</result>",
         }) {
        EXPECT_NE(xml.find(part), std::string::npos) << part << "\n---\n" << xml;
    }
    EXPECT_TRUE(xml.ends_with("</record>\n</feedback>\n")) << xml;
}

// RFC 8617 §7.2.2: a trusted ARC sealer's pass is reported as local policy, naming the chain.
TEST(AggregateReport, ReportsATrustedArcOverrideAsLocalPolicy) {
    ReportRow row = failing_row();
    row.disposition = Policy::none;
    row.override_reason = PolicyOverride::local_policy;
    row.override_comment = "arc=pass as[1].d=lists.example as[1].s=s1";
    std::string xml = aggregate_report_xml(metadata(), published(), {row});
    EXPECT_NE(xml.find("<disposition>none</disposition>\n        <dkim>fail</dkim>\n"
                       "        <spf>fail</spf>\n        <reason>\n"
                       "          <type>local_policy</type>\n"
                       "          <comment>arc=pass as[1].d=lists.example as[1].s=s1</comment>\n"
                       "        </reason>"),
              std::string::npos)
        << xml;
}

TEST(AggregateReport, EscapesWhatCameFromMessages) {
    ReportRow row = failing_row();
    row.header_from = "a<b>&\"c'\x01\xff.example\xc3\xa9";
    std::string xml = aggregate_report_xml(metadata(), published(), {row});
    EXPECT_NE(xml.find("<header_from>a&lt;b&gt;&amp;&quot;c&apos;\xef\xbf\xbd\xef\xbf\xbd"
                       ".example\xc3\xa9</header_from>"),
              std::string::npos)
        << xml;
}

TEST(AggregateReport, GzipsRoundTrip) {
    std::string xml = aggregate_report_xml(metadata(), published(), {failing_row(), failing_row()});
    std::string compressed = gzip(xml);
    ASSERT_GE(compressed.size(), 18U);
    EXPECT_EQ(static_cast<unsigned char>(compressed[0]), 0x1f);  // RFC 1952 §2.3.1 ID1 ID2
    EXPECT_EQ(static_cast<unsigned char>(compressed[1]), 0x8b);
    EXPECT_LT(compressed.size(), xml.size());
    EXPECT_EQ(gunzip(compressed), xml);
    EXPECT_EQ(gunzip(gzip("")), "");
}

TEST(AggregateReport, NamesTheFileAsSection7_2_1_1) {
    EXPECT_EQ(aggregate_report_filename("mx.sealbox.test", metadata(), "example.com"),
              "mx.sealbox.test!example.com!1700000000!1700086400.xml.gz");
}

}  // namespace
}  // namespace sealbox::mailauth::dmarc
