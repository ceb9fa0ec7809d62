#pragma once
// imap::MailService over the encrypted store: what the IMAP sessions of `sealbox serve` call.

#include "imap/service.h"
#include "store/mail_store.h"

namespace sealbox::server {

class StoreImapService : public imap::MailService {
  public:
    explicit StoreImapService(store::MailStore& store) : store_(store) {}

    std::unique_ptr<imap::Account> login(std::string_view user, std::string_view password) override;
    std::uint64_t append_limit() const override;

  private:
    store::MailStore& store_;
};

}  // namespace sealbox::server
