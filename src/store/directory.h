#pragma once
// The directory: domains, accounts (with their wrapped keys and quota) and aliases.
// Narrow on purpose, so that a deployment of several machines can put it on PostgreSQL.

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/account_keys.h"

namespace sealbox::store {

struct Domain {
    std::int64_t id = 0;
    std::string name;
};

struct Account {
    std::int64_t id = 0;
    std::string
        key_id;  // permanent random identifier; names the account's files and binds its keys
    std::string address;  // lookup form (lower case)
    std::string domain;
    std::int64_t quota_bytes = 0;  // 0 = unlimited
    std::int64_t used_bytes = 0;
    std::int64_t mailbox_generation = 1;  // bumped when an administrator resets the keys
    crypto::WrappedAccountKeys keys;
};

struct Alias {
    std::string source;  // "user@domain", or "@domain" for a catch-all
    std::string target;  // a local account, another alias, or an external address
};

class Directory {
  public:
    virtual ~Directory() = default;

    virtual Domain add_domain(std::string_view name) = 0;
    virtual std::optional<Domain> find_domain(std::string_view name) = 0;
    virtual std::vector<Domain> domains() = 0;
    // Refuses (invalid_argument) while accounts or aliases of the domain exist.
    virtual void remove_domain(std::string_view name) = 0;

    virtual Account add_account(const Account& account) = 0;
    virtual std::optional<Account> find_account(std::string_view address) = 0;
    virtual std::vector<Account> accounts(std::optional<std::string_view> domain) = 0;
    virtual void update_keys(std::int64_t account_id, const crypto::WrappedAccountKeys& keys,
                             std::int64_t mailbox_generation) = 0;
    virtual void set_quota(std::int64_t account_id, std::int64_t quota_bytes) = 0;
    virtual void remove_account(std::string_view address) = 0;

    // Adds `bytes` to the account's usage if that stays within its quota; false otherwise. Not
    // durable by itself: it becomes durable with the delivery it is for (GroupSync); after a
    // crash the usage is recounted at the account's next login.
    virtual bool reserve_quota(std::int64_t account_id, std::int64_t bytes) = 0;
    virtual void release_quota(std::int64_t account_id, std::int64_t bytes) = 0;
    virtual void set_usage(std::int64_t account_id, std::int64_t bytes) = 0;

    virtual void add_alias(const Alias& alias) = 0;
    virtual std::vector<Alias> aliases(std::optional<std::string_view> domain) = 0;
    virtual std::vector<std::string> alias_targets(std::string_view source) = 0;
    // Removes one target, or every target of `source` when `target` is empty; not_found if none.
    virtual void remove_alias(std::string_view source, std::string_view target) = 0;
};

// The embedded directory: one SQLite database in WAL mode, safe to share between processes.
std::unique_ptr<Directory> open_sqlite_directory(const std::filesystem::path& file);

}  // namespace sealbox::store
