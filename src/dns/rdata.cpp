#include "dns/rdata.h"

#include <array>
#include <cstdio>

namespace sealbox::dns {
namespace {

// RFC 1035 §2.3.4.
constexpr std::size_t kMaxNameOctets = 255;
constexpr std::size_t kMaxLabelOctets = 63;

// Reads an uncompressed domain name (RFC 1035 §3.1) at `pos` and writes it in presentation form
// (RFC 1035 §5.1): '.' and '\' inside a label and bytes outside printable ASCII are escaped, so
// that the text names the same labels when given back to the resolver. A compression pointer
// (RFC 1035 §4.1.4) or an extended label type is refused: libunbound uncompresses names.
std::optional<std::string> read_name(Rdata rdata, std::size_t& pos) {
    std::string text;
    std::size_t octets = 0;
    while (true) {
        if (pos >= rdata.size()) {
            return std::nullopt;
        }
        std::size_t length = rdata[pos++];
        octets += length + 1;
        if (length > kMaxLabelOctets || octets > kMaxNameOctets) {
            return std::nullopt;
        }
        if (length == 0) {
            break;
        }
        if (length > rdata.size() - pos) {
            return std::nullopt;
        }
        if (!text.empty()) {
            text += '.';
        }
        for (std::uint8_t byte : rdata.subspan(pos, length)) {
            if (byte == '.' || byte == '\\') {
                text += '\\';
                text += static_cast<char>(byte);
            } else if (byte <= 0x20 || byte >= 0x7f) {
                std::array<char, 5> escaped;
                std::snprintf(escaped.data(), escaped.size(), "\\%03u", byte);
                text += escaped.data();
            } else {
                text += static_cast<char>(byte);
            }
        }
        pos += length;
    }
    return text.empty() ? "." : text;
}

std::uint16_t read_u16(Rdata rdata, std::size_t pos) {
    return static_cast<std::uint16_t>(rdata[pos] << 8 | rdata[pos + 1]);
}

}  // namespace

std::optional<MxRecord> parse_mx(Rdata rdata) {
    if (rdata.size() < 3) {
        return std::nullopt;
    }
    std::size_t pos = 2;
    auto exchange = read_name(rdata, pos);
    if (!exchange || pos != rdata.size()) {
        return std::nullopt;
    }
    return MxRecord{read_u16(rdata, 0), std::move(*exchange)};
}

// RFC 2782: priority, weight, port, then the target, a name never compressed.
std::optional<SrvRecord> parse_srv(Rdata rdata) {
    if (rdata.size() < 7) {
        return std::nullopt;
    }
    std::size_t pos = 6;
    auto target = read_name(rdata, pos);
    if (!target || pos != rdata.size()) {
        return std::nullopt;
    }
    return SrvRecord{read_u16(rdata, 0), read_u16(rdata, 2), read_u16(rdata, 4),
                     std::move(*target)};
}

// RFC 1035 §3.4.1.
std::optional<boost::asio::ip::address_v4> parse_a(Rdata rdata) {
    if (rdata.size() != 4) {
        return std::nullopt;
    }
    boost::asio::ip::address_v4::bytes_type bytes;
    std::copy(rdata.begin(), rdata.end(), bytes.begin());
    return boost::asio::ip::address_v4(bytes);
}

// RFC 3596 §2.2.
std::optional<boost::asio::ip::address_v6> parse_aaaa(Rdata rdata) {
    if (rdata.size() != 16) {
        return std::nullopt;
    }
    boost::asio::ip::address_v6::bytes_type bytes;
    std::copy(rdata.begin(), rdata.end(), bytes.begin());
    return boost::asio::ip::address_v6(bytes);
}

// RFC 1035 §3.3.14: one or more <character-string>s. RFC 7208 §3.3 (and RFC 6376 §3.6.2.2 for
// DKIM keys) joins them without anything in between.
std::optional<std::string> parse_txt(Rdata rdata) {
    if (rdata.empty()) {
        return std::nullopt;
    }
    std::string text;
    std::size_t pos = 0;
    while (pos < rdata.size()) {
        std::size_t length = rdata[pos++];
        if (length > rdata.size() - pos) {
            return std::nullopt;
        }
        text.append(reinterpret_cast<const char*>(rdata.data() + pos), length);
        pos += length;
    }
    return text;
}

// RFC 6698 §2.1: usage, selector, matching type, then the association data to the end. Whether
// the fields make a usable record is DANE's to judge (RFC 7672 §2.2 ignores unusable ones).
std::optional<TlsaRecord> parse_tlsa(Rdata rdata) {
    if (rdata.size() < 3) {
        return std::nullopt;
    }
    return TlsaRecord{rdata[0], rdata[1], rdata[2], {rdata.begin() + 3, rdata.end()}};
}

// RFC 1035 §3.3.12.
std::optional<std::string> parse_ptr(Rdata rdata) {
    std::size_t pos = 0;
    auto name = read_name(rdata, pos);
    if (!name || pos != rdata.size()) {
        return std::nullopt;
    }
    return name;
}

}  // namespace sealbox::dns
