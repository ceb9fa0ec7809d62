#pragma once
// Command lines as a client sends them, from the same structures parse_command() fills, so that
// what one half writes the other half reads back unchanged.

#include <optional>
#include <string>
#include <string_view>

#include "smtp/proto/command.h"

namespace sealbox::smtp {

// "MAIL FROM:<reverse-path> params\r\n" (RFC 5321 §4.1.1.2); an empty reverse_path is the null
// sender "<>". Parameters in this order, each only when set: SIZE= (RFC 1870), BODY= (RFC 6152,
// RFC 3030), SMTPUTF8 (RFC 6531), RET= and ENVID= (RFC 3461, ENVID as xtext), AUTH= (RFC 4954
// §5, as xtext), REQUIRETLS (RFC 8689). The caller leaves out what the server did not announce.
// nullopt when reverse_path is not a mailbox in SMTP syntax (RFC 5321 §4.1.2) or is too long.
// Throws sealbox::Error(invalid_argument) for an ENVID or AUTH value that parse_command() would
// refuse: those come from an earlier parse, so a bad one is a bug.
std::optional<std::string> mail_command(std::string_view reverse_path, const MailParams& params);

// "RCPT TO:<forward-path> params\r\n" (RFC 5321 §4.1.1.3) with NOTIFY= and ORCPT=addr-type;xtext
// (RFC 3461 §4.1, §4.2). nullopt when forward_path is not a mailbox; throws like mail_command
// for a NOTIFY with nothing set, or an ORCPT that parse_command() would refuse.
std::optional<std::string> rcpt_command(std::string_view forward_path, const RcptParams& params);

}  // namespace sealbox::smtp
