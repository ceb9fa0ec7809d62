#pragma once
// The one form text is compared in by IMAP SEARCH and held in the store's full-text index, so
// that an indexed search and a plain scan give the same answers (imap/search/evaluate.h).

#include <string>
#include <string_view>

namespace sealbox::mime {

// In the spirit of RFC 5051's i;unicode-casemap: invalid UTF-8 sequences become U+FFFD and NUL
// a space, then NFKD, GLib's full Unicode case folding (g_utf8_casefold: "ß" is "ss", "Σ", "σ"
// and "ς" are one), then NFKD again. Pure ASCII text is only lower-cased, which is what the
// general rule gives for it. Valid UTF-8 out.
std::string fold_text(std::string_view text);

}  // namespace sealbox::mime
