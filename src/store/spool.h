#pragma once
// The spool of a locked account: each message sealed to the account's public key, one file per
// message, written atomically by append(); the caller makes it durable (MailStore shares one
// flush between concurrent deliveries, core/group_sync.h). Names sort in arrival order.

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "crypto/account_keys.h"

namespace sealbox::store {

struct SpoolEntry {
    std::string mailbox;                // target mailbox name, usually INBOX
    std::int64_t internal_date = 0;     // arrival time, seconds since the epoch
    std::vector<std::uint8_t> summary;  // serialized mime::MessageSummary
    std::string raw;                    // the message
};

class Spool {
  public:
    Spool(std::filesystem::path dir, std::string account_key_id);

    // Seals `entry` to `public_key`, writes it durably and returns its name.
    std::string append(std::span<const std::uint8_t> public_key, const SpoolEntry& entry);

    // Names of the entries waiting, oldest first.
    std::vector<std::string> pending() const;

    // Throws Error(corrupt) naming the entry if it fails authentication.
    SpoolEntry open(const std::string& name, const crypto::UnlockedKeys& keys) const;

    void remove(const std::vector<std::string>& names);

  private:
    std::string context(const std::string& name) const;

    std::filesystem::path dir_;
    std::string key_id_;
};

}  // namespace sealbox::store
