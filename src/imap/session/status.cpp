// STATUS (RFC 9051 §6.3.11) with SIZE (RFC 8438), HIGHESTMODSEQ (RFC 7162 §3.1.6),
// APPENDLIMIT (RFC 7889 §4) and MAILBOXID (RFC 8474 §4); also LIST-STATUS's lines (RFC 5819).

#include "imap/proto/string_writer.h"
#include "imap/session/session.h"

namespace sealbox::imap {

std::string Session::status_response_line(std::string_view mailbox, const MailboxStatus& status,
                                          const std::vector<StatusItem>& items) {
    std::string out = "* STATUS ";
    write_mailbox(out, mailbox, utf8());
    out += " (";
    bool first = true;
    auto item = [&](std::string_view name, const std::string& value) {
        out += first ? "" : " ";
        out += name;
        out += ' ';
        out += value;
        first = false;
    };
    for (StatusItem i : items) {
        switch (i) {
            case StatusItem::messages:
                item("MESSAGES", std::to_string(status.messages));
                break;
            case StatusItem::uid_next:
                item("UIDNEXT", std::to_string(status.uid_next));
                break;
            case StatusItem::uid_validity:
                item("UIDVALIDITY", std::to_string(status.uid_validity));
                break;
            case StatusItem::unseen:
                item("UNSEEN", std::to_string(status.unseen));
                break;
            case StatusItem::deleted:
                item("DELETED", std::to_string(status.deleted));
                break;
            case StatusItem::size:
                item("SIZE", std::to_string(status.size));
                break;
            case StatusItem::recent:
                item("RECENT", "0");  // \Recent is never set (RFC 9051 Appendix E)
                break;
            case StatusItem::highest_modseq:
                item("HIGHESTMODSEQ", std::to_string(status.highest_modseq));
                break;
            case StatusItem::append_limit:
                item("APPENDLIMIT", std::to_string(services_.mail.append_limit()));
                break;
            case StatusItem::mailbox_id:
                if (!status.mailbox_id.empty()) {
                    item("MAILBOXID", "(" + status.mailbox_id + ")");
                }
                break;
        }
    }
    out += ")\r\n";
    return out;
}

boost::asio::awaitable<void> Session::on_status(const Status& status) {
    for (StatusItem i : status.items) {
        if (i == StatusItem::highest_modseq) {
            condstore_ = true;  // RFC 7162 §3.1: a CONDSTORE-enabling command
        }
    }
    auto account = account_;
    std::string name = status.mailbox;
    auto work = [account, name] { return account->status(name); };
    auto result = co_await net::run_blocking(services_.workers, std::move(work));
    send(status_response_line(status.mailbox, result, status.items));
    done(Condition::ok, "STATUS completed");
}

}  // namespace sealbox::imap
