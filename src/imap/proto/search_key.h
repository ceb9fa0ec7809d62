#pragma once
// SEARCH criteria as a tree (RFC 9051 §6.4.4, RFC 3501 §6.4.4 for NEW/OLD/RECENT, RFC 7162
// §3.1.5 for MODSEQ, RFC 5032 for OLDER/YOUNGER, RFC 5182 for "$" in sets).

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "imap/proto/lexer.h"
#include "imap/proto/sequence_set.h"

namespace sealbox::imap {

struct SearchDate {  // date-text: date-day "-" date-month "-" date-year
    int year = 0;
    int month = 0;  // 1-12
    int day = 0;    // 1-31
    bool operator==(const SearchDate&) const = default;
};

struct SearchKey {
    enum class Kind {
        all_of,    // a parenthesized list, or the whole program: every child matches
        any_of,    // OR: either of two children
        negation,  // NOT: the one child does not match
        all,
        answered,
        deleted,
        draft,
        flagged,
        seen,
        recent,
        new_,
        old,
        unanswered,
        undeleted,
        undraft,
        unflagged,
        unseen,
        keyword,
        unkeyword,  // value
        bcc,
        body,
        cc,
        from,
        subject,
        text,
        to,      // value, in the command's charset
        header,  // field, value
        before,
        on,
        since,
        sent_before,
        sent_on,
        sent_since,  // date
        larger,
        smaller,  // number (octets)
        older,
        younger,  // number (seconds)
        modseq,   // number
        uid,
        sequence,  // set
    };
    Kind kind = Kind::all;
    std::string field;  // HEADER's field name, upper-cased
    std::string value;
    SearchDate date;
    std::uint64_t number = 0;
    SequenceSet set;
    std::vector<SearchKey> children;
    bool operator==(const SearchKey&) const = default;
};

// search-program = ["CHARSET" SP charset SP] search-key *(SP search-key); the result is an
// all_of of the keys. Nesting (parentheses, NOT, OR) is bounded by the lexer's depth limit.
SearchKey parse_search_program(Lexer& lexer, std::optional<std::string>& charset);

}  // namespace sealbox::imap
