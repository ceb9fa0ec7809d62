#pragma once
// DNS answered from a table, for the mail-authentication tests: each name maps to its records
// per type; a name with no entry at all is NXDOMAIN, a name with entries of other types only
// is NODATA, and names marked `timeout` answer `temporary` to every query. Names compare
// without case and without the final dot. Counts queries, so tests can check lookup limits.

#include <algorithm>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <cctype>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "mailauth/dns_lookup.h"

namespace sealbox::mailauth::testing {

class FakeDns final : public DnsLookup {
  public:
    void add_txt(const std::string& name, std::string text) {
        zone(name).txt.push_back(std::move(text));
    }
    void add_address(const std::string& name, const std::string& address) {
        auto parsed = boost::asio::ip::make_address(address);
        (parsed.is_v4() ? zone(name).a : zone(name).aaaa).push_back(parsed);
    }
    void add_mx(const std::string& name, std::uint16_t preference, std::string exchange) {
        zone(name).mx.push_back({preference, std::move(exchange)});
    }
    void add_ptr(const std::string& name, std::string target) {
        zone(name).ptr.push_back(std::move(target));
    }
    void add_srv(const std::string& name, dns::SrvRecord record) {
        zone(name).srv.push_back(std::move(record));
    }
    // The name exists (NODATA for every type) though it has no records.
    void add_empty(const std::string& name) { zone(name); }
    void add_timeout(const std::string& name) { timeouts_.insert(key(name)); }
    // Every query for `name` is answered for `target` (RFC 1034 §3.6.2); a loop is `temporary`.
    void add_cname(const std::string& name, const std::string& target) {
        aliases_[key(name)] = key(target);
    }

    int queries() const { return queries_; }

    boost::asio::awaitable<dns::TxtAnswer> txt(std::string name) override {
        co_return answer(name, &Records::txt);
    }
    boost::asio::awaitable<dns::AddressAnswer> a(std::string name) override {
        co_return answer(name, &Records::a);
    }
    boost::asio::awaitable<dns::AddressAnswer> aaaa(std::string name) override {
        co_return answer(name, &Records::aaaa);
    }
    boost::asio::awaitable<dns::MxAnswer> mx(std::string name) override {
        co_return answer(name, &Records::mx);
    }
    boost::asio::awaitable<dns::NameAnswer> ptr(boost::asio::ip::address address) override {
        co_return answer(reverse_name(address), &Records::ptr);
    }
    boost::asio::awaitable<dns::SrvAnswer> srv(std::string name) override {
        co_return answer(name, &Records::srv);
    }

    // "1.2.0.192.in-addr.arpa" / nibbles under "ip6.arpa" (RFC 1035 §3.5, RFC 3596 §2.5).
    static std::string reverse_name(const boost::asio::ip::address& address) {
        std::string name;
        if (address.is_v4()) {
            auto bytes = address.to_v4().to_bytes();
            for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
                name += std::to_string(*it) + ".";
            }
            return name + "in-addr.arpa";
        }
        static constexpr char hex[] = "0123456789abcdef";
        auto bytes = address.to_v6().to_bytes();
        for (auto it = bytes.rbegin(); it != bytes.rend(); ++it) {
            name += hex[*it & 0xf];
            name += '.';
            name += hex[*it >> 4];
            name += '.';
        }
        return name + "ip6.arpa";
    }

  private:
    struct Records {
        std::vector<std::string> txt;
        std::vector<boost::asio::ip::address> a;
        std::vector<boost::asio::ip::address> aaaa;
        std::vector<dns::MxRecord> mx;
        std::vector<std::string> ptr;
        std::vector<dns::SrvRecord> srv;
    };

    static std::string key(std::string name) {
        if (!name.empty() && name.back() == '.') {
            name.pop_back();
        }
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        return name;
    }

    Records& zone(const std::string& name) { return zones_[key(name)]; }

    template <typename Record>
    dns::Answer<Record> answer(const std::string& name, std::vector<Record> Records::*field) {
        ++queries_;
        dns::Answer<Record> out;
        auto k = key(name);
        for (int hops = 0; !timeouts_.contains(k) && aliases_.contains(k); ++hops) {
            if (hops == 8) {
                out.status = dns::Status::temporary;
                out.detail = "CNAME loop (test zone)";
                return out;
            }
            k = aliases_.at(k);
        }
        if (timeouts_.contains(k)) {
            out.status = dns::Status::temporary;
            out.detail = "timed out (test zone)";
            return out;
        }
        auto it = zones_.find(k);
        if (it == zones_.end()) {
            out.status = dns::Status::nxdomain;
            out.detail = "no such name (test zone)";
            return out;
        }
        out.records = it->second.*field;
        out.status = out.records.empty() ? dns::Status::nodata : dns::Status::ok;
        return out;
    }

    std::map<std::string, Records> zones_;
    std::set<std::string> timeouts_;
    std::map<std::string, std::string> aliases_;
    int queries_ = 0;
};

// Runs a coroutine of the code under test to completion on a private io_context.
template <typename T>
T run(boost::asio::awaitable<T> task) {
    boost::asio::io_context io;
    auto result = boost::asio::co_spawn(io, std::move(task), boost::asio::use_future);
    io.run();
    return result.get();
}

}  // namespace sealbox::mailauth::testing
