#pragma once
// Reads the elements of RFC 9051 §9's formal syntax from a framed command (CommandReader's
// command(): lines joined by CRLF, literal octets inline). Every method either consumes a whole
// element or throws SyntaxError naming what was expected, leaving nothing half-read to reason
// about in the command parser.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "imap/proto/limits.h"
#include "imap/proto/sequence_set.h"

namespace sealbox::imap {

class SyntaxError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

class Lexer {
  public:
    // utf8: the client may send UTF-8 in quoted strings (RFC 9051 §9 QUOTED-CHAR, RFC 6855 §3).
    Lexer(std::string_view input, const Limits& limits, bool utf8)
        : input_(input), limits_(limits), utf8_(utf8) {}

    bool at_end() const { return pos_ == input_.size(); }
    char peek() const { return at_end() ? '\0' : input_[pos_]; }
    bool take(char c);  // consumes c if it is next
    void expect(char c, std::string_view what);
    void sp() { expect(' ', "a space"); }
    void expect_end();

    // atom = 1*ATOM-CHAR
    std::string_view atom();
    // tag = 1*<any ASTRING-CHAR except "+">
    std::string_view tag();
    // string = quoted / literal; literal8 ("~{n}") too when binary_ok (RFC 3516 §4.2).
    std::string string(bool binary_ok = false, bool* was_literal8 = nullptr);
    // astring = 1*ASTRING-CHAR / string
    std::string astring();
    // nstring = string / NIL; returns false for NIL.
    bool nstring(std::string& out);
    // list-mailbox = 1*list-char / string
    std::string list_mailbox();
    bool next_is_string() const;

    std::uint32_t number();  // 32-bit unsigned
    std::uint32_t nz_number();
    std::uint64_t number64();  // 0 .. 2^63-1
    std::uint64_t nz_number64();
    SequenceSet sequence_set();

    // "(" and ")" with the depth limit (Limits::max_depth).
    void open_paren();
    void close_paren();
    // flag = "\Answered" / ... / flag-keyword / flag-extension; returned as sent.
    std::string flag(bool allow_recent_wildcard = false);

    std::size_t position() const { return pos_; }
    // Back to an earlier position(), to read a word again as something else.
    void rewind(std::size_t position) { pos_ = position; }
    // Nesting that is not parentheses (SEARCH's NOT and OR), under the same depth limit.
    void enter();
    void leave() { --depth_; }

  private:
    [[noreturn]] void fail(std::string_view expected) const;
    std::string quoted();
    std::string literal(bool binary_ok, bool* was_literal8);

    std::string_view input_;
    Limits limits_;
    bool utf8_;
    std::size_t pos_ = 0;
    std::size_t depth_ = 0;
};

}  // namespace sealbox::imap
