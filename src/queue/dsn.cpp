#include "queue/dsn.h"

#include <fmt/format.h>

#include "core/date.h"
#include "crypto/random.h"

namespace sealbox::queue {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

bool has_eight_bit(std::string_view text) {
    for (unsigned char c : text) {
        if (c >= 0x80) {
            return true;
        }
    }
    return false;
}

// A remote server's words go into header-like fields: printable ASCII only, one line, bounded.
std::string printable(std::string_view text, std::size_t max = 900) {
    std::string out;
    for (char c : text) {
        if (out.size() >= max) {
            break;
        }
        out += (c >= 0x20 && c < 0x7f) ? c : ' ';
    }
    return out;
}

const char* action_name(DsnAction action) {
    switch (action) {
        case DsnAction::failed:
            return "failed";
        case DsnAction::delayed:
            return "delayed";
        case DsnAction::delivered:
            return "delivered";
        case DsnAction::relayed:
            return "relayed";
    }
    return "failed";
}

// RFC 3464 §2.3.2, RFC 6533 §3: the address type is utf-8 when the address is not ASCII.
std::string typed_address(std::string_view address) {
    // printable() keeps ASCII only, so a UTF-8 address is written as it came.
    if (has_eight_bit(address)) {
        return "utf-8; " + std::string(address.substr(0, 998));
    }
    return "rfc822; " + printable(address, 998);
}

std::string_view header_of(std::string_view message) {
    auto end = message.find("\r\n\r\n");
    return end == std::string_view::npos ? message : message.substr(0, end + 2);
}

// The report is about its worst news: a failure, else a delay, else success.
DsnAction headline(const DsnReport& report) {
    DsnAction worst = DsnAction::relayed;
    for (const auto& r : report.recipients) {
        if (r.action == DsnAction::failed) {
            return DsnAction::failed;
        }
        if (r.action == DsnAction::delayed) {
            worst = DsnAction::delayed;
        } else if (worst != DsnAction::delayed && r.action == DsnAction::delivered) {
            worst = DsnAction::delivered;
        }
    }
    return worst;
}

std::string human_text(const DsnReport& report) {
    std::string out = fmt::format("This is the mail system at {}.\r\n\r\n", report.reporting_host);
    switch (headline(report)) {
        case DsnAction::failed:
            out +=
                "Your message could not be delivered to one or more recipients. This is a\r\n"
                "permanent error; the message will not be sent to them again.\r\n\r\n";
            break;
        case DsnAction::delayed:
            out +=
                "Your message has not been delivered yet to one or more recipients. Delivery\r\n"
                "will be tried again; you need not send it again.\r\n\r\n";
            break;
        case DsnAction::delivered:
        case DsnAction::relayed:
            out +=
                "Your message was delivered (or handed to a server that does not send\r\n"
                "delivery reports) for the recipients below.\r\n\r\n";
            break;
    }
    for (const auto& r : report.recipients) {
        out += fmt::format("<{}>: {}", printable(r.final_recipient, 500), action_name(r.action));
        if (!r.remote_host.empty()) {
            out += fmt::format(", host {} said", printable(r.remote_host, 255));
        }
        if (!r.last_reply.empty()) {
            out += fmt::format(": {}", printable(r.last_reply, 500));
        }
        if (r.action == DsnAction::delayed) {
            out += fmt::format(" (will retry until {})", rfc5322_date(r.will_retry_until));
        }
        out += "\r\n";
    }
    return out;
}

std::string delivery_status(const DsnReport& report) {
    // RFC 3464 §2.2: per-message fields, then one block per recipient.
    std::string out = fmt::format("Reporting-MTA: dns; {}\r\n", report.reporting_host);
    if (!report.envid.empty()) {
        out += fmt::format("Original-Envelope-Id: {}\r\n", printable(report.envid, 100));
    }
    out += fmt::format("Arrival-Date: {}\r\n", rfc5322_date(report.arrival));
    for (const auto& r : report.recipients) {
        out += "\r\n";
        if (!r.original_recipient.empty()) {
            auto semicolon = r.original_recipient.find(';');
            out +=
                fmt::format("Original-Recipient: {}\r\n",
                            semicolon == std::string::npos ? typed_address(r.original_recipient)
                                                           : printable(r.original_recipient, 998));
        }
        out += fmt::format("Final-Recipient: {}\r\n", typed_address(r.final_recipient));
        out += fmt::format("Action: {}\r\n", action_name(r.action));
        out += fmt::format("Status: {}\r\n", status_of(r.last_reply));
        if (!r.remote_host.empty()) {
            out += fmt::format("Remote-MTA: dns; {}\r\n", printable(r.remote_host, 255));
        }
        if (!r.last_reply.empty() && is_digit(r.last_reply[0]) && r.last_reply.size() > 3 &&
            r.last_reply[1] != '.') {
            out += fmt::format("Diagnostic-Code: smtp; {}\r\n", printable(r.last_reply));
        }
        if (r.last_attempt != 0) {
            out += fmt::format("Last-Attempt-Date: {}\r\n", rfc5322_date(r.last_attempt));
        }
        if (r.action == DsnAction::delayed) {
            out += fmt::format("Will-Retry-Until: {}\r\n", rfc5322_date(r.will_retry_until));
        }
    }
    return out;
}

}  // namespace

std::string status_of(std::string_view reply) {
    // "550 5.1.1 text": the enhanced code follows the basic one (RFC 2034 §4).
    std::string_view rest = reply;
    char basic_class = 0;
    if (rest.size() >= 3 && is_digit(rest[0]) && is_digit(rest[1]) && is_digit(rest[2]) &&
        (rest.size() == 3 || rest[3] == ' ' || rest[3] == '-')) {
        basic_class = rest[0];
        rest.remove_prefix(std::min<std::size_t>(rest.size(), 4));
    }
    auto end = rest.find(' ');
    std::string_view token = rest.substr(0, end);
    // class "." subject "." detail, RFC 3463 §2: 1 digit, 1-3 digits, 1-3 digits.
    auto first = token.find('.');
    auto second = first == std::string_view::npos ? first : token.find('.', first + 1);
    bool enhanced = token.size() >= 5 && (token[0] == '2' || token[0] == '4' || token[0] == '5') &&
                    first == 1 && second != std::string_view::npos && second > 2 &&
                    second - first <= 4 && token.size() - second >= 2 && token.size() - second <= 4;
    for (std::size_t i = 0; enhanced && i < token.size(); ++i) {
        enhanced = is_digit(token[i]) || token[i] == '.';
    }
    if (enhanced && (basic_class == 0 || basic_class == token[0])) {
        return std::string(token);
    }
    return fmt::format("{}.0.0", basic_class == '2' || basic_class == '4' ? basic_class : '5');
}

std::string build_dsn(const DsnReport& report, std::string_view original,
                      std::size_t max_returned) {
    const std::string boundary = "=_sealbox-dsn-" + crypto::random_hex(12);
    const DsnAction action = headline(report);
    const char* subject = action == DsnAction::failed    ? "Undelivered Mail Returned to Sender"
                          : action == DsnAction::delayed ? "Delayed Mail (still being retried)"
                                                         : "Successful Mail Delivery Report";
    bool whole = !report.headers_only && original.size() <= max_returned;
    // RFC 6533 §3, §6: a report on an SMTPUTF8 message uses the "global" types.
    const char* status_type =
        report.utf8 ? "message/global-delivery-status" : "message/delivery-status";
    const char* returned_type =
        whole ? (report.utf8 ? "message/global" : "message/rfc822")
              : (report.utf8 ? "message/global-headers" : "text/rfc822-headers");

    std::string out;
    out += fmt::format("From: Mail Delivery System <MAILER-DAEMON@{}>\r\n", report.reporting_host);
    out += fmt::format("To: <{}>\r\n", report.recipient);
    out += fmt::format("Subject: {}\r\n", subject);
    out += fmt::format("Date: {}\r\n", rfc5322_date(report.now));
    out += fmt::format("Message-ID: <{}@{}>\r\n", crypto::random_hex(12), report.reporting_host);
    out += "Auto-Submitted: auto-replied\r\n";  // RFC 3834 §5
    out += "MIME-Version: 1.0\r\n";
    // RFC 6522 §3: multipart/report; RFC 3464 §2: report-type=delivery-status.
    out += fmt::format(
        "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"{}\"\r\n",
        boundary);
    out += "\r\nThis is a MIME-encapsulated delivery status notification.\r\n";
    out += fmt::format("\r\n--{}\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n", boundary);
    out += human_text(report);
    out += fmt::format("\r\n--{}\r\nContent-Type: {}\r\n\r\n", boundary, status_type);
    out += delivery_status(report);
    std::string_view returned = whole ? original : header_of(original);
    out += fmt::format("\r\n--{}\r\nContent-Type: {}\r\n", boundary, returned_type);
    if (report.utf8 || has_eight_bit(returned)) {
        out += "Content-Transfer-Encoding: 8bit\r\n";
    }
    out += "\r\n";
    out += returned;
    if (!returned.empty() && returned.back() != '\n') {
        out += "\r\n";
    }
    out += fmt::format("\r\n--{}--\r\n", boundary);
    return out;
}

}  // namespace sealbox::queue
