#pragma once
// Server responses on the wire (RFC 1939 §3): a status line "+OK" or "-ERR", and for some
// commands a multi-line body ended by ".CRLF" whose lines starting with "." are byte-stuffed.
// Caller text may hold client data; it can never end a line early or forge one.

#include <span>
#include <string>
#include <string_view>

namespace sealbox::pop3 {

// RFC 2449 §8 extended response codes, sent in brackets after "-ERR": IN-USE and LOGIN-DELAY
// (RFC 2449 §8.1), SYS/TEMP, SYS/PERM and AUTH (RFC 3206 §4-§5).
enum class ResponseCode { none, in_use, login_delay, sys_temp, sys_perm, auth };

// "+OK text\r\n", or "+OK\r\n" when text is empty.
std::string ok(std::string_view text = {});

// "-ERR [CODE] text\r\n".
std::string err(std::string_view text, ResponseCode code = ResponseCode::none);

// "+OK text", then each line byte-stuffed, then ".\r\n" (RFC 1939 §3): LIST, UIDL, AUTH lists.
std::string multi_line(std::string_view text, std::span<const std::string> lines);

// The CAPA answer (RFC 2449 §5): one capability per line, e.g. "TOP", "SASL PLAIN".
std::string capa_response(std::span<const std::string> capabilities);

// "+OK text" then the message byte-stuffed and terminated (RFC 1939 §3), for RETR and for TOP
// with top_of(). A bare CR or LF in the message is sent as CRLF so no line can hide a ".CRLF".
// For large messages the session may stream with smtp::DotStuffer, which this uses.
std::string message_response(std::string_view text, std::string_view message);

// "+ challenge\r\n" during AUTH (RFC 5034 §4); challenge is base64, possibly empty.
std::string auth_challenge(std::string_view base64);

}  // namespace sealbox::pop3
