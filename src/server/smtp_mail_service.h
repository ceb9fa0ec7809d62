#pragma once
// MailService over the store and the outbound queue: what the SMTP sessions of `sealbox serve`
// call.

#include <functional>

#include "net/rate_limit.h"
#include "queue/queue_store.h"
#include "smtp/service.h"
#include "store/mail_store.h"

namespace sealbox::server {

class StoreMailService : public smtp::MailService {
  public:
    // `queued` runs after each enqueue (it wakes the delivery agent); `submissions` limits the
    // messages each account submits per hour.
    StoreMailService(store::MailStore& store, queue::QueueStore& queue,
                     std::function<void()> queued, net::RateLimit& submissions)
        : store_(store), queue_(queue), queued_(std::move(queued)), submissions_(submissions) {}

    smtp::RecipientCheck check_recipient(const MailAddress& address, std::uint64_t size) override;
    std::optional<std::string> authenticate(std::string_view user,
                                            std::string_view password) override;
    bool may_send_as(std::string_view account, const MailAddress& address) override;
    std::vector<smtp::DeliveryOutcome> deliver(std::string_view message,
                                               const std::vector<std::string>& accounts) override;
    void enqueue(const smtp::OutboundMessage& message, std::string_view content) override;
    bool may_submit_now(std::string_view account) override;

  private:
    store::MailStore& store_;
    queue::QueueStore& queue_;
    std::function<void()> queued_;
    net::RateLimit& submissions_;
};

}  // namespace sealbox::server
