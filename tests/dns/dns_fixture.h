#pragma once
// What the DNS tests share: an io_context to run coroutines to completion, resolver settings
// that answer from local data under a static ".test" zone, and an upstream that never answers,
// so that no query ever leaves the machine.

#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>
#include <boost/asio/use_future.hpp>
#include <string>
#include <vector>

#include "core/config.h"
#include "dns/resolver.h"

namespace sealbox::dns::testing {

namespace asio = boost::asio;

// A bound UDP socket nobody reads: queries sent there are never answered.
class SilentUpstream {
  public:
    SilentUpstream() : socket_(io_, {asio::ip::make_address("127.0.0.1"), 0}) {}
    std::string address() const {
        return "127.0.0.1@" + std::to_string(socket_.local_endpoint().port());
    }

  private:
    asio::io_context io_;
    asio::ip::udp::socket socket_;
};

class DnsTest : public ::testing::Test {
  protected:
    // Everything under .test comes from `records`; any other name goes to the silent upstream.
    DnsConfig config(std::vector<std::string> records) const {
        DnsConfig c;
        c.upstream = {silent.address()};
        c.timeout = std::chrono::seconds(5);
        c.local_zones = {"test static"};
        c.local_data = std::move(records);
        return c;
    }

    Resolver& resolver(std::vector<std::string> records) {
        resolver_.emplace(io.get_executor(), config(std::move(records)));
        return *resolver_;
    }

    // Runs one coroutine on the io_context until it and everything it started is done.
    template <typename T>
    T run(asio::awaitable<T> task) {
        auto result = asio::co_spawn(io, std::move(task), asio::use_future);
        io.restart();
        io.run();
        return result.get();
    }

    SilentUpstream silent;
    asio::io_context io;
    std::optional<Resolver> resolver_;  // destroyed before io
};

}  // namespace sealbox::dns::testing
