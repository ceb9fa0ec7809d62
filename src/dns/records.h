#pragma once
// What a DNS query answers: a status, whether DNSSEC vouched for it, and the records decoded
// from their wire form (dns/rdata.h).

#include <boost/asio/ip/address.hpp>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::dns {

enum class Status {
    ok,         // records of the type asked for
    nxdomain,   // the name does not exist (RFC 1035 §4.1.1 RCODE 3), or cannot be a name
    nodata,     // the name exists without records of that type (RFC 2308 §2.2)
    temporary,  // SERVFAIL, REFUSED, timeout, network failure, malformed answer: ask again later
    bogus,      // DNSSEC validation failed (RFC 4035 §4.3): the answer must not be used
};

std::string_view to_string(Status status);

template <typename Record>
struct Answer {
    Status status = Status::temporary;
    bool secure = false;  // DNSSEC-validated (RFC 4035 §4.3 "secure"), for records or denial alike
    std::vector<Record> records;
    std::string detail;  // why, for anything but ok: for logs and DSNs
};

// RFC 1035 §3.3.9. The exchange is a domain name in presentation form without the final dot
// ("mx1.example.org"), "." for the root (RFC 7505 null MX).
struct MxRecord {
    std::uint16_t preference = 0;
    std::string exchange;
};

// RFC 6698 §2.1.
struct TlsaRecord {
    std::uint8_t usage = 0;
    std::uint8_t selector = 0;
    std::uint8_t matching_type = 0;
    std::vector<std::uint8_t> data;  // certificate association data
};

// RFC 2782: the target in presentation form without the final dot, "." when the service is
// decidedly not available at this domain.
struct SrvRecord {
    std::uint16_t priority = 0;
    std::uint16_t weight = 0;
    std::uint16_t port = 0;
    std::string target;
};

using MxAnswer = Answer<MxRecord>;
using AddressAnswer = Answer<boost::asio::ip::address>;
using TxtAnswer = Answer<std::string>;  // one string per record, its strings concatenated
using TlsaAnswer = Answer<TlsaRecord>;
using SrvAnswer = Answer<SrvRecord>;
using NameAnswer = Answer<std::string>;  // PTR targets, in presentation form like MX exchanges

}  // namespace sealbox::dns
