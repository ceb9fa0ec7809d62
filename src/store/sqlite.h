#pragma once
// Thin RAII over the SQLite C API: every query is a prepared statement with bound parameters.

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::store {

// A connection's idle prepared statements, by SQL text (defined in sqlite.cpp).
class StatementCache;

class Statement {
  public:
    // With a `cache`, the statement goes back to it (reset, bindings cleared) when destroyed.
    Statement(sqlite3* db, sqlite3_stmt* stmt, std::function<void(int)> fail,
              std::shared_ptr<StatementCache> cache = {});
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    // Parameters are 1-based, as in SQLite.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, const char* text) { return bind(index, std::string_view(text)); }
    Statement& bind_blob(int index, std::span<const std::uint8_t> blob);
    Statement& bind_null(int index);

    // Returns true while a row is available.
    bool step();
    // Runs a statement that returns no rows.
    void run();
    void reset();

    std::int64_t int64(int column) const;
    std::string text(int column) const;
    std::vector<std::uint8_t> blob(int column) const;
    bool is_null(int column) const;

  private:
    sqlite3* db_;
    sqlite3_stmt* stmt_;
    std::function<void(int)> fail_;
    std::shared_ptr<StatementCache> cache_;
};

class Database {
  public:
    // A plain (unencrypted) database, for server metadata; WAL, synchronous=FULL, foreign keys on.
    static Database open(const std::filesystem::path& path);

    // Takes ownership of an open handle; `keepalive` is released after sqlite3_close (e.g. a VFS
    // the handle uses); `describe_failure` adds detail to error messages (e.g. the failing page).
    Database(sqlite3* handle, std::string label, std::shared_ptr<void> keepalive = {},
             std::function<std::string()> describe_failure = {});
    Database(Database&& other) noexcept;
    Database& operator=(Database&& other) noexcept;
    Database(const Database&) = delete;
    ~Database();

    // Reuses an idle statement prepared earlier from the same text, so hot paths do not
    // compile their queries again; one still in use (nested use of the same query) is never
    // handed out twice. A Statement must not outlive its Database.
    Statement prepare(std::string_view sql);
    // For schema scripts and pragmas only: never for statements that carry user data.
    void exec(const char* sql);
    std::int64_t last_insert_rowid() const;
    int changes() const;
    sqlite3* handle() const { return db_; }
    const std::string& label() const { return label_; }

    // Throws sealbox::Error for an SQLite result code (corrupt for integrity failures, io
    // otherwise).
    [[noreturn]] void fail(int rc) const;

  private:
    void close() noexcept;

    sqlite3* db_ = nullptr;
    std::string label_;
    std::shared_ptr<void> keepalive_;
    std::function<std::string()> describe_failure_;
    // Shared with the statements handed out, which return to it while the connection is open.
    std::shared_ptr<StatementCache> cache_;
};

// A script that brings a database from version - 1 to `version`.
struct SchemaUpgrade {
    int version;
    const char* sql;
};

// Brings the database to `version` in one transaction: a new one (user_version 0) gets `schema`
// (the first version's), every upgrade, then `seed`; an older one gets the upgrades past its
// version. Refuses a database written by a newer Sealbox with Error(corrupt) naming db.label().
void ensure_schema(Database& db, int version, const char* schema,
                   const std::function<void()>& seed = {},
                   std::span<const SchemaUpgrade> upgrades = {});

// While it lives, commits on `db` are not synced (WAL with synchronous=NORMAL: still atomic and
// consistent after a crash, but the last ones may be lost); for writes that a GroupSync flush
// makes durable before anyone relies on them.
class UnsyncedCommits {
  public:
    explicit UnsyncedCommits(Database& db) : db_(db) { db_.exec("PRAGMA synchronous=NORMAL"); }
    UnsyncedCommits(const UnsyncedCommits&) = delete;
    ~UnsyncedCommits() {
        try {
            db_.exec("PRAGMA synchronous=FULL");
        } catch (...) {
            // Setting a pragma fails only when the connection is unusable anyway.
        }
    }

  private:
    Database& db_;
};

// BEGIN ... ROLLBACK around a series of queries, so that they all see one snapshot of the
// database (in WAL mode a reader neither waits for the writer nor holds it up).
class ReadSnapshot {
  public:
    explicit ReadSnapshot(Database& db);
    ReadSnapshot(const ReadSnapshot&) = delete;
    ~ReadSnapshot();

  private:
    Database& db_;
};

// BEGIN IMMEDIATE ... COMMIT; rolls back if destroyed before commit().
class Transaction {
  public:
    explicit Transaction(Database& db);
    Transaction(const Transaction&) = delete;
    ~Transaction();
    void commit();

  private:
    Database& db_;
    bool done_ = false;
};

}  // namespace sealbox::store
