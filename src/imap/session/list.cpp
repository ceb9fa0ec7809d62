// LIST (RFC 9051 §6.3.9) with LIST-EXTENDED (RFC 5258), SPECIAL-USE (RFC 6154), LIST-STATUS
// (RFC 5819) and CHILDREN (RFC 3348); LSUB for IMAP4rev1 clients (RFC 3501 §6.3.9).

#include <algorithm>
#include <map>

#include "imap/proto/string_writer.h"
#include "imap/session/parameters.h"
#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

struct Entry {
    std::string name;
    const MailboxInfo* info = nullptr;  // null: only a parent of existing mailboxes
    bool has_children = false;
    bool subscribed_child = false;
};

// Existing mailboxes and the parents their names imply, INBOX first then by name.
std::vector<Entry> tree(const std::vector<MailboxInfo>& mailboxes) {
    std::map<std::string, Entry> entries;
    for (const MailboxInfo& info : mailboxes) {
        entries[info.name].info = &info;
        entries[info.name].name = info.name;
        for (std::size_t slash = info.name.find(kHierarchyDelimiter); slash != std::string::npos;
             slash = info.name.find(kHierarchyDelimiter, slash + 1)) {
            Entry& parent = entries[info.name.substr(0, slash)];
            parent.name = info.name.substr(0, slash);
            parent.has_children = true;
            parent.subscribed_child = parent.subscribed_child || info.subscribed;
        }
    }
    std::vector<Entry> out;
    for (auto& [name, entry] : entries) {
        out.push_back(entry);
    }
    std::stable_partition(out.begin(), out.end(), [](const Entry& e) { return e.name == "INBOX"; });
    return out;
}

}  // namespace

boost::asio::awaitable<void> Session::on_list(const List& list) {
    ListOptions options;
    try {
        options = parse_list_options(list.raw_selection, list.raw_return);
    } catch (const SyntaxError& e) {
        bad(e.what());
        co_return;
    }
    const std::string delimiter = std::string("\"") + kHierarchyDelimiter + "\"";
    if (list.patterns.size() == 1 && list.patterns[0].empty() && list.raw_selection.empty()) {
        // RFC 9051 §6.3.9: an empty pattern asks for the delimiter and the root.
        send("* LIST (\\Noselect) " + delimiter + " \"\"\r\n");
        done(Condition::ok, "LIST completed");
        co_return;
    }
    std::vector<std::string> patterns;
    for (const std::string& pattern : list.patterns) {
        patterns.push_back(list_pattern(list.reference, pattern));
    }
    auto account = account_;
    auto work = [account] { return account->list(); };
    auto mailboxes = co_await net::run_blocking(services_.workers, std::move(work));

    struct Line {
        std::string text;
        std::string status_of;  // a mailbox whose STATUS follows, or empty
    };
    std::vector<Line> lines;
    for (const Entry& entry : tree(mailboxes)) {
        bool matched = std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
            return list_matches(p, entry.name);
        });
        if (!matched) {
            continue;
        }
        const MailboxInfo* info = entry.info;
        bool selected_by_filter = true;
        if (options.subscribed_only) {
            selected_by_filter = info && info->subscribed;
        }
        if (options.special_use_only) {
            selected_by_filter = selected_by_filter && info && !info->special_use.empty();
        }
        // RFC 5258 §3.5: a parent of subscribed mailboxes, listed for their sake.
        bool child_info = !selected_by_filter && options.recursive && options.subscribed_only &&
                          entry.subscribed_child;
        if (!selected_by_filter && !child_info) {
            continue;
        }
        std::vector<std::string> attributes;
        if (!info) {
            // RFC 9051 §7.3.1 / RFC 5258 §3: a name that exists only as a parent.
            attributes.push_back(rev2_ || !list.raw_selection.empty() ? "\\NonExistent"
                                                                      : "\\Noselect");
        }
        attributes.push_back(entry.has_children ? "\\HasChildren" : "\\HasNoChildren");
        if (info && info->subscribed && options.return_subscribed) {
            attributes.push_back("\\Subscribed");
        }
        if (info && !info->special_use.empty() && options.return_special_use) {
            attributes.push_back(info->special_use);
        }
        std::string text = "* LIST (";
        for (std::size_t i = 0; i < attributes.size(); ++i) {
            text += (i ? " " : "") + attributes[i];
        }
        text += ") " + delimiter + " ";
        write_mailbox(text, entry.name, utf8());
        if (child_info) {
            text += " (\"CHILDINFO\" (\"SUBSCRIBED\"))";
        }
        text += "\r\n";
        lines.push_back({std::move(text), info && !options.status.empty() ? entry.name : ""});
    }
    // RFC 5819 §2: each selectable mailbox's STATUS follows its LIST line.
    std::vector<std::string> names;
    for (const Line& line : lines) {
        if (!line.status_of.empty()) {
            names.push_back(line.status_of);
        }
    }
    std::map<std::string, MailboxStatus> statuses;
    if (!names.empty()) {
        auto work = [account, names] {
            std::map<std::string, MailboxStatus> out;
            for (const std::string& name : names) {
                try {
                    out[name] = account->status(name);
                } catch (const Error&) {
                    // gone since the list was read: no STATUS for it (RFC 5819 §2)
                }
            }
            return out;
        };
        statuses = co_await net::run_blocking(services_.workers, std::move(work));
    }
    for (const Line& line : lines) {
        send(line.text);
        if (auto it = statuses.find(line.status_of); it != statuses.end()) {
            send(status_response_line(line.status_of, it->second, options.status));
        }
    }
    done(Condition::ok, "LIST completed");
}

boost::asio::awaitable<void> Session::on_lsub(const Lsub& lsub) {
    std::string pattern = list_pattern(lsub.reference, lsub.pattern);
    auto account = account_;
    auto work = [account] { return account->list(); };
    auto mailboxes = co_await net::run_blocking(services_.workers, std::move(work));
    std::vector<std::string> subscribed;
    for (const MailboxInfo& info : mailboxes) {
        if (info.subscribed) {
            subscribed.push_back(info.name);
        }
    }
    // RFC 3501 §6.3.9: a parent that is not subscribed itself, but has a subscribed child the
    // pattern does not reach (foo for "%" when only foo/bar is subscribed), is listed \Noselect.
    auto hides_subscribed_child = [&](const std::string& name) {
        const std::string prefix = name + kHierarchyDelimiter;
        return std::any_of(subscribed.begin(), subscribed.end(), [&](const std::string& child) {
            return child.starts_with(prefix) && !list_matches(pattern, child);
        });
    };
    for (const Entry& entry : tree(mailboxes)) {
        if (!list_matches(pattern, entry.name)) {
            continue;
        }
        const bool subscribed_itself = entry.info && entry.info->subscribed;
        if (!subscribed_itself && !hides_subscribed_child(entry.name)) {
            continue;
        }
        std::string text = subscribed_itself ? "* LSUB () \"/\" " : "* LSUB (\\Noselect) \"/\" ";
        write_mailbox(text, entry.name, utf8());
        send(text + "\r\n");
    }
    done(Condition::ok, "LSUB completed");
}

}  // namespace sealbox::imap
