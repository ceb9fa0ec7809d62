#include <ctime>
#include <mutex>

#include "core/error.h"
#include "store/directory.h"
#include "store/sqlite.h"

namespace sealbox::store {
namespace {

constexpr int kSchemaVersion = 1;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS domains(
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS accounts(
    id INTEGER PRIMARY KEY,
    key_id TEXT NOT NULL UNIQUE,
    address TEXT NOT NULL UNIQUE,
    domain_id INTEGER NOT NULL REFERENCES domains(id),
    quota_bytes INTEGER NOT NULL,
    used_bytes INTEGER NOT NULL DEFAULT 0,
    mailbox_generation INTEGER NOT NULL,
    password_salt BLOB NOT NULL,
    password_opslimit INTEGER NOT NULL,
    password_memlimit INTEGER NOT NULL,
    master_by_password BLOB NOT NULL,
    master_by_recovery BLOB NOT NULL,
    public_key BLOB NOT NULL,
    secret_key_by_master BLOB NOT NULL,
    created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS aliases(
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,
    target TEXT NOT NULL,
    domain_id INTEGER NOT NULL REFERENCES domains(id),
    UNIQUE(source, target));
)sql";

constexpr const char* kAccountColumns =
    "a.id, a.key_id, a.address, d.name, a.quota_bytes, a.used_bytes, a.mailbox_generation, "
    "a.password_salt, a.password_opslimit, a.password_memlimit, a.master_by_password, "
    "a.master_by_recovery, a.public_key, a.secret_key_by_master";

Account read_account(const Statement& s) {
    Account a;
    a.id = s.int64(0);
    a.key_id = s.text(1);
    a.address = s.text(2);
    a.domain = s.text(3);
    a.quota_bytes = s.int64(4);
    a.used_bytes = s.int64(5);
    a.mailbox_generation = s.int64(6);
    a.keys.password_salt = s.blob(7);
    a.keys.password_params.opslimit = static_cast<std::uint64_t>(s.int64(8));
    a.keys.password_params.memlimit = static_cast<std::size_t>(s.int64(9));
    a.keys.master_by_password = s.blob(10);
    a.keys.master_by_recovery = s.blob(11);
    a.keys.public_key = s.blob(12);
    a.keys.secret_key_by_master = s.blob(13);
    return a;
}

std::string_view domain_of(std::string_view address) {
    auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string_view() : address.substr(at + 1);
}

class SqliteDirectory final : public Directory {
  public:
    explicit SqliteDirectory(const std::filesystem::path& file) : db_(Database::open(file)) {
        Transaction tx(db_);
        db_.exec(kSchema);
        auto version = db_.prepare("PRAGMA user_version");
        version.step();
        if (version.int64(0) > kSchemaVersion) {
            throw Error(ErrorCode::config, file.string() + " was written by a newer Sealbox");
        }
        db_.exec("PRAGMA user_version = 1");
        tx.commit();
    }

    Domain add_domain(std::string_view name) override {
        std::lock_guard lock(mutex_);
        db_.prepare("INSERT INTO domains(name, created) VALUES(?, ?)")
            .bind(1, name)
            .bind(2, static_cast<std::int64_t>(std::time(nullptr)))
            .run();
        return Domain{db_.last_insert_rowid(), std::string(name)};
    }

    std::optional<Domain> find_domain(std::string_view name) override {
        std::lock_guard lock(mutex_);
        auto s = db_.prepare("SELECT id, name FROM domains WHERE name = ?");
        s.bind(1, name);
        if (!s.step()) {
            return std::nullopt;
        }
        return Domain{s.int64(0), s.text(1)};
    }

    std::vector<Domain> domains() override {
        std::lock_guard lock(mutex_);
        std::vector<Domain> out;
        auto s = db_.prepare("SELECT id, name FROM domains ORDER BY name");
        while (s.step()) {
            out.push_back({s.int64(0), s.text(1)});
        }
        return out;
    }

    void remove_domain(std::string_view name) override {
        std::lock_guard lock(mutex_);
        Transaction tx(db_);
        auto s = db_.prepare(
            "SELECT (SELECT count(*) FROM accounts a JOIN domains d ON a.domain_id = d.id "
            "WHERE d.name = ?1), (SELECT count(*) FROM aliases a JOIN domains d ON "
            "a.domain_id = d.id WHERE d.name = ?1)");
        s.bind(1, name);
        s.step();
        if (s.int64(0) > 0 || s.int64(1) > 0) {
            throw Error(ErrorCode::invalid_argument,
                        "domain " + std::string(name) + " still has " + std::to_string(s.int64(0)) +
                            " account(s) and " + std::to_string(s.int64(1)) +
                            " alias(es); remove them first");
        }
        db_.prepare("DELETE FROM domains WHERE name = ?").bind(1, name).run();
        if (db_.changes() == 0) {
            throw Error(ErrorCode::not_found, "no such domain: " + std::string(name));
        }
        tx.commit();
    }

    Account add_account(const Account& a) override {
        std::lock_guard lock(mutex_);
        auto d = domain_id(domain_of(a.address));
        db_.prepare(
               "INSERT INTO accounts(key_id, address, domain_id, quota_bytes, used_bytes, "
               "mailbox_generation, password_salt, password_opslimit, password_memlimit, "
               "master_by_password, master_by_recovery, public_key, secret_key_by_master, created) "
               "VALUES(?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, a.key_id)
            .bind(2, a.address)
            .bind(3, d)
            .bind(4, a.quota_bytes)
            .bind(5, a.mailbox_generation)
            .bind_blob(6, a.keys.password_salt)
            .bind(7, static_cast<std::int64_t>(a.keys.password_params.opslimit))
            .bind(8, static_cast<std::int64_t>(a.keys.password_params.memlimit))
            .bind_blob(9, a.keys.master_by_password)
            .bind_blob(10, a.keys.master_by_recovery)
            .bind_blob(11, a.keys.public_key)
            .bind_blob(12, a.keys.secret_key_by_master)
            .bind(13, static_cast<std::int64_t>(std::time(nullptr)))
            .run();
        Account stored = a;
        stored.id = db_.last_insert_rowid();
        stored.domain = std::string(domain_of(a.address));
        stored.used_bytes = 0;
        return stored;
    }

    std::optional<Account> find_account(std::string_view address) override {
        std::lock_guard lock(mutex_);
        auto s = db_.prepare(std::string("SELECT ") + kAccountColumns +
                             " FROM accounts a JOIN domains d ON a.domain_id = d.id "
                             "WHERE a.address = ?");
        s.bind(1, address);
        if (!s.step()) {
            return std::nullopt;
        }
        return read_account(s);
    }

    std::vector<Account> accounts(std::optional<std::string_view> domain) override {
        std::lock_guard lock(mutex_);
        auto s = db_.prepare(std::string("SELECT ") + kAccountColumns +
                             " FROM accounts a JOIN domains d ON a.domain_id = d.id "
                             "WHERE ?1 IS NULL OR d.name = ?1 ORDER BY a.address");
        if (domain) {
            s.bind(1, *domain);
        }
        std::vector<Account> out;
        while (s.step()) {
            out.push_back(read_account(s));
        }
        return out;
    }

    void update_keys(std::int64_t account_id, const crypto::WrappedAccountKeys& k,
                     std::int64_t mailbox_generation) override {
        std::lock_guard lock(mutex_);
        db_.prepare(
               "UPDATE accounts SET password_salt = ?, password_opslimit = ?, "
               "password_memlimit = ?, master_by_password = ?, master_by_recovery = ?, "
               "public_key = ?, secret_key_by_master = ?, mailbox_generation = ? WHERE id = ?")
            .bind_blob(1, k.password_salt)
            .bind(2, static_cast<std::int64_t>(k.password_params.opslimit))
            .bind(3, static_cast<std::int64_t>(k.password_params.memlimit))
            .bind_blob(4, k.master_by_password)
            .bind_blob(5, k.master_by_recovery)
            .bind_blob(6, k.public_key)
            .bind_blob(7, k.secret_key_by_master)
            .bind(8, mailbox_generation)
            .bind(9, account_id)
            .run();
        expect_changed("account");
    }

    void set_quota(std::int64_t account_id, std::int64_t quota_bytes) override {
        std::lock_guard lock(mutex_);
        db_.prepare("UPDATE accounts SET quota_bytes = ? WHERE id = ?")
            .bind(1, quota_bytes)
            .bind(2, account_id)
            .run();
        expect_changed("account");
    }

    void remove_account(std::string_view address) override {
        std::lock_guard lock(mutex_);
        db_.prepare("DELETE FROM accounts WHERE address = ?").bind(1, address).run();
        expect_changed("account " + std::string(address));
    }

    bool reserve_quota(std::int64_t account_id, std::int64_t bytes) override {
        std::lock_guard lock(mutex_);
        // The delivery's flush makes this durable, not a sync of its own (see directory.h).
        UnsyncedCommits unsynced(db_);
        // One statement, so that concurrent deliveries (even from other processes) cannot both
        // squeeze under the quota.
        db_.prepare(
               "UPDATE accounts SET used_bytes = used_bytes + ?1 WHERE id = ?2 AND "
               "(quota_bytes = 0 OR used_bytes + ?1 <= quota_bytes)")
            .bind(1, bytes)
            .bind(2, account_id)
            .run();
        return db_.changes() == 1;
    }

    void release_quota(std::int64_t account_id, std::int64_t bytes) override {
        std::lock_guard lock(mutex_);
        UnsyncedCommits unsynced(db_);
        db_.prepare("UPDATE accounts SET used_bytes = max(0, used_bytes - ?) WHERE id = ?")
            .bind(1, bytes)
            .bind(2, account_id)
            .run();
    }

    void set_usage(std::int64_t account_id, std::int64_t bytes) override {
        std::lock_guard lock(mutex_);
        db_.prepare("UPDATE accounts SET used_bytes = ? WHERE id = ?")
            .bind(1, bytes)
            .bind(2, account_id)
            .run();
    }

    void add_alias(const Alias& alias) override {
        std::lock_guard lock(mutex_);
        auto d = domain_id(domain_of(alias.source));
        db_.prepare("INSERT INTO aliases(source, target, domain_id) VALUES(?, ?, ?)")
            .bind(1, alias.source)
            .bind(2, alias.target)
            .bind(3, d)
            .run();
    }

    std::vector<Alias> aliases(std::optional<std::string_view> domain) override {
        std::lock_guard lock(mutex_);
        auto s = db_.prepare(
            "SELECT a.source, a.target FROM aliases a JOIN domains d ON a.domain_id = d.id "
            "WHERE ?1 IS NULL OR d.name = ?1 ORDER BY a.source, a.target");
        if (domain) {
            s.bind(1, *domain);
        }
        std::vector<Alias> out;
        while (s.step()) {
            out.push_back({s.text(0), s.text(1)});
        }
        return out;
    }

    std::vector<std::string> alias_targets(std::string_view source) override {
        std::lock_guard lock(mutex_);
        auto s = db_.prepare("SELECT target FROM aliases WHERE source = ? ORDER BY target");
        s.bind(1, source);
        std::vector<std::string> out;
        while (s.step()) {
            out.push_back(s.text(0));
        }
        return out;
    }

    void remove_alias(std::string_view source, std::string_view target) override {
        std::lock_guard lock(mutex_);
        db_.prepare("DELETE FROM aliases WHERE source = ?1 AND (?2 = '' OR target = ?2)")
            .bind(1, source)
            .bind(2, target)
            .run();
        expect_changed("alias " + std::string(source));
    }

  private:
    std::int64_t domain_id(std::string_view name) {
        auto s = db_.prepare("SELECT id FROM domains WHERE name = ?");
        s.bind(1, name);
        if (!s.step()) {
            throw Error(ErrorCode::not_found, "no such domain: " + std::string(name));
        }
        return s.int64(0);
    }

    void expect_changed(const std::string& what) {
        if (db_.changes() == 0) {
            throw Error(ErrorCode::not_found, "no such " + what);
        }
    }

    std::mutex mutex_;
    Database db_;
};

}  // namespace

std::unique_ptr<Directory> open_sqlite_directory(const std::filesystem::path& file) {
    return std::make_unique<SqliteDirectory>(file);
}

}  // namespace sealbox::store
