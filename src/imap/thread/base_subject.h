#pragma once
// The base subject of RFC 5256 §2.1, which SORT SUBJECT and both THREAD algorithms compare.

#include <string>
#include <string_view>

namespace sealbox::imap {

struct BaseSubject {
    std::string text;  // case-folded (ASCII), whitespace collapsed: compare with ==
    // A "Re:", "Fwd:", "(fwd)" or "[fwd: ...]" was removed (RFC 5256 §2.1 step 2-6), which
    // THREAD=REFERENCES uses when merging threads by subject (§3, step 5.C).
    bool reply_or_forward = false;
};

// subject: the Subject field already decoded from RFC 2047 encoded-words to UTF-8.
BaseSubject base_subject(std::string_view subject);

}  // namespace sealbox::imap
