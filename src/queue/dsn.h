#pragma once
// Delivery status notifications (RFC 3464), built as a complete message ready for local delivery
// to the sender's mailbox. Pure: no I/O.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::queue {

// RFC 3464 §2.3.3
enum class DsnAction { failed, delayed, delivered, relayed };

struct DsnRecipient {
    std::string final_recipient;     // the address we tried
    std::string original_recipient;  // RFC 3461 ORCPT "type;address", or empty
    DsnAction action = DsnAction::failed;
    std::string last_reply;  // "550 5.1.1 text" from a server, or "4.4.1 text" from us
    std::string remote_host;
    std::int64_t last_attempt = 0;
    std::int64_t will_retry_until = 0;  // for delayed
};

struct DsnReport {
    std::string reporting_host;  // our hostname
    std::string recipient;       // who gets the report: the original sender
    std::string envid;           // RFC 3461 ENVID
    std::int64_t arrival = 0;
    std::int64_t now = 0;
    bool headers_only = false;  // RFC 3461 RET=HDRS
    bool utf8 = false;          // RFC 6533: the message was SMTPUTF8
    std::vector<DsnRecipient> recipients;
};

// The status code of a reply as RFC 3464 §2.3.4 wants it: the enhanced code if the reply has one,
// else the class of the basic code ("5.0.0", "4.0.0").
std::string status_of(std::string_view last_reply);

// A DSN for `original` (the queued message, with its trace fields). At most `max_returned` octets
// of the original are returned whole; a longer one is returned as headers only.
std::string build_dsn(const DsnReport& report, std::string_view original,
                      std::size_t max_returned = 1 << 20);

}  // namespace sealbox::queue
