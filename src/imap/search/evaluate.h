#pragma once
// IMAP SEARCH semantics (RFC 9051 §6.4.4, RFC 3501 §6.4.4) for one message, free of storage.
//
// Every string key is a substring test after mime::fold_text() on both sides (contains_text). What
// the store's full-text index must do so that BODY and TEXT give exactly these answers:
// - Index fold_text(t.headers) and fold_text(t.body) where t = mime::searchable_text(raw), as
//   two columns. BODY looks in the body column; TEXT in either (never across the two).
// - For a needle n, search for f = fold_text(n). The trigram tokenizer folds case again, one
//   code point at a time, on both the indexed text and the query, which can only add matches:
//   so `MATCH` (or trigram `LIKE`) gives a superset, to be narrowed to the rows where
//   instr(column, f) > 0 (an exact substring of the folded text). For f shorter than three
//   characters the trigram index cannot help: scan with instr alone. SearchSubject's
//   text_matches must agree: contains_text over searchable_text's fields.
// - The folding is not SQLite's: trigram's is simple 1:1 lower-casing from an older Unicode
//   table (it leaves Cherokee, Georgian Mtavruli, "İ" and others unfolded, and "ß" is not
//   "ss"), so querying unfolded text through the index would miss messages.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "imap/proto/search_key.h"
#include "imap/service.h"
#include "mime/message_summary.h"
#include "mime/text_fold.h"

namespace sealbox::imap {

// One message as the evaluator sees it; the caller loads data lazily and caches it. meta() is
// read by flag, size, date, MODSEQ and UID keys; summary() (its envelope) by FROM, TO, CC, BCC,
// SUBJECT and SENT*; header() only by HEADER; text_matches by BODY and TEXT.
class SearchSubject {
  public:
    virtual ~SearchSubject() = default;
    virtual const MessageMeta& meta() = 0;
    virtual const mime::MessageSummary& summary() = 0;
    virtual std::string_view header() = 0;  // raw header block of the message
    // BODY (kind body) or TEXT (kind text: headers and body) contains `needle` (already UTF-8).
    virtual bool text_matches(SearchKey::Kind kind, std::string_view needle) = 0;
};

// RFC 9051 §6.4.4 for one message. The criteria are UID-based (the session has rewritten
// sequence numbers to UID sets; Kind::sequence is treated like uid). `now` is Unix seconds for
// OLDER/YOUNGER (RFC 5032). `max_uid` resolves "*" in UID sets.
bool matches(const SearchKey& key, SearchSubject& message, std::int64_t now, Uid max_uid);

// The substring test every string key uses: fold_text(needle) is a substring of
// fold_text(haystack). An empty needle is in every text.
bool contains_text(std::string_view haystack, std::string_view needle);

// Converts a SEARCH string argument from the command's CHARSET to UTF-8 (RFC 9051 §6.4.4:
// US-ASCII and UTF-8 always; others through GLib's iconv). nullopt for an unknown charset or
// text invalid in it: the session answers NO [BADCHARSET (US-ASCII UTF-8)].
std::optional<std::string> search_string_to_utf8(std::string_view text, std::string_view charset);

}  // namespace sealbox::imap
