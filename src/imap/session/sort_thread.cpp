// SORT and UID SORT (RFC 5256 §3, RFC 5957 DISPLAYFROM/DISPLAYTO), THREAD and UID THREAD with
// ORDEREDSUBJECT and REFERENCES (RFC 5256 §3). The search runs like SEARCH's; the keys come from
// the summary stored at delivery (envelope and References), never from the message itself.

#include <gmime/gmime.h>

#include <algorithm>
#include <memory>

#include "imap/session/session.h"
#include "imap/thread/base_subject.h"
#include "imap/thread/sorting.h"
#include "imap/thread/threading.h"
#include "mime/field_parser.h"
#include "mime/searchable_text.h"

namespace sealbox::imap {
namespace asio = boost::asio;

namespace {

struct DateTimeUnref {
    void operator()(GDateTime* time) const { g_date_time_unref(time); }
};

// RFC 5256 §2.2: the Date: field's time in UTC, or INTERNALDATE when it has none or it cannot
// be read.
std::int64_t sent_date(const MessageContent& m) {
    const std::string& date = m.summary.envelope.date;
    if (date.empty()) {
        return m.meta.internal_date;
    }
    mime::initialize_gmime();
    std::unique_ptr<GDateTime, DateTimeUnref> parsed(g_mime_utils_header_decode_date(date.c_str()));
    return parsed ? g_date_time_to_unix(parsed.get()) : m.meta.internal_date;
}

const mime::Address* first_mailbox(const std::vector<mime::Address>& list) {
    auto it = std::find_if(list.begin(), list.end(), [](const mime::Address& a) {
        return a.kind == mime::Address::Kind::mailbox;
    });
    return it == list.end() ? nullptr : &*it;
}

// RFC 5256 §3 FROM, TO, CC: the addr-mailbox (local part) of the first address.
std::string sort_mailbox(const std::vector<mime::Address>& list) {
    const mime::Address* a = first_mailbox(list);
    return a ? a->mailbox : std::string();
}

// RFC 5957 §3: the display name of the first address, decoded; without one, the addr-spec.
std::string sort_display(const std::vector<mime::Address>& list) {
    const mime::Address* a = first_mailbox(list);
    if (a == nullptr) {
        return {};
    }
    std::string name = mime::decode_header_text(a->name);
    if (!name.empty()) {
        return name;
    }
    return a->host.empty() ? a->mailbox : a->mailbox + "@" + a->host;
}

// RFC 5256 §2.1: the base subject of the decoded Subject field.
BaseSubject subject_of(const MessageContent& m) {
    return base_subject(mime::decode_header_text(m.summary.envelope.subject));
}

SortRecord sort_record(const MessageContent& m, std::uint32_t number) {
    const mime::Envelope& e = m.summary.envelope;
    SortRecord r;
    r.number = number;
    r.arrival = m.meta.internal_date;
    r.sent = sent_date(m);
    r.size = m.meta.size;
    r.subject = subject_of(m).text;
    r.from = sort_mailbox(e.from);
    r.to = sort_mailbox(e.to);
    r.cc = sort_mailbox(e.cc);
    r.display_from = sort_display(e.from);
    r.display_to = sort_display(e.to);
    return r;
}

ThreadInput thread_input(const MessageContent& m, std::uint32_t number) {
    ThreadInput t;
    t.number = number;
    t.sent = sent_date(m);
    t.subject = subject_of(m);
    auto ids = mime::parse_message_ids(m.summary.envelope.message_id);
    if (!ids.empty()) {
        t.message_id = ids.front();
    }
    // RFC 5256 §3 REFERENCES step 1.A: without References, the first valid id of In-Reply-To.
    t.references = m.summary.references;
    if (t.references.empty()) {
        auto parents = mime::parse_message_ids(m.summary.envelope.in_reply_to);
        if (!parents.empty()) {
            t.references.push_back(parents.front());
        }
    }
    return t;
}

// On a worker: the messages matching `criteria` that the client knows of (`known`: its view's
// UIDs by message number), in mailbox order, each given to `each` with its message number.
// Summaries are read `batch` at a time so that only the keys of a large mailbox are held.
template <typename Each>
void for_each_match(Account& account, const std::string& mailbox, const SearchKey& criteria,
                    const std::vector<Uid>& known, std::size_t batch, Each&& each) {
    std::vector<Uid> matches;
    for (Uid uid : account.search(mailbox, criteria)) {
        if (std::binary_search(known.begin(), known.end(), uid)) {
            matches.push_back(uid);
        }
    }
    std::sort(matches.begin(), matches.end());
    batch = std::max<std::size_t>(batch, 1);
    for (std::size_t i = 0; i < matches.size(); i += batch) {
        std::span<const Uid> uids(matches.data() + i, std::min(batch, matches.size() - i));
        for (const MessageContent& m : account.contents(mailbox, uids, Content::summary)) {
            auto at = std::lower_bound(known.begin(), known.end(), m.meta.uid);
            each(m, static_cast<std::uint32_t>(at - known.begin() + 1));
        }
    }
}

}  // namespace

asio::awaitable<void> Session::on_sort(const Sort& sort) {
    auto criteria = uid_criteria(sort.search, sort.charset);
    if (!criteria) {
        co_return;
    }
    auto work = [account = account_, name = selected_->name, criteria = std::move(*criteria),
                 known = selected_->uids(), batch = config_->fetch_batch, by_uid = sort.uid,
                 order = sort.criteria] {
        std::vector<SortRecord> records;
        for_each_match(*account, name, criteria, known, batch,
                       [&](const MessageContent& m, std::uint32_t msn) {
                           records.push_back(sort_record(m, by_uid ? m.meta.uid : msn));
                       });
        return sort_messages(std::move(records), order);
    };
    std::vector<std::uint32_t> sorted =
        co_await net::run_blocking(services_.workers, std::move(work));
    // RFC 5256 §4: "* SORT" and the numbers, none when nothing matched.
    std::string out = "* SORT";
    for (std::uint32_t n : sorted) {
        out += " " + std::to_string(n);
    }
    send(out + "\r\n");
    done(Condition::ok, "SORT completed");
}

asio::awaitable<void> Session::on_thread(const Thread& thread) {
    auto criteria = uid_criteria(thread.search, thread.charset);
    if (!criteria) {
        co_return;
    }
    auto work = [account = account_, name = selected_->name, criteria = std::move(*criteria),
                 known = selected_->uids(), batch = config_->fetch_batch, by_uid = thread.uid,
                 algorithm = thread.algorithm] {
        std::vector<ThreadInput> messages;
        for_each_match(*account, name, criteria, known, batch,
                       [&](const MessageContent& m, std::uint32_t msn) {
                           messages.push_back(thread_input(m, by_uid ? m.meta.uid : msn));
                       });
        return thread_response(algorithm == ThreadAlgorithm::references
                                   ? thread_references(messages)
                                   : thread_ordered_subject(messages));
    };
    std::string response = co_await net::run_blocking(services_.workers, std::move(work));
    send(response);
    done(Condition::ok, "THREAD completed");
}

}  // namespace sealbox::imap
