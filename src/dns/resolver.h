#pragma once
// The asynchronous DNS resolver: one libunbound context, validating DNSSEC, with libunbound's
// cache, recursing from the root or forwarding to dns.upstream, and answering dns.local_data
// itself.
//
// libunbound resolves on one background thread of its own (for every query, not one per query)
// and writes answers to a pipe; the resolver waits for that pipe to be readable through Asio and
// hands answers out with ub_process() on its strand, so no I/O thread ever blocks. Every query
// method may be awaited from any executor or strand and resumes the caller on its own executor.
// Each query has dns.timeout; past it the answer is `temporary` and the late reply is dropped.
// Cancelling the awaiting coroutine does not cut a query short: it still ends by its deadline.
//
// Destroying the Resolver answers the queries in flight with `temporary`; it must not be used
// afterwards, and must be destroyed before its io_context.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <memory>
#include <string>
#include <vector>

#include "core/config.h"
#include "dns/records.h"

namespace sealbox::dns {

class Resolver {
  public:
    // Throws Error(config) naming the dns.* setting that libunbound refuses.
    Resolver(boost::asio::any_io_executor executor, const DnsConfig& config);
    ~Resolver();
    Resolver(const Resolver&) = delete;
    Resolver& operator=(const Resolver&) = delete;

    // Names are in presentation form, with or without the final dot ("example.org"); a text
    // that cannot be a domain name is answered `nxdomain`. CNAMEs are followed.
    boost::asio::awaitable<MxAnswer> mx(std::string name);
    boost::asio::awaitable<SrvAnswer> srv(std::string name);  // e.g. "_imaps._tcp.example.org"
    boost::asio::awaitable<AddressAnswer> a(std::string name);
    boost::asio::awaitable<AddressAnswer> aaaa(std::string name);
    // AAAA and A at once: IPv6 addresses first. `ok` when either has records (then `secure`
    // only when both answers are); otherwise the more telling failure of the two.
    boost::asio::awaitable<AddressAnswer> addresses(std::string host);
    // The same for several hosts at once, answers in the order of `hosts`.
    boost::asio::awaitable<std::vector<AddressAnswer>> addresses(std::vector<std::string> hosts);
    boost::asio::awaitable<TxtAnswer> txt(std::string name);
    boost::asio::awaitable<TlsaAnswer> tlsa(std::string name);  // e.g. "_25._tcp.mx.example.org"
    // The PTR records of in-addr.arpa (RFC 1035 §3.5) or ip6.arpa (RFC 3596 §2.5).
    boost::asio::awaitable<NameAnswer> ptr(boost::asio::ip::address address);

  private:
    class Core;
    std::shared_ptr<Core> core_;  // shared with the queries in flight, which keep it alive
};

}  // namespace sealbox::dns
