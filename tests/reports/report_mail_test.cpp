#include "reports/report_mail.h"

#include <gtest/gtest.h>

#include "mailauth/dmarc/report.h"
#include "reports/report_testing.h"

namespace sealbox::reports {
namespace {

using testing::ParsedMessage;

ReportEmail email() {
    ReportEmail e;
    e.from = "postmaster@mx.sealbox.example";
    e.to = {"dmarc@example.com", "agg@reports.example.net"};
    e.submitter = "mx.sealbox.example";
    e.policy_domain = "example.com";
    e.report_id = "20260401.abc";
    e.org_name = "Sealbox Org";
    e.begin = 1775001600;
    e.now = 1775090000;
    e.attachment = mailauth::dmarc::gzip("<feedback/>");
    e.filename = "mx.sealbox.example!example.com!1775001600!1775087999.xml.gz";
    return e;
}

TEST(ReportMail, DmarcReportIsAMessageWithTheGzipAttachmentOfSection7_2_1_1) {
    auto e = email();
    std::string text = dmarc_report_email(e);
    ParsedMessage m;
    testing::parse_message(text, m);
    ASSERT_TRUE(m.ok);
    EXPECT_EQ(m.header("Subject"),
              "Report Domain: example.com Submitter: mx.sealbox.example Report-ID: "
              "<20260401.abc@mx.sealbox.example>");
    EXPECT_EQ(m.header("From"), "<postmaster@mx.sealbox.example>");
    EXPECT_NE(m.header("To").find("agg@reports.example.net"), std::string::npos);
    EXPECT_EQ(m.header("Auto-Submitted"), "auto-generated");
    EXPECT_EQ(m.header("MIME-Version"), "1.0");
    EXPECT_EQ(m.content_type, "multipart/mixed");
    ASSERT_EQ(m.parts.size(), 2u);
    EXPECT_EQ(m.parts[0].content_type, "text/plain");
    EXPECT_NE(m.parts[0].content.find("example.com"), std::string::npos);
    EXPECT_EQ(m.parts[1].content_type, "application/gzip");
    EXPECT_EQ(m.parts[1].filename, e.filename);
    EXPECT_EQ(m.parts[1].content, e.attachment);
    EXPECT_EQ(testing::gunzip(m.parts[1].content), "<feedback/>");
    // Every line within RFC 5322 §2.1.1's limit, and CRLF only.
    std::size_t start = 0;
    for (std::size_t end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
        EXPECT_LE(end - start, 998u);
        EXPECT_EQ(text.substr(start, end - start).find('\n'), std::string::npos);
    }
}

TEST(ReportMail, TlsReportIsAMultipartReportOfSection5_3) {
    auto e = email();
    e.attachment = mailauth::dmarc::gzip(std::string(5000, 'x'));  // several base64 lines
    e.filename = "mx.sealbox.example!example.com!1775001600!1775087999.json.gz";
    ParsedMessage m;
    testing::parse_message(tls_report_email(e), m);
    ASSERT_TRUE(m.ok);
    EXPECT_EQ(m.content_type, "multipart/report");
    EXPECT_EQ(m.report_type, "tlsrpt");
    EXPECT_EQ(m.header("TLS-Report-Domain"), "example.com");
    EXPECT_EQ(m.header("TLS-Report-Submitter"), "mx.sealbox.example");
    EXPECT_EQ(m.header("Subject"),
              "Report Domain: example.com Submitter: mx.sealbox.example Report-ID: "
              "<20260401.abc@mx.sealbox.example>");
    ASSERT_EQ(m.parts.size(), 2u);
    EXPECT_EQ(m.parts[0].content_type, "text/plain");
    EXPECT_EQ(m.parts[1].content_type, "application/tlsrpt+gzip");
    EXPECT_EQ(m.parts[1].filename, e.filename);
    EXPECT_EQ(testing::gunzip(m.parts[1].content), std::string(5000, 'x'));
}

TEST(ReportMail, MailtoGivesOneAddress) {
    auto a = mailto_address("mailto:dmarc-feedback@example.com");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->str(), "dmarc-feedback@example.com");
    auto b = mailto_address("MAILTO:tls%2Breports@Example.COM?subject=hi");
    ASSERT_TRUE(b);
    EXPECT_EQ(b->str(), "tls+reports@example.com");
    EXPECT_FALSE(mailto_address("https://example.com/"));
    EXPECT_FALSE(mailto_address("mailto:"));
    EXPECT_FALSE(mailto_address("mailto:a@example.com%2Cb@example.com"));
    EXPECT_FALSE(mailto_address("mailto:a@example.com%2"));
    EXPECT_FALSE(mailto_address("mailto:not-an-address"));
}

}  // namespace
}  // namespace sealbox::reports
