#pragma once
// IMAP flags (RFC 9051 §2.3.2) in the store's form: system flags as bits, keywords as text.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::server {

struct StoreFlags {
    std::uint32_t bits = 0;
    std::vector<std::string> keywords;  // each once, compared case-insensitively
};

// invalid_argument for an unknown system flag ("\\Foo") or a keyword that is not an atom;
// "\\Recent" is ignored (RFC 9051 §2.3.2: the server sets it, and IMAP4rev2 has none).
StoreFlags parse_flags(std::span<const std::string> flags);

// "\\Seen" ... then the keywords, each once.
std::vector<std::string> flag_names(std::uint32_t bits, std::string_view keywords);

std::string join_keywords(const std::vector<std::string>& keywords);

}  // namespace sealbox::server
