#include "mailauth/auth_results.h"

#include <algorithm>

#include "core/ascii.h"
#include "mime/header_block.h"

namespace sealbox::mailauth {

namespace {

constexpr std::string_view kFieldName = "Authentication-Results";
constexpr std::size_t kFoldColumn = 78;  // RFC 5322 §2.1.1 "SHOULD" line length

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b,
                              [](char x, char y) { return ascii_lower(x) == ascii_lower(y); });
}

bool is_control(char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
}
bool is_alnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

// RFC 2045 §5.1: token := 1*<any (US-ASCII) CHAR except SPACE, CTLs, or tspecials>.
bool is_token_char(char c) {
    return static_cast<unsigned char>(c) > 0x20 && static_cast<unsigned char>(c) < 0x7f &&
           std::string_view("()<>@,;:\\\"/[]?=").find(c) == std::string_view::npos;
}
bool is_token(std::string_view text) {
    return !text.empty() && std::ranges::all_of(text, is_token_char);
}

// RFC 5322 §3.2.3 atext.
bool is_atext(char c) {
    return is_alnum(c) || std::string_view("!#$%&'*+-/=?^_`{|}~").find(c) != std::string_view::npos;
}

bool is_dot_atom(std::string_view text) {
    if (text.empty() || text.front() == '.' || text.back() == '.' ||
        text.find("..") != std::string_view::npos) {
        return false;
    }
    return std::ranges::all_of(text, [](char c) { return c == '.' || is_atext(c); });
}

// RFC 8601 §2.2 pvalue's second form: [ [ local-part ] "@" ] domain-name, written bare.
bool is_address(std::string_view text) {
    std::size_t at = text.rfind('@');
    if (at == std::string_view::npos) {
        return false;
    }
    std::string_view local = text.substr(0, at);
    std::string_view domain = text.substr(at + 1);
    return (local.empty() || is_dot_atom(local)) && is_dot_atom(domain) &&
           std::ranges::all_of(domain, [](char c) { return c == '.' || c == '-' || is_alnum(c); });
}

// value = token / quoted-string (RFC 2045 §5.1, RFC 5322 §3.2.4).
std::string format_value(std::string_view value) {
    if (is_token(value)) {
        return std::string(value);
    }
    std::string out = "\"";
    for (char c : value) {
        if (is_control(c)) {
            continue;  // a header field cannot carry them, not even quoted
        }
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + "\"";
}

// Writes words separated by blanks, folding before a word that would pass the fold column.
class FoldedLine {
  public:
    // `fold` false: one line, words separated by single spaces.
    explicit FoldedLine(std::string start, bool fold = true)
        : text_(std::move(start)), column_(text_.size()), fold_(fold) {}

    void word(std::string_view word, bool new_line = false) {
        if (text_.empty()) {
            // the first word of an unfolded line
        } else if (fold_ && (new_line || column_ + 1 + word.size() > kFoldColumn)) {
            text_ += "\r\n\t";
            column_ = 8;
        } else {
            text_ += ' ';
            ++column_;
        }
        text_ += word;
        column_ += word.size();
    }
    void append(std::string_view text) {
        text_ += text;
        column_ += text.size();
    }
    std::string finish() { return std::move(text_) + "\r\n"; }
    std::string text() { return std::move(text_); }

  private:
    std::string text_;
    std::size_t column_;
    bool fold_;
};

// RFC 8601 §2.2: the resinfo list, ";"-separated, or "none" (no-result).
void write_results(FoldedLine& line, const std::vector<MethodResult>& results) {
    if (results.empty()) {
        line.word("none");
        return;
    }
    bool first = true;
    for (const MethodResult& result : results) {
        if (!first) {
            line.append(";");
        }
        first = false;
        line.word(result.method + "=" + (result.result.empty() ? "none" : result.result),
                  /*new_line=*/true);
        if (!result.reason.empty()) {
            line.word("reason=" + format_value(result.reason));
        }
        for (const ResultProperty& property : result.properties) {
            // pvalue (§2.2) is a value, or an address written bare.
            line.word(property.ptype + "." + property.property + "=" +
                      (is_address(property.value) ? property.value : format_value(property.value)));
        }
    }
}

// RFC 5322 §3.2.2 CFWS: blanks, line breaks of folds, and comments, which nest and may hold
// quoted-pairs. False when a comment never closes.
bool skip_cfws(std::string_view text, std::size_t& at) {
    int depth = 0;
    while (at < text.size()) {
        char c = text[at];
        if (depth > 0 && c == '\\') {
            at += 2;
        } else if (c == '(') {
            ++depth;
            ++at;
        } else if (depth > 0 && c == ')') {
            --depth;
            ++at;
        } else if (depth > 0 || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
            ++at;
        } else {
            break;
        }
    }
    at = std::min(at, text.size());
    return depth == 0;
}

// RFC 2045 §5.1 value at `at` (a token or a quoted-string), `at` moved past it; nullopt when
// there is none.
std::optional<std::string> read_value(std::string_view text, std::size_t& at) {
    if (at == text.size()) {
        return std::nullopt;
    }
    std::string value;
    if (text[at] == '"') {
        // RFC 5322 §3.2.4 quoted-string: quoted-pairs stand for their second character; the
        // line breaks of folds go (§3.2.2 unfolding).
        for (++at; at < text.size(); ++at) {
            char c = text[at];
            if (c == '"') {
                ++at;
                return value;
            }
            if (c == '\\' && at + 1 < text.size()) {
                value += text[++at];
            } else if (c != '\r' && c != '\n') {
                value += c;
            }
        }
        return std::nullopt;  // never closed
    }
    while (at < text.size() && is_token_char(text[at])) {
        value += text[at++];
    }
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

std::string read_while(std::string_view text, std::size_t& at, bool (*wanted)(char)) {
    std::size_t start = at;
    while (at < text.size() && wanted(text[at])) {
        ++at;
    }
    return std::string(text.substr(start, at - start));
}

std::string read_digits(std::string_view text, std::size_t& at) {
    return read_while(text, at, [](char c) { return c >= '0' && c <= '9'; });
}

// RFC 8601 §2.2 Keyword (method, result, ptype and property names).
std::string read_keyword(std::string_view text, std::size_t& at) {
    return read_while(text, at, [](char c) { return is_alnum(c) || c == '-' || c == '_'; });
}

// pvalue = [CFWS] ( value / [ [ local-part ] "@" ] domain-name ) [CFWS]: a quoted-string, or
// what runs up to CFWS or ";" (an address, a domain, a token, header.b's base64).
std::optional<std::string> read_pvalue(std::string_view text, std::size_t& at) {
    if (at < text.size() && text[at] == '"') {
        return read_value(text, at);
    }
    std::string value = read_while(text, at, [](char c) {
        return static_cast<unsigned char>(c) > 0x20 && c != 0x7f && c != ';' && c != '(';
    });
    if (value.empty()) {
        return std::nullopt;
    }
    return value;
}

}  // namespace

// RFC 8601 §2.2:
//   authres-payload = [CFWS] authserv-id [ CFWS authres-version ]
//                     ( no-result / 1*resinfo ) [CFWS] CRLF
//   resinfo = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
std::string format_authentication_results(std::string_view authserv_id,
                                          const std::vector<MethodResult>& results) {
    FoldedLine line(std::string(kFieldName) + ":");
    line.word(format_value(authserv_id));
    line.append(";");
    write_results(line, results);
    return line.finish();
}

std::string format_results(const std::vector<MethodResult>& results) {
    FoldedLine line("", /*fold=*/false);
    write_results(line, results);
    return line.text();
}

std::optional<std::string> read_authserv_id(std::string_view field_body) {
    std::size_t at = 0;
    if (!skip_cfws(field_body, at)) {
        return std::nullopt;
    }
    return read_value(field_body, at);
}

// RFC 8601 §2.2, read leniently where it is safe (keywords of letters, digits, "-" and "_";
// a pvalue up to CFWS or ";") and strictly where it is not: anything out of place and nothing
// is returned, so that a field built to confuse is not half believed.
//   resinfo    = [CFWS] ";" methodspec [ CFWS reasonspec ] [ CFWS 1*propspec ]
//   methodspec = [CFWS] method [CFWS] "=" [CFWS] result
//   method     = Keyword [ [CFWS] "/" [CFWS] method-version ]
//   reasonspec = "reason" [CFWS] "=" [CFWS] value
//   propspec   = ptype [CFWS] "." [CFWS] property [CFWS] "=" pvalue
//   no-result  = [CFWS] ";" [CFWS] "none"
std::optional<ReadResults> read_authentication_results(std::string_view field_body) {
    ReadResults out;
    std::size_t at = 0;
    auto id = skip_cfws(field_body, at) ? read_value(field_body, at) : std::nullopt;
    if (!id) {
        return std::nullopt;
    }
    out.authserv_id = std::move(*id);
    auto next = [&](char c) {  // CFWS, then `c`
        if (!skip_cfws(field_body, at) || at == field_body.size() || field_body[at] != c) {
            return false;
        }
        ++at;
        return true;
    };
    auto at_end_of_resinfo = [&] {
        return skip_cfws(field_body, at) && (at == field_body.size() || field_body[at] == ';');
    };
    if (skip_cfws(field_body, at) && !read_digits(field_body, at).empty() &&
        !skip_cfws(field_body, at)) {
        return std::nullopt;  // authres-version
    }
    while (true) {
        if (!skip_cfws(field_body, at)) {
            return std::nullopt;
        }
        if (at == field_body.size()) {
            return out;
        }
        if (!next(';') || !skip_cfws(field_body, at)) {
            return std::nullopt;
        }
        MethodResult result;
        result.method = ascii_lower(read_keyword(field_body, at));
        if (result.method.empty()) {
            return std::nullopt;
        }
        if (result.method == "none" && at_end_of_resinfo()) {
            continue;  // no-result
        }
        if (skip_cfws(field_body, at) && at < field_body.size() && field_body[at] == '/') {
            ++at;
            if (!skip_cfws(field_body, at) || read_digits(field_body, at).empty()) {
                return std::nullopt;
            }
        }
        if (!next('=') || !skip_cfws(field_body, at)) {
            return std::nullopt;
        }
        result.result = ascii_lower(read_keyword(field_body, at));
        if (result.result.empty()) {
            return std::nullopt;
        }
        while (!at_end_of_resinfo()) {
            if (at == field_body.size() || !skip_cfws(field_body, at)) {
                return std::nullopt;
            }
            std::string ptype = ascii_lower(read_keyword(field_body, at));
            if (ptype == "reason") {
                auto reason = next('=') && skip_cfws(field_body, at) ? read_value(field_body, at)
                                                                     : std::nullopt;
                if (!reason) {
                    return std::nullopt;
                }
                result.reason = std::move(*reason);
                continue;
            }
            if (ptype.empty() || !next('.') || !skip_cfws(field_body, at)) {
                return std::nullopt;
            }
            std::string property = ascii_lower(read_keyword(field_body, at));
            if (property.empty() || !next('=') || !skip_cfws(field_body, at)) {
                return std::nullopt;
            }
            auto value = read_pvalue(field_body, at);
            if (!value) {
                return std::nullopt;
            }
            result.property(std::move(ptype), std::move(property), std::move(*value));
        }
        out.results.push_back(std::move(result));
    }
}

const std::string* MethodResult::find_property(std::string_view ptype,
                                               std::string_view name) const {
    for (const ResultProperty& p : properties) {
        if (p.ptype == ptype && p.property == name) {
            return &p.value;
        }
    }
    return nullptr;
}

std::vector<FieldSpan> find_own_authentication_results(std::string_view header,
                                                       std::string_view authserv_id) {
    std::vector<FieldSpan> spans;
    mime::HeaderBlock block = mime::read_header_block(header, 0, header.size());
    for (const mime::HeaderField& field : block.fields) {
        if (!equals_ignoring_case(field.name, kFieldName)) {
            continue;
        }
        auto id = read_authserv_id(field.raw_value);
        if (!id || !equals_ignoring_case(*id, authserv_id)) {
            continue;
        }
        std::size_t begin = static_cast<std::size_t>(field.name.data() - header.data());
        std::size_t end = static_cast<std::size_t>(field.raw_value.data() - header.data()) +
                          field.raw_value.size();
        if (header.substr(end, 2) == "\r\n") {
            end += 2;
        } else if (header.substr(end, 1) == "\n") {
            end += 1;
        }
        spans.push_back({begin, end - begin});
    }
    return spans;
}

std::string remove_fields(std::string_view header, const std::vector<FieldSpan>& spans) {
    std::string out;
    out.reserve(header.size());
    std::size_t at = 0;
    for (const FieldSpan& span : spans) {
        out += header.substr(at, span.offset - at);
        at = span.offset + span.length;
    }
    out += header.substr(at);
    return out;
}

}  // namespace sealbox::mailauth
