#include "reports/tlsrpt_report.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

namespace sealbox::reports {
namespace {

namespace json = boost::json;

constexpr std::int64_t kDayStart = 1775001600;  // 2026-04-01T00:00:00Z

TlsReportMetadata metadata() {
    return {"Sealbox Org", "postmaster@mx.sealbox.example", "20260401.abc", kDayStart,
            kDayStart + 86399};
}

const std::vector<std::string> kSts = {"version: STSv1", "mode: enforce", "mx: *.mail.example.com",
                                       "mx: mx.example.net", "max_age: 86400"};

TEST(TlsReport, HasTheTopLevelFieldsOfSection4_4) {
    auto report = json::parse(tls_report_json(metadata(), "example.com", {})).as_object();
    EXPECT_EQ(report.at("organization-name"), "Sealbox Org");
    EXPECT_EQ(report.at("contact-info"), "postmaster@mx.sealbox.example");
    EXPECT_EQ(report.at("report-id"), "20260401.abc");
    EXPECT_EQ(report.at("date-range").at("start-datetime"), "2026-04-01T00:00:00Z");
    EXPECT_EQ(report.at("date-range").at("end-datetime"), "2026-04-01T23:59:59Z");
    EXPECT_TRUE(report.at("policies").as_array().empty());
}

TEST(TlsReport, SummarizesEachPolicyWithItsFailureDetails) {
    std::vector<TlsResultRow> rows = {
        {"sts", kSts, "a.mail.example.com", "192.0.2.1", "success", "", 40},
        {"sts", kSts, "b.mail.example.com", "192.0.2.2", "success", "", 2},
        {"sts", kSts, "b.mail.example.com", "192.0.2.2", "certificate-expired", "expired", 3},
        {"no-policy-found",
         {},
         "mx.other.example",
         "198.51.100.7",
         "starttls-not-supported",
         "",
         5},
    };
    auto report = json::parse(tls_report_json(metadata(), "example.com", rows)).as_object();
    const auto& policies = report.at("policies").as_array();
    ASSERT_EQ(policies.size(), 2u);

    const json::object* sts = nullptr;
    const json::object* none = nullptr;
    for (const auto& p : policies) {
        auto type = p.at("policy").at("policy-type").as_string();
        (type == "sts" ? sts : none) = &p.as_object();
    }
    ASSERT_TRUE(sts && none);
    const auto& policy = sts->at("policy").as_object();
    EXPECT_EQ(policy.at("policy-domain"), "example.com");
    EXPECT_EQ(policy.at("policy-string").as_array().size(), kSts.size());
    EXPECT_EQ(policy.at("policy-string").as_array()[2], "mx: *.mail.example.com");
    EXPECT_EQ(policy.at("mx-host"), (json::array{"*.mail.example.com", "mx.example.net"}));
    EXPECT_EQ(sts->at("summary").at("total-successful-session-count"), 42);
    EXPECT_EQ(sts->at("summary").at("total-failure-session-count"), 3);
    const auto& failures = sts->at("failure-details").as_array();
    ASSERT_EQ(failures.size(), 1u);
    EXPECT_EQ(failures[0].at("result-type"), "certificate-expired");
    EXPECT_EQ(failures[0].at("receiving-mx-hostname"), "b.mail.example.com");
    EXPECT_EQ(failures[0].at("receiving-ip"), "192.0.2.2");
    EXPECT_EQ(failures[0].at("failed-session-count"), 3);
    EXPECT_EQ(failures[0].at("failure-reason-code"), "expired");

    const auto& no_policy = none->at("policy").as_object();
    EXPECT_FALSE(no_policy.contains("policy-string"));
    EXPECT_FALSE(no_policy.contains("mx-host"));
    EXPECT_EQ(none->at("summary").at("total-successful-session-count"), 0);
    EXPECT_EQ(none->at("summary").at("total-failure-session-count"), 5);
}

TEST(TlsReport, TlsaPoliciesNameTheirMxHost) {
    std::vector<TlsResultRow> rows = {
        {"tlsa", {"3 1 1 AB"}, "mx1.example.com", "192.0.2.1", "success", "", 1},
        {"tlsa", {"3 1 1 CD"}, "mx2.example.com", "192.0.2.2", "validation-failure", "x", 1},
    };
    auto report = json::parse(tls_report_json(metadata(), "example.com", rows)).as_object();
    const auto& policies = report.at("policies").as_array();
    ASSERT_EQ(policies.size(), 2u);
    EXPECT_EQ(policies[0].at("policy").at("mx-host"), json::array{"mx1.example.com"});
    EXPECT_EQ(policies[0].at("policy").at("policy-string"), json::array{"3 1 1 AB"});
    EXPECT_FALSE(policies[0].as_object().contains("failure-details"));
    EXPECT_EQ(policies[1].at("policy").at("mx-host"), json::array{"mx2.example.com"});
}

TEST(TlsReport, EscapesWhatItQuotes) {
    std::vector<TlsResultRow> rows = {
        {"no-policy-found", {}, "mx.example.com", "", "validation-failure", "a \"quoted\"\\", 1}};
    auto text = tls_report_json(metadata(), "example.com", rows);
    auto report = json::parse(text).as_object();
    EXPECT_EQ(report.at("policies")
                  .as_array()[0]
                  .at("failure-details")
                  .as_array()[0]
                  .at("failure-reason-code"),
              "a \"quoted\"\\");
}

TEST(TlsReport, NamesTheFileAsSection5_3) {
    EXPECT_EQ(tls_report_filename("mx.sealbox.example", "example.com", metadata()),
              "mx.sealbox.example!example.com!1775001600!1775087999.json.gz");
}

}  // namespace
}  // namespace sealbox::reports
