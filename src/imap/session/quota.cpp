// GETQUOTAROOT and GETQUOTA (RFC 9208 §4.2-3): one quota root, "", for the whole account, with
// the STORAGE resource in units of 1024 octets (§5.1).

#include "imap/proto/string_writer.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

std::string quota_line(const Quota& quota) {
    if (quota.limit == 0) {
        return "* QUOTA \"\" ()\r\n";
    }
    return "* QUOTA \"\" (STORAGE " + std::to_string((quota.used + 1023) / 1024) + " " +
           std::to_string(quota.limit / 1024) + ")\r\n";
}

}  // namespace

boost::asio::awaitable<void> Session::on_get_quota_root(const GetQuotaRoot& command) {
    auto account = account_;
    std::string name = command.mailbox;
    // status() also says whether the mailbox exists (RFC 9208 §4.3: NO otherwise).
    auto work = [account, name] {
        account->status(name);
        return account->quota();
    };
    auto quota = co_await net::run_blocking(services_.workers, std::move(work));
    std::string out = "* QUOTAROOT ";
    write_mailbox(out, command.mailbox, utf8());
    out += quota.limit == 0 ? "\r\n" : " \"\"\r\n";
    send(out);
    if (quota.limit != 0) {
        send(quota_line(quota));
    }
    done(Condition::ok, "GETQUOTAROOT completed");
}

boost::asio::awaitable<void> Session::on_get_quota(const GetQuota& command) {
    if (!command.root.empty()) {
        done(Condition::no, ResponseCode::simple("NONEXISTENT"), "No such quota root");
        co_return;
    }
    auto account = account_;
    auto work = [account] { return account->quota(); };
    auto quota = co_await net::run_blocking(services_.workers, std::move(work));
    send(quota_line(quota));
    done(Condition::ok, "GETQUOTA completed");
}

}  // namespace sealbox::imap
