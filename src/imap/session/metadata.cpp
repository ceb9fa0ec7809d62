// GETMETADATA and SETMETADATA (RFC 5464 §4.2-4.3): annotations of a mailbox, or of the server
// for the mailbox name "". The account has one user, so /shared entries are hers to write like
// /private ones (§3.3 leaves who may write them to the server); they are told apart by name.
// /private/specialuse shows the mailbox's SPECIAL-USE attribute (RFC 6154 §4) and cannot be
// set here: CREATE with USE (RFC 6154 §3) sets one. No unsolicited METADATA responses are sent
// (§4.4 makes them optional). Values are user data: never logged.

#include <algorithm>
#include <set>

#include "imap/session/session.h"

namespace sealbox::imap {
namespace {

constexpr std::string_view kSpecialUseEntry = "/private/specialuse";

bool is_scope(std::string_view entry) {
    return entry == "/private" || entry == "/shared";
}

}  // namespace

boost::asio::awaitable<void> Session::on_get_metadata(const GetMetadata& command) {
    auto account = account_;
    std::string mailbox = command.mailbox;
    auto work = [account, mailbox] { return account->metadata(mailbox); };
    auto stored = co_await net::run_blocking(services_.workers, std::move(work));

    std::vector<MetadataEntry> found;
    std::set<std::string_view> named;  // each entry once, however many roots cover it
    std::uint64_t longest = 0;         // §4.2.1: the biggest value MAXSIZE left out
    for (const std::string& root : command.entries) {
        bool exists = false;
        for (const MetadataEntry& entry : stored) {
            if (!metadata_entry_within(entry.name, root, command.depth)) {
                continue;
            }
            exists = exists || entry.name == root;
            if (command.max_size && entry.value->size() > *command.max_size) {
                longest = std::max<std::uint64_t>(longest, entry.value->size());
            } else if (named.insert(entry.name).second) {
                found.push_back(entry);
            }
        }
        // An entry asked for by name (DEPTH 0) that has no value reads as NIL (value =
        // nstring), as Dovecot and Cyrus answer. With DEPTH only what exists is listed, as in
        // §4.2.2's example; a scope is only ever a root for DEPTH.
        if (!exists && command.depth == MetadataDepth::zero && !is_scope(root) &&
            named.insert(root).second) {
            found.push_back({root, std::nullopt});
        }
    }
    if (!found.empty()) {
        send(metadata_response(command.mailbox, found, utf8()));
    }
    if (longest > 0) {
        done(Condition::ok, ResponseCode::metadata_long_entries(longest), "GETMETADATA completed");
    } else {
        done(Condition::ok, "GETMETADATA completed");
    }
}

boost::asio::awaitable<void> Session::on_set_metadata(const SetMetadata& command) {
    for (const MetadataEntry& entry : command.entries) {
        if (!command.mailbox.empty() && entry.name == kSpecialUseEntry) {
            done(Condition::no, ResponseCode::simple("CANNOT"),
                 "/private/specialuse is read-only: CREATE with USE sets a special use");
            co_return;
        }
        if (entry.value && entry.value->size() > config_->max_metadata_value) {
            done(Condition::no, ResponseCode::metadata_max_size(config_->max_metadata_value),
                 "Value too large");  // §4.3
            co_return;
        }
    }
    auto account = account_;
    std::string mailbox = command.mailbox;
    std::vector<MetadataEntry> entries = command.entries;
    MetadataLimits limits = config_->metadata_limits;
    auto work = [account, mailbox, entries = std::move(entries), limits] {
        return account->set_metadata(mailbox, entries, limits);
    };
    // Awaited into a variable: gcc 12 miscompiles a co_await inside a condition.
    MetadataResult result = co_await net::run_blocking(services_.workers, std::move(work));
    switch (result) {
        case MetadataResult::too_many:
            done(Condition::no, ResponseCode::metadata_too_many(), "Too many entries");  // §4.3
            break;
        case MetadataResult::too_large:
            done(Condition::no, ResponseCode::simple("OVERQUOTA"),
                 "No room left for annotations in this account");
            break;
        case MetadataResult::done:
            done(Condition::ok, "SETMETADATA completed");
            break;
    }
}

}  // namespace sealbox::imap
