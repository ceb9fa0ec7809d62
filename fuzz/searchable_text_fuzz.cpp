// searchable_text() on any octets: it returns valid UTF-8 without NUL within its caps, and
// contains_text() finds in that text any piece cut from it, in upper case too.

#include <glib.h>

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "imap/search/evaluate.h"
#include "mime/searchable_text.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox;

// g_utf8_validate_len also refuses NUL.
void check_text(const std::string& text) {
    check(text.size() <= mime::kMaxSearchableText);
    check(g_utf8_validate_len(text.data(), text.size(), nullptr));
}

// A piece of `text` of up to 16 characters starting near `seed`, on character boundaries.
std::string piece(const std::string& text, std::size_t seed) {
    if (text.empty()) {
        return {};
    }
    const char* begin = g_utf8_find_prev_char(text.data(), text.data() + seed % text.size() + 1);
    begin = begin ? begin : text.data();
    const char* end = begin;
    for (int i = 0; i < 16 && end < text.data() + text.size(); ++i) {
        end = g_utf8_next_char(end);
    }
    return std::string(begin, end);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const mime::SearchableText text = mime::searchable_text(raw);
    check_text(text.headers);
    check_text(text.body);
    const std::size_t seed = size >= 2 ? (data[0] | data[1] << 8) : 0;
    for (const std::string* field : {&text.headers, &text.body}) {
        const std::string needle = piece(*field, seed);
        check(imap::contains_text(*field, needle));
        std::unique_ptr<char, decltype(&g_free)> upper(
            g_utf8_strup(needle.data(), static_cast<gssize>(needle.size())), &g_free);
        // Upper-casing can produce what folds differently (e.g. "ﬀ" to "FF" is fine, but a
        // lone combining mark may compose): only check text that round-trips through folding.
        if (mime::fold_text(upper.get()) == mime::fold_text(needle)) {
            check(imap::contains_text(*field, upper.get()));
        }
    }
    // Arbitrary octets as needle and haystack must not trip the folding.
    imap::contains_text(raw, raw.substr(size / 2));
    return 0;
}
