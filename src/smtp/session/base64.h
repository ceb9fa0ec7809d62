#pragma once
// Base64 (RFC 4648 §4) for SASL exchanges (RFC 4954 §4): strict, since a client that pads or
// wraps wrongly is refused with 501 rather than guessed at.

#include <optional>
#include <string>
#include <string_view>

namespace sealbox::smtp {

std::string base64_encode(std::string_view raw);
// nullopt unless the input is canonical base64: whole quanta, "=" only as final padding.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sealbox::smtp
