// RFC 5464 annotations in the mailbox database (the table is in mailbox_store.cpp's schema
// upgrades). Values are stored as blobs: they are octets, NUL included.

#include "core/error.h"
#include "store/mailbox_store.h"

namespace sealbox::store {

// Rows are keyed by ifnull(folder_id, 0) (see the unique index): a folder's id, or 0 for the
// account's own annotations; folder_id() throws not_found for a missing folder.

std::vector<Annotation> MailboxStore::annotations(std::string_view folder) {
    auto s = db_.prepare(
        "SELECT name, value FROM annotations WHERE ifnull(folder_id, 0) = ? ORDER BY name");
    s.bind(1, folder.empty() ? 0 : folder_id(folder));
    std::vector<Annotation> out;
    while (s.step()) {
        auto value = s.blob(1);
        out.push_back({s.text(0), std::string(value.begin(), value.end())});
    }
    return out;
}

void MailboxStore::set_annotation(std::string_view folder, std::string_view name,
                                  std::optional<std::string_view> value) {
    std::int64_t scope = folder.empty() ? 0 : folder_id(folder);
    db_.prepare("DELETE FROM annotations WHERE ifnull(folder_id, 0) = ? AND name = ?")
        .bind(1, scope)
        .bind(2, name)
        .run();
    if (!value) {
        return;
    }
    auto insert = db_.prepare("INSERT INTO annotations(folder_id, name, value) VALUES(?, ?, ?)");
    if (scope == 0) {
        insert.bind_null(1);
    } else {
        insert.bind(1, scope);
    }
    insert.bind(2, name)
        .bind_blob(3, {reinterpret_cast<const std::uint8_t*>(value->data()), value->size()})
        .run();
}

std::int64_t MailboxStore::annotation_count(std::string_view folder) {
    auto s = db_.prepare("SELECT count(*) FROM annotations WHERE ifnull(folder_id, 0) = ?");
    s.bind(1, folder.empty() ? 0 : folder_id(folder));
    s.step();
    return s.int64(0);
}

std::int64_t MailboxStore::annotation_bytes() {
    auto s = db_.prepare("SELECT coalesce(sum(length(value)), 0) FROM annotations");
    s.step();
    return s.int64(0);
}

std::string MailboxStore::special_use(std::string_view folder) {
    auto s = db_.prepare("SELECT special_use FROM folders WHERE name = ?");
    s.bind(1, folder);
    if (!s.step()) {
        throw Error(ErrorCode::not_found, "no such mailbox");
    }
    return s.text(0);
}

}  // namespace sealbox::store
