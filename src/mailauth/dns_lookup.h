#pragma once
// What mail authentication (SPF, DKIM, DMARC, ARC) and `sealbox dns check` ask of DNS. The server
// answers through dns::Resolver (ResolverLookup); tests answer from a table
// (tests/mailauth/fake_dns.h), so that each RFC's rules can be checked against exactly the zone
// data a case describes.

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/address.hpp>
#include <string>

#include "dns/records.h"

namespace sealbox::dns {
class Resolver;
}

namespace sealbox::mailauth {

class DnsLookup {
  public:
    virtual ~DnsLookup() = default;
    // Names in presentation form, with or without the final dot. TXT records come back one
    // string per record, its character-strings concatenated (RFC 7208 §3.3, RFC 6376 §3.6.2.2).
    virtual boost::asio::awaitable<dns::TxtAnswer> txt(std::string name) = 0;
    virtual boost::asio::awaitable<dns::AddressAnswer> a(std::string name) = 0;
    virtual boost::asio::awaitable<dns::AddressAnswer> aaaa(std::string name) = 0;
    virtual boost::asio::awaitable<dns::MxAnswer> mx(std::string name) = 0;
    virtual boost::asio::awaitable<dns::NameAnswer> ptr(boost::asio::ip::address address) = 0;
    virtual boost::asio::awaitable<dns::SrvAnswer> srv(std::string name) = 0;
};

class ResolverLookup final : public DnsLookup {
  public:
    explicit ResolverLookup(dns::Resolver& resolver) : resolver_(resolver) {}
    boost::asio::awaitable<dns::TxtAnswer> txt(std::string name) override;
    boost::asio::awaitable<dns::AddressAnswer> a(std::string name) override;
    boost::asio::awaitable<dns::AddressAnswer> aaaa(std::string name) override;
    boost::asio::awaitable<dns::MxAnswer> mx(std::string name) override;
    boost::asio::awaitable<dns::NameAnswer> ptr(boost::asio::ip::address address) override;
    boost::asio::awaitable<dns::SrvAnswer> srv(std::string name) override;

  private:
    dns::Resolver& resolver_;
};

}  // namespace sealbox::mailauth
