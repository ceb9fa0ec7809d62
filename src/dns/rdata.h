#pragma once
// Decoding of the rdata libunbound hands back (ub_result->data): the bytes of one record's RDATA
// in wire form, with domain names already uncompressed. It came from the network, so every
// length is checked; a record that does not fit its type's layout exactly is refused (nullopt).

#include <boost/asio/ip/address_v4.hpp>
#include <boost/asio/ip/address_v6.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "dns/records.h"

namespace sealbox::dns {

using Rdata = std::span<const std::uint8_t>;

std::optional<MxRecord> parse_mx(Rdata rdata);
std::optional<boost::asio::ip::address_v4> parse_a(Rdata rdata);
std::optional<boost::asio::ip::address_v6> parse_aaaa(Rdata rdata);
std::optional<std::string> parse_txt(Rdata rdata);
std::optional<TlsaRecord> parse_tlsa(Rdata rdata);
std::optional<std::string> parse_ptr(Rdata rdata);
std::optional<SrvRecord> parse_srv(Rdata rdata);

}  // namespace sealbox::dns
