#pragma once
// MailService over the store and the outbound queue: what the SMTP sessions of `sealbox serve`
// call.

#include <functional>

#include "mailauth/dkim_keys/key_store.h"
#include "net/rate_limit.h"
#include "queue/queue_store.h"
#include "smtp/service.h"
#include "store/mail_store.h"

namespace sealbox::server {

class StoreMailService : public smtp::MailService {
  public:
    // `queued` runs after each enqueue (it wakes the delivery agent); `submissions` limits the
    // messages each account submits per hour; `dkim_keys` signs submissions (null: none).
    StoreMailService(store::MailStore& store, queue::QueueStore& queue,
                     std::function<void()> queued, net::RateLimit& submissions,
                     mailauth::dkim_keys::KeyStore* dkim_keys)
        : store_(store),
          queue_(queue),
          queued_(std::move(queued)),
          submissions_(submissions),
          dkim_keys_(dkim_keys) {}

    smtp::RecipientCheck check_recipient(const MailAddress& address, std::uint64_t size) override;
    std::optional<std::string> authenticate(std::string_view user,
                                            std::string_view password) override;
    bool may_send_as(std::string_view account, const MailAddress& address) override;
    std::vector<smtp::DeliveryOutcome> deliver(std::string_view message,
                                               const std::vector<std::string>& accounts,
                                               std::string_view folder) override;
    void enqueue(const smtp::OutboundMessage& message, std::string_view content) override;
    std::string dkim_signature(std::string_view message, std::string_view domain) override;
    bool may_submit_now(std::string_view account) override;

  private:
    store::MailStore& store_;
    queue::QueueStore& queue_;
    std::function<void()> queued_;
    net::RateLimit& submissions_;
    mailauth::dkim_keys::KeyStore* dkim_keys_;
};

}  // namespace sealbox::server
