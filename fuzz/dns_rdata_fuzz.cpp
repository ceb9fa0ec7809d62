// What a DNS server controls: the rdata libunbound hands back. No parser may crash, and a name
// in presentation form must name exactly the labels of the wire form it came from.

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <vector>

#include "dns/rdata.h"
#include "fuzz_check.h"

using sealbox::fuzz::check;

namespace {

// The wire form of a name in presentation form (RFC 1035 §5.1 escapes), as a resolver reads it.
std::vector<std::uint8_t> to_wire(const std::string& text) {
    std::vector<std::uint8_t> wire;
    if (text == ".") {
        return {0};
    }
    std::vector<std::uint8_t> label;
    auto end_label = [&] {
        wire.push_back(static_cast<std::uint8_t>(label.size()));
        wire.insert(wire.end(), label.begin(), label.end());
        label.clear();
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        check(c > 0x20 && c < 0x7f);
        if (c == '.') {
            end_label();
        } else if (c != '\\') {
            label.push_back(static_cast<std::uint8_t>(c));
        } else if (i + 3 < text.size() && std::isdigit(static_cast<unsigned char>(text[i + 1]))) {
            label.push_back(static_cast<std::uint8_t>(std::stoi(text.substr(i + 1, 3))));
            i += 3;
        } else {
            check(i + 1 < text.size());
            label.push_back(static_cast<std::uint8_t>(text[++i]));
        }
    }
    end_label();
    wire.push_back(0);
    return wire;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    sealbox::dns::Rdata rdata(data, size);
    if (auto mx = sealbox::dns::parse_mx(rdata)) {
        check(to_wire(mx->exchange) == std::vector<std::uint8_t>(data + 2, data + size));
    }
    if (auto srv = sealbox::dns::parse_srv(rdata)) {
        // What was read writes back to the same octets.
        check(to_wire(srv->target) == std::vector<std::uint8_t>(data + 6, data + size));
        check(srv->priority == (data[0] << 8 | data[1]) && srv->port == (data[4] << 8 | data[5]));
    }
    if (auto ptr = sealbox::dns::parse_ptr(rdata)) {
        check(to_wire(*ptr) == std::vector<std::uint8_t>(data, data + size));
    }
    if (auto txt = sealbox::dns::parse_txt(rdata)) {
        check(txt->size() < size);
    }
    if (auto tlsa = sealbox::dns::parse_tlsa(rdata)) {
        check(tlsa->data.size() == size - 3);
    }
    check(sealbox::dns::parse_a(rdata).has_value() == (size == 4));
    check(sealbox::dns::parse_aaaa(rdata).has_value() == (size == 16));
    return 0;
}
