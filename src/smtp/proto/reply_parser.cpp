#include "smtp/proto/reply_parser.h"

#include <utility>

#include "smtp/proto/chars.h"

namespace sealbox::smtp {
namespace {

// The text after "x.y.z " when the line starts with that enhanced code (RFC 2034 §4), else the
// whole text. An enhanced code is followed by a space or ends the line.
std::string_view strip_enhanced(std::string_view text, std::string_view enhanced) {
    if (enhanced.empty() || !text.starts_with(enhanced)) {
        return text;
    }
    std::string_view rest = text.substr(enhanced.size());
    if (rest.empty()) {
        return rest;
    }
    return rest.front() == ' ' ? rest.substr(1) : text;
}

std::string_view leading_word(std::string_view text) {
    return text.substr(0, text.find(' '));
}

}  // namespace

ReplyParser::Status ReplyParser::fail(std::string why) {
    error_ = std::move(why);
    return Status::malformed;
}

ReplyParser::Status ReplyParser::feed(std::string_view line) {
    if (!error_.empty()) {
        return Status::malformed;
    }
    if (line.size() > limits_.max_line) {
        return fail("reply line too long");
    }
    // RFC 5321 §4.2: Reply-line = *( Reply-code "-" [ textstring ] CRLF )
    //                             Reply-code [ SP textstring ] CRLF
    if (line.size() < 3 || !chars::is_digit(line[0]) || !chars::is_digit(line[1]) ||
        !chars::is_digit(line[2])) {
        return fail("reply without a three-digit code");
    }
    const int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (!valid_reply_code(code)) {
        return fail("reply code " + std::to_string(code) + " is not an SMTP reply code");
    }
    bool last = true;
    if (line.size() > 3) {
        if (line[3] != ' ' && line[3] != '-') {
            return fail("reply code not followed by a space or a hyphen");
        }
        last = line[3] == ' ';
    }
    // §4.2.1: every line of a multiline reply carries the same code.
    if (started_ && code != reply_.code) {
        return fail("reply code changed within a multiline reply");
    }
    if (reply_.lines.size() >= limits_.max_lines) {
        return fail("reply has too many lines");
    }
    std::string_view text = line.size() > 4 ? line.substr(4) : std::string_view();
    if (!started_) {
        started_ = true;
        reply_.code = code;
        // RFC 3463 §2: the class matches the reply's first digit; valid_enhanced_code checks it
        // and refuses one on a 3xx reply.
        std::string_view word = leading_word(text);
        if (!word.empty() && valid_enhanced_code(code, word)) {
            reply_.enhanced = std::string(word);
        }
    }
    reply_.lines.emplace_back(strip_enhanced(text, reply_.enhanced));
    return last ? Status::complete : Status::more;
}

Reply ReplyParser::take() {
    Reply out = std::move(reply_);
    reply_ = Reply{};
    started_ = false;
    return out;
}

}  // namespace sealbox::smtp
