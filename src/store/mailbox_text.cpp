// MailboxStore: the full-text index behind SEARCH BODY and TEXT (RFC 9051 §6.4.4).
//
// The index holds folded text (mime::fold_text) and is queried with the folded needle. The
// trigram tokenizer folds case once more, code point by code point, on both sides, which can
// only add candidates; instr() on the folded columns then keeps exactly the messages
// imap::contains_text() would. Needles shorter than a trigram are found by instr() alone.
#include <algorithm>

#include "mime/searchable_text.h"
#include "mime/text_fold.h"
#include "store/mailbox_store.h"

namespace sealbox::store {
namespace {

constexpr std::size_t kTrigram = 3;

std::size_t characters(std::string_view utf8) {
    return static_cast<std::size_t>(std::count_if(utf8.begin(), utf8.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
    }));
}

// An FTS5 string: the needle inside double quotes, quotes doubled, so that nothing in it is
// query syntax.
std::string fts_phrase(std::string_view needle) {
    std::string out = "\"";
    for (char c : needle) {
        out += c;
        if (c == '"') {
            out += '"';
        }
    }
    return out + "\"";
}

}  // namespace

mime::SearchableText indexable_text(std::string_view raw) {
    auto text = mime::searchable_text(raw);
    return {mime::fold_text(text.headers), mime::fold_text(text.body)};
}

void MailboxStore::index_text(std::int64_t content_id, std::string_view headers,
                              std::string_view body) {
    db_.prepare("INSERT INTO message_text(rowid, headers, body) VALUES(?, ?, ?)")
        .bind(1, content_id)
        .bind(2, headers)
        .bind(3, body)
        .run();
}

std::vector<std::int64_t> MailboxStore::text_search(std::string_view folder, TextColumn column,
                                                    std::string_view needle) {
    std::int64_t fid = folder_id(folder);
    const std::string folded = mime::fold_text(needle);
    std::string sql = "SELECT uid FROM messages WHERE folder_id = ?1 ";
    if (!folded.empty()) {
        const char* exact = column == TextColumn::headers ? "instr(headers, ?2) > 0"
                            : column == TextColumn::body
                                ? "instr(body, ?2) > 0"
                                : "(instr(headers, ?2) > 0 OR instr(body, ?2) > 0)";
        sql += "AND content_id IN (SELECT rowid FROM message_text WHERE ";
        if (characters(folded) >= kTrigram) {
            sql += "message_text MATCH ?3 AND ";
        }
        sql += exact;
        sql += ") ";
    }
    sql += "ORDER BY uid";
    auto s = db_.prepare(sql);
    s.bind(1, fid);
    if (!folded.empty()) {
        s.bind(2, folded);
        if (characters(folded) >= kTrigram) {
            const char* filter = column == TextColumn::headers ? "headers : "
                                 : column == TextColumn::body  ? "body : "
                                                               : "";
            s.bind(3, filter + fts_phrase(folded));
        }
    }
    std::vector<std::int64_t> out;
    while (s.step()) {
        out.push_back(s.int64(0));
    }
    return out;
}

}  // namespace sealbox::store
