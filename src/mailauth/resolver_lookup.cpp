#include "dns/resolver.h"
#include "mailauth/dns_lookup.h"

namespace sealbox::mailauth {

boost::asio::awaitable<dns::TxtAnswer> ResolverLookup::txt(std::string name) {
    co_return co_await resolver_.txt(std::move(name));
}

boost::asio::awaitable<dns::AddressAnswer> ResolverLookup::a(std::string name) {
    co_return co_await resolver_.a(std::move(name));
}

boost::asio::awaitable<dns::AddressAnswer> ResolverLookup::aaaa(std::string name) {
    co_return co_await resolver_.aaaa(std::move(name));
}

boost::asio::awaitable<dns::MxAnswer> ResolverLookup::mx(std::string name) {
    co_return co_await resolver_.mx(std::move(name));
}

boost::asio::awaitable<dns::NameAnswer> ResolverLookup::ptr(boost::asio::ip::address address) {
    co_return co_await resolver_.ptr(address);
}

boost::asio::awaitable<dns::SrvAnswer> ResolverLookup::srv(std::string name) {
    co_return co_await resolver_.srv(std::move(name));
}

}  // namespace sealbox::mailauth
