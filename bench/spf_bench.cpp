// SPF evaluation latency with a warm cache (issue #5): check_host() for a realistic policy, an
// include chain with ip4/ip6 ranges and an mx mechanism, 5 DNS-querying terms and 8 queries.
// Two variants: the real libunbound resolver answering from dns.local_data (every query goes
// through libunbound's worker thread and its pipe to Asio, the path a cached answer takes), and
// FakeDns (a table in memory), which is check_host()'s own cost.
// Run: build/bench/spf_bench  (see docs/BENCHMARKS.md)

#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <optional>

#include "core/config.h"
#include "dns/resolver.h"
#include "mailauth/dns_lookup.h"
#include "mailauth/fake_dns.h"
#include "mailauth/spf/check_host.h"

namespace {

namespace asio = boost::asio;
namespace spf = sealbox::mailauth::spf;

// example.test: mx, then two includes; the client matches the ip4 range of the last one, so
// every term before it is evaluated.
const std::vector<std::string> zone = {
    "example.test. IN TXT \"v=spf1 mx include:_spf.example.test "
    "include:_spf2.example.test -all\"",
    "example.test. IN MX 10 mx1.example.test.",
    "example.test. IN MX 20 mx2.example.test.",
    "mx1.example.test. IN A 192.0.2.10",
    "mx2.example.test. IN A 192.0.2.20",
    "_spf.example.test. IN TXT \"v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:1::/48 "
    "a:relay.example.test ~all\"",
    "relay.example.test. IN A 192.0.2.30",
    "_spf2.example.test. IN TXT \"v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:2::/48 -all\"",
};
const char* client = "203.0.113.7";

void fill(sealbox::mailauth::testing::FakeDns& dns) {
    dns.add_txt("example.test",
                "v=spf1 mx include:_spf.example.test include:_spf2.example.test -all");
    dns.add_mx("example.test", 10, "mx1.example.test");
    dns.add_mx("example.test", 20, "mx2.example.test");
    dns.add_address("mx1.example.test", "192.0.2.10");
    dns.add_address("mx2.example.test", "192.0.2.20");
    dns.add_txt("_spf.example.test",
                "v=spf1 ip4:198.51.100.0/24 ip6:2001:db8:1::/48 a:relay.example.test ~all");
    dns.add_address("relay.example.test", "192.0.2.30");
    dns.add_txt("_spf2.example.test", "v=spf1 ip4:203.0.113.0/24 ip6:2001:db8:2::/48 -all");
}

// One evaluation on `io`, to completion.
spf::Result evaluate(asio::io_context& io, sealbox::mailauth::DnsLookup& dns) {
    auto result = asio::co_spawn(io,
                                 spf::check_mail_from(dns, asio::ip::make_address(client),
                                                      "bob@example.test", "mail.example.test"),
                                 asio::use_future);
    io.restart();
    io.run();
    return result.get().result;
}

void measure(benchmark::State& state, asio::io_context& io, sealbox::mailauth::DnsLookup& dns) {
    if (evaluate(io, dns) != spf::Result::pass) {  // and the cache is warm from here on
        state.SkipWithError("the policy did not pass");
        return;
    }
    for (auto _ : state) {
        benchmark::DoNotOptimize(evaluate(io, dns));
    }
    state.SetItemsProcessed(state.iterations());
}

void BM_CheckHostResolver(benchmark::State& state) {
    asio::io_context io;
    sealbox::DnsConfig config;
    config.upstream = {"127.0.0.1@9"};  // never asked: everything under .test is local
    config.local_zones = {"test static"};
    config.local_data = zone;
    std::optional<sealbox::dns::Resolver> resolver;  // destroyed before io
    resolver.emplace(io.get_executor(), config);
    sealbox::mailauth::ResolverLookup dns(*resolver);
    measure(state, io, dns);
    resolver.reset();
}
BENCHMARK(BM_CheckHostResolver)->Unit(benchmark::kMicrosecond)->UseRealTime();

void BM_CheckHostFakeDns(benchmark::State& state) {
    asio::io_context io;
    sealbox::mailauth::testing::FakeDns dns;
    fill(dns);
    measure(state, io, dns);
}
BENCHMARK(BM_CheckHostFakeDns)->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
