#pragma once
// Reads BODY / BODYSTRUCTURE / ENVELOPE text back by RFC 9051 §9's grammar with the project's
// IMAP lexer, so that tests can hold any rendered structure to the syntax a client parses.
// Throws SyntaxError (or std::runtime_error) at the first deviation.

#include <stdexcept>
#include <string>
#include <string_view>

#include "imap/proto/lexer.h"

namespace sealbox::imap::test {

class BodyParser {
  public:
    BodyParser(std::string_view text, bool extensible, bool utf8)
        : lexer_(text, limits(), utf8), extensible_(extensible) {}

    // The whole text must be one body; returns how many body productions it holds.
    int body_only() {
        const int parts = body();
        lexer_.expect_end();
        return parts;
    }
    void envelope_only() {
        envelope();
        lexer_.expect_end();
    }

  private:
    static Limits limits() {
        Limits limits;
        limits.max_depth = 100000;
        return limits;
    }

    void nil() {
        std::string ignored;
        if (lexer_.nstring(ignored)) {
            throw std::runtime_error("expected NIL");
        }
    }
    void nstring() {
        std::string ignored;
        lexer_.nstring(ignored);
    }

    // body = "(" (body-type-1part / body-type-mpart) ")"
    int body() {
        lexer_.open_paren();
        int parts = 1;
        if (lexer_.peek() == '(') {
            // body-type-mpart = 1*body SP media-subtype [SP body-ext-mpart]
            while (lexer_.peek() == '(') {
                parts += body();
            }
            lexer_.sp();
            lexer_.string();
            if (extensible_) {
                lexer_.sp();
                params();
                extension_tail();
            }
        } else {
            const std::string type = lexer_.string();
            lexer_.sp();
            const std::string subtype = lexer_.string();
            lexer_.sp();
            body_fields();
            if (type == "MESSAGE" && (subtype == "RFC822" || subtype == "GLOBAL")) {
                lexer_.sp();
                envelope();
                lexer_.sp();
                parts += body();
                lexer_.sp();
                lexer_.number();
            } else if (type == "TEXT") {
                lexer_.sp();
                lexer_.number();
            }
            if (extensible_) {
                lexer_.sp();
                nstring();  // body-fld-md5
                extension_tail();
            }
        }
        lexer_.close_paren();
        return parts;
    }

    // body-fld-param SP body-fld-id SP body-fld-desc SP body-fld-enc SP body-fld-octets
    void body_fields() {
        params();
        lexer_.sp();
        nstring();
        lexer_.sp();
        nstring();
        lexer_.sp();
        lexer_.string();
        lexer_.sp();
        lexer_.number64();
    }

    // "(" string SP string *(SP string SP string) ")" / nil
    void params() {
        if (lexer_.peek() != '(') {
            nil();
            return;
        }
        lexer_.open_paren();
        do {
            lexer_.string();
            lexer_.sp();
            lexer_.string();
        } while (lexer_.take(' '));
        lexer_.close_paren();
    }

    // SP body-fld-dsp SP body-fld-lang SP body-fld-loc
    void extension_tail() {
        lexer_.sp();
        if (lexer_.peek() == '(') {
            lexer_.open_paren();
            lexer_.string();
            lexer_.sp();
            params();
            lexer_.close_paren();
        } else {
            nil();
        }
        lexer_.sp();
        if (lexer_.peek() == '(') {
            lexer_.open_paren();
            do {
                lexer_.string();
            } while (lexer_.take(' '));
            lexer_.close_paren();
        } else {
            nstring();
        }
        lexer_.sp();
        nstring();
    }

    // "(" env-date SP env-subject SP 6 address lists SP env-in-reply-to SP env-message-id ")"
    void envelope() {
        lexer_.open_paren();
        nstring();
        lexer_.sp();
        nstring();
        for (int list = 0; list < 6; ++list) {
            lexer_.sp();
            addresses();
        }
        lexer_.sp();
        nstring();
        lexer_.sp();
        nstring();
        lexer_.close_paren();
    }

    // "(" 1*address ")" / nil; address = "(" 4 nstrings ")"
    void addresses() {
        if (lexer_.peek() != '(') {
            nil();
            return;
        }
        lexer_.open_paren();
        do {
            lexer_.open_paren();
            for (int field = 0; field < 4; ++field) {
                if (field > 0) {
                    lexer_.sp();
                }
                nstring();
            }
            lexer_.close_paren();
        } while (lexer_.peek() == '(');
        lexer_.close_paren();
    }

    Lexer lexer_;
    bool extensible_;
};

}  // namespace sealbox::imap::test
