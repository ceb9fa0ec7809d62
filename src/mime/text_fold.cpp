#include "mime/text_fold.h"

#include <glib.h>

#include <algorithm>
#include <memory>

namespace sealbox::mime {
namespace {

struct GFree {
    void operator()(gpointer memory) const { g_free(memory); }
};
using OwnedText = std::unique_ptr<char, GFree>;

bool is_ascii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// NFKD, so that composed and decomposed spellings and compatibility forms ("ﬁ", full-width
// letters) compare equal.
std::string nfkd(const char* text, gssize length) {
    OwnedText normalized(g_utf8_normalize(text, length, G_NORMALIZE_NFKD));
    return normalized ? std::string(normalized.get()) : std::string();
}

}  // namespace

std::string fold_text(std::string_view text) {
    // NUL is read as a space: GLib's Unicode functions would take it for the end of the text.
    std::string copy(text);
    std::replace(copy.begin(), copy.end(), '\0', ' ');
    if (is_ascii(copy)) {  // the common case, and its folding is only this
        for (char& c : copy) {
            c = g_ascii_tolower(c);
        }
        return copy;
    }
    OwnedText valid(g_utf8_make_valid(copy.data(), static_cast<gssize>(copy.size())));
    const std::string decomposed = nfkd(valid.get(), -1);
    OwnedText folded(g_utf8_casefold(decomposed.data(), static_cast<gssize>(decomposed.size())));
    return nfkd(folded.get(), -1);
}

}  // namespace sealbox::mime
