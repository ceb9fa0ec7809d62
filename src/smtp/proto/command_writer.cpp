#include "smtp/proto/command_writer.h"

#include "core/error.h"
#include "smtp/proto/xtext.h"

namespace sealbox::smtp {
namespace {

// "<mailbox>", rewritten from its parsed form: the local part quoted only where it must be
// (RFC 5321 §4.1.2), nothing that could end the line. nullopt for anything else.
std::optional<std::string> path(std::string_view address, PathRole role) {
    if (address.empty() && role == PathRole::reverse) {
        return "<>";
    }
    std::string wrapped = "<" + std::string(address) + ">";
    auto parsed = parse_path(wrapped, role);
    auto* ok = std::get_if<ParsedPath>(&parsed);
    if (ok == nullptr || ok->length != wrapped.size() || !ok->mailbox) {
        return std::nullopt;
    }
    return "<" + ok->mailbox->str() + ">";
}

const char* body_value(Body body) {
    switch (body) {
        case Body::seven_bit:
            return "7BIT";
        case Body::eight_bit_mime:
            return "8BITMIME";
        case Body::binary_mime:
            return "BINARYMIME";
    }
    return "7BIT";
}

std::string notify_value(const Notify& notify) {
    if (notify.never) {
        return "NEVER";  // RFC 3461 §4.1: NEVER stands alone
    }
    std::string out;
    for (auto [set, name] :
         {std::pair{notify.success, "SUCCESS"}, std::pair{notify.failure, "FAILURE"},
          std::pair{notify.delay, "DELAY"}}) {
        if (set) {
            out += out.empty() ? "" : ",";
            out += name;
        }
    }
    if (out.empty()) {
        throw Error(ErrorCode::invalid_argument, "NOTIFY with no condition set");
    }
    return out;
}

// The line read back by the server half's parser: a value it would refuse (an ENVID over 100
// octets, a control character in an ORCPT address) is never sent.
void check_parses(const std::string& line, const char* what) {
    // The whole line, which the parser takes without its CRLF, must fit its extended limit.
    CommandLimits limits{512, 4096};
    auto parsed = parse_command(std::string_view(line).substr(0, line.size() - 2), limits);
    if (std::holds_alternative<ParseError>(parsed)) {
        throw Error(ErrorCode::invalid_argument,
                    std::string("cannot send ") + what + ": " + std::get<ParseError>(parsed).text);
    }
}

}  // namespace

std::optional<std::string> mail_command(std::string_view reverse_path, const MailParams& params) {
    auto from = path(reverse_path, PathRole::reverse);
    if (!from) {
        return std::nullopt;
    }
    std::string line = "MAIL FROM:" + *from;
    if (params.size) {
        line += " SIZE=" + std::to_string(*params.size);
    }
    if (params.body) {
        line += " BODY=";
        line += body_value(*params.body);
    }
    if (params.smtputf8) {
        line += " SMTPUTF8";
    }
    if (params.ret) {
        line += *params.ret == Ret::full ? " RET=FULL" : " RET=HDRS";
    }
    if (params.envid) {
        line += " ENVID=" + xtext_encode(*params.envid);
    }
    if (params.auth) {
        line += " AUTH=" + xtext_encode(*params.auth);
    }
    if (params.requiretls) {
        line += " REQUIRETLS";
    }
    line += "\r\n";
    check_parses(line, "MAIL parameters");
    return line;
}

std::optional<std::string> rcpt_command(std::string_view forward_path, const RcptParams& params) {
    auto to = path(forward_path, PathRole::forward);
    if (!to) {
        return std::nullopt;
    }
    std::string line = "RCPT TO:" + *to;
    if (params.notify) {
        line += " NOTIFY=" + notify_value(*params.notify);
    }
    if (params.orcpt) {
        line += " ORCPT=" + params.orcpt->addr_type + ";" + xtext_encode(params.orcpt->address);
    }
    line += "\r\n";
    check_parses(line, "RCPT parameters");
    return line;
}

}  // namespace sealbox::smtp
