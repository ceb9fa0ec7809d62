#include "smtp/proto/command.h"

#include <algorithm>
#include <array>
#include <limits>
#include <vector>

#include "smtp/proto/chars.h"
#include "smtp/proto/xtext.h"

namespace sealbox::smtp {
namespace {

using namespace chars;

// RFC 3461 budgets 100 characters for ENVID (§4.4) and 500 for the ORCPT address (§4.2);
// measured after decoding, the more lenient reading.
constexpr std::size_t kMaxEnvid = 100;
constexpr std::size_t kMaxOrcpt = 500;
constexpr std::size_t kMaxSizeDigits = 20;  // RFC 1870 §3: size-value = 1*20DIGIT
constexpr std::size_t kMaxMechanism = 20;   // RFC 4422 §3.1: sasl-mech = 1*20mech-char

ParseError error(int code, std::string enhanced, std::string text) {
    return ParseError{code, std::move(enhanced), std::move(text), false};
}

ParseError unrecognized() {
    return error(500, "5.5.2", "Syntax error, command unrecognized");
}
ParseError line_too_long() {
    return error(500, "5.5.2", "Line too long");
}
ParseError bad_parameters() {
    return error(501, "5.5.4", "Syntax error in parameters");
}
ParseError no_arguments_allowed() {
    return error(501, "5.5.4", "Syntax error, no parameters allowed");
}

std::string_view skip_spaces(std::string_view s) {
    while (!s.empty() && s.front() == ' ') {
        s.remove_prefix(1);
    }
    return s;
}

std::vector<std::string_view> split_spaces(std::string_view s) {
    std::vector<std::string_view> out;
    s = skip_spaces(s);
    while (!s.empty()) {
        std::size_t end = s.find(' ');
        out.push_back(s.substr(0, end));
        if (end == std::string_view::npos) {
            break;
        }
        s = skip_spaces(s.substr(end));
    }
    return out;
}

bool all_digits(std::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), is_digit);
}

// nullopt when the number does not fit in 64 bits.
std::optional<std::uint64_t> to_u64(std::string_view digits) {
    std::uint64_t value = 0;
    for (char c : digits) {
        auto d = static_cast<std::uint64_t>(c - '0');
        if (value > (std::numeric_limits<std::uint64_t>::max() - d) / 10) {
            return std::nullopt;
        }
        value = value * 10 + d;
    }
    return value;
}

// RFC 3461 §4.2 and §4.4: before xtext encoding, ENVID and the ORCPT address "MUST consist
// entirely of printable (graphic and white space) characters from the US-ASCII repertoire". So a
// CR or LF smuggled in as "+0D+0A" is refused before it can reach a DSN or a log line.
bool printable_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return (u >= 0x20 && u <= 0x7e) || c == '\t';
    });
}

// RFC 5321 §4.1.2: esmtp-keyword = (ALPHA / DIGIT) *(ALPHA / DIGIT / "-")
bool is_esmtp_keyword(std::string_view s) {
    return !s.empty() && is_alnum(s.front()) &&
           std::all_of(s.begin(), s.end(), [](char c) { return is_alnum(c) || c == '-'; });
}

// esmtp-value = 1*(%d33-60 / %d62-126), plus UTF8-non-ascii (RFC 6531 §3.3).
bool is_esmtp_value(std::string_view s) {
    return !s.empty() && valid_utf8(s) && std::all_of(s.begin(), s.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return (u >= 33 && u <= 126 && u != '=') || u >= 0x80;
    });
}

struct Param {
    std::string_view keyword;
    std::optional<std::string_view> value;
};

std::variant<std::vector<Param>, ParseError> split_params(std::string_view text) {
    std::vector<Param> params;
    for (std::string_view token : split_spaces(text)) {
        Param p;
        std::size_t eq = token.find('=');
        p.keyword = token.substr(0, eq);
        if (eq != std::string_view::npos) {
            p.value = token.substr(eq + 1);
        }
        if (!is_esmtp_keyword(p.keyword) || (p.value && !is_esmtp_value(*p.value))) {
            return bad_parameters();
        }
        params.push_back(p);
    }
    return params;
}

// RFC 5321 §4.1.1.11: parameters the server does not know get 555.
ParseError unknown_param(std::string_view keyword) {
    return error(555, "5.5.4", "Unsupported parameter " + std::string(keyword));
}

ParseError bad_value(std::string_view keyword) {
    return error(501, "5.5.4", "Bad " + std::string(keyword) + " parameter");
}

ParseError duplicate_param(std::string_view keyword) {
    return error(501, "5.5.4", "Duplicate " + std::string(keyword) + " parameter");
}

// Keywords of one command, in a fixed order, so duplicates are found without allocating.
template <std::size_t N>
class KeywordSet {
  public:
    explicit KeywordSet(std::array<std::string_view, N> names) : names_(names) {}
    // Index of keyword, or N when unknown.
    std::size_t find(std::string_view keyword) const {
        for (std::size_t i = 0; i < N; ++i) {
            if (iequals(keyword, names_[i])) {
                return i;
            }
        }
        return N;
    }
    // False when seen before.
    bool mark(std::size_t i) {
        if (seen_[i]) {
            return false;
        }
        seen_[i] = true;
        return true;
    }

  private:
    std::array<std::string_view, N> names_;
    std::array<bool, N> seen_{};
};

std::optional<ParseError> apply_mail_param(const Param& p, std::size_t which, MailParams& out) {
    const std::string_view v = p.value.value_or(std::string_view());
    const bool has_value = p.value.has_value();
    switch (which) {
        case 0: {  // SIZE (RFC 1870 §3)
            if (!has_value || !all_digits(v) || v.size() > kMaxSizeDigits) {
                return bad_value("SIZE");
            }
            auto size = to_u64(v);
            if (!size) {
                // Twenty digits can exceed 2^64; no server takes that much (RFC 1870 §6).
                return error(552, "5.3.4", "Message size exceeds fixed maximum message size");
            }
            out.size = *size;
            return std::nullopt;
        }
        case 1:  // BODY (RFC 6152 §2, RFC 3030 §3)
            if (iequals(v, "7BIT")) {
                out.body = Body::seven_bit;
            } else if (iequals(v, "8BITMIME")) {
                out.body = Body::eight_bit_mime;
            } else if (iequals(v, "BINARYMIME")) {
                out.body = Body::binary_mime;
            } else {
                return bad_value("BODY");
            }
            return std::nullopt;
        case 2:  // SMTPUTF8 (RFC 6531 §3.4) takes no value
            if (has_value) {
                return bad_value("SMTPUTF8");
            }
            out.smtputf8 = true;
            return std::nullopt;
        case 3:  // RET (RFC 3461 §4.3)
            if (iequals(v, "FULL")) {
                out.ret = Ret::full;
            } else if (iequals(v, "HDRS")) {
                out.ret = Ret::hdrs;
            } else {
                return bad_value("RET");
            }
            return std::nullopt;
        case 4: {  // ENVID (RFC 3461 §4.4)
            auto decoded = has_value ? xtext_decode(v) : std::nullopt;
            if (!decoded || decoded->empty() || decoded->size() > kMaxEnvid ||
                !printable_ascii(*decoded)) {
                return bad_value("ENVID");
            }
            out.envid = std::move(*decoded);
            return std::nullopt;
        }
        case 5:  // REQUIRETLS (RFC 8689 §4.1) takes no value
            if (has_value) {
                return bad_value("REQUIRETLS");
            }
            out.requiretls = true;
            return std::nullopt;
        case 6: {  // AUTH (RFC 4954 §5): xtext of "<>" or of a mailbox
            auto decoded = has_value ? xtext_decode(v) : std::nullopt;
            if (!decoded || (*decoded != "<>" && !parse_mailbox(*decoded))) {
                return bad_value("AUTH");
            }
            out.auth = std::move(*decoded);
            return std::nullopt;
        }
        default:
            return unknown_param(p.keyword);
    }
}

// RFC 3461 §4.1: notify-esmtp-value = "NEVER" / 1#notify-list-element
std::optional<Notify> parse_notify(std::string_view v) {
    Notify n;
    std::size_t count = 0;
    while (true) {
        std::size_t comma = v.find(',');
        std::string_view item = v.substr(0, comma);
        if (iequals(item, "NEVER")) {
            n.never = true;
        } else if (iequals(item, "SUCCESS")) {
            n.success = true;
        } else if (iequals(item, "FAILURE")) {
            n.failure = true;
        } else if (iequals(item, "DELAY")) {
            n.delay = true;
        } else {
            return std::nullopt;
        }
        ++count;
        if (comma == std::string_view::npos) {
            break;
        }
        v.remove_prefix(comma + 1);
    }
    if (n.never && count > 1) {
        return std::nullopt;
    }
    return n;
}

// RFC 3461 §4.2: orcpt-parameter = "ORCPT=" addr-type ";" xtext, addr-type = atom
std::optional<Orcpt> parse_orcpt(std::string_view v) {
    std::size_t semi = v.find(';');
    if (semi == std::string_view::npos) {
        return std::nullopt;
    }
    std::string_view type = v.substr(0, semi);
    if (type.empty() || !std::all_of(type.begin(), type.end(),
                                     [](char c) { return is_atext(c) && !is_non_ascii(c); })) {
        return std::nullopt;
    }
    auto address = xtext_decode(v.substr(semi + 1));
    if (!address || address->empty() || address->size() > kMaxOrcpt || !printable_ascii(*address)) {
        return std::nullopt;
    }
    return Orcpt{std::string(type), std::move(*address)};
}

std::optional<ParseError> apply_rcpt_param(const Param& p, std::size_t which, RcptParams& out) {
    switch (which) {
        case 0: {
            auto notify = p.value ? parse_notify(*p.value) : std::nullopt;
            if (!notify) {
                return bad_value("NOTIFY");
            }
            out.notify = *notify;
            return std::nullopt;
        }
        case 1: {
            auto orcpt = p.value ? parse_orcpt(*p.value) : std::nullopt;
            if (!orcpt) {
                return bad_value("ORCPT");
            }
            out.orcpt = std::move(*orcpt);
            return std::nullopt;
        }
        default:
            return unknown_param(p.keyword);
    }
}

ParseError path_error(PathError e, PathRole role) {
    // RFC 3463 §3.2: X.1.7 is the sender's address syntax, X.1.3 a recipient's.
    std::string enhanced = role == PathRole::reverse ? "5.1.7" : "5.1.3";
    switch (e) {
        case PathError::local_part_too_long:
            return error(501, enhanced, "Local part too long");
        case PathError::domain_too_long:
            return error(501, enhanced, "Domain too long");
        case PathError::path_too_long:
            // RFC 5321 §4.5.3.1.10 gives "501 Path too long" as the example.
            return error(501, enhanced, "Path too long");
        case PathError::syntax:
            break;
    }
    return error(
        501, enhanced,
        role == PathRole::reverse ? "Bad sender address syntax" : "Bad recipient address syntax");
}

struct PathAndParams {
    std::optional<Mailbox> mailbox;
    std::string_view params;
};

// Shared by MAIL and RCPT: "<verb> SP FROM: / TO:" then the path, then parameters.
// RFC 5321 §4.1.1.2 has no space after the colon, but many clients send one ("MAIL FROM: <a>");
// it is accepted, as most servers do, because it cannot be misread.
std::variant<PathAndParams, ParseError> parse_path_command(std::string_view line,
                                                           std::size_t verb_len,
                                                           std::string_view keyword, PathRole role,
                                                           const CommandLimits& limits) {
    std::string_view rest = line.substr(verb_len);
    std::string syntax_text =
        role == PathRole::reverse ? "Syntax: MAIL FROM:<address>" : "Syntax: RCPT TO:<address>";
    if (rest.empty() || rest.front() != ' ') {
        return error(501, "5.5.4", syntax_text);
    }
    rest = skip_spaces(rest);
    if (!istarts_with(rest, keyword)) {
        return error(501, "5.5.4", syntax_text);
    }
    rest = skip_spaces(rest.substr(keyword.size()));
    if (rest.empty()) {
        return error(501, "5.5.4", syntax_text);
    }
    auto path = parse_path(rest, role);
    if (auto* e = std::get_if<PathError>(&path)) {
        return path_error(*e, role);
    }
    auto& parsed = std::get<ParsedPath>(path);
    rest.remove_prefix(parsed.length);
    // Everything up to the end of the path must fit the plain limit; only parameters may not.
    if (line.size() - rest.size() + 2 > limits.max_line) {
        return line_too_long();
    }
    if (!rest.empty() && rest.front() != ' ') {
        return bad_parameters();
    }
    return PathAndParams{std::move(parsed.mailbox), rest};
}

ParseResult parse_mail(std::string_view line, std::size_t verb_len, const CommandLimits& limits) {
    auto head = parse_path_command(line, verb_len, "FROM:", PathRole::reverse, limits);
    if (auto* e = std::get_if<ParseError>(&head)) {
        return *e;
    }
    auto& pp = std::get<PathAndParams>(head);
    auto params = split_params(pp.params);
    if (auto* e = std::get_if<ParseError>(&params)) {
        return *e;
    }
    Mail mail;
    mail.from = std::move(pp.mailbox);
    KeywordSet<7> known({"SIZE", "BODY", "SMTPUTF8", "RET", "ENVID", "REQUIRETLS", "AUTH"});
    for (const Param& p : std::get<std::vector<Param>>(params)) {
        std::size_t which = known.find(p.keyword);
        if (which < 7 && !known.mark(which)) {
            return duplicate_param(p.keyword);
        }
        if (auto e = apply_mail_param(p, which, mail.params)) {
            return *e;
        }
    }
    return Command{std::move(mail)};
}

ParseResult parse_rcpt(std::string_view line, std::size_t verb_len, const CommandLimits& limits) {
    auto head = parse_path_command(line, verb_len, "TO:", PathRole::forward, limits);
    if (auto* e = std::get_if<ParseError>(&head)) {
        return *e;
    }
    auto& pp = std::get<PathAndParams>(head);
    auto params = split_params(pp.params);
    if (auto* e = std::get_if<ParseError>(&params)) {
        return *e;
    }
    Rcpt rcpt;
    rcpt.to = std::move(*pp.mailbox);
    KeywordSet<2> known({"NOTIFY", "ORCPT"});
    for (const Param& p : std::get<std::vector<Param>>(params)) {
        std::size_t which = known.find(p.keyword);
        if (which < 2 && !known.mark(which)) {
            return duplicate_param(p.keyword);
        }
        if (auto e = apply_rcpt_param(p, which, rcpt.params)) {
            return *e;
        }
    }
    return Command{std::move(rcpt)};
}

ParseResult parse_hello(Hello::Kind kind, std::string_view args) {
    std::string_view arg = skip_spaces(args);
    if (arg.empty()) {
        static constexpr std::array<std::string_view, 3> kSyntax = {
            "Syntax: HELO hostname", "Syntax: EHLO hostname", "Syntax: LHLO hostname"};
        return error(501, "5.5.4", std::string(kSyntax[static_cast<std::size_t>(kind)]));
    }
    // Clients with unqualified or odd names (underscores, bare IPs) are common; RFC 5321 §4.1.4
    // forbids refusing over a mismatch, so syntax is reported for the session's policy instead.
    Hello hello;
    hello.kind = kind;
    hello.argument = std::string(arg);
    hello.valid_syntax = is_valid_domain(arg) || is_valid_address_literal(arg);
    return Command{std::move(hello)};
}

// RFC 3030 §2: bdat-cmd = "BDAT" SP chunk-size [ SP end-marker ]
ParseResult parse_bdat(std::string_view args) {
    auto tokens = split_spaces(args);
    ParseError bad = error(501, "5.5.4", "Syntax: BDAT size [LAST]");
    bad.close_connection = true;
    if (tokens.empty() || tokens.size() > 2 || !all_digits(tokens[0]) ||
        (tokens.size() == 2 && !iequals(tokens[1], "LAST"))) {
        return bad;
    }
    auto size = to_u64(tokens[0]);
    if (!size) {
        return bad;
    }
    return Command{Bdat{*size, tokens.size() == 2}};
}

bool is_base64(std::string_view s) {
    if (s.empty() || s.size() % 4 != 0) {
        return false;
    }
    std::size_t pad = 0;
    while (pad < 2 && pad < s.size() && s[s.size() - 1 - pad] == '=') {
        ++pad;
    }
    return std::all_of(s.begin(), s.end() - static_cast<std::ptrdiff_t>(pad),
                       [](char c) { return is_alnum(c) || c == '+' || c == '/'; });
}

// RFC 4954 §4: "AUTH" SP sasl-mech [SP initial-response]; initial-response = base64 / "="
ParseResult parse_auth(std::string_view line, std::size_t verb_len, const CommandLimits& limits) {
    auto tokens = split_spaces(line.substr(verb_len));
    if (tokens.empty() || tokens.size() > 2) {
        return error(501, "5.5.4", "Syntax: AUTH mechanism [initial-response]");
    }
    std::string_view mech = tokens[0];
    if (mech.size() > kMaxMechanism || !std::all_of(mech.begin(), mech.end(), [](char c) {
            return is_alnum(c) || c == '-' || c == '_';
        })) {
        return error(501, "5.5.4", "Invalid mechanism name");
    }
    // The initial response is the only part that may exceed the plain line limit.
    std::size_t head = static_cast<std::size_t>(mech.data() + mech.size() - line.data());
    if (head + 2 > limits.max_line) {
        return line_too_long();
    }
    Auth auth;
    for (char c : mech) {
        auth.mechanism.push_back(to_upper(c));
    }
    if (tokens.size() == 2) {
        if (tokens[1] == "=") {
            auth.initial_response.emplace();
        } else if (is_base64(tokens[1])) {
            auth.initial_response = std::string(tokens[1]);
        } else {
            // RFC 4954 §4 and §6: a response that is not base64 gets 501 5.5.2.
            return error(501, "5.5.2", "Cannot decode initial response");
        }
    }
    return Command{std::move(auth)};
}

// VRFY and EXPN (RFC 5321 §4.1.1.6, §4.1.1.7), with RFC 6531 §3.7.4.2's SMTPUTF8 flag.
template <typename T>
ParseResult parse_lookup(std::string_view args, std::string_view verb) {
    std::string_view arg = skip_spaces(args);
    if (arg.empty()) {
        return error(501, "5.5.4", "Syntax: " + std::string(verb) + " address");
    }
    T out;
    std::size_t last_space = arg.rfind(' ');
    if (last_space != std::string_view::npos && iequals(arg.substr(last_space + 1), "SMTPUTF8")) {
        out.smtputf8 = true;
        arg = arg.substr(0, last_space);
        while (!arg.empty() && arg.back() == ' ') {
            arg.remove_suffix(1);
        }
    }
    out.argument = std::string(arg);
    return Command{std::move(out)};
}

// Commands with no arguments (DATA, RSET, QUIT, STARTTLS: RFC 5321 §4.1.1, RFC 3207 §4).
template <typename T>
ParseResult no_args(std::string_view args) {
    if (!skip_spaces(args).empty()) {
        return no_arguments_allowed();
    }
    return Command{T{}};
}

bool has_forbidden_control(std::string_view line) {
    // A CR or LF here means the session split the stream somewhere other than at CRLF; any
    // other control octet is outside the command grammar. HTAB is tolerated in free text.
    return std::any_of(line.begin(), line.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return (u < 0x20 && c != '\t') || u == 0x7f;
    });
}

}  // namespace

ParseResult parse_command(std::string_view line, const CommandLimits& limits) {
    if (line.size() + 2 > limits.max_extended_line) {
        return line_too_long();
    }
    if (has_forbidden_control(line)) {
        return error(500, "5.5.2", "Invalid character in command");
    }
    // Trailing white space is a common client quirk and never meaningful.
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) {
        line.remove_suffix(1);
    }
    const std::size_t space = line.find(' ');
    const std::string_view verb = line.substr(0, space);
    const std::string_view args =
        space == std::string_view::npos ? std::string_view() : line.substr(space);
    const bool over_plain_limit = line.size() + 2 > limits.max_line;

    // MAIL, RCPT and AUTH check the plain limit themselves, as their tails may extend the line.
    if (iequals(verb, "MAIL")) {
        return parse_mail(line, verb.size(), limits);
    }
    if (iequals(verb, "RCPT")) {
        return parse_rcpt(line, verb.size(), limits);
    }
    if (iequals(verb, "AUTH")) {
        return parse_auth(line, verb.size(), limits);
    }
    if (over_plain_limit) {
        return line_too_long();
    }
    if (iequals(verb, "EHLO")) {
        return parse_hello(Hello::Kind::ehlo, args);
    }
    if (iequals(verb, "HELO")) {
        return parse_hello(Hello::Kind::helo, args);
    }
    if (iequals(verb, "LHLO")) {
        return parse_hello(Hello::Kind::lhlo, args);
    }
    if (iequals(verb, "DATA")) {
        return no_args<Data>(args);
    }
    if (iequals(verb, "BDAT")) {
        return parse_bdat(args);
    }
    if (iequals(verb, "RSET")) {
        return no_args<Rset>(args);
    }
    if (iequals(verb, "QUIT")) {
        return no_args<Quit>(args);
    }
    if (iequals(verb, "STARTTLS")) {
        return no_args<StartTls>(args);
    }
    if (iequals(verb, "NOOP")) {
        // RFC 5321 §4.1.1.9: the argument is ignored.
        return Command{Noop{std::string(skip_spaces(args))}};
    }
    if (iequals(verb, "HELP")) {
        return Command{Help{std::string(skip_spaces(args))}};
    }
    if (iequals(verb, "VRFY")) {
        return parse_lookup<Vrfy>(args, "VRFY");
    }
    if (iequals(verb, "EXPN")) {
        return parse_lookup<Expn>(args, "EXPN");
    }
    // RFC 5321 §4.2.4: 502 for commands that exist but are not implemented here (obsolete ones
    // from RFC 821 and Appendix F, and extensions Sealbox does not offer).
    for (std::string_view known : {"SEND", "SOML", "SAML", "TURN", "ETRN", "ATRN", "BURL"}) {
        if (iequals(verb, known)) {
            return error(502, "5.5.1", "Command not implemented");
        }
    }
    return unrecognized();
}

Reply to_reply(const ParseError& e) {
    return Reply{e.code, e.enhanced, {e.text}};
}

}  // namespace sealbox::smtp
