#include "reports/tlsrpt_report.h"

#include <fmt/format.h>

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <ctime>
#include <map>
#include <set>
#include <utility>

namespace sealbox::reports {
namespace {

namespace json = boost::json;

json::array strings(const auto& values) {
    json::array out;
    for (const auto& value : values) {
        out.emplace_back(value);
    }
    return out;
}

// §4.4 mx-host: the MX patterns an MTA-STS policy lists, or the hosts whose TLSA records these
// are; no-policy-found has none.
std::set<std::string> mx_hosts(const std::string& type, const std::vector<std::string>& policy,
                               const std::vector<const TlsResultRow*>& rows) {
    std::set<std::string> hosts;
    if (type == "sts") {
        constexpr std::string_view kMx = "mx: ";
        for (const auto& line : policy) {
            if (line.starts_with(kMx)) {
                hosts.insert(line.substr(kMx.size()));
            }
        }
    } else if (type == "tlsa") {
        for (const auto* row : rows) {
            if (!row->mx_host.empty()) {
                hosts.insert(row->mx_host);
            }
        }
    }
    return hosts;
}

}  // namespace

std::string rfc3339_utc(std::int64_t time) {
    std::time_t t = static_cast<std::time_t>(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", tm.tm_year + 1900, tm.tm_mon + 1,
                       tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

std::string tls_report_json(const TlsReportMetadata& metadata, std::string_view policy_domain,
                            const std::vector<TlsResultRow>& rows) {
    using PolicyKey = std::pair<std::string, std::vector<std::string>>;
    std::map<PolicyKey, std::vector<const TlsResultRow*>> by_policy;
    for (const auto& row : rows) {
        by_policy[{row.policy_type, row.policy_strings}].push_back(&row);
    }

    json::array policies;
    for (const auto& [key, group] : by_policy) {
        const auto& [type, policy_strings] = key;
        json::object policy{{"policy-type", type}, {"policy-domain", policy_domain}};
        if (!policy_strings.empty()) {
            policy["policy-string"] = strings(policy_strings);
        }
        if (auto hosts = mx_hosts(type, policy_strings, group); !hosts.empty()) {
            policy["mx-host"] = strings(hosts);
        }
        std::uint64_t successful = 0;
        std::uint64_t failed = 0;
        json::array failures;
        for (const auto* row : group) {
            if (row->result_type == "success") {
                successful += row->count;
                continue;
            }
            failed += row->count;
            json::object detail{{"result-type", row->result_type},
                                {"failed-session-count", row->count}};
            if (!row->mx_host.empty()) {
                detail["receiving-mx-hostname"] = row->mx_host;
            }
            if (!row->receiving_ip.empty()) {
                detail["receiving-ip"] = row->receiving_ip;
            }
            if (!row->detail.empty()) {
                detail["failure-reason-code"] = row->detail;
            }
            failures.emplace_back(std::move(detail));
        }
        json::object entry{{"policy", std::move(policy)},
                           {"summary",
                            {{"total-successful-session-count", successful},
                             {"total-failure-session-count", failed}}}};
        if (!failures.empty()) {
            entry["failure-details"] = std::move(failures);
        }
        policies.emplace_back(std::move(entry));
    }

    json::object report{
        {"organization-name", metadata.organization_name},
        {"date-range",
         {{"start-datetime", rfc3339_utc(metadata.begin)},
          {"end-datetime", rfc3339_utc(metadata.end)}}},
        {"contact-info", metadata.contact_info},
        {"report-id", metadata.report_id},
        {"policies", std::move(policies)},
    };
    return json::serialize(report);
}

std::string tls_report_filename(std::string_view submitter, std::string_view policy_domain,
                                const TlsReportMetadata& metadata) {
    return fmt::format("{}!{}!{}!{}.json.gz", submitter, policy_domain, metadata.begin,
                       metadata.end);
}

}  // namespace sealbox::reports
