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
#include "smtp/proto/command.h"

namespace sealbox::smtp {

enum class RecipientStatus {
    local,       // delivered here, to `accounts`
    unknown,     // our domain, but nobody receives this address
    over_quota,  // every account the address reaches is full
    forwarded,   // an alias that reaches addresses outside our domains (and maybe accounts)
    remote,      // the domain is not ours
};

struct RecipientCheck {
    RecipientStatus status = RecipientStatus::unknown;
    std::vector<std::string> accounts;    // local and forwarded: account addresses, deduplicated
    std::vector<std::string> forward_to;  // forwarded: the addresses outside our domains
};

// A message for the outbound queue, with the RFC 3461 parameters that travel with it.
struct OutboundRecipient {
    std::string address;  // the forward-path
    std::optional<Notify> notify;
    std::optional<Orcpt> orcpt;
};

struct OutboundMessage {
    std::string id;                     // as in the Received: field
    std::optional<std::string> sender;  // the reverse-path; empty for <>
    // The authenticated user who submitted it, who gets the delivery reports; empty for mail
    // forwarded on behalf of someone nobody authenticated, which never gets a report.
    std::string account;
    MailParams params;
    std::vector<OutboundRecipient> recipients;
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

    // One copy per distinct account into its mailbox `folder` (INBOX when it has none by that
    // name), each durable before this returns; one outcome per copy.
    virtual std::vector<DeliveryOutcome> deliver(std::string_view message,
                                                 const std::vector<std::string>& accounts,
                                                 std::string_view folder) = 0;

    // Puts a message in the outbound queue; durable when it returns. Throws sealbox::Error.
    virtual void enqueue(const OutboundMessage& message, std::string_view content) = 0;

    // The DKIM-Signature fields (RFC 6376) to prepend to a message submitted with an author at
    // `domain`, signed with that domain's keys; empty when it has none.
    virtual std::string dkim_signature(std::string_view message, std::string_view domain) = 0;

    // Counts one message submitted by `account`; false when that would exceed its hourly limit
    // (RFC 6409 §6.2 lets a submission server enforce such a policy).
    virtual bool may_submit_now(std::string_view account) = 0;
};

}  // namespace sealbox::smtp
