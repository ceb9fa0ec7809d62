#pragma once
// Message content as a client sends it after DATA's 354 (RFC 5321 §4.5.2): the wire form
// DataReader undoes.

#include <string>
#include <string_view>

#include "smtp/proto/line_endings.h"

namespace sealbox::smtp {

// Fed the message in pieces split anywhere, appends its wire form: every line that starts with
// "." gets one more "." (RFC 5321 §4.5.2), and a bare CR or bare LF becomes CRLF (RFC 5321
// §2.3.8), so that no receiver can find an end of data, or a second message, where the message
// had none (the SMTP smuggling class, CVE-2023-51764). finish() ends it with ".CRLF", after a
// CRLF if the message did not end with one.
class DotStuffer {
  public:
    void feed(std::string_view piece, std::string& out);
    void finish(std::string& out);

  private:
    void stuff(std::string_view normalized, std::string& out);

    LineEndingScanner line_endings_;
    std::string normalized_;
    bool line_start_ = true;
};

}  // namespace sealbox::smtp
