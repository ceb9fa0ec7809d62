// CREATE (RFC 9051 §6.3.4, with USE from RFC 6154 §3), DELETE (§6.3.5), RENAME (§6.3.6),
// SUBSCRIBE and UNSUBSCRIBE (§6.3.7-8). Failures carry RFC 5530 codes.

#include "imap/proto/chars.h"
#include "imap/session/parameters.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

// RFC 9051 §6.3.4: a trailing delimiter only says the name will have children.
std::string without_trailing_delimiter(std::string name) {
    while (name.size() > 1 && name.back() == kHierarchyDelimiter) {
        name.pop_back();
    }
    return name;
}

bool is_special_use(std::string_view use) {
    for (std::string_view known :
         {"\\All", "\\Archive", "\\Drafts", "\\Flagged", "\\Junk", "\\Sent", "\\Trash"}) {
        if (chars::iequals(use, known)) {
            return true;
        }
    }
    return false;
}

}  // namespace

boost::asio::awaitable<void> Session::on_create(const Create& create) {
    std::string use;
    try {
        use = parse_create_use(create.raw_parameters);
    } catch (const SyntaxError& e) {
        bad(e.what());
        co_return;
    }
    if (!use.empty() && !is_special_use(use)) {
        done(Condition::no, ResponseCode::simple("USEATTR"), "Unknown special use");  // §6
        co_return;
    }
    std::string name = without_trailing_delimiter(create.mailbox);
    if (name == "INBOX") {
        done(Condition::no, ResponseCode::simple("ALREADYEXISTS"), "INBOX always exists");
        co_return;
    }
    auto account = account_;
    try {
        auto work = [account, name, use] { account->create(name, use); };
        co_await net::run_blocking(services_.workers, std::move(work));
    } catch (const Error& e) {
        if (e.code() == ErrorCode::invalid_argument && !use.empty()) {
            done(Condition::no, ResponseCode::simple("USEATTR"), e.what());  // RFC 6154 §6
            co_return;
        }
        throw;
    }
    done(Condition::ok, "CREATE completed");
}

boost::asio::awaitable<void> Session::on_delete(const Delete& remove) {
    if (remove.mailbox == "INBOX") {
        done(Condition::no, ResponseCode::simple("CANNOT"), "INBOX cannot be deleted");
        co_return;
    }
    auto account = account_;
    std::string name = remove.mailbox;
    auto work = [account, name] { account->remove(name); };
    co_await net::run_blocking(services_.workers, std::move(work));
    done(Condition::ok, "DELETE completed");
}

boost::asio::awaitable<void> Session::on_rename(const Rename& rename) {
    auto account = account_;
    std::string from = rename.from;
    std::string to = without_trailing_delimiter(rename.to);
    if (to == "INBOX") {
        done(Condition::no, ResponseCode::simple("ALREADYEXISTS"), "INBOX always exists");
        co_return;
    }
    auto work = [account, from, to] { account->rename(from, to); };
    co_await net::run_blocking(services_.workers, std::move(work));
    // The selected mailbox keeps being selected under its new name (and its children's).
    if (selected_ && from != "INBOX") {
        std::string& name = selected_->name;
        if (name == from) {
            name = to;
        } else if (name.starts_with(from + kHierarchyDelimiter)) {
            name = to + name.substr(from.size());
        }
    }
    done(Condition::ok, "RENAME completed");
}

boost::asio::awaitable<void> Session::on_subscribe(const std::string& mailbox, bool subscribe) {
    auto account = account_;
    auto work = [account, mailbox, subscribe] { account->subscribe(mailbox, subscribe); };
    co_await net::run_blocking(services_.workers, std::move(work));
    done(Condition::ok, subscribe ? "SUBSCRIBE completed" : "UNSUBSCRIBE completed");
}

}  // namespace sealbox::imap
