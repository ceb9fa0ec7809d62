#pragma once

#include "core/config.h"
#include "store/mail_store.h"

namespace sealbox::server {

// On the first start of the embedded default, creates the demo domain and account and prints
// its password and recovery key once on standard output. Does nothing once they exist.
void ensure_demo_account(const Config& config, store::MailStore& store);

}  // namespace sealbox::server
