#include "imap/thread/base_subject.h"

#include <cctype>

namespace sealbox::imap {
namespace {

bool is_wsp(char c) {
    return c == ' ' || c == '\t';
}

std::string fold(std::string_view text) {
    std::string out;
    for (char c : text) {
        out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    }
    return out;
}

// Step 1: every run of whitespace (folding included) becomes one space.
std::string collapse_whitespace(std::string_view text) {
    std::string out;
    bool space = false;
    for (char c : text) {
        if (is_wsp(c) || c == '\r' || c == '\n') {
            space = true;
            continue;
        }
        if (space && !out.empty()) {
            out.push_back(' ');
        }
        space = false;
        out.push_back(c);
    }
    return out;
}

// subj-blob = "[" *BLOBCHAR "]" *WSP; returns its length at `pos`, or 0.
std::size_t blob_at(std::string_view s, std::size_t pos) {
    if (pos >= s.size() || s[pos] != '[') {
        return 0;
    }
    std::size_t end = s.find_first_of("[]", pos + 1);
    if (end == std::string_view::npos || s[end] != ']') {
        return 0;
    }
    ++end;
    while (end < s.size() && is_wsp(s[end])) {
        ++end;
    }
    return end - pos;
}

// subj-refwd = ("re" / ("fw" ["d"])) *WSP [subj-blob] ":"; s is already case-folded.
std::size_t refwd_at(std::string_view s, std::size_t pos) {
    std::size_t p = pos;
    if (s.substr(p, 2) == "re") {
        p += 2;
    } else if (s.substr(p, 3) == "fwd") {
        p += 3;
    } else if (s.substr(p, 2) == "fw") {
        p += 2;
    } else {
        return 0;
    }
    while (p < s.size() && is_wsp(s[p])) {
        ++p;
    }
    p += blob_at(s, p);
    if (p >= s.size() || s[p] != ':') {
        return 0;
    }
    return p + 1 - pos;
}

// Step 2: subj-trailer = "(fwd)" / WSP, removed from the end until none is left.
bool strip_trailers(std::string& s) {
    bool removed_fwd = false;
    while (true) {
        if (!s.empty() && is_wsp(s.back())) {
            s.pop_back();
        } else if (s.size() >= 5 && s.compare(s.size() - 5, 5, "(fwd)") == 0) {
            s.resize(s.size() - 5);
            removed_fwd = true;
        } else {
            return removed_fwd;
        }
    }
}

// Steps 3-5: subj-leader = (*subj-blob subj-refwd) / WSP, and a leading subj-blob when
// something is left after it.
bool strip_leaders(std::string& s) {
    bool removed_refwd = false;
    bool changed = true;
    while (changed) {
        changed = false;
        std::size_t p = 0;
        while (p < s.size() && is_wsp(s[p])) {
            ++p;
        }
        std::size_t blobs = p;
        while (std::size_t n = blob_at(s, blobs)) {
            blobs += n;
        }
        if (std::size_t n = refwd_at(s, blobs)) {
            s.erase(0, blobs + n);
            removed_refwd = changed = true;
            continue;
        }
        if (p > 0) {
            s.erase(0, p);
            changed = true;
            continue;
        }
        std::size_t blob = blob_at(s, 0);
        if (blob > 0 && blob < s.size()) {
            s.erase(0, blob);
            changed = true;
        }
    }
    return removed_refwd;
}

}  // namespace

// RFC 5256 §2.1.
BaseSubject base_subject(std::string_view subject) {
    BaseSubject out;
    std::string s = fold(collapse_whitespace(subject));
    while (true) {
        out.reply_or_forward |= strip_trailers(s);
        out.reply_or_forward |= strip_leaders(s);
        // Step 6: subj-fwd = "[fwd:" subject "]".
        if (s.size() >= 6 && s.compare(0, 5, "[fwd:") == 0 && s.back() == ']') {
            s = s.substr(5, s.size() - 6);
            out.reply_or_forward = true;
            continue;
        }
        break;
    }
    out.text = std::move(s);
    return out;
}

}  // namespace sealbox::imap
