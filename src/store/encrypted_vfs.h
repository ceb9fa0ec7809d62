#pragma once
// Page-level encryption of SQLite databases through a VFS shim over the default VFS.
//
// Every page image (in the database file, the WAL and the rollback journal) is 4096 bytes whose
// last 40 bytes SQLite reserves for us: XChaCha20-Poly1305 encrypts the first 4056 bytes and the
// reserved bytes hold the 24-byte nonce and 16-byte tag. The associated data binds the file kind
// and the page's position (and, in the WAL and the journal, the page number SQLite stores in front
// of the page), so a page moved or copied to another place fails authentication.

#include <filesystem>
#include <string>

#include "crypto/secret.h"
#include "store/sqlite.h"

namespace sealbox::store {

inline constexpr int kEncryptedPageSize = 4096;
inline constexpr int kEncryptedReservedBytes = 40;  // nonce (24) + tag (16)

// Opens, creating it if absent, an encrypted database. `key` is 32 bytes and is copied into
// sodium_malloc memory owned by the returned Database. `label` names the database in every error
// (e.g. "mailbox of alice@example.test"); an authentication failure becomes
// Error(corrupt, "<label>: page N of <file> failed authentication").
// Configures: page_size 4096 with 40 reserved bytes, journal_mode=WAL, synchronous=FULL,
// temp_store=MEMORY, mmap_size=0; temporary files are refused, so nothing unencrypted is written.
Database open_encrypted_database(const std::filesystem::path& path, const crypto::SecretBytes& key,
                                 const std::string& label);

// The same over `underlying` instead of SQLite's default VFS, which is what the other overload
// passes. Tests pass a VFS that simulates power loss; `underlying` must outlive the Database.
Database open_encrypted_database(const std::filesystem::path& path, const crypto::SecretBytes& key,
                                 const std::string& label, sqlite3_vfs* underlying);

}  // namespace sealbox::store
