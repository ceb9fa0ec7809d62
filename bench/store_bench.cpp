// deliver() throughput into locked and unlocked accounts, and the cost of unlocking.
// Run: build/bench/store_bench  (see docs/BENCHMARKS.md)

#include <benchmark/benchmark.h>

#include <filesystem>
#include <memory>

#include "store/mail_store.h"
#include "support/temp_dir.h"

namespace {

using sealbox::store::MailStore;
using sealbox::store::StoreOptions;
using sealbox::testing::TempDir;

std::string message_of(std::size_t size) {
    std::string header =
        "From: Bench <bench@remote.test>\r\nTo: alice@example.test\r\nSubject: benchmark\r\n"
        "Message-ID: <bench@remote.test>\r\n\r\n";
    std::string body;
    while (header.size() + body.size() < size) {
        body += "The quick brown fox jumps over the lazy dog, again and again and again.\r\n";
    }
    return header + body.substr(0, size - header.size());
}

struct Fixture {
    explicit Fixture(sealbox::crypto::PasswordHashParams params = {1, 8u << 20}) {
        StoreOptions options;
        options.data_dir = dir.path();
        options.password_params = params;
        store = std::make_unique<MailStore>(
            sealbox::store::open_sqlite_directory(dir / "sealbox.db"), options);
        store->add_domain("example.test");
        store->create_account("alice@example.test", "password");
    }
    TempDir dir;
    std::unique_ptr<MailStore> store;
};

void deliver(benchmark::State& state, bool unlocked) {
    Fixture f;
    std::shared_ptr<sealbox::store::AccountSession> session;
    if (unlocked) {
        session = f.store->login("alice@example.test", "password");
    }
    std::string message = message_of(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto results = f.store->deliver(message, {"alice@example.test"});
        if (!results[0].delivered) {
            state.SkipWithError(results[0].message.c_str());
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_DeliverLocked(benchmark::State& state) { deliver(state, false); }
void BM_DeliverUnlocked(benchmark::State& state) { deliver(state, true); }
BENCHMARK(BM_DeliverLocked)->Arg(4 << 10)->Arg(64 << 10)->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_DeliverUnlocked)->Arg(4 << 10)->Arg(64 << 10)->Unit(benchmark::kMillisecond)->UseRealTime();

// Unlock = Argon2id with the default parameters (opslimit 3, 64 MiB) + opening the mailbox,
// with an empty spool.
void BM_Unlock(benchmark::State& state) {
    Fixture f({3, 64u << 20});
    f.store->login("alice@example.test", "password");
    for (auto _ : state) {
        f.store->close_idle(std::chrono::steady_clock::now() + std::chrono::hours(24));
        auto session = f.store->login("alice@example.test", "password");
        benchmark::DoNotOptimize(session);
    }
}
BENCHMARK(BM_Unlock)->Unit(benchmark::kMillisecond)->UseRealTime();

// Unlocking merges what arrived while locked: 100 spooled 4 KiB messages.
void BM_UnlockMerging100(benchmark::State& state) {
    Fixture f;
    std::string message = message_of(4 << 10);
    for (auto _ : state) {
        state.PauseTiming();
        f.store->close_idle(std::chrono::steady_clock::now() + std::chrono::hours(24));
        for (int i = 0; i < 100; ++i) {
            f.store->deliver(message, {"alice@example.test"});
        }
        state.ResumeTiming();
        auto session = f.store->login("alice@example.test", "password");
        benchmark::DoNotOptimize(session);
    }
}
BENCHMARK(BM_UnlockMerging100)->Unit(benchmark::kMillisecond)->UseRealTime()->Iterations(5);

}  // namespace

BENCHMARK_MAIN();
