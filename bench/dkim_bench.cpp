// DKIM signing and verification throughput (RFC 6376, RFC 8463) for 4 KiB and 64 KiB messages,
// RSA-2048 and Ed25519. Verification takes its key from memory (the pure steps of verify.h with a
// prepared TXT answer), so DNS is not measured. Compare with `openssl speed rsa2048 ed25519
// sha256` on the same machine (see docs/BENCHMARKS.md).
// Run: build/bench/dkim_bench

#include <benchmark/benchmark.h>

#include <string>

#include "mailauth/dkim/keys.h"
#include "mailauth/dkim/message.h"
#include "mailauth/dkim/sign.h"
#include "mailauth/dkim/verify.h"

namespace {

using namespace sealbox::mailauth::dkim;

constexpr std::int64_t kNow = 1700000000;

std::string message_of(std::size_t size) {
    std::string message =
        "From: Joe SixPack <joe@example.org>\r\nTo: Suzie Q <suzie@example.net>\r\n"
        "Subject: Is dinner ready?\r\nDate: Fri, 11 Jul 2003 21:00:37 -0700\r\n"
        "Message-ID: <20030712040037.46341.5F8J@example.org>\r\nMIME-Version: 1.0\r\n"
        "Content-Type: text/plain; charset=utf-8\r\n\r\n";
    while (message.size() < size) {
        message += "We lost the game.  Are you hungry yet?  Lorem ipsum dolor sit amet, cons\r\n";
    }
    return message;
}

const SigningKey& key(KeyType type) {
    static SigningKey rsa = SigningKey::generate(KeyType::rsa);
    static SigningKey ed25519 = SigningKey::generate(KeyType::ed25519);
    return type == KeyType::rsa ? rsa : ed25519;
}

void BM_Sign(benchmark::State& state, KeyType type) {
    auto raw = message_of(static_cast<std::size_t>(state.range(0)));
    for (auto _ : state) {
        auto field = sign(parse_message(raw), key(type),
                          {.domain = "example.org", .selector = "sel", .timestamp = kNow});
        benchmark::DoNotOptimize(field);
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

void BM_Verify(benchmark::State& state, KeyType type) {
    auto raw = message_of(static_cast<std::size_t>(state.range(0)));
    raw = sign(parse_message(raw), key(type),
               {.domain = "example.org", .selector = "sel", .timestamp = kNow}) +
          raw;
    sealbox::dns::TxtAnswer answer;
    answer.status = sealbox::dns::Status::ok;
    answer.records.push_back(key(type).key_record());
    for (auto _ : state) {
        auto message = parse_message(raw);
        auto check = check_signature_field(message.headers.front(), {.now = kNow});
        check_with_key(message, message.headers.front(), *check.signature, answer, check.result);
        if (check.result.result != Result::pass) {
            state.SkipWithError("signature did not verify");
            break;
        }
    }
    state.SetItemsProcessed(state.iterations());
    state.SetBytesProcessed(state.iterations() * state.range(0));
}

BENCHMARK_CAPTURE(BM_Sign, rsa2048, KeyType::rsa)->Arg(4096)->Arg(65536);
BENCHMARK_CAPTURE(BM_Sign, ed25519, KeyType::ed25519)->Arg(4096)->Arg(65536);
BENCHMARK_CAPTURE(BM_Verify, rsa2048, KeyType::rsa)->Arg(4096)->Arg(65536);
BENCHMARK_CAPTURE(BM_Verify, ed25519, KeyType::ed25519)->Arg(4096)->Arg(65536);

}  // namespace

BENCHMARK_MAIN();
