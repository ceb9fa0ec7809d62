#pragma once
// MailService over the store: what the SMTP sessions of `sealbox serve` call.

#include "smtp/service.h"
#include "store/mail_store.h"

namespace sealbox::server {

class StoreMailService : public smtp::MailService {
  public:
    explicit StoreMailService(store::MailStore& store) : store_(store) {}

    smtp::RecipientCheck check_recipient(const MailAddress& address, std::uint64_t size) override;
    std::optional<std::string> authenticate(std::string_view user,
                                            std::string_view password) override;
    bool may_send_as(std::string_view account, const MailAddress& address) override;
    std::vector<smtp::DeliveryOutcome> deliver(std::string_view message,
                                               const std::vector<std::string>& accounts) override;

  private:
    store::MailStore& store_;
};

}  // namespace sealbox::server
