#include "mailauth/auth_results.h"

#include <algorithm>

#include "mime/header_block.h"

namespace sealbox::mailauth {

namespace {

constexpr std::string_view kFieldName = "Authentication-Results";
constexpr std::size_t kFoldColumn = 78;  // RFC 5322 §2.1.1 "SHOULD" line length

char lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return std::ranges::equal(a, b, [](char x, char y) { return lower(x) == lower(y); });
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
    if (!skip_cfws(field_body, at) || at == field_body.size()) {
        return std::nullopt;
    }
    std::string id;
    if (field_body[at] == '"') {
        // RFC 5322 §3.2.4 quoted-string: quoted-pairs stand for their second character; the
        // line breaks of folds go (§3.2.2 unfolding).
        for (++at; at < field_body.size(); ++at) {
            char c = field_body[at];
            if (c == '"') {
                return id;
            }
            if (c == '\\' && at + 1 < field_body.size()) {
                id += field_body[++at];
            } else if (c != '\r' && c != '\n') {
                id += c;
            }
        }
        return std::nullopt;  // never closed
    }
    while (at < field_body.size() && is_token_char(field_body[at])) {
        id += field_body[at++];
    }
    if (id.empty()) {
        return std::nullopt;
    }
    return id;
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
