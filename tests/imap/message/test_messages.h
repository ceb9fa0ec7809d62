#pragma once
// Hand-written messages shared by the imap/message tests.

#include <initializer_list>
#include <string>
#include <string_view>

namespace sealbox::imap::test {

// Joins lines with CRLF, as messages arrive over SMTP; no line break after the last one.
inline std::string crlf(std::initializer_list<std::string_view> lines) {
    std::string out;
    bool first = true;
    for (std::string_view line : lines) {
        if (!first) {
            out += "\r\n";
        }
        first = false;
        out.append(line);
    }
    return out;
}

// multipart/mixed: 1 multipart/alternative (1.1 text/plain, 1.2 quoted-printable text/html),
// 2 an attached message (2.1 its text/plain body), 3 a base64 PDF with every extension field.
inline std::string rich_message() {
    return crlf({"From: Alice <alice@example.org>",
                 "To: Bob <bob@example.net>",
                 "Subject: Report,",
                 " folded",
                 "Date: Mon, 1 Jan 2024 10:00:00 +0000",
                 "Message-ID: <m1@example.org>",
                 "MIME-Version: 1.0",
                 "Content-Type: multipart/mixed; boundary=\"outer\"",
                 "",
                 "preamble",
                 "--outer",
                 "Content-Type: multipart/alternative; boundary=\"inner\"",
                 "",
                 "--inner",
                 "Content-Type: text/plain; charset=utf-8",
                 "",
                 "Hello",
                 "--inner",
                 "Content-Type: text/html; charset=utf-8",
                 "Content-Transfer-Encoding: quoted-printable",
                 "",
                 "<p>Hello=21</p>",
                 "--inner--",
                 "--outer",
                 "Content-Type: message/rfc822",
                 "Content-Disposition: inline",
                 "",
                 "From: Carol <carol@example.com>",
                 "Subject: Inner",
                 "Content-Type: text/plain",
                 "",
                 "Inner body",
                 "line 2",
                 "--outer",
                 "Content-Type: application/pdf; name=\"r.pdf\"",
                 "Content-Disposition: attachment; filename=\"r.pdf\"",
                 "Content-Transfer-Encoding: base64",
                 "Content-Language: en, de",
                 "Content-Location: http://example.org/r.pdf",
                 "Content-MD5: Q2hlY2sgSW50ZWdyaXR5IQ==",
                 "",
                 "JVBERi0xLjQK",
                 "--outer--",
                 "epilogue",
                 ""});
}

}  // namespace sealbox::imap::test
