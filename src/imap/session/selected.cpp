#include "imap/session/selected.h"

#include <algorithm>

namespace sealbox::imap {

SelectedMailbox::SelectedMailbox(std::string name_, bool read_only_, const MailboxStatus& status,
                                 std::vector<Uid> uids)
    : name(std::move(name_)),
      read_only(read_only_),
      uid_validity(status.uid_validity),
      modseq(status.highest_modseq),
      uids_(std::move(uids)) {
    std::sort(uids_.begin(), uids_.end());
    uids_.erase(std::unique(uids_.begin(), uids_.end()), uids_.end());
}

std::optional<std::uint32_t> SelectedMailbox::msn(Uid uid) const {
    auto it = std::lower_bound(uids_.begin(), uids_.end(), uid);
    if (it == uids_.end() || *it != uid) {
        return std::nullopt;
    }
    return static_cast<std::uint32_t>(it - uids_.begin() + 1);
}

std::optional<std::vector<Uid>> SelectedMailbox::resolve(const SequenceSet& set, bool uid,
                                                         std::span<const Uid> saved) const {
    std::vector<Uid> out;
    for (const SequenceRange& range : set.ranges) {
        if (uid) {
            // RFC 9051 §6.4.8: "*" is the largest UID in use, and a range is taken whatever
            // its order ("5:*" with 3 the largest names 3).
            Uid a = range.first == kStar ? max_uid() : range.first;
            Uid b = range.last == kStar ? max_uid() : range.last;
            auto [low, high] = std::minmax(a, b);
            auto from = std::lower_bound(uids_.begin(), uids_.end(), low);
            auto to = std::upper_bound(uids_.begin(), uids_.end(), high);
            if (from < to) {
                out.insert(out.end(), from, to);
            }
            continue;
        }
        std::uint32_t a = range.first == kStar ? exists() : range.first;
        std::uint32_t b = range.last == kStar ? exists() : range.last;
        auto [low, high] = std::minmax(a, b);
        if (high > exists() || low == 0) {
            return std::nullopt;  // RFC 9051 §9 seq-number: only numbers in use are valid
        }
        out.insert(out.end(), uids_.begin() + (low - 1), uids_.begin() + high);
    }
    if (set.saved_result) {
        for (Uid u : saved) {
            if (msn(u)) {
                out.push_back(u);
            }
        }
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
}

void SelectedMailbox::add(Uid uid) {
    auto it = std::lower_bound(uids_.begin(), uids_.end(), uid);
    if (it == uids_.end() || *it != uid) {
        uids_.insert(it, uid);
    }
}

std::optional<std::uint32_t> SelectedMailbox::remove(Uid uid) {
    auto it = std::lower_bound(uids_.begin(), uids_.end(), uid);
    if (it == uids_.end() || *it != uid) {
        return std::nullopt;
    }
    auto number = static_cast<std::uint32_t>(it - uids_.begin() + 1);
    uids_.erase(it);
    reported.erase(uid);
    deferred_flags.erase(uid);
    std::erase(pending_expunges, uid);
    return number;
}

bool SelectedMailbox::is_pending_expunge(Uid uid) const {
    return std::find(pending_expunges.begin(), pending_expunges.end(), uid) !=
           pending_expunges.end();
}

bool set_contains(const SequenceSet& set, Uid uid, Uid max_uid) {
    for (const SequenceRange& range : set.ranges) {
        Uid a = range.first == kStar ? max_uid : range.first;
        Uid b = range.last == kStar ? max_uid : range.last;
        auto [low, high] = std::minmax(a, b);
        if (uid >= low && uid <= high) {
            return true;
        }
    }
    return false;
}

}  // namespace sealbox::imap
