#pragma once
// xtext (RFC 3461 §4): the encoding of ENVID, ORCPT and the MAIL AUTH= parameter.

#include <optional>
#include <string>
#include <string_view>

namespace sealbox::smtp {

// Every octet outside "!".."~", and "+" and "=", becomes "+XX" with upper-case hex.
std::string xtext_encode(std::string_view raw);

// nullopt unless the input is xtext: only "!".."~" except "=", and "+" followed by two hex
// digits. RFC 3461 asks for upper-case hex; lower case is accepted because it is unambiguous.
std::optional<std::string> xtext_decode(std::string_view xtext);

}  // namespace sealbox::smtp
