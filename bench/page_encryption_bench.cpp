// The cost of page encryption: one workload on a plain SQLite database and on the encrypting
// VFS, with the same pragmas (WAL, synchronous=FULL). Compare the two lines as a ratio.
// Run: build/bench/page_encryption_bench  (see docs/BENCHMARKS.md)

#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "crypto/secret.h"
#include "store/encrypted_vfs.h"
#include "store/sqlite.h"
#include "support/temp_dir.h"

namespace {

using sealbox::store::Database;

constexpr int kRowsPerTransaction = 10;
constexpr std::size_t kBlobBytes = 4096;

const sealbox::crypto::SecretBytes& bench_key() {
    static const auto key = sealbox::crypto::SecretBytes::random(32);
    return key;
}

Database open(const sealbox::testing::TempDir& dir, bool encrypted) {
    if (!encrypted) {
        return Database::open(dir / "plain.db");
    }
    return sealbox::store::open_encrypted_database(dir / "encrypted.db", bench_key(), "bench");
}

// Inserts transactions of ten 4 KiB rows, each committed durably.
void insert(benchmark::State& state, bool encrypted) {
    sealbox::testing::TempDir dir;
    Database db = open(dir, encrypted);
    db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
    std::vector<std::uint8_t> blob(kBlobBytes, 0x5a);
    for (auto _ : state) {
        sealbox::store::Transaction txn(db);
        auto stmt = db.prepare("INSERT INTO t(body) VALUES(?)");
        for (int i = 0; i < kRowsPerTransaction; ++i) {
            stmt.bind_blob(1, blob).run();
            stmt.reset();
        }
        txn.commit();
    }
    state.SetBytesProcessed(state.iterations() * kRowsPerTransaction * kBlobBytes);
}

// Reads back 1000 rows of 4 KiB (4 MiB) with a cold page cache of a fresh connection.
void scan(benchmark::State& state, bool encrypted) {
    sealbox::testing::TempDir dir;
    {
        Database db = open(dir, encrypted);
        db.exec("CREATE TABLE t(id INTEGER PRIMARY KEY, body BLOB)");
        std::vector<std::uint8_t> blob(kBlobBytes, 0x5a);
        sealbox::store::Transaction txn(db);
        auto stmt = db.prepare("INSERT INTO t(body) VALUES(?)");
        for (int i = 0; i < 1000; ++i) {
            stmt.bind_blob(1, blob).run();
            stmt.reset();
        }
        txn.commit();
    }
    for (auto _ : state) {
        state.PauseTiming();
        Database db = open(dir, encrypted);
        state.ResumeTiming();
        auto stmt = db.prepare("SELECT sum(length(body)) FROM t");
        stmt.step();
        benchmark::DoNotOptimize(stmt.int64(0));
    }
    state.SetBytesProcessed(state.iterations() * 1000 * kBlobBytes);
}

void BM_InsertPlain(benchmark::State& s) { insert(s, false); }
void BM_InsertEncrypted(benchmark::State& s) { insert(s, true); }
void BM_ScanPlain(benchmark::State& s) { scan(s, false); }
void BM_ScanEncrypted(benchmark::State& s) { scan(s, true); }
BENCHMARK(BM_InsertPlain)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_InsertEncrypted)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ScanPlain)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ScanEncrypted)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
