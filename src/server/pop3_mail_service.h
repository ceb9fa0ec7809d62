#pragma once
// pop3::MaildropService over the store: what the POP3 sessions of `sealbox serve` call. The
// maildrop is the account's INBOX.

#include <memory>

#include "pop3/service.h"
#include "store/mail_store.h"

namespace sealbox::server {

class MaildropLocks;

class StoreMaildropService : public pop3::MaildropService {
  public:
    explicit StoreMaildropService(store::MailStore& store);
    ~StoreMaildropService() override;

    pop3::Login login(std::string_view user, std::string_view password) override;

  private:
    store::MailStore& store_;
    // Shared with every open maildrop, which may outlive this service at shutdown.
    std::shared_ptr<MaildropLocks> locks_;
};

}  // namespace sealbox::server
