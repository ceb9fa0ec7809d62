#pragma once
// The selected mailbox as this session's client knows it (RFC 9051 §2.3.1.2): UIDs by message
// sequence number, and the changes it has not been told about yet. Pure bookkeeping; the
// session decides when each change may be reported.

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "imap/proto/sequence_set.h"
#include "imap/service.h"

namespace sealbox::imap {

class SelectedMailbox {
  public:
    SelectedMailbox(std::string name, bool read_only, const MailboxStatus& status,
                    std::vector<Uid> uids);

    std::string name;
    bool read_only = false;
    std::uint32_t uid_validity = 0;
    ModSeq modseq = 0;  // every change up to this one is in the view

    std::uint32_t exists() const { return static_cast<std::uint32_t>(uids_.size()); }
    const std::vector<Uid>& uids() const { return uids_; }
    Uid max_uid() const { return uids_.empty() ? 0 : uids_.back(); }
    std::optional<std::uint32_t> msn(Uid uid) const;
    Uid uid_at(std::uint32_t msn) const { return uids_[msn - 1]; }

    // The UIDs a set names, ascending and unique. UID sets ignore UIDs not in the view (RFC 9051
    // §6.4.8); message numbers beyond EXISTS make it nullopt (the command is BAD). "$" adds the
    // saved search result (RFC 5182 §2.1).
    std::optional<std::vector<Uid>> resolve(const SequenceSet& set, bool uid,
                                            std::span<const Uid> saved) const;

    // A message appeared: it takes the next message number.
    void add(Uid uid);
    // Removes an expunged message and returns the number it had (RFC 9051 §7.5.1: each EXPUNGE
    // renumbers the messages after it at once).
    std::optional<std::uint32_t> remove(Uid uid);

    // Expunged by someone else while EXPUNGE responses were not allowed (RFC 9051 §7.5.1):
    // still numbered until the next command that may report it.
    std::vector<Uid> pending_expunges;
    bool is_pending_expunge(Uid uid) const;
    // Flag changes this session already reported (its own STORE), by UID: the MODSEQ reported,
    // so the same change coming back through changes_since() is not sent twice.
    std::map<Uid, ModSeq> reported;
    // Flag changes seen while NOTIFY pushed updates without FlagChange (RFC 5465 §5.1): told
    // after the next command instead, as without NOTIFY. By UID, the latest state.
    std::map<Uid, MessageMeta> deferred_flags;

  private:
    std::vector<Uid> uids_;  // ascending; index = message number - 1
};

// True when uid falls in one of the set's ranges ("*" being max_uid); "$" is ignored.
bool set_contains(const SequenceSet& set, Uid uid, Uid max_uid);

}  // namespace sealbox::imap
