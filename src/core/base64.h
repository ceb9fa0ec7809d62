#pragma once
// Base64 (RFC 4648 §4) for SASL exchanges (RFC 4954 §4, RFC 9051 §6.2.2, RFC 5034 §4): strict,
// since a client that pads or wraps wrongly is refused rather than guessed at.

#include <optional>
#include <string>
#include <string_view>

namespace sealbox {

std::string base64_encode(std::string_view raw);
// nullopt unless the input is canonical base64: whole quanta, "=" only as final padding, and
// the bits the padding leaves over zero (RFC 4648 §3.5). A refused input leaves no copy of what
// was decoded so far (it may be a password).
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace sealbox
