#include "cli/secret_input.h"

#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <iostream>
#include <optional>

#include "core/error.h"

namespace sealbox::cli {
namespace {

constexpr std::size_t kMaxSecret = 4096;

// Restores the terminal's echo however the read ends.
class EchoOff {
public:
    EchoOff() {
        if (tcgetattr(STDIN_FILENO, &saved_) == 0) {
            termios quiet = saved_;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            active_ = tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet) == 0;
        }
    }
    EchoOff(const EchoOff&) = delete;
    ~EchoOff() {
        if (active_) {
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved_);
            std::cerr << '\n';
        }
    }

private:
    termios saved_{};
    bool active_ = false;
};

}  // namespace

SecretLine read_secret_line(bool from_stdin, std::string_view prompt) {
    bool tty = isatty(STDIN_FILENO) != 0;
    if (!from_stdin && !tty) {
        throw Error(ErrorCode::invalid_argument,
                    "standard input is not a terminal; pass --password-stdin to read from it");
    }
    SecretLine line;
    line.bytes_ = crypto::SecretBytes(kMaxSecret);
    std::optional<EchoOff> echo;
    if (tty) {
        std::cerr << prompt << std::flush;
        echo.emplace();
    }
    // Byte by byte from the file descriptor: no stdio buffer keeps a copy of the secret.
    while (true) {
        char c = 0;
        ssize_t n = ::read(STDIN_FILENO, &c, 1);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (line.length_ == 0) {
                throw Error(ErrorCode::invalid_argument, "no input where a secret was expected");
            }
            break;
        }
        if (c == '\n') {
            break;
        }
        if (line.length_ == kMaxSecret) {
            throw Error(ErrorCode::invalid_argument, "secret longer than 4096 bytes");
        }
        line.bytes_.data()[line.length_++] = static_cast<std::uint8_t>(c);
    }
    if (line.length_ > 0 && line.bytes_.data()[line.length_ - 1] == '\r') {
        line.bytes_.data()[--line.length_] = 0;
    }
    return line;
}

}  // namespace sealbox::cli
