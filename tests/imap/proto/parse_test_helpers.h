#pragma once
// What the parser tests ask of parse_command(): the command of an expected type, or the error.

#include <gtest/gtest.h>

#include <string_view>
#include <variant>

#include "imap/proto/command.h"

namespace sealbox::imap {

template <typename T>
T parse_as(std::string_view input, const ParseOptions& options = {}) {
    ParseResult r = parse_command(input, options);
    if (auto* e = std::get_if<ParseError>(&r)) {
        ADD_FAILURE() << "'" << input << "' failed: " << e->text;
        return T{};
    }
    auto* t = std::get_if<T>(&std::get<TaggedCommand>(r).command);
    if (t == nullptr) {
        ADD_FAILURE() << "'" << input << "' parsed as another command";
        return T{};
    }
    return *t;
}

inline ParseError error_of(std::string_view input, const ParseOptions& options = {}) {
    ParseResult r = parse_command(input, options);
    if (auto* e = std::get_if<ParseError>(&r)) {
        return *e;
    }
    ADD_FAILURE() << "'" << input << "' was accepted";
    return {};
}

}  // namespace sealbox::imap
