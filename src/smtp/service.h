#pragma once
// What an SMTP, submission or LMTP session needs from the rest of the server, and nothing more.
// Every call blocks (SQLite, Argon2id, fsync): the session makes it through net::run_blocking on
// the worker pool. Narrow on purpose, so that the session is tested against a fake.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/address.h"

namespace sealbox::smtp {

enum class RecipientStatus {
    local,       // delivered here, to `accounts`
    unknown,     // our domain, but nobody receives this address
    over_quota,  // every account the address reaches is full
    forwarded,   // reaches an address outside our domains, which needs the outbound queue
    remote,      // the domain is not ours
};

struct RecipientCheck {
    RecipientStatus status = RecipientStatus::unknown;
    std::vector<std::string> accounts;  // for local: account addresses, deduplicated
};

struct DeliveryOutcome {
    enum class Failure {
        none,          // delivered, durably
        temporary,     // e.g. a disk error: worth retrying
        mailbox_full,  // the account's quota
        no_mailbox,    // the account went away since RCPT
        too_big,       // over the store's size limit
    };
    std::string account;
    Failure failure = Failure::temporary;
    bool delivered() const { return failure == Failure::none; }
};

class MailService {
  public:
    virtual ~MailService() = default;

    // `size` is what the client declared with MAIL SIZE=, or 0: an account that cannot take
    // that many more octets counts as full.
    virtual RecipientCheck check_recipient(const MailAddress& address, std::uint64_t size) = 0;

    // The account address on success; nullopt for a wrong user or password (the same answer
    // either way). Throws sealbox::Error for anything else, e.g. a store that cannot be read.
    virtual std::optional<std::string> authenticate(std::string_view user,
                                                    std::string_view password) = 0;

    // Whether `account` may use `address` as its sender: its own address, or an alias (or
    // sub-address) that reaches it.
    virtual bool may_send_as(std::string_view account, const MailAddress& address) = 0;

    // One copy per distinct account, each durable before this returns; one outcome per copy.
    virtual std::vector<DeliveryOutcome> deliver(std::string_view message,
                                                 const std::vector<std::string>& accounts) = 0;
};

}  // namespace sealbox::smtp
