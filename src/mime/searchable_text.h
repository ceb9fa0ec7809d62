#pragma once
// The text of a message as IMAP SEARCH (RFC 9051 §6.4.4) sees it: what BODY and TEXT look in,
// and what the store's full-text index must hold so that its answers equal a plain scan.

#include <cstddef>
#include <string>
#include <string_view>

namespace sealbox::mime {

// Body text past this many octets (after decoding) is not indexed: a search can only find words
// in the first MiB of a message's text. Header text is capped the same way.
inline constexpr std::size_t kMaxSearchableText = 1024 * 1024;

struct SearchableText {
    // Every header field of the top-level message, "Name: value\n", unfolded, RFC 2047
    // encoded-words decoded, converted to UTF-8.
    std::string headers;
    // The text of every text/* part, in document order, each followed by "\n":
    // Content-Transfer-Encoding undone, charset converted to UTF-8 (a missing, unknown or UTF-8
    // charset: the octets as they are when they are valid UTF-8, else read as ISO-8859-1;
    // octets invalid in a known charset become U+FFFD); text/html with tags, comments, scripts
    // and styles removed and entities decoded. A message/rfc822 part contributes its header
    // fields (as `headers` writes them: they are in the outer message's body) then its text.
    // NUL octets are written as spaces.
    std::string body;
};

// An unfolded header field value as text: RFC 2047 encoded-words decoded, 8-bit octets read as
// UTF-8 or else ISO-8859-1, always valid UTF-8.
std::string decode_header_text(std::string_view unfolded);

// Never throws for any input. Nesting deeper than kMaxDepth is not looked into; each field is
// bounded by kMaxSearchableText.
SearchableText searchable_text(std::string_view raw);

}  // namespace sealbox::mime
