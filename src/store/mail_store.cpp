#include "store/mail_store.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>

#include "core/address.h"
#include "mime/message_summary.h"
#include "mime/searchable_text.h"

namespace sealbox::store {
namespace {

constexpr int kMaxAliasDepth = 8;
constexpr const char* kAuthFailed = "authentication failed";

std::string_view domain_part(std::string_view address) {
    return address.substr(address.rfind('@') + 1);
}

}  // namespace

// One message on its way into mailboxes: what is derived from it is computed once, and only
// when a mailbox needs it (a spooled copy needs no searchable text yet).
struct MailStore::PreparedMessage {
    PreparedMessage(std::string_view raw, std::int64_t internal_date)
        : raw(raw), internal_date(internal_date) {}

    std::string_view raw;
    std::int64_t internal_date = 0;
    std::vector<std::uint8_t> summary;
    std::optional<mime::SearchableText> text;

    NewMessage new_message() {
        NewMessage out;
        out.raw = raw;
        out.summary = summary_bytes();
        out.internal_date = internal_date;
        out.text = &indexable();
        return out;
    }

    const std::vector<std::uint8_t>& summary_bytes() {
        if (summary.empty()) {
            summary = mime::serialize(mime::summarize(raw));
        }
        return summary;
    }
    const mime::SearchableText& indexable() {
        if (!text) {
            text = indexable_text(raw);
        }
        return *text;
    }
};

UnlockedAccount::Reader::Reader(UnlockedAccount& account) : account_(account) {
    {
        std::lock_guard lock(account_.readers_mutex_);
        if (!account_.idle_readers_.empty()) {
            store_ = std::move(account_.idle_readers_.back());
            account_.idle_readers_.pop_back();
            return;
        }
    }
    store_ = account_.open_reader_(account_.keys_.mailbox_database_key());
}

UnlockedAccount::Reader::~Reader() {
    std::lock_guard lock(account_.readers_mutex_);
    account_.idle_readers_.push_back(std::move(store_));
}

std::uint64_t UnlockedAccount::add_watcher(std::function<void()> on_change) {
    std::lock_guard lock(watchers_mutex_);
    std::uint64_t id = next_watcher_++;
    watchers_.emplace(id, std::move(on_change));
    return id;
}

void UnlockedAccount::remove_watcher(std::uint64_t id) {
    std::lock_guard lock(watchers_mutex_);
    watchers_.erase(id);
}

void UnlockedAccount::notify() {
    std::lock_guard lock(watchers_mutex_);
    for (const auto& [id, on_change] : watchers_) {
        on_change();
    }
}

MailStore::MailStore(std::unique_ptr<Directory> directory, StoreOptions options)
    : directory_(std::move(directory)),
      options_(std::move(options)),
      durability_(options_.data_dir) {}

MailStore::~MailStore() = default;

std::filesystem::path MailStore::account_dir(const Account& account) const {
    return options_.data_dir / "accounts" / account.key_id;
}

std::filesystem::path MailStore::mailbox_path(const Account& account) const {
    return account_dir(account) / ("mailbox-" + std::to_string(account.mailbox_generation) + ".db");
}

std::string MailStore::normalized_address(std::string_view address) const {
    auto parsed = parse_address(address);
    if (!parsed) {
        throw Error(ErrorCode::invalid_argument, "not a valid address: " + std::string(address));
    }
    return address_key(*parsed);
}

Account MailStore::require_account(std::string_view address) {
    auto account = directory_->find_account(normalized_address(address));
    if (!account) {
        throw Error(ErrorCode::not_found, "no such account: " + std::string(address));
    }
    return *account;
}

Domain MailStore::add_domain(std::string_view name) {
    auto domain = normalize_domain(name);
    if (!domain) {
        throw Error(ErrorCode::invalid_argument, "not a valid domain name: " + std::string(name));
    }
    if (directory_->find_domain(*domain)) {
        throw Error(ErrorCode::already_exists, "domain " + *domain + " already exists");
    }
    spdlog::info("domain {} added", *domain);
    return directory_->add_domain(*domain);
}

void MailStore::remove_domain(std::string_view name) {
    auto domain = normalize_domain(name);
    directory_->remove_domain(domain ? *domain : std::string(name));
    spdlog::info("domain {} removed", domain ? *domain : std::string(name));
}

std::string MailStore::create_account(std::string_view address, std::string_view password,
                                      std::optional<std::int64_t> quota_bytes) {
    std::string key = normalized_address(address);
    if (password.empty()) {
        throw Error(ErrorCode::invalid_argument, "the password must not be empty");
    }
    if (!directory_->find_domain(domain_part(key))) {
        throw Error(ErrorCode::not_found,
                    "no such domain: " + std::string(domain_part(key)) + " (add it first)");
    }
    if (directory_->find_account(key)) {
        throw Error(ErrorCode::already_exists, "account " + key + " already exists");
    }
    if (!directory_->alias_targets(key).empty()) {
        throw Error(ErrorCode::already_exists, key + " is already an alias");
    }
    Account account;
    account.key_id = crypto::new_account_id();
    account.address = key;
    account.quota_bytes = quota_bytes.value_or(options_.default_quota_bytes);
    auto created = crypto::create_account_keys(password, options_.password_params, account.key_id);
    account.keys = std::move(created.wrapped);
    directory_->add_account(account);
    spdlog::info("account {} created", key);
    return created.recovery_key;
}

void MailStore::change_password(std::string_view address, std::string_view old_password,
                                std::string_view new_password) {
    if (new_password.empty()) {
        throw Error(ErrorCode::invalid_argument, "the password must not be empty");
    }
    auto account = directory_->find_account(normalized_address(address));
    if (!account) {
        crypto::spend_password_time(old_password, options_.password_params);
        throw Error(ErrorCode::auth_failed, kAuthFailed);
    }
    auto keys = crypto::unlock_with_password(account->keys, old_password, account->key_id);
    crypto::rewrap_for_password(account->keys, keys, new_password, options_.password_params,
                                account->key_id);
    directory_->update_keys(account->id, account->keys, account->mailbox_generation);
    spdlog::info("account {}: password changed", account->address);
}

void MailStore::recover_account(std::string_view address, std::string_view recovery_key,
                                std::string_view new_password) {
    if (new_password.empty()) {
        throw Error(ErrorCode::invalid_argument, "the password must not be empty");
    }
    Account account = require_account(address);
    auto keys = crypto::unlock_with_recovery_key(account.keys, recovery_key, account.key_id);
    crypto::rewrap_for_password(account.keys, keys, new_password, options_.password_params,
                                account.key_id);
    directory_->update_keys(account.id, account.keys, account.mailbox_generation);
    spdlog::info("account {}: password set with the recovery key", account.address);
}

std::string MailStore::reset_account(std::string_view address, std::string_view new_password) {
    if (new_password.empty()) {
        throw Error(ErrorCode::invalid_argument, "the password must not be empty");
    }
    Account account = require_account(address);
    {
        std::lock_guard lock(mutex_);
        unlocked_.erase(account.key_id);
    }
    auto created =
        crypto::create_account_keys(new_password, options_.password_params, account.key_id);
    directory_->update_keys(account.id, created.wrapped, account.mailbox_generation + 1);
    directory_->set_usage(account.id, 0);
    // The old mailbox and spool were encrypted under keys that no longer exist anywhere.
    std::error_code ec;
    std::filesystem::remove_all(account_dir(account), ec);
    spdlog::warn("account {}: keys reset by an administrator; its previous mail is destroyed",
                 account.address);
    return created.recovery_key;
}

void MailStore::remove_account(std::string_view address) {
    Account account = require_account(address);
    {
        std::lock_guard lock(mutex_);
        unlocked_.erase(account.key_id);
    }
    directory_->remove_account(account.address);
    std::error_code ec;
    std::filesystem::remove_all(account_dir(account), ec);
    spdlog::info("account {} removed", account.address);
}

void MailStore::add_alias(std::string_view source, std::string_view target) {
    std::string source_key;
    if (source.starts_with('@')) {
        auto domain = normalize_domain(source.substr(1));
        if (!domain) {
            throw Error(ErrorCode::invalid_argument, "not a valid domain: " + std::string(source));
        }
        source_key = "@" + *domain;
    } else {
        source_key = normalized_address(source);
        if (directory_->find_account(source_key)) {
            throw Error(ErrorCode::already_exists, source_key + " is an account");
        }
    }
    if (!directory_->find_domain(domain_part(source_key))) {
        throw Error(ErrorCode::not_found,
                    "no such domain: " + std::string(domain_part(source_key)));
    }
    std::string target_key = normalized_address(target);
    if (directory_->find_domain(domain_part(target_key))) {
        RecipientResolution check;
        resolve_into(target_key, 1, check);
    }
    directory_->add_alias({source_key, target_key});
    spdlog::info("alias {} -> {} added", source_key, target_key);
}

void MailStore::remove_alias(std::string_view source, std::string_view target) {
    std::string source_key =
        source.starts_with('@') ? std::string(source) : normalized_address(source);
    std::string target_key = target.empty() ? std::string() : normalized_address(target);
    directory_->remove_alias(source_key, target_key);
}

RecipientResolution MailStore::resolve(std::string_view address) {
    std::string key = normalized_address(address);
    if (!directory_->find_domain(domain_part(key))) {
        throw Error(ErrorCode::invalid_argument,
                    "not a local domain: " + std::string(domain_part(key)));
    }
    RecipientResolution out;
    resolve_into(key, 0, out);
    return out;
}

void MailStore::resolve_into(const std::string& key, int depth, RecipientResolution& out) {
    if (depth > kMaxAliasDepth) {
        throw Error(ErrorCode::invalid_argument, "alias chain too deep at " + key);
    }
    auto add_unique = [](std::vector<std::string>& list, const std::string& value) {
        if (std::find(list.begin(), list.end(), value) == list.end()) {
            list.push_back(value);
        }
    };
    auto follow = [&](const std::vector<std::string>& targets) {
        for (const auto& target : targets) {
            if (directory_->find_domain(domain_part(target))) {
                resolve_into(target, depth + 1, out);
            } else {
                add_unique(out.external, target);
            }
        }
    };
    if (directory_->find_account(key)) {
        add_unique(out.accounts, key);
        return;
    }
    if (auto targets = directory_->alias_targets(key); !targets.empty()) {
        follow(targets);
        return;
    }
    // Plus-addressing: user+tag@domain reaches user@domain (RFC 5233 subaddressing).
    std::string_view local = std::string_view(key).substr(0, key.rfind('@'));
    if (auto plus = local.find('+'); plus != std::string_view::npos && plus > 0) {
        std::string base = std::string(local.substr(0, plus)) + "@" + std::string(domain_part(key));
        if (directory_->find_account(base) || !directory_->alias_targets(base).empty()) {
            resolve_into(base, depth + 1, out);
            return;
        }
    }
    if (auto targets = directory_->alias_targets("@" + std::string(domain_part(key)));
        !targets.empty()) {
        follow(targets);
        return;
    }
    throw Error(ErrorCode::not_found, "no such recipient: " + key);
}

std::shared_ptr<UnlockedAccount> MailStore::unlocked(const std::string& key_id) {
    std::lock_guard lock(mutex_);
    auto it = unlocked_.find(key_id);
    return it == unlocked_.end() ? nullptr : it->second.account;
}

std::shared_ptr<AccountSession> MailStore::login(std::string_view address,
                                                 std::string_view password) {
    auto parsed = parse_address(address);
    auto account = parsed ? directory_->find_account(address_key(*parsed)) : std::nullopt;
    if (!account) {
        crypto::spend_password_time(password, options_.password_params);
        throw Error(ErrorCode::auth_failed, kAuthFailed);
    }
    crypto::UnlockedKeys keys;
    try {
        keys = crypto::unlock_with_password(account->keys, password, account->key_id);
    } catch (const Error&) {
        throw Error(ErrorCode::auth_failed, kAuthFailed);
    }
    // Several first logins at once open the mailbox once, not once each.
    std::unique_lock opening(opening_mutex_);
    auto shared = unlocked(account->key_id);
    bool opened_here = !shared;
    if (opened_here) {
        shared = open_unlocked(*account, std::move(keys));
    }
    {
        std::lock_guard lock(mutex_);
        auto& entry = unlocked_[account->key_id];
        if (!entry.account) {
            entry.account = shared;
        }
        shared = entry.account;
        ++entry.sessions;
    }
    opening.unlock();
    auto session = std::make_shared<AccountSession>(*this, shared);
    merge_spool(*shared);
    if (opened_here) {
        // Usage drifts only if a delivery crashed after reserving quota; recount it here.
        directory_->set_usage(account->id,
                              shared->with_store([](MailboxStore& s) { return s.total_bytes(); }));
    }
    return session;
}

std::shared_ptr<UnlockedAccount> MailStore::open_unlocked(const Account& account,
                                                          crypto::UnlockedKeys keys) {
    std::filesystem::create_directories(account_dir(account));
    auto store = std::make_unique<MailboxStore>(mailbox_path(account), keys.mailbox_database_key(),
                                                "mailbox of " + account.address);
    auto open_reader = [path = mailbox_path(account),
                        label = "mailbox of " + account.address](const crypto::SecretBytes& key) {
        return std::make_unique<MailboxStore>(path, key, label, MailboxStore::Access::read_only);
    };
    return std::make_shared<UnlockedAccount>(account, std::move(keys), std::move(store),
                                             std::move(open_reader));
}

void MailStore::merge_spool(UnlockedAccount& account) {
    const Account& a = account.account();
    Spool spool(account_dir(a) / "spool", a.key_id);
    auto names = spool.pending();
    if (names.empty()) {
        return;
    }
    std::vector<std::string> merged;
    std::size_t appended = 0;
    account.with_store([&](MailboxStore& store) {
        Transaction tx(store.database());
        for (const auto& name : names) {
            if (store.spool_entry_merged(name)) {
                merged.push_back(name);
                continue;
            }
            SpoolEntry entry;
            try {
                entry = spool.open(name, account.keys());
            } catch (const Error& e) {
                // One damaged entry must not hold back the rest; it stays in the spool for a
                // person to look at, and is reported each time.
                spdlog::error("account {}: {}", a.address, e.what());
                continue;
            }
            std::string folder = store.folder(entry.mailbox) ? entry.mailbox : "INBOX";
            NewMessage message;
            message.raw = entry.raw;
            message.summary = entry.summary;
            message.internal_date = entry.internal_date;
            store.append(folder, message);
            store.record_spool_entry(name);
            merged.push_back(name);
            ++appended;
        }
        tx.commit();
    });
    if (appended > 0) {
        account.notify();
    }
    // The bookkeeping rows go only after the files are gone, so that a crash in between is
    // recognised on the next merge instead of delivering twice.
    spool.remove(merged);
    auto remaining = spool.pending();
    account.with_store([&](MailboxStore& store) {
        Transaction tx(store.database());
        store.forget_spool_entries_except(remaining);
        tx.commit();
    });
    spdlog::info("account {}: merged {} spooled message(s)", a.address, merged.size());
}

void MailStore::release(const std::string& key_id) {
    std::lock_guard lock(mutex_);
    auto it = unlocked_.find(key_id);
    if (it != unlocked_.end() && --it->second.sessions == 0) {
        it->second.idle_since = std::chrono::steady_clock::now();
    }
}

std::size_t MailStore::close_idle(std::chrono::steady_clock::time_point now) {
    std::lock_guard lock(mutex_);
    return std::erase_if(unlocked_, [&](const auto& item) {
        const Entry& e = item.second;
        return e.sessions == 0 && now - e.idle_since >= options_.unlock_idle;
    });
}

std::size_t MailStore::unlocked_count() {
    std::lock_guard lock(mutex_);
    return unlocked_.size();
}

std::vector<DeliveryResult> MailStore::deliver(std::string_view raw,
                                               const std::vector<std::string>& accounts,
                                               std::string_view folder) {
    std::vector<DeliveryResult> results;
    std::vector<std::string> seen;
    PreparedMessage message(raw, static_cast<std::int64_t>(std::time(nullptr)));
    std::vector<std::shared_ptr<UnlockedAccount>> touched;
    for (const auto& address : accounts) {
        DeliveryResult result;
        result.account = address;
        try {
            Account account = require_account(address);
            if (std::find(seen.begin(), seen.end(), account.key_id) != seen.end()) {
                continue;  // one copy per account, however many of its addresses were named
            }
            seen.push_back(account.key_id);
            if (raw.size() > static_cast<std::size_t>(options_.max_message_bytes)) {
                throw Error(ErrorCode::invalid_argument, "message exceeds the maximum size");
            }
            result = deliver_one(account, message, folder, touched);
        } catch (const Error& e) {
            result.error = e.code();
            result.message = e.what();
        }
        results.push_back(std::move(result));
    }
    // One flush for every copy of this message and for those of concurrent deliveries.
    if (std::any_of(results.begin(), results.end(), [](const auto& r) { return r.delivered; })) {
        try {
            durability_.wait_durable();
        } catch (const Error& e) {
            for (auto& r : results) {
                if (r.delivered) {
                    r.delivered = false;
                    r.error = e.code();
                    r.message = e.what();
                }
            }
            return results;
        }
    }
    // Sessions hear of the message only once it is durable.
    for (const auto& account : touched) {
        account->notify();
    }
    return results;
}

DeliveryResult MailStore::deliver_one(const Account& account, PreparedMessage& message,
                                      std::string_view folder,
                                      std::vector<std::shared_ptr<UnlockedAccount>>& touched) {
    DeliveryResult result;
    result.account = account.address;
    auto size = static_cast<std::int64_t>(message.raw.size());
    if (!directory_->reserve_quota(account.id, size)) {
        result.error = ErrorCode::quota_exceeded;
        result.message = "mailbox of " + account.address + " is full";
        return result;
    }
    try {
        if (auto open = unlocked(account.key_id)) {
            merge_spool(*open);
            open->with_store([&](MailboxStore& store) {
                UnsyncedCommits unsynced(store.database());  // deliver() flushes
                Transaction tx(store.database());
                std::string target = store.folder(folder) ? std::string(folder) : "INBOX";
                store.append(target, message.new_message());
                tx.commit();
            });
            touched.push_back(open);
        } else {
            Spool spool(account_dir(account) / "spool", account.key_id);
            spool.append(account.keys.public_key,
                         {std::string(folder), message.internal_date, message.summary_bytes(),
                          std::string(message.raw)});
        }
    } catch (...) {
        directory_->release_quota(account.id, size);
        throw;
    }
    result.delivered = true;
    return result;
}

std::vector<std::int64_t> MailStore::append(AccountSession& session, std::string_view folder,
                                            std::span<const AppendRequest> requests) {
    std::int64_t size = 0;
    for (const AppendRequest& request : requests) {
        if (request.raw.size() > static_cast<std::size_t>(options_.max_message_bytes)) {
            throw Error(ErrorCode::invalid_argument, "message exceeds the maximum size");
        }
        size += static_cast<std::int64_t>(request.raw.size());
    }
    UnlockedAccount& account = session.account();
    const std::int64_t account_id = account.account().id;
    std::vector<PreparedMessage> messages;
    messages.reserve(requests.size());
    for (const AppendRequest& request : requests) {
        messages.emplace_back(request.raw, request.internal_date);
        messages.back().new_message();  // parsed before taking the quota and the lock
    }
    if (!directory_->reserve_quota(account_id, size)) {
        throw Error(ErrorCode::quota_exceeded, "mailbox is full");  // RFC 9208 §4.3 OVERQUOTA
    }
    std::vector<std::int64_t> uids;
    try {
        // RFC 3502 §6: one transaction, so that a MULTIAPPEND adds all its messages or none.
        uids = account.with_store([&](MailboxStore& store) {
            Transaction tx(store.database());
            std::vector<std::int64_t> added;
            for (std::size_t i = 0; i < requests.size(); ++i) {
                NewMessage message = messages[i].new_message();
                message.flags = requests[i].flags;
                message.keywords = requests[i].keywords;
                added.push_back(store.append(folder, message));
            }
            tx.commit();
            return added;
        });
    } catch (...) {
        directory_->release_quota(account_id, size);
        throw;
    }
    account.notify();
    return uids;
}

AccountSession::~AccountSession() {
    store_.release(account_->account().key_id);
}

void AccountSession::refresh() {
    store_.merge_spool(*account_);
}

}  // namespace sealbox::store
