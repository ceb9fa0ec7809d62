#pragma once
// Passwords and recovery keys read from a terminal (without echo) or from standard input, held in
// sodium_malloc memory for their whole life.

#include <string_view>

#include "crypto/secret.h"

namespace sealbox::cli {

class SecretLine {
public:
    std::string_view view() const {
        return {reinterpret_cast<const char*>(bytes_.data()), length_};
    }
    bool empty() const { return length_ == 0; }

private:
    friend SecretLine read_secret_line(bool from_stdin, std::string_view prompt);
    crypto::SecretBytes bytes_;
    std::size_t length_ = 0;
};

// Reads one line (without its line end). From a terminal it prompts on stderr with echo off;
// with from_stdin it reads the next line of standard input. Throws Error(invalid_argument) at end
// of input, or when there is no terminal and from_stdin is false.
SecretLine read_secret_line(bool from_stdin, std::string_view prompt);

}  // namespace sealbox::cli
