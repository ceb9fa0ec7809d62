#include "store/encrypted_vfs.h"

#include <sodium.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include "core/error.h"
#include "crypto/aead.h"

namespace sealbox::store {
namespace {

using Offset = sqlite3_int64;

constexpr int kPageSize = kEncryptedPageSize;
constexpr int kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr int kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
static_assert(kNonceBytes + kTagBytes == kEncryptedReservedBytes);
// The part of a page that SQLite uses, and that is encrypted; the reserved bytes follow it.
constexpr int kUsableBytes = kPageSize - kEncryptedReservedBytes;

// The database header at the start of page 1
// (https://www.sqlite.org/fileformat2.html#the_database_header).
constexpr Offset kDatabaseHeaderBytes = 100;

// WAL layout (https://www.sqlite.org/fileformat2.html#walformat): a 32-byte header, then frames
// of a 24-byte frame header and a page. Headers hold page numbers, salts and checksums, no content.
constexpr Offset kWalHeaderBytes = 32;
constexpr Offset kWalFrameHeaderBytes = 24;
constexpr Offset kWalFrameBytes = kWalFrameHeaderBytes + kPageSize;

// Bytes stored just before a page image that its authentication also covers, so that editing them
// (and fixing SQLite's unkeyed checksums) cannot make SQLite put the page somewhere else:
// - WAL: frame header bytes 0..7, the page number and the commit size. The salts and checksums
//   (bytes 8..23) are left out: when a transaction writes a page twice, SQLite overwrites its
//   frame in place, writes every later frame of the transaction with zeros there, and fills in
//   the real salts and checksums only at commit (walEncodeFrame and walRewriteChecksums in
//   wal.c), after the pages were sealed.
// - Rollback journal: the 4-byte page number of the record (fileformat2.html#rollbackjournal).
struct BoundPrefix {
    int distance;  // from the first bound byte to the page
    int length;
};

enum class FileKind : std::uint8_t { main_db = 1, wal = 2, journal = 3 };

BoundPrefix bound_prefix(FileKind kind) {
    switch (kind) {
        case FileKind::main_db:
            return {0, 0};
        case FileKind::wal:
            return {static_cast<int>(kWalFrameHeaderBytes), 8};
        case FileKind::journal:
            return {4, 4};
    }
    return {0, 0};
}
constexpr int kMaxBoundBytes = 8;

// A page image plus the bound bytes in front of it; wiped when it goes out of scope because it
// holds plaintext.
class PageBuffer {
  public:
    PageBuffer() = default;
    PageBuffer(const PageBuffer&) = delete;
    ~PageBuffer() { sodium_memzero(bytes_.data(), bytes_.size()); }
    std::uint8_t* data() { return bytes_.data(); }

  private:
    std::array<std::uint8_t, kWalFrameHeaderBytes + kPageSize> bytes_{};
};

// File kind, position (page number in the database, frame number in the WAL, byte offset in the
// journal; 64-bit little-endian) and the bound prefix.
class AssociatedData {
  public:
    AssociatedData(FileKind kind, std::uint64_t position, std::span<const std::uint8_t> bound) {
        bytes_[0] = static_cast<std::uint8_t>(kind);
        for (int i = 0; i < 8; ++i) {
            bytes_[1 + i] = static_cast<std::uint8_t>(position >> (8 * i));
        }
        std::memcpy(bytes_.data() + 9, bound.data(), bound.size());
        size_ = 9 + bound.size();
    }
    const std::uint8_t* data() const { return bytes_.data(); }
    std::size_t size() const { return size_; }

  private:
    std::array<std::uint8_t, 9 + kMaxBoundBytes> bytes_{};
    std::size_t size_;
};

// One registered VFS per open database: it holds that database's key.
class EncryptedVfs {
  public:
    EncryptedVfs(sqlite3_vfs& underlying, const crypto::SecretBytes& key);
    EncryptedVfs(const EncryptedVfs&) = delete;
    ~EncryptedVfs();

    const char* name() const { return name_.c_str(); }
    sqlite3_vfs& underlying() const { return underlying_; }
    const std::uint8_t* key() const { return key_.data(); }

    void record_failure(std::string description) {
        std::lock_guard lock(failure_mutex_);
        last_failure_ = std::move(description);
    }
    std::string last_failure() const {
        std::lock_guard lock(failure_mutex_);
        return last_failure_;
    }

  private:
    sqlite3_vfs vfs_{};
    sqlite3_vfs& underlying_;
    crypto::SecretBytes key_;
    std::string name_;
    mutable std::mutex failure_mutex_;
    std::string last_failure_;
};

// What SQLite allocates for each file is szOsFile bytes: this, then the underlying VFS's file.
struct EncryptedFile {
    sqlite3_file base;  // first, so that SQLite's sqlite3_file* is also an EncryptedFile*
    EncryptedVfs* vfs;
    FileKind kind;
    const char* path;  // SQLite keeps xOpen's name valid until xClose

    sqlite3_file* inner() { return reinterpret_cast<sqlite3_file*>(this + 1); }
};
// The underlying file that follows must be as aligned as SQLite's allocation.
static_assert(sizeof(EncryptedFile) % alignof(std::max_align_t) == 0);

EncryptedFile& encrypted(sqlite3_file* file) {
    return *reinterpret_cast<EncryptedFile*>(file);
}

EncryptedVfs& owner(sqlite3_vfs* vfs) {
    return *static_cast<EncryptedVfs*>(vfs->pAppData);
}

sqlite3_vfs& underlying_vfs(sqlite3_vfs* vfs) {
    return owner(vfs).underlying();
}

int inner_read(EncryptedFile& file, void* buffer, Offset amount, Offset offset) {
    sqlite3_file* inner = file.inner();
    return inner->pMethods->xRead(inner, buffer, static_cast<int>(amount), offset);
}

int inner_write(EncryptedFile& file, const void* buffer, Offset amount, Offset offset) {
    sqlite3_file* inner = file.inner();
    return inner->pMethods->xWrite(inner, buffer, static_cast<int>(amount), offset);
}

std::uint32_t big_endian_u32(const std::uint8_t* bytes) {
    return (std::uint32_t{bytes[0]} << 24) | (std::uint32_t{bytes[1]} << 16) |
           (std::uint32_t{bytes[2]} << 8) | std::uint32_t{bytes[3]};
}

// A stretch of a file that is stored either as is or as one encrypted page image.
struct Region {
    Offset start;
    Offset size;
    bool is_page;
    std::uint64_t position;  // of a page, for the associated data
};

// The region holding byte `at` of a read or write of `amount` bytes at `offset`.
Region region_at(FileKind kind, Offset at, Offset offset, Offset amount) {
    switch (kind) {
        case FileKind::main_db: {
            Offset start = at / kPageSize * kPageSize;
            return {start, kPageSize, true, static_cast<std::uint64_t>(start / kPageSize + 1)};
        }
        case FileKind::wal: {
            if (at < kWalHeaderBytes) {
                return {0, kWalHeaderBytes, false, 0};
            }
            Offset frame = (at - kWalHeaderBytes) / kWalFrameBytes;
            Offset frame_start = kWalHeaderBytes + frame * kWalFrameBytes;
            if (at < frame_start + kWalFrameHeaderBytes) {
                return {frame_start, kWalFrameHeaderBytes, false, 0};
            }
            return {frame_start + kWalFrameHeaderBytes, kPageSize, true,
                    static_cast<std::uint64_t>(frame + 1)};
        }
        case FileKind::journal:
            // The journal has no fixed layout, but SQLite writes and reads a page image with one
            // call of exactly the page size, after its 4-byte page number; everything else (the
            // header, padded to the 512-byte sector size, page numbers, checksums) is smaller.
            if (amount == kPageSize && offset >= bound_prefix(kind).distance) {
                return {offset, kPageSize, true, static_cast<std::uint64_t>(offset)};
            }
            return {offset, amount, false, 0};
    }
    return {offset, amount, false, 0};
}

std::string describe_failure(const EncryptedFile& file, const Region& page,
                             const std::uint8_t* bound) {
    std::string where = " of " + std::string(file.path);
    switch (file.kind) {
        case FileKind::main_db:
            return "page " + std::to_string(page.position) + where + " failed authentication";
        case FileKind::wal:
            return "page " + std::to_string(big_endian_u32(bound)) + where + " (frame " +
                   std::to_string(page.position) + ") failed authentication";
        case FileKind::journal:
            return "page " + std::to_string(big_endian_u32(bound)) + where + " (offset " +
                   std::to_string(page.position) + ") failed authentication";
    }
    return "a page" + where + " failed authentication";
}

// Called from SQLite, through which no exception may pass.
void record_failure(const EncryptedFile& file, const Region& page,
                    const std::uint8_t* bound) noexcept {
    try {
        file.vfs->record_failure(describe_failure(file, page, bound));
    } catch (...) {
        // Out of memory: SQLITE_IOERR_DATA still says what happened, only the detail is lost.
    }
}

void seal_page(const EncryptedVfs& vfs, const AssociatedData& ad, const std::uint8_t* plaintext,
               std::uint8_t* sealed) {
    std::uint8_t* nonce = sealed + kUsableBytes;
    std::uint8_t* tag = nonce + kNonceBytes;
    // Random 192-bit nonces cannot repeat in practice, so pages need no write counter.
    randombytes_buf(nonce, kNonceBytes);
    crypto_aead_xchacha20poly1305_ietf_encrypt_detached(sealed, tag, nullptr, plaintext,
                                                        kUsableBytes, ad.data(), ad.size(), nullptr,
                                                        nonce, vfs.key());
}

// Decrypts in place and zeroes the reserved bytes; false if the page fails authentication.
bool open_page(const EncryptedVfs& vfs, const AssociatedData& ad, std::uint8_t* page) {
    const std::uint8_t* nonce = page + kUsableBytes;
    const std::uint8_t* tag = nonce + kNonceBytes;
    if (crypto_aead_xchacha20poly1305_ietf_decrypt_detached(
            page, nullptr, page, kUsableBytes, tag, ad.data(), ad.size(), nonce, vfs.key()) != 0) {
        return false;
    }
    std::memset(page + kUsableBytes, 0, kEncryptedReservedBytes);
    return true;
}

// What a page read does when the page fails authentication.
enum class OnUnauthentic {
    fail,        // SQLITE_IOERR_DATA, and the VFS records which page it was
    read_zeros,  // for reads whose content SQLite checks by other means: see file_read
};

// Reads bytes [from, to) of `page` into `out`. Returns SQLITE_IOERR_SHORT_READ, with `out`
// zeroed, if no byte of the page is stored (as the default VFS does past the end of a file).
int read_page(EncryptedFile& file, const Region& page, Offset from, Offset to, std::uint8_t* out,
              OnUnauthentic on_unauthentic) {
    BoundPrefix bound = bound_prefix(file.kind);
    PageBuffer buffer;
    std::uint8_t* plaintext = buffer.data() + bound.distance;
    int rc =
        inner_read(file, buffer.data(), bound.distance + kPageSize, page.start - bound.distance);
    if (rc == SQLITE_IOERR_SHORT_READ) {
        Offset size = 0;
        sqlite3_file* inner = file.inner();
        if (int size_rc = inner->pMethods->xFileSize(inner, &size); size_rc != SQLITE_OK) {
            return size_rc;
        }
        if (size <= page.start) {
            std::memset(out, 0, static_cast<std::size_t>(to - from));
            return SQLITE_IOERR_SHORT_READ;
        }
        // Part of the page is stored: the zeros the underlying VFS filled in fail authentication.
    } else if (rc != SQLITE_OK) {
        return rc;
    }
    AssociatedData ad(file.kind, page.position,
                      {buffer.data(), static_cast<std::size_t>(bound.length)});
    if (!open_page(*file.vfs, ad, plaintext)) {
        if (on_unauthentic == OnUnauthentic::read_zeros) {
            std::memset(out, 0, static_cast<std::size_t>(to - from));
            return SQLITE_OK;
        }
        record_failure(file, page, buffer.data());
        return SQLITE_IOERR_DATA;
    }
    std::memcpy(out, plaintext + (from - page.start), static_cast<std::size_t>(to - from));
    return SQLITE_OK;
}

// Writes bytes [from, to) of `page` from `in`.
int write_page(EncryptedFile& file, const Region& page, Offset from, Offset to,
               const std::uint8_t* in) {
    BoundPrefix bound = bound_prefix(file.kind);
    PageBuffer buffer;
    std::uint8_t* plaintext = buffer.data() + bound.distance;
    if (bound.length > 0) {
        // SQLite writes the frame header or page number before the page; read it back.
        int rc = inner_read(file, buffer.data(), bound.length, page.start - bound.distance);
        if (rc != SQLITE_OK) {
            return rc == SQLITE_IOERR_SHORT_READ ? SQLITE_IOERR_WRITE : rc;
        }
    }
    if (from != page.start || to != page.start + kPageSize) {
        // SQLite writes whole pages, but the database file may take a partial write (the default
        // VFS does) by rewriting the whole page. SQLite splits a WAL frame write only when it
        // pads a commit to a sector boundary, which it does only if the VFS does not report
        // SQLITE_IOCAP_POWERSAFE_OVERWRITE; the default unix VFS reports it. Half a page cannot
        // be encrypted.
        if (file.kind != FileKind::main_db) {
            return SQLITE_IOERR_WRITE;
        }
        int rc = read_page(file, page, page.start, page.start + kPageSize, plaintext,
                           OnUnauthentic::fail);
        if (rc != SQLITE_OK && rc != SQLITE_IOERR_SHORT_READ) {
            return rc;
        }
    }
    std::memcpy(plaintext + (from - page.start), in, static_cast<std::size_t>(to - from));
    // SQLite never stores anything in the reserved bytes it was asked to leave alone; if it did,
    // encrypting would destroy it.
    if (!sodium_is_zero(plaintext + kUsableBytes, kEncryptedReservedBytes)) {
        return SQLITE_IOERR_WRITE;
    }
    std::array<std::uint8_t, kPageSize> sealed;
    AssociatedData ad(file.kind, page.position,
                      {buffer.data(), static_cast<std::size_t>(bound.length)});
    seal_page(*file.vfs, ad, plaintext, sealed.data());
    return inner_write(file, sealed.data(), kPageSize, page.start);
}

int file_read(sqlite3_file* base, void* buffer, int amount, Offset offset) {
    EncryptedFile& file = encrypted(base);
    auto* out = static_cast<std::uint8_t*>(buffer);
    const Offset end = offset + amount;
    bool short_read = false;
    for (Offset at = offset; at < end;) {
        Region region = region_at(file.kind, at, offset, amount);
        Offset stop = std::min(end, region.start + region.size);
        int rc;
        if (!region.is_page) {
            rc = inner_read(file, out + (at - offset), stop - at, at);
        } else {
            // Two kinds of read may meet a page torn by a crash, which fails authentication, and
            // read it as zeros instead of failing:
            // - Only WAL recovery (walIndexRecover) and checksum rewriting read a frame header and
            //   its page in one call, and both verify the frame checksum, which SQLite computed
            //   over the plaintext. Zeros fail it, so SQLite ends the WAL at a torn frame as it
            //   would without encryption. A read of the page alone is of a frame that recovery
            //   already accepted, so a failure there is corruption.
            // - SQLite reads the 100-byte database header straight from the file, before it
            //   looks in the WAL or rolls back a hot journal, either of which may hold the repair
            //   of a page 1 torn during a checkpoint or commit: as a hint of the page size when
            //   opening (sqlite3PagerReadFileheader) and to see if the change counter moved
            //   (pagerSharedLock). Zeros read as "no header" and "changed", and SQLite then
            //   reads page 1 whole through the pager, authenticated.
            bool whole_frame = file.kind == FileKind::wal &&
                               offset <= region.start - kWalFrameHeaderBytes &&
                               end >= region.start + kPageSize;
            bool header_only = file.kind == FileKind::main_db && end <= kDatabaseHeaderBytes;
            rc = read_page(
                file, region, at, stop, out + (at - offset),
                whole_frame || header_only ? OnUnauthentic::read_zeros : OnUnauthentic::fail);
        }
        if (rc == SQLITE_IOERR_SHORT_READ) {
            short_read = true;
        } else if (rc != SQLITE_OK) {
            return rc;
        }
        at = stop;
    }
    return short_read ? SQLITE_IOERR_SHORT_READ : SQLITE_OK;
}

int file_write(sqlite3_file* base, const void* buffer, int amount, Offset offset) {
    EncryptedFile& file = encrypted(base);
    const auto* in = static_cast<const std::uint8_t*>(buffer);
    const Offset end = offset + amount;
    for (Offset at = offset; at < end;) {
        Region region = region_at(file.kind, at, offset, amount);
        Offset stop = std::min(end, region.start + region.size);
        int rc = region.is_page ? write_page(file, region, at, stop, in + (at - offset))
                                : inner_write(file, in + (at - offset), stop - at, at);
        if (rc != SQLITE_OK) {
            return rc;
        }
        at = stop;
    }
    return SQLITE_OK;
}

int file_close(sqlite3_file* base) {
    EncryptedFile& file = encrypted(base);
    sqlite3_file* inner = file.inner();
    return inner->pMethods->xClose(inner);
}

// Not passed on: atomic writes of less than a page (a write of part of a page here rewrites the
// whole page), and batch-atomic writes (F2FS), which replace the rollback journal and are not
// what this VFS is tested with.
constexpr int kAtomicWriteCapabilities =
    SQLITE_IOCAP_ATOMIC | SQLITE_IOCAP_ATOMIC512 | SQLITE_IOCAP_ATOMIC1K | SQLITE_IOCAP_ATOMIC2K |
    SQLITE_IOCAP_ATOMIC4K | SQLITE_IOCAP_ATOMIC8K | SQLITE_IOCAP_ATOMIC16K |
    SQLITE_IOCAP_ATOMIC32K | SQLITE_IOCAP_ATOMIC64K | SQLITE_IOCAP_BATCH_ATOMIC;

// Version 2: shared memory for the WAL index, but no xFetch/xUnfetch, so SQLite never reads
// pages through mmap, past the decryption.
const sqlite3_io_methods kIoMethods = {
    2,
    file_close,
    file_read,
    file_write,
    [](sqlite3_file* f, Offset size) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xTruncate(inner, size);
    },
    [](sqlite3_file* f, int flags) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xSync(inner, flags);
    },
    [](sqlite3_file* f, Offset* size) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xFileSize(inner, size);
    },
    [](sqlite3_file* f, int level) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xLock(inner, level);
    },
    [](sqlite3_file* f, int level) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xUnlock(inner, level);
    },
    [](sqlite3_file* f, int* reserved) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xCheckReservedLock(inner, reserved);
    },
    [](sqlite3_file* f, int op, void* arg) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xFileControl(inner, op, arg);
    },
    // SQLite pads each rollback journal header to the sector size and writes it with calls of
    // min(sector size, page size) bytes; at 512 (the smallest SQLite uses) no such call is as
    // long as a page image. The default VFS says 4096 (SQLite asks only if the device lacks
    // SQLITE_IOCAP_POWERSAFE_OVERWRITE, and uses 512 otherwise).
    [](sqlite3_file*) { return 512; },
    [](sqlite3_file* f) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xDeviceCharacteristics(inner) & ~kAtomicWriteCapabilities;
    },
    [](sqlite3_file* f, int region, int size, int extend, void volatile** memory) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xShmMap(inner, region, size, extend, memory);
    },
    [](sqlite3_file* f, int offset, int n, int flags) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xShmLock(inner, offset, n, flags);
    },
    [](sqlite3_file* f) {
        sqlite3_file* inner = encrypted(f).inner();
        inner->pMethods->xShmBarrier(inner);
    },
    [](sqlite3_file* f, int delete_flag) {
        sqlite3_file* inner = encrypted(f).inner();
        return inner->pMethods->xShmUnmap(inner, delete_flag);
    },
    nullptr,
    nullptr,
};

std::optional<FileKind> kind_of(int open_flags) {
    if (open_flags & SQLITE_OPEN_MAIN_DB) {
        return FileKind::main_db;
    }
    if (open_flags & SQLITE_OPEN_WAL) {
        return FileKind::wal;
    }
    if (open_flags & SQLITE_OPEN_MAIN_JOURNAL) {
        return FileKind::journal;
    }
    return std::nullopt;
}

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* base, int flags, int* out_flags) {
    base->pMethods = nullptr;  // tells SQLite not to call xClose if this fails
    // Temporary databases, statement journals, sorter spills and super-journals are refused:
    // they would hold plaintext, and temp_store=MEMORY keeps SQLite from needing them.
    std::optional<FileKind> kind = kind_of(flags);
    if (!kind || name == nullptr) {
        return SQLITE_CANTOPEN;
    }
    auto* file = new (base) EncryptedFile{{nullptr}, &owner(vfs), *kind, name};
    sqlite3_vfs& real = underlying_vfs(vfs);
    int rc = real.xOpen(&real, name, file->inner(), flags, out_flags);
    if (rc != SQLITE_OK) {
        return rc;
    }
    if (file->inner()->pMethods->iVersion < 2) {
        // Without shared-memory methods there is nothing to forward the WAL index to.
        file->inner()->pMethods->xClose(file->inner());
        return SQLITE_CANTOPEN;
    }
    file->base.pMethods = &kIoMethods;
    return SQLITE_OK;
}

// Guards the counter that makes names unique, and SQLite's list of VFSes, which SQLite guards
// itself only when built thread-safe.
std::mutex registry_mutex;
std::uint64_t registered_count = 0;

EncryptedVfs::EncryptedVfs(sqlite3_vfs& underlying, const crypto::SecretBytes& key)
    : underlying_(underlying), key_(crypto::SecretBytes::copy_of(key.bytes())) {
    vfs_.iVersion = 2;
    vfs_.szOsFile = static_cast<int>(sizeof(EncryptedFile)) + underlying.szOsFile;
    vfs_.mxPathname = underlying.mxPathname;
    vfs_.pAppData = this;
    vfs_.xOpen = vfs_open;
    vfs_.xDelete = [](sqlite3_vfs* v, const char* name, int sync_dir) {
        return underlying_vfs(v).xDelete(&underlying_vfs(v), name, sync_dir);
    };
    vfs_.xAccess = [](sqlite3_vfs* v, const char* name, int flags, int* result) {
        return underlying_vfs(v).xAccess(&underlying_vfs(v), name, flags, result);
    };
    vfs_.xFullPathname = [](sqlite3_vfs* v, const char* name, int size, char* out) {
        return underlying_vfs(v).xFullPathname(&underlying_vfs(v), name, size, out);
    };
    vfs_.xDlOpen = [](sqlite3_vfs* v, const char* name) {
        return underlying_vfs(v).xDlOpen(&underlying_vfs(v), name);
    };
    vfs_.xDlError = [](sqlite3_vfs* v, int size, char* out) {
        underlying_vfs(v).xDlError(&underlying_vfs(v), size, out);
    };
    vfs_.xDlSym = [](sqlite3_vfs* v, void* library, const char* symbol) {
        return underlying_vfs(v).xDlSym(&underlying_vfs(v), library, symbol);
    };
    vfs_.xDlClose = [](sqlite3_vfs* v, void* library) {
        underlying_vfs(v).xDlClose(&underlying_vfs(v), library);
    };
    vfs_.xRandomness = [](sqlite3_vfs* v, int size, char* out) {
        return underlying_vfs(v).xRandomness(&underlying_vfs(v), size, out);
    };
    vfs_.xSleep = [](sqlite3_vfs* v, int microseconds) {
        return underlying_vfs(v).xSleep(&underlying_vfs(v), microseconds);
    };
    vfs_.xCurrentTime = [](sqlite3_vfs* v, double* now) {
        return underlying_vfs(v).xCurrentTime(&underlying_vfs(v), now);
    };
    vfs_.xGetLastError = [](sqlite3_vfs* v, int size, char* out) {
        return underlying_vfs(v).xGetLastError(&underlying_vfs(v), size, out);
    };
    if (underlying.iVersion >= 2 && underlying.xCurrentTimeInt64 != nullptr) {
        vfs_.xCurrentTimeInt64 = [](sqlite3_vfs* v, sqlite3_int64* now) {
            return underlying_vfs(v).xCurrentTimeInt64(&underlying_vfs(v), now);
        };
    }
    std::lock_guard lock(registry_mutex);
    name_ = "sealbox-enc-" + std::to_string(++registered_count);
    vfs_.zName = name_.c_str();
    if (int rc = sqlite3_vfs_register(&vfs_, 0); rc != SQLITE_OK) {
        throw Error(ErrorCode::internal,
                    std::string("cannot register a VFS: ") + sqlite3_errstr(rc));
    }
}

EncryptedVfs::~EncryptedVfs() {
    std::lock_guard lock(registry_mutex);
    sqlite3_vfs_unregister(&vfs_);
}

std::int64_t single_integer(Database& db, const char* sql) {
    auto statement = db.prepare(sql);
    if (!statement.step()) {
        throw Error(ErrorCode::internal, db.label() + ": " + sql + " returned no row");
    }
    return statement.int64(0);
}

}  // namespace

Database open_encrypted_database(const std::filesystem::path& path, const crypto::SecretBytes& key,
                                 const std::string& label) {
    return open_encrypted_database(path, key, label, sqlite3_vfs_find(nullptr));
}

Database open_encrypted_database(const std::filesystem::path& path, const crypto::SecretBytes& key,
                                 const std::string& label, sqlite3_vfs* underlying) {
    if (key.size() != crypto::kKeyBytes) {
        throw Error(ErrorCode::invalid_argument, label + ": a database key is 32 bytes");
    }
    if (underlying == nullptr) {
        throw Error(ErrorCode::internal, label + ": SQLite has no default VFS");
    }
    if (sodium_init() < 0) {
        throw Error(ErrorCode::internal, label + ": libsodium failed to initialise");
    }
    auto vfs = std::make_shared<EncryptedVfs>(*underlying, key);
    sqlite3* handle = nullptr;
    // Extended result codes, because Database::fail tells corruption from I/O errors by
    // SQLITE_IOERR_DATA.
    int rc = sqlite3_open_v2(
        path.c_str(), &handle,
        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE,
        vfs->name());
    // The Database releases the VFS after sqlite3_close_v2. That leaves a connection open (a
    // zombie, still using the VFS) only while statements are unfinalized, and a Statement must
    // not outlive its Database anyway. The lambda is called only while the Database is open.
    // SQLITE_IOERR_DATA comes only from this VFS, so its last failure is the one being reported.
    EncryptedVfs* failures = vfs.get();
    Database db(handle, label, vfs, [failures, handle]() -> std::string {
        if (sqlite3_extended_errcode(handle) != SQLITE_IOERR_DATA) {
            return {};
        }
        return failures->last_failure();
    });
    if (rc != SQLITE_OK) {
        db.fail(rc);
    }
    sqlite3_busy_timeout(handle, 10000);
    // Redundant with the version-2 I/O methods (SQLite maps files only through xFetch), but it
    // says so where someone looking for mmap would look.
    db.exec("PRAGMA mmap_size=0");
    // The first read of page 1 as a whole: with a wrong key, it fails authentication here.
    if (single_integer(db, "PRAGMA page_count") == 0) {
        // A new database: its layout is fixed when its first page is written, which is when
        // journal_mode=WAL below records the WAL format in page 1.
        db.exec(("PRAGMA page_size=" + std::to_string(kEncryptedPageSize)).c_str());
        int reserve = kEncryptedReservedBytes;
        if (rc = sqlite3_file_control(handle, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
            rc != SQLITE_OK) {
            db.fail(rc);
        }
    }
    {
        auto mode = db.prepare("PRAGMA journal_mode=WAL");
        if (!mode.step() || mode.text(0) != "wal") {
            throw Error(ErrorCode::io, label + ": cannot use write-ahead logging");
        }
    }
    std::int64_t page_size = single_integer(db, "PRAGMA page_size");
    int reserve = -1;  // negative: only report the current value
    if (rc = sqlite3_file_control(handle, "main", SQLITE_FCNTL_RESERVE_BYTES, &reserve);
        rc != SQLITE_OK) {
        db.fail(rc);
    }
    if (page_size != kEncryptedPageSize || reserve != kEncryptedReservedBytes) {
        throw Error(ErrorCode::corrupt, label + ": has " + std::to_string(page_size) +
                                            "-byte pages with " + std::to_string(reserve) +
                                            " reserved bytes, not an encrypted layout");
    }
    db.exec("PRAGMA synchronous=FULL; PRAGMA temp_store=MEMORY;");
    return db;
}

}  // namespace sealbox::store
