#include "queue/dsn.h"

#include <gtest/gtest.h>

#include "mime/message_summary.h"

namespace sealbox::queue {
namespace {

DsnReport report(DsnAction action) {
    DsnReport r;
    r.reporting_host = "mail.example.test";
    r.recipient = "alice@example.test";
    r.envid = "ENV42";
    r.arrival = 1795412281;
    r.now = 1795412881;
    DsnRecipient rcpt;
    rcpt.final_recipient = "bob@remote.test";
    rcpt.original_recipient = "rfc822;Bob@Remote.test";
    rcpt.action = action;
    rcpt.last_reply = "550 5.1.1 <bob@remote.test>: user unknown\r\n";
    rcpt.remote_host = "mx.remote.test";
    rcpt.last_attempt = 1795412881;
    rcpt.will_retry_until = 1795844281;
    r.recipients.push_back(rcpt);
    return r;
}

const std::string kOriginal =
    "From: alice@example.test\r\nTo: bob@remote.test\r\nSubject: Lunch\r\n\r\nSee you at noon.\r\n";

TEST(Dsn, StatusComesFromTheEnhancedCodeOrTheReplyClass) {
    EXPECT_EQ(status_of("550 5.1.1 no such user"), "5.1.1");
    EXPECT_EQ(status_of("452 4.2.2 full"), "4.2.2");
    EXPECT_EQ(status_of("550 no enhanced code"), "5.0.0");
    EXPECT_EQ(status_of("421 try later"), "4.0.0");
    EXPECT_EQ(status_of("4.4.1 connection refused"), "4.4.1");
    EXPECT_EQ(status_of("5.1.2 domain has no mail server"), "5.1.2");
    EXPECT_EQ(status_of("550 4.1.1 mismatched class"), "5.0.0");
    EXPECT_EQ(status_of("550 5.1234.1 too long"), "5.0.0");
    EXPECT_EQ(status_of(""), "5.0.0");
}

TEST(Dsn, FailureReportHasTheRfc3464Structure) {
    std::string dsn = build_dsn(report(DsnAction::failed), kOriginal);
    EXPECT_NE(dsn.find("From: Mail Delivery System <MAILER-DAEMON@mail.example.test>\r\n"),
              std::string::npos);
    EXPECT_NE(dsn.find("To: <alice@example.test>\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Auto-Submitted: auto-replied\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Content-Type: multipart/report; report-type=delivery-status;"),
              std::string::npos);
    EXPECT_NE(dsn.find("Reporting-MTA: dns; mail.example.test\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Original-Envelope-Id: ENV42\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Original-Recipient: rfc822;Bob@Remote.test\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Final-Recipient: rfc822; bob@remote.test\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Action: failed\r\nStatus: 5.1.1\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Remote-MTA: dns; mx.remote.test\r\n"), std::string::npos);
    // The server's CRLF does not break the field into two.
    EXPECT_NE(dsn.find("Diagnostic-Code: smtp; 550 5.1.1 <bob@remote.test>: user unknown  \r\n"),
              std::string::npos);
    EXPECT_NE(dsn.find("Content-Type: message/rfc822\r\n\r\n" + kOriginal), std::string::npos);

    // GMime reads it as a three-part report.
    auto summary = mime::summarize(dsn);
    EXPECT_EQ(summary.root.subtype, "report");
    ASSERT_EQ(summary.root.children.size(), 3u);
    EXPECT_EQ(summary.root.children[1].subtype, "delivery-status");
    EXPECT_EQ(summary.root.children[2].subtype, "rfc822");
    EXPECT_EQ(summary.envelope.subject, "Undelivered Mail Returned to Sender");
}

TEST(Dsn, DelayedReportSaysUntilWhenAndHeadersOnlyWhenAsked) {
    DsnReport r = report(DsnAction::delayed);
    r.headers_only = true;
    r.recipients[0].last_reply = "4.4.1 connection refused";
    std::string dsn = build_dsn(r, kOriginal);
    EXPECT_NE(dsn.find("Action: delayed\r\nStatus: 4.4.1\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Will-Retry-Until: "), std::string::npos);
    EXPECT_EQ(dsn.find("Diagnostic-Code"), std::string::npos);  // no server said anything
    EXPECT_NE(dsn.find("Content-Type: text/rfc822-headers\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Subject: Lunch\r\n"), std::string::npos);
    EXPECT_EQ(dsn.find("See you at noon."), std::string::npos);
}

TEST(Dsn, LargeOriginalIsReturnedAsHeadersOnly) {
    std::string dsn = build_dsn(report(DsnAction::failed), kOriginal, 10);
    EXPECT_NE(dsn.find("text/rfc822-headers"), std::string::npos);
    EXPECT_EQ(dsn.find("See you at noon."), std::string::npos);
}

TEST(Dsn, Utf8MessageGetsGlobalTypes) {
    DsnReport r = report(DsnAction::failed);
    r.utf8 = true;
    r.recipients[0].final_recipient = "bj\xc3\xb6rn@remote.test";
    std::string dsn = build_dsn(r, kOriginal);
    EXPECT_NE(dsn.find("Content-Type: message/global-delivery-status\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Final-Recipient: utf-8; bj\xc3\xb6rn@remote.test\r\n"), std::string::npos);
    EXPECT_NE(dsn.find("Content-Type: message/global\r\n"), std::string::npos);
}

}  // namespace
}  // namespace sealbox::queue
