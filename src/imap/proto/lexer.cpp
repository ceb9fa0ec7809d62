#include "imap/proto/lexer.h"

#include "imap/proto/chars.h"

namespace sealbox::imap {

void Lexer::fail(std::string_view expected) const {
    std::string text = "Expected ";
    text.append(expected);
    if (at_end()) {
        text += " at end of command";
    } else {
        text += " at position " + std::to_string(pos_);
    }
    throw SyntaxError(text);
}

bool Lexer::take(char c) {
    if (peek() == c && !at_end()) {
        ++pos_;
        return true;
    }
    return false;
}

void Lexer::expect(char c, std::string_view what) {
    if (!take(c)) {
        fail(what);
    }
}

void Lexer::expect_end() {
    if (!at_end()) {
        fail("end of command");
    }
}

std::string_view Lexer::atom() {
    std::size_t start = pos_;
    while (!at_end() && chars::is_atom_char(input_[pos_])) {
        ++pos_;
    }
    if (pos_ == start) {
        fail("an atom");
    }
    return input_.substr(start, pos_ - start);
}

std::string_view Lexer::tag() {
    std::size_t start = pos_;
    while (!at_end() && chars::is_tag_char(input_[pos_])) {
        ++pos_;
    }
    if (pos_ == start) {
        fail("a tag");
    }
    return input_.substr(start, pos_ - start);
}

bool Lexer::next_is_string() const {
    char c = peek();
    // "~" is an ATOM-CHAR: only "~{" starts a literal8.
    return c == '"' || c == '{' ||
           (c == '~' && pos_ + 1 < input_.size() && input_[pos_ + 1] == '{');
}

std::string Lexer::string(bool binary_ok, bool* was_literal8) {
    if (peek() == '"') {
        return quoted();
    }
    if (next_is_string()) {
        return literal(binary_ok, was_literal8);
    }
    fail("a string");
}

// RFC 9051 §9: quoted = DQUOTE *QUOTED-CHAR DQUOTE; QUOTED-CHAR is any TEXT-CHAR but DQUOTE
// and "\", or "\" followed by one of them; UTF-8 only under IMAP4rev2 / UTF8=ACCEPT.
std::string Lexer::quoted() {
    expect('"', "a quoted string");
    std::string out;
    while (true) {
        if (at_end()) {
            throw SyntaxError("Unterminated quoted string");
        }
        char c = input_[pos_++];
        if (c == '"') {
            return out;
        }
        if (c == '\\') {
            if (at_end() || !chars::is_quoted_special(input_[pos_])) {
                throw SyntaxError("Invalid escape in quoted string");
            }
            out += input_[pos_++];
        } else if (c == '\r' || c == '\n' || c == '\0') {
            throw SyntaxError("Line break or NUL in quoted string");
        } else if (chars::is_8bit(c) && !utf8_) {
            throw SyntaxError("8-bit octet in quoted string (use a literal)");
        } else {
            out += c;
        }
    }
}

// literal = "{" number64 ["+"] "}" CRLF *CHAR8 (RFC 9051 §9, RFC 7888 §3);
// literal8 = "~{" number64 ["+"] "}" CRLF *OCTET (RFC 3516 §4.2).
std::string Lexer::literal(bool binary_ok, bool* was_literal8) {
    bool is8 = take('~');
    if (is8 && !binary_ok) {
        throw SyntaxError("literal8 is allowed only in APPEND and SETMETADATA values");
    }
    expect('{', "a literal");
    std::uint64_t size = number64();
    take('+');
    expect('}', "\"}\" closing the literal size");
    if (!take('\r') || !take('\n')) {
        fail("a line break after the literal size");
    }
    if (size > input_.size() - pos_) {
        throw SyntaxError("Literal shorter than announced");
    }
    if (size > limits_.max_literal) {
        throw SyntaxError("Literal too big");
    }
    std::string out(input_.substr(pos_, static_cast<std::size_t>(size)));
    // CHAR8 = %x01-ff: only literal8 may carry NUL.
    if (!is8 && out.find('\0') != std::string::npos) {
        throw SyntaxError("NUL in literal (use literal8)");
    }
    pos_ += static_cast<std::size_t>(size);
    if (was_literal8 != nullptr) {
        *was_literal8 = is8;
    }
    return out;
}

std::string Lexer::astring() {
    if (next_is_string()) {
        return string();
    }
    std::size_t start = pos_;
    while (!at_end() && chars::is_astring_char(input_[pos_])) {
        ++pos_;
    }
    if (pos_ == start) {
        fail("an atom or a string");
    }
    return std::string(input_.substr(start, pos_ - start));
}

bool Lexer::nstring(std::string& out) {
    if (next_is_string()) {
        out = string();
        return true;
    }
    std::size_t start = pos_;
    if (chars::iequals(input_.substr(pos_, 3), "NIL") &&
        (pos_ + 3 == input_.size() || !chars::is_astring_char(input_[pos_ + 3]))) {
        pos_ += 3;
        return false;
    }
    pos_ = start;
    fail("a string or NIL");
}

std::string Lexer::list_mailbox() {
    if (next_is_string()) {
        return string();
    }
    std::size_t start = pos_;
    while (!at_end() && chars::is_list_char(input_[pos_])) {
        ++pos_;
    }
    if (pos_ == start) {
        fail("a mailbox pattern");
    }
    return std::string(input_.substr(start, pos_ - start));
}

std::uint64_t Lexer::number64() {
    if (!chars::is_digit(peek())) {
        fail("a number");
    }
    std::uint64_t value = 0;
    constexpr std::uint64_t kMax = 0x7FFFFFFFFFFFFFFFull;  // number64 (RFC 9051 §9)
    while (chars::is_digit(peek())) {
        std::uint64_t digit = static_cast<std::uint64_t>(input_[pos_] - '0');
        if (value > (kMax - digit) / 10) {
            throw SyntaxError("Number too large");
        }
        value = value * 10 + digit;
        ++pos_;
    }
    return value;
}

std::uint64_t Lexer::nz_number64() {
    std::uint64_t value = number64();
    if (value == 0) {
        throw SyntaxError("Expected a non-zero number");
    }
    return value;
}

std::uint32_t Lexer::number() {
    // number = 1*DIGIT, unsigned 32-bit (RFC 9051 §9).
    std::uint64_t value = number64();
    if (value > 0xFFFFFFFFu) {
        throw SyntaxError("Number too large");
    }
    return static_cast<std::uint32_t>(value);
}

std::uint32_t Lexer::nz_number() {
    std::uint32_t value = number();
    if (value == 0) {
        throw SyntaxError("Expected a non-zero number");
    }
    return value;
}

SequenceSet Lexer::sequence_set() {
    std::size_t start = pos_;
    while (!at_end() && (chars::is_digit(input_[pos_]) || input_[pos_] == ':' ||
                         input_[pos_] == ',' || input_[pos_] == '*' || input_[pos_] == '$')) {
        ++pos_;
    }
    auto set = parse_sequence_set(input_.substr(start, pos_ - start));
    if (!set) {
        pos_ = start;
        fail("a sequence set");
    }
    return *set;
}

void Lexer::open_paren() {
    expect('(', "\"(\"");
    enter();
}

void Lexer::enter() {
    if (++depth_ > limits_.max_depth) {
        throw SyntaxError("Nesting too deep");
    }
}

void Lexer::close_paren() {
    expect(')', "\")\"");
    --depth_;
}

// flag = "\" atom (system flags and flag-extension) / flag-keyword (atom); RFC 9051 §9.
// flag-perm adds "\*" (PERMANENTFLAGS only), allowed here when asked.
std::string Lexer::flag(bool allow_recent_wildcard) {
    std::string out;
    if (take('\\')) {
        if (allow_recent_wildcard && take('*')) {
            return "\\*";
        }
        out = "\\";
    }
    out.append(atom());
    return out;
}

}  // namespace sealbox::imap
