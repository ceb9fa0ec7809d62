#include "reports/report_mail.h"

#include <fmt/format.h>

#include <cctype>
#include <ctime>

#include "core/base64.h"
#include "core/date.h"
#include "crypto/random.h"

namespace sealbox::reports {
namespace {

// RFC 2045 §6.8: lines of at most 76 characters.
std::string base64_lines(std::string_view data) {
    std::string encoded = base64_encode(data);
    std::string out;
    for (std::size_t at = 0; at < encoded.size(); at += 76) {
        out += encoded.substr(at, 76);
        out += "\r\n";
    }
    return out;
}

std::string day_of(std::int64_t time) {
    std::time_t t = static_cast<std::time_t>(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    return fmt::format("{:04}-{:02}-{:02}", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

struct Kind {
    std::string_view name;          // for the text part
    std::string_view content_type;  // of the whole message
    std::string_view attachment_type;
    bool tls_fields = false;
};

std::string build(const ReportEmail& email, const Kind& kind) {
    const std::string boundary = "=_sealbox-report-" + crypto::random_hex(12);
    std::string out;
    out += fmt::format("From: <{}>\r\n", email.from);
    out += "To: ";
    for (std::size_t i = 0; i < email.to.size(); ++i) {
        out += fmt::format("{}<{}>", i ? ",\r\n " : "", email.to[i]);
    }
    out += "\r\n";
    // RFC 7489 §7.2.1.1 / RFC 8460 §5.3, folded at the FWS the grammar allows.
    out += fmt::format("Subject: Report Domain: {}\r\n Submitter: {}\r\n Report-ID: <{}@{}>\r\n",
                       email.policy_domain, email.submitter, email.report_id, email.submitter);
    out += fmt::format("Date: {}\r\n", rfc5322_date(static_cast<std::time_t>(email.now)));
    out += fmt::format("Message-ID: <{}@{}>\r\n", crypto::random_hex(12), email.submitter);
    // RFC 3834 §5: machine-made, so that no auto-responder answers it.
    out += "Auto-Submitted: auto-generated\r\n";
    if (kind.tls_fields) {
        out += fmt::format("TLS-Report-Domain: {}\r\nTLS-Report-Submitter: {}\r\n",
                           email.policy_domain, email.submitter);
    }
    out += "MIME-Version: 1.0\r\n";
    out += fmt::format("Content-Type: {};\r\n\tboundary=\"{}\"\r\n", kind.content_type, boundary);
    out += fmt::format(
        "\r\n--{}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
        "This is the {} aggregate report of {} for {} for {} (UTC).\r\n",
        boundary, kind.name, email.org_name, email.policy_domain, day_of(email.begin));
    out += fmt::format(
        "\r\n--{}\r\nContent-Type: {}; name=\"{}\"\r\nContent-Transfer-Encoding: base64\r\n"
        "Content-Disposition: attachment; filename=\"{}\"\r\n\r\n",
        boundary, kind.attachment_type, email.filename, email.filename);
    out += base64_lines(email.attachment);
    out += fmt::format("\r\n--{}--\r\n", boundary);
    return out;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

}  // namespace

std::string dmarc_report_email(const ReportEmail& email) {
    return build(email, {"DMARC", "multipart/mixed", "application/gzip", false});
}

std::string tls_report_email(const ReportEmail& email) {
    return build(email, {"TLS", "multipart/report; report-type=\"tlsrpt\"",
                         "application/tlsrpt+gzip", true});
}

std::optional<MailAddress> mailto_address(std::string_view uri) {
    constexpr std::string_view kScheme = "mailto:";
    if (uri.size() <= kScheme.size()) {
        return std::nullopt;
    }
    for (std::size_t i = 0; i < kScheme.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(uri[i])) != kScheme[i]) {
            return std::nullopt;
        }
    }
    std::string_view to = uri.substr(kScheme.size());
    to = to.substr(0, to.find('?'));
    std::string address;
    for (std::size_t i = 0; i < to.size(); ++i) {
        if (to[i] != '%') {
            address += to[i];
            continue;
        }
        int high = i + 2 < to.size() ? hex_value(to[i + 1]) : -1;
        int low = high >= 0 ? hex_value(to[i + 2]) : -1;
        if (low < 0) {
            return std::nullopt;
        }
        address += static_cast<char>(high * 16 + low);
        i += 2;
    }
    if (address.find(',') != std::string::npos) {
        return std::nullopt;
    }
    return parse_address(address);
}

}  // namespace sealbox::reports
