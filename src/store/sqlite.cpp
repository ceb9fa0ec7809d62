#include "store/sqlite.h"

#include <string>
#include <unordered_map>
#include <utility>

#include "core/error.h"

namespace sealbox::store {

class StatementCache {
  public:
    StatementCache() = default;
    StatementCache(const StatementCache&) = delete;
    ~StatementCache() { close(); }

    // An idle statement prepared from exactly `sql`, or nullptr.
    sqlite3_stmt* take(std::string_view sql) {
        auto found = idle_.find(sql);
        if (found == idle_.end() || found->second.empty()) {
            return nullptr;
        }
        sqlite3_stmt* stmt = found->second.back();
        found->second.pop_back();
        --count_;
        return stmt;
    }

    // Keeps a statement for reuse, keyed by the text it was prepared from; finalizes it once
    // the connection is closing or the cache is full (queries built at run time could
    // otherwise grow it without end).
    void give_back(sqlite3_stmt* stmt) {
        sqlite3_reset(stmt);
        sqlite3_clear_bindings(stmt);
        if (closed_ || count_ >= kMaxIdle) {
            sqlite3_finalize(stmt);
            return;
        }
        std::string_view sql = sqlite3_sql(stmt);
        auto found = idle_.find(sql);
        if (found == idle_.end()) {
            found = idle_.emplace(std::string(sql), std::vector<sqlite3_stmt*>()).first;
        }
        found->second.push_back(stmt);
        ++count_;
    }

    // Before the connection closes: statements still in use are finalized when they return.
    void close() noexcept {
        for (auto& [sql, stmts] : idle_) {
            for (sqlite3_stmt* stmt : stmts) {
                sqlite3_finalize(stmt);
            }
        }
        idle_.clear();
        count_ = 0;
        closed_ = true;
    }

  private:
    static constexpr std::size_t kMaxIdle = 256;

    struct TextHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view text) const {
            return std::hash<std::string_view>{}(text);
        }
    };

    std::unordered_map<std::string, std::vector<sqlite3_stmt*>, TextHash, std::equal_to<>> idle_;
    std::size_t count_ = 0;
    bool closed_ = false;
};

Statement::Statement(sqlite3* db, sqlite3_stmt* stmt, std::function<void(int)> fail,
                     std::shared_ptr<StatementCache> cache)
    : db_(db), stmt_(stmt), fail_(std::move(fail)), cache_(std::move(cache)) {}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      fail_(std::move(other.fail_)),
      cache_(std::move(other.cache_)) {}

Statement::~Statement() {
    if (stmt_ != nullptr && cache_) {
        cache_->give_back(stmt_);
    } else {
        sqlite3_finalize(stmt_);
    }
}

Statement& Statement::bind(int index, std::int64_t value) {
    if (int rc = sqlite3_bind_int64(stmt_, index, value); rc != SQLITE_OK) {
        fail_(rc);
    }
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    // An empty view may have no data pointer, which SQLite would bind as NULL.
    const char* data = text.data() != nullptr ? text.data() : "";
    if (int rc =
            sqlite3_bind_text64(stmt_, index, data, text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
        rc != SQLITE_OK) {
        fail_(rc);
    }
    return *this;
}

Statement& Statement::bind_blob(int index, std::span<const std::uint8_t> blob) {
    // A zero-length blob must still bind as a blob, not as NULL.
    static const std::uint8_t empty = 0;
    const void* data = blob.empty() ? &empty : blob.data();
    if (int rc = sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT);
        rc != SQLITE_OK) {
        fail_(rc);
    }
    return *this;
}

Statement& Statement::bind_null(int index) {
    if (int rc = sqlite3_bind_null(stmt_, index); rc != SQLITE_OK) {
        fail_(rc);
    }
    return *this;
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    sqlite3_reset(stmt_);
    fail_(rc);
    return false;
}

void Statement::run() {
    while (step()) {
    }
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

std::int64_t Statement::int64(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::text(int column) const {
    auto p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, column));
    return p ? std::string(p, sqlite3_column_bytes(stmt_, column)) : std::string();
}

std::vector<std::uint8_t> Statement::blob(int column) const {
    auto p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, column));
    int n = sqlite3_column_bytes(stmt_, column);
    return p ? std::vector<std::uint8_t>(p, p + n) : std::vector<std::uint8_t>();
}

bool Statement::is_null(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

Database Database::open(const std::filesystem::path& path) {
    sqlite3* handle = nullptr;
    int rc =
        sqlite3_open_v2(path.c_str(), &handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
    Database db(handle, path.string());
    if (rc != SQLITE_OK) {
        db.fail(rc);
    }
    sqlite3_busy_timeout(handle, 10000);
    db.exec(
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON; "
        "PRAGMA temp_store=MEMORY;");
    return db;
}

Database::Database(sqlite3* handle, std::string label, std::shared_ptr<void> keepalive,
                   std::function<std::string()> describe_failure)
    : db_(handle),
      label_(std::move(label)),
      keepalive_(std::move(keepalive)),
      describe_failure_(std::move(describe_failure)),
      cache_(std::make_shared<StatementCache>()) {}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      label_(std::move(other.label_)),
      keepalive_(std::move(other.keepalive_)),
      describe_failure_(std::move(other.describe_failure_)),
      cache_(std::move(other.cache_)) {}

Database& Database::operator=(Database&& other) noexcept {
    if (this != &other) {
        close();
        db_ = std::exchange(other.db_, nullptr);
        label_ = std::move(other.label_);
        keepalive_ = std::move(other.keepalive_);
        describe_failure_ = std::move(other.describe_failure_);
        cache_ = std::move(other.cache_);
    }
    return *this;
}

Database::~Database() {
    close();
}

void Database::close() noexcept {
    if (cache_) {
        cache_->close();
    }
    if (db_ != nullptr) {
        sqlite3_close_v2(db_);
        db_ = nullptr;
    }
    keepalive_.reset();
}

Statement Database::prepare(std::string_view sql) {
    auto fail_here = [this](int code) { fail(code); };
    if (sqlite3_stmt* cached = cache_->take(sql)) {
        return Statement(db_, cached, fail_here, cache_);
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) {
        fail(rc);
    }
    // Text past the first statement is not part of sqlite3_sql(), the key the statement would
    // be kept under: such a statement would never be found again, so it is not kept.
    bool reusable = stmt != nullptr && std::string_view(sqlite3_sql(stmt)) == sql;
    return Statement(db_, stmt, fail_here, reusable ? cache_ : nullptr);
}

void Database::exec(const char* sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &message);
    sqlite3_free(message);
    if (rc != SQLITE_OK) {
        fail(rc);
    }
}

std::int64_t Database::last_insert_rowid() const {
    return sqlite3_last_insert_rowid(db_);
}

int Database::changes() const {
    return sqlite3_changes(db_);
}

void Database::fail(int rc) const {
    std::string detail = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    if (describe_failure_) {
        if (std::string extra = describe_failure_(); !extra.empty()) {
            detail = extra;
        }
    }
    int primary = rc & 0xff;
    bool integrity =
        primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB || rc == SQLITE_IOERR_DATA;
    if (primary == SQLITE_CONSTRAINT) {
        throw Error(ErrorCode::already_exists, label_ + ": " + detail);
    }
    throw Error(integrity ? ErrorCode::corrupt : ErrorCode::io, label_ + ": " + detail);
}

// Through prepare(), not exec(): a read on a hot path (a RETR, a FETCH) would otherwise compile
// BEGIN and ROLLBACK again each time.
namespace {

void end_transaction(Database& db) noexcept {
    try {
        db.prepare("ROLLBACK").run();
    } catch (...) {
        // SQLite already rolled back after the failure that brought us here, or the connection
        // is unusable; a destructor has no one to tell.
    }
}

}  // namespace

ReadSnapshot::ReadSnapshot(Database& db) : db_(db) {
    db_.prepare("BEGIN").run();
}

ReadSnapshot::~ReadSnapshot() {
    end_transaction(db_);
}

Transaction::Transaction(Database& db) : db_(db) {
    db_.prepare("BEGIN IMMEDIATE").run();
}

Transaction::~Transaction() {
    if (!done_) {
        end_transaction(db_);
    }
}

void Transaction::commit() {
    db_.prepare("COMMIT").run();
    done_ = true;
}

namespace {

std::int64_t user_version(Database& db) {
    auto current_version = db.prepare("PRAGMA user_version");
    current_version.step();
    return current_version.int64(0);
}

}  // namespace

void ensure_schema(Database& db, int version, const char* schema, const std::function<void()>& seed,
                   std::span<const SchemaUpgrade> upgrades) {
    std::int64_t current = user_version(db);
    if (current > version) {
        throw Error(ErrorCode::corrupt, db.label() + " was written by a newer Sealbox");
    }
    if (current == version) {
        return;
    }
    Transaction tx(db);
    // Another connection may have created or upgraded it between the look and the write lock.
    current = user_version(db);
    if (current == version) {
        return;
    }
    if (current == 0) {
        db.exec(schema);
    }
    for (const SchemaUpgrade& upgrade : upgrades) {
        if (upgrade.version > current && upgrade.version <= version) {
            db.exec(upgrade.sql);
        }
    }
    if (current == 0 && seed) {
        seed();
    }
    // A pragma takes no bound parameter; `version` is the caller's constant.
    db.exec(("PRAGMA user_version = " + std::to_string(version)).c_str());
    tx.commit();
}

}  // namespace sealbox::store
