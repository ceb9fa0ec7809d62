#include "imap/search/evaluate.h"

#include <gmime/gmime.h>

#include <algorithm>
#include <chrono>
#include <memory>

#include "mime/field_parser.h"
#include "mime/header_block.h"
#include "mime/searchable_text.h"
#include "mime/text_fold.h"

namespace sealbox::imap {

namespace {

using Kind = SearchKey::Kind;
using std::chrono::days;
using std::chrono::sys_days;

struct GFree {
    void operator()(gpointer memory) const { g_free(memory); }
};
using OwnedText = std::unique_ptr<char, GFree>;

struct DateTimeUnref {
    void operator()(GDateTime* time) const { g_date_time_unref(time); }
};

bool equals_ignoring_case(std::string_view a, std::string_view b) {
    return a.size() == b.size() && g_ascii_strncasecmp(a.data(), b.data(), a.size()) == 0;
}

sys_days day_of(const SearchDate& date) {
    using namespace std::chrono;
    return sys_days{year{date.year} / month{static_cast<unsigned>(date.month)} /
                    day{static_cast<unsigned>(date.day)}};
}

// The day a date key compares, by the key's rule: before, on, or since (on or after).
bool compare_day(Kind kind, sys_days day, sys_days key) {
    switch (kind) {
        case Kind::before:
        case Kind::sent_before:
            return day < key;
        case Kind::on:
        case Kind::sent_on:
            return day == key;
        default:  // since, sent_since
            return day >= key;
    }
}

// RFC 9051 §6.4.4 SENT*: the date written in the Date: field, its time and zone disregarded.
std::optional<sys_days> sent_day(const std::string& date_field) {
    if (date_field.empty()) {
        return std::nullopt;
    }
    mime::initialize_gmime();
    std::unique_ptr<GDateTime, DateTimeUnref> parsed(
        g_mime_utils_header_decode_date(date_field.c_str()));
    if (!parsed) {
        return std::nullopt;
    }
    int year = 0;
    int month = 0;
    int day = 0;
    g_date_time_get_ymd(parsed.get(), &year, &month, &day);  // in the field's own zone
    return day_of({year, month, day});
}

bool in_set(const SequenceSet& set, Uid uid, Uid max_uid) {
    // "$" (RFC 5182) was resolved by the session; left here it contributes no message.
    return std::any_of(set.ranges.begin(), set.ranges.end(), [&](const SequenceRange& range) {
        const Uid first = range.first == kStar ? max_uid : range.first;
        const Uid last = range.last == kStar ? max_uid : range.last;
        return std::min(first, last) <= uid && uid <= std::max(first, last);
    });
}

bool has_flag(const MessageMeta& meta, std::string_view flag) {
    return std::any_of(meta.flags.begin(), meta.flags.end(),
                       [&](const std::string& f) { return equals_ignoring_case(f, flag); });
}

// RFC 9051 §6.4.4 FROM, TO, CC, BCC: the envelope's addresses, each as "name <mailbox@host>"
// with the name decoded, so that the name, the address or both can be looked for. An empty
// string is in every field, even an absent one, as it is in every subject.
bool addresses_contain(const std::vector<mime::Address>& addresses, std::string_view needle) {
    return needle.empty() ||
           std::any_of(addresses.begin(), addresses.end(), [&](const mime::Address& address) {
               if (address.kind == mime::Address::Kind::group_start) {
                   return contains_text(mime::decode_header_text(address.mailbox), needle);
               }
               std::string text =
                   address.host.empty() ? address.mailbox : address.mailbox + "@" + address.host;
               if (!address.name.empty()) {
                   text = mime::decode_header_text(address.name) + " <" + text + ">";
               }
               return contains_text(text, needle);
           });
}

class Evaluator {
  public:
    Evaluator(SearchSubject& message, std::int64_t now, Uid max_uid)
        : message_(message), now_(now), max_uid_(max_uid) {}

    bool matches(const SearchKey& key) {
        switch (key.kind) {
            case Kind::all_of:
                return std::all_of(key.children.begin(), key.children.end(),
                                   [this](const SearchKey& child) { return matches(child); });
            case Kind::any_of:
                return std::any_of(key.children.begin(), key.children.end(),
                                   [this](const SearchKey& child) { return matches(child); });
            case Kind::negation:
                return !key.children.empty() && !matches(key.children.front());
            case Kind::all:
                return true;
            case Kind::answered:
                return flag("\\Answered");
            case Kind::deleted:
                return flag("\\Deleted");
            case Kind::draft:
                return flag("\\Draft");
            case Kind::flagged:
                return flag("\\Flagged");
            case Kind::seen:
                return flag("\\Seen");
            // RFC 3501 §6.4.4: NEW is RECENT UNSEEN, OLD is NOT RECENT. No session here is ever
            // the first to see a message (RFC 9051 drops \Recent), so nothing is recent.
            case Kind::recent:
            case Kind::new_:
                return false;
            case Kind::old:
                return true;
            case Kind::unanswered:
                return !flag("\\Answered");
            case Kind::undeleted:
                return !flag("\\Deleted");
            case Kind::undraft:
                return !flag("\\Draft");
            case Kind::unflagged:
                return !flag("\\Flagged");
            case Kind::unseen:
                return !flag("\\Seen");
            case Kind::keyword:
                return flag(key.value);
            case Kind::unkeyword:
                return !flag(key.value);
            case Kind::from:
                return addresses_contain(envelope().from, key.value);
            case Kind::to:
                return addresses_contain(envelope().to, key.value);
            case Kind::cc:
                return addresses_contain(envelope().cc, key.value);
            case Kind::bcc:
                return addresses_contain(envelope().bcc, key.value);
            case Kind::subject:
                return contains_text(mime::decode_header_text(envelope().subject), key.value);
            case Kind::body:
            case Kind::text:
                return message_.text_matches(key.kind, key.value);
            case Kind::header:
                return header_contains(key.field, key.value);
            // RFC 9051 §6.4.4: INTERNALDATE's date, here in UTC, the server's time zone.
            case Kind::before:
            case Kind::on:
            case Kind::since:
                return compare_day(key.kind, internal_day(), day_of(key.date));
            case Kind::sent_before:
            case Kind::sent_on:
            case Kind::sent_since: {
                // A message without a readable Date: has no sent date to compare.
                const std::optional<sys_days> sent = sent_day(envelope().date);
                return sent && compare_day(key.kind, *sent, day_of(key.date));
            }
            case Kind::larger:
                return message_.meta().size > key.number;
            case Kind::smaller:
                return message_.meta().size < key.number;
            // RFC 5032 §3: OLDER is strictly older than the interval, YOUNGER is "younger than
            // or equal to" it.
            case Kind::older:
                return age() > static_cast<double>(key.number);
            case Kind::younger:
                return age() <= static_cast<double>(key.number);
            case Kind::modseq:  // RFC 7162 §3.1.5
                return message_.meta().modseq >= key.number;
            case Kind::uid:
            case Kind::sequence:
                return in_set(key.set, message_.meta().uid, max_uid_);
        }
        return false;
    }

  private:
    bool flag(std::string_view name) { return has_flag(message_.meta(), name); }

    const mime::Envelope& envelope() { return message_.summary().envelope; }

    sys_days internal_day() {
        using namespace std::chrono;
        return floor<days>(sys_seconds{seconds{message_.meta().internal_date}});
    }

    // In seconds; double, since `now` minus a hostile INTERNALDATE may not fit an int64.
    double age() {
        return static_cast<double>(now_) - static_cast<double>(message_.meta().internal_date);
    }

    // RFC 9051 §6.4.4 HEADER: any field of that name whose text contains the string; an empty
    // string matches every message that has the field.
    bool header_contains(std::string_view name, std::string_view needle) {
        if (!header_) {
            const std::string_view raw = message_.header();
            header_ = mime::read_header_block(raw, 0, raw.size());
        }
        return std::any_of(
            header_->fields.begin(), header_->fields.end(), [&](const mime::HeaderField& field) {
                return equals_ignoring_case(field.name, name) &&
                       (needle.empty() ||
                        contains_text(mime::decode_header_text(mime::unfold(field.raw_value)),
                                      needle));
            });
    }

    SearchSubject& message_;
    std::int64_t now_;
    Uid max_uid_;
    std::optional<mime::HeaderBlock> header_;  // parsed once per message, if a key needs it
};

}  // namespace

bool matches(const SearchKey& key, SearchSubject& message, std::int64_t now, Uid max_uid) {
    return Evaluator(message, now, max_uid).matches(key);
}

bool contains_text(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) {
        return true;
    }
    return mime::fold_text(haystack).find(mime::fold_text(needle)) != std::string::npos;
}

std::optional<std::string> search_string_to_utf8(std::string_view text, std::string_view charset) {
    const std::string name(charset);
    const bool utf8 = name.empty() || equals_ignoring_case(name, "UTF-8") ||
                      equals_ignoring_case(name, "US-ASCII");
    if (utf8) {
        // RFC 9051 §6.4.4: US-ASCII is a subset of UTF-8; octets that are neither are refused.
        if (!g_utf8_validate_len(text.data(), text.size(), nullptr)) {
            return std::nullopt;
        }
        return std::string(text);
    }
    mime::initialize_gmime();
    gsize written = 0;
    GError* error = nullptr;
    OwnedText converted(g_convert(text.data(), static_cast<gssize>(text.size()), "UTF-8",
                                  g_mime_charset_iconv_name(name.c_str()), nullptr, &written,
                                  &error));
    if (error) {
        g_error_free(error);
        return std::nullopt;
    }
    return std::string(converted.get(), written);
}

}  // namespace sealbox::imap
