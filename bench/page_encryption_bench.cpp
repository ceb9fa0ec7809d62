// The cost of page encryption: one workload on a plain database (Database::open) and on an
// encrypted one (open_encrypted_database). Each plain/encrypted pair differs only in the storage,
// so encrypted time / plain time is the overhead.
// Run: build/bench/page_encryption_bench  (see docs/BENCHMARKS.md)

#include <benchmark/benchmark.h>
#include <sodium.h>

#include <optional>
#include <vector>

#include "store/encrypted_vfs.h"
#include "support/temp_dir.h"

namespace {

using sealbox::crypto::SecretBytes;
using sealbox::store::Database;
using sealbox::store::Transaction;
using sealbox::testing::TempDir;

enum class Storage { plain, encrypted };

constexpr int kRows = 1000;
constexpr int kRowsPerTransaction = 10;
constexpr std::size_t kBlobBytes = 4096;

Database open(Storage storage, const std::filesystem::path& path, const SecretBytes& key) {
    return storage == Storage::plain ? Database::open(path)
                                     : sealbox::store::open_encrypted_database(path, key, "bench");
}

std::vector<std::uint8_t> random_blob() {
    std::vector<std::uint8_t> blob(kBlobBytes);
    randombytes_buf(blob.data(), blob.size());
    return blob;
}

void create_and_fill(Database& db, const std::vector<std::uint8_t>& blob) {
    db.exec("CREATE TABLE blobs(id INTEGER PRIMARY KEY, body BLOB NOT NULL)");
    auto insert = db.prepare("INSERT INTO blobs(body) VALUES(?)");
    for (int done = 0; done < kRows; done += kRowsPerTransaction) {
        Transaction tx(db);
        for (int i = 0; i < kRowsPerTransaction; ++i) {
            insert.bind_blob(1, blob).run();
            insert.reset();
        }
        tx.commit();
    }
}

// 1000 rows of 4 KiB in transactions of 10 into a new database, closing included (the final
// checkpoint writes every page into the database file). `durable`: synchronous=FULL, as both
// kinds of database are opened; otherwise OFF, which leaves the CPU cost without the fsyncs.
void BM_Insert(benchmark::State& state, Storage storage, bool durable) {
    auto key = SecretBytes::random(32);
    auto blob = random_blob();
    for (auto _ : state) {
        state.PauseTiming();
        std::optional<TempDir> dir(std::in_place);
        state.ResumeTiming();
        {
            auto db = open(storage, *dir / "bench.db", key);
            if (!durable) {
                db.exec("PRAGMA synchronous=OFF");
            }
            create_and_fill(db, blob);
        }
        state.PauseTiming();
        dir.reset();
        state.ResumeTiming();
    }
    state.SetItemsProcessed(state.iterations() * kRows);
    state.SetBytesProcessed(state.iterations() * kRows * static_cast<std::int64_t>(kBlobBytes));
}

// Opens the database filled as above and reads every blob: a cold SQLite page cache over a warm
// operating-system cache, so every page goes through the VFS (and decryption) once.
void BM_Scan(benchmark::State& state, Storage storage) {
    auto key = SecretBytes::random(32);
    TempDir dir;
    {
        auto db = open(storage, dir / "bench.db", key);
        create_and_fill(db, random_blob());
    }
    for (auto _ : state) {
        auto db = open(storage, dir / "bench.db", key);
        auto select = db.prepare("SELECT body FROM blobs");
        std::size_t bytes = 0;
        while (select.step()) {
            bytes += select.blob(0).size();
        }
        if (bytes != kRows * kBlobBytes) {
            state.SkipWithError("scan read the wrong number of bytes");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations() * kRows);
    state.SetBytesProcessed(state.iterations() * kRows * static_cast<std::int64_t>(kBlobBytes));
}

BENCHMARK_CAPTURE(BM_Insert, plain_full_sync, Storage::plain, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Insert, encrypted_full_sync, Storage::encrypted, true)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Insert, plain_no_sync, Storage::plain, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Insert, encrypted_no_sync, Storage::encrypted, false)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK_CAPTURE(BM_Scan, plain, Storage::plain)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK_CAPTURE(BM_Scan, encrypted, Storage::encrypted)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
