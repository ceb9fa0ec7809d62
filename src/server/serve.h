#pragma once

#include "core/config.h"
#include "store/mail_store.h"

namespace sealbox::server {

// Runs until SIGINT or SIGTERM; returns the process exit status.
int serve(const Config& config, store::MailStore& store);

}  // namespace sealbox::server
