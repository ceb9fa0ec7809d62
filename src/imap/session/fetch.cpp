// FETCH and UID FETCH (RFC 9051 §6.4.5, §7.5.2), BINARY (RFC 3516), CHANGEDSINCE and VANISHED
// (RFC 7162 §3.1.4, §3.2.6), EMAILID/THREADID (RFC 8474 §5). Messages are asked for in
// batches, with the least content the items need, and each batch is written as it is ready,
// so "1:* BODY[]" over a large mailbox never holds it all.

#include <algorithm>
#include <ctime>

#include "imap/message/render.h"
#include "imap/proto/string_writer.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

using Kind = FetchAttribute::Kind;

// Whole raw messages can be large (up to APPENDLIMIT each): fewer of them per store call.
constexpr std::size_t kFullBatch = 8;

bool header_only(const Section& section) {
    return section.part.empty() &&
           (section.text == Section::Text::header || section.text == Section::Text::header_fields ||
            section.text == Section::Text::header_fields_not);
}

Content content_for(const FetchAttribute& a) {
    switch (a.kind) {
        case Kind::rfc822_header:
            return Content::header;
        case Kind::body_section:
            return header_only(a.section) ? Content::header : Content::full;
        case Kind::rfc822:
        case Kind::rfc822_text:
        case Kind::binary:
        case Kind::binary_size:
            return Content::full;
        case Kind::envelope:
        case Kind::body:
        case Kind::body_structure:
            return Content::summary;
        default:  // FLAGS, UID, INTERNALDATE, RFC822.SIZE, MODSEQ, EMAILID, THREADID
            return Content::meta;
    }
}

// RFC 9051 §6.4.5: BODY[...] and BINARY[...] without .PEEK, RFC822 and RFC822.TEXT set \Seen.
bool sets_seen(const FetchAttribute& a) {
    return ((a.kind == Kind::body_section || a.kind == Kind::binary) && !a.peek) ||
           a.kind == Kind::rfc822 || a.kind == Kind::rfc822_text;
}

bool has_flag(const MessageMeta& meta, std::string_view flag) {
    return std::find(meta.flags.begin(), meta.flags.end(), flag) != meta.flags.end();
}

// RFC 9051 §9 date-time: "dd-Mon-yyyy hh:mm:ss +0000", the day padded with a space.
std::string internal_date(std::int64_t seconds) {
    static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                              "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = static_cast<std::time_t>(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buffer[40];
    std::snprintf(buffer, sizeof buffer, "\"%2d-%s-%04d %02d:%02d:%02d +0000\"", tm.tm_mday,
                  kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buffer;
}

void write_flags(std::string& out, const MessageMeta& meta) {
    out += "FLAGS (";
    for (std::size_t i = 0; i < meta.flags.size(); ++i) {
        out += (i ? " " : "") + meta.flags[i];
    }
    out += ')';
}

void write_literal(std::string& out, std::string_view data) {
    out += '{' + std::to_string(data.size()) + "}\r\n";
    out += data;
}

// section-spec as the response names it (RFC 9051 §7.5.2 "BODY[" section "]").
void write_section(std::string& out, const Section& section) {
    for (std::size_t i = 0; i < section.part.size(); ++i) {
        out += (i ? "." : "") + std::to_string(section.part[i]);
    }
    static constexpr const char* kTexts[] = {"",     "HEADER", "HEADER.FIELDS", "HEADER.FIELDS.NOT",
                                             "TEXT", "MIME"};
    std::string_view text = kTexts[static_cast<int>(section.text)];
    if (!text.empty()) {
        out += section.part.empty() ? "" : ".";
        out += text;
    }
    if (section.text == Section::Text::header_fields ||
        section.text == Section::Text::header_fields_not) {
        out += " (";
        for (std::size_t i = 0; i < section.fields.size(); ++i) {
            out += i ? " " : "";
            write_astring(out, section.fields[i]);
        }
        out += ')';
    }
}

void write_origin(std::string& out, const std::optional<Partial>& partial) {
    if (partial) {
        out += '<' + std::to_string(partial->offset) + '>';
    }
}

// One message's FETCH response. false when BINARY met an encoding it cannot undo.
bool write_message(std::string& out, std::uint32_t msn, const MessageContent& m,
                   const std::vector<FetchAttribute>& attributes, bool add_flags, bool utf8) {
    bool decodable = true;
    out += "* " + std::to_string(msn) + " FETCH (";
    bool first = true;
    auto item = [&](std::string_view name) {
        out += first ? "" : " ";
        out += name;
        first = false;
    };
    for (const FetchAttribute& a : attributes) {
        switch (a.kind) {
            case Kind::uid:
                item("UID " + std::to_string(m.meta.uid));
                break;
            case Kind::flags:
                item("");
                write_flags(out, m.meta);
                break;
            case Kind::internal_date:
                item("INTERNALDATE " + internal_date(m.meta.internal_date));
                break;
            case Kind::rfc822_size:
                item("RFC822.SIZE " + std::to_string(m.meta.size));
                break;
            case Kind::modseq:
                item("MODSEQ (" + std::to_string(m.meta.modseq) + ")");
                break;
            case Kind::email_id:
                item("EMAILID (" + m.meta.email_id + ")");
                break;
            case Kind::thread_id:
                item(m.meta.thread_id.empty() ? "THREADID NIL"
                                              : "THREADID (" + m.meta.thread_id + ")");
                break;
            case Kind::envelope:
                item("ENVELOPE ");
                write_envelope(out, m.summary.envelope, utf8);
                break;
            case Kind::body:
            case Kind::body_structure:
                item(a.kind == Kind::body ? "BODY " : "BODYSTRUCTURE ");
                write_body_structure(out, m.summary.root, a.kind == Kind::body_structure, utf8);
                break;
            case Kind::rfc822:
                item("RFC822 ");
                write_literal(out, m.raw);
                break;
            case Kind::rfc822_header:
            case Kind::rfc822_text: {
                Section s;
                s.text =
                    a.kind == Kind::rfc822_header ? Section::Text::header : Section::Text::text;
                item(a.kind == Kind::rfc822_header ? "RFC822.HEADER " : "RFC822.TEXT ");
                write_literal(out, section_content(m.raw, m.summary, s));
                break;
            }
            case Kind::body_section: {
                item("BODY[");
                write_section(out, a.section);
                out += ']';
                write_origin(out, a.partial);
                out += ' ';
                std::string data = section_content(m.raw, m.summary, a.section);
                write_literal(out, apply_partial(data, a.partial));
                break;
            }
            case Kind::binary:
            case Kind::binary_size: {
                auto data = binary_content(m.raw, m.summary, a.section.part);
                if (!data) {
                    decodable = false;
                    break;
                }
                item(a.kind == Kind::binary ? "BINARY[" : "BINARY.SIZE[");
                write_section(out, a.section);
                out += ']';
                if (a.kind == Kind::binary_size) {
                    out += ' ' + std::to_string(data->size());
                    break;
                }
                write_origin(out, a.partial);
                out += ' ';
                std::string_view cut = apply_partial(*data, a.partial);
                // RFC 3516 §4.2: literal8 only when the data holds NUL.
                if (cut.find('\0') != std::string_view::npos) {
                    write_literal8(out, cut);
                } else {
                    write_literal(out, cut);
                }
                break;
            }
        }
    }
    if (add_flags) {  // RFC 9051 §6.4.5: \Seen was set implicitly; report the new flags
        item("");
        write_flags(out, m.meta);
    }
    out += ")\r\n";
    return decodable;
}

}  // namespace

boost::asio::awaitable<void> Session::on_fetch(const Fetch& fetch) {
    if (fetch.vanished && (!fetch.uid || !qresync_ || !fetch.changed_since)) {
        bad("VANISHED needs UID FETCH, QRESYNC and CHANGEDSINCE");  // RFC 7162 §3.2.6
        co_return;
    }
    auto uids = resolve(fetch.set, fetch.uid);
    if (!uids) {
        co_return;
    }
    std::vector<FetchAttribute> attributes = fetch.attributes;
    auto has = [&](Kind kind) {
        return std::any_of(attributes.begin(), attributes.end(),
                           [kind](const FetchAttribute& a) { return a.kind == kind; });
    };
    auto simple = [](Kind kind) {
        FetchAttribute a;
        a.kind = kind;
        return a;
    };
    if (fetch.uid && !has(Kind::uid)) {
        attributes.insert(attributes.begin(), simple(Kind::uid));  // RFC 9051 §6.4.8
    }
    if (fetch.changed_since && !has(Kind::modseq)) {
        attributes.push_back(simple(Kind::modseq));  // RFC 7162 §3.1.4.1
    }
    if (has(Kind::modseq)) {
        condstore_ = true;  // RFC 7162 §3.1: a CONDSTORE-enabling command
    }
    if (fetch.vanished) {
        auto account = account_;
        std::string name = selected_->name;
        // RFC 7162 §3.2.6: UIDs in the set expunged since CHANGEDSINCE come first.
        ModSeq since = *fetch.changed_since;
        auto work = [account, name, since] { return account->changes_since(name, since); };
        auto changes = co_await net::run_blocking(services_.workers, std::move(work));
        std::vector<Uid> vanished;
        for (Uid uid : changes.expunged) {
            if (set_contains(fetch.set, uid, selected_->max_uid())) {
                vanished.push_back(uid);
            }
        }
        if (!vanished.empty()) {
            send("* VANISHED (EARLIER) " + compress_numbers(vanished) + "\r\n");
        }
    }

    bool decodable = co_await fetch_messages(*uids, attributes, fetch.changed_since, true);
    if (!decodable) {
        done(Condition::no, ResponseCode::simple("UNKNOWN-CTE"),
             "Cannot decode a part's Content-Transfer-Encoding");  // RFC 3516 §4.3
        co_return;
    }
    done(Condition::ok, "FETCH completed");
}

boost::asio::awaitable<bool> Session::fetch_messages(const std::vector<Uid>& uids,
                                                     const std::vector<FetchAttribute>& attributes,
                                                     std::optional<ModSeq> changed_since,
                                                     bool may_set_seen) {
    auto has = [&](Kind kind) {
        return std::any_of(attributes.begin(), attributes.end(),
                           [kind](const FetchAttribute& a) { return a.kind == kind; });
    };
    Content need = Content::meta;
    bool mark_seen = false;
    for (const FetchAttribute& a : attributes) {
        need = std::max(need, content_for(a));
        mark_seen = mark_seen || sets_seen(a);
    }
    mark_seen = mark_seen && may_set_seen && selected_ && !selected_->read_only;

    auto account = account_;
    std::string name = selected_->name;
    struct Batch {
        std::vector<MessageContent> contents;
        std::vector<Uid> newly_seen;
    };
    std::size_t per_call = need == Content::full ? kFullBatch : config_->fetch_batch;
    bool decodable = true;
    for (std::size_t start = 0; start < uids.size(); start += per_call) {
        std::vector<Uid> chunk(uids.begin() + start,
                               uids.begin() + std::min(uids.size(), start + per_call));
        auto since = changed_since;
        auto work = [account, name, chunk, need, mark_seen, since] {
            Batch b;
            b.contents = account->contents(name, chunk, need);
            if (!mark_seen) {
                return b;
            }
            std::vector<Uid> unseen;
            for (const MessageContent& m : b.contents) {
                if (!has_flag(m.meta, "\\Seen") && (!since || m.meta.modseq > *since)) {
                    unseen.push_back(m.meta.uid);
                }
            }
            if (unseen.empty()) {
                return b;
            }
            const std::vector<std::string> seen = {"\\Seen"};
            StoreResult stored = account->store(name, unseen, FlagMode::add, seen, std::nullopt);
            for (const MessageMeta& updated : stored.updated) {
                for (MessageContent& m : b.contents) {
                    if (m.meta.uid == updated.uid) {
                        m.meta.flags = updated.flags;
                        m.meta.modseq = updated.modseq;
                        b.newly_seen.push_back(updated.uid);
                    }
                }
            }
            return b;
        };
        Batch batch = co_await net::run_blocking(services_.workers, std::move(work));
        std::string out;
        for (const MessageContent& m : batch.contents) {
            auto msn = selected_ ? selected_->msn(m.meta.uid) : std::nullopt;
            bool newly_seen =
                std::count(batch.newly_seen.begin(), batch.newly_seen.end(), m.meta.uid) > 0;
            if (newly_seen && selected_) {
                selected_->reported[m.meta.uid] = m.meta.modseq;
            }
            if (!msn || (changed_since && m.meta.modseq <= *changed_since)) {
                continue;
            }
            decodable =
                write_message(out, *msn, m, attributes, newly_seen && !has(Kind::flags), utf8()) &&
                decodable;
        }
        send(out);
        co_await flush();
    }
    co_return decodable;
}

}  // namespace sealbox::imap
