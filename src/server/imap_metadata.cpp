// imap::Account's RFC 5464 annotations over the mailbox database (store/mailbox_annotations.cpp).
// Values are the user's data: nothing here logs them.

#include <algorithm>

#include "core/error.h"
#include "server/imap_account.h"

namespace sealbox::server {
namespace {

// RFC 6154 §4: the entry that shows a mailbox's special-use attribute.
constexpr std::string_view kSpecialUseEntry = "/private/specialuse";

}  // namespace

std::vector<imap::MetadataEntry> StoreImapAccount::metadata(std::string_view mailbox) {
    return account().with_reader([&](store::MailboxStore& s) {
        std::vector<imap::MetadataEntry> out;
        for (auto& a : s.annotations(mailbox)) {
            out.push_back({std::move(a.name), std::move(a.value)});
        }
        if (!mailbox.empty()) {
            if (std::string use = s.special_use(mailbox); !use.empty()) {
                out.push_back({std::string(kSpecialUseEntry), std::move(use)});
                std::sort(out.begin(), out.end(),
                          [](const auto& a, const auto& b) { return a.name < b.name; });
            }
        }
        return out;
    });
}

imap::MetadataResult StoreImapAccount::set_metadata(std::string_view mailbox,
                                                    std::span<const imap::MetadataEntry> entries,
                                                    const imap::MetadataLimits& limits) {
    for (const auto& e : entries) {
        if (!mailbox.empty() && e.name == kSpecialUseEntry) {
            throw Error(ErrorCode::invalid_argument,
                        "/private/specialuse is read-only: CREATE with USE sets it");
        }
    }
    return account().with_store([&](store::MailboxStore& s) {
        store::Transaction tx(s.database());
        std::int64_t count_before = s.annotation_count(mailbox);
        std::int64_t bytes_before = s.annotation_bytes();
        for (const auto& e : entries) {
            s.set_annotation(mailbox, e.name,
                             e.value ? std::optional<std::string_view>(*e.value) : std::nullopt);
        }
        // Only growth is refused, so that entries can always be removed whatever the limits.
        // Returning before commit() rolls everything back (RFC 5464 §4.3: all or nothing).
        std::int64_t count = s.annotation_count(mailbox);
        if (count > count_before && static_cast<std::uint64_t>(count) > limits.max_entries) {
            return imap::MetadataResult::too_many;
        }
        std::int64_t bytes = s.annotation_bytes();
        if (bytes > bytes_before && static_cast<std::uint64_t>(bytes) > limits.max_total_bytes) {
            return imap::MetadataResult::too_large;
        }
        tx.commit();
        return imap::MetadataResult::done;
    });
}

}  // namespace sealbox::server
