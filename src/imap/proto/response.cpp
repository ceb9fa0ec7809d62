#include "imap/proto/response.h"

#include "core/error.h"
#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

bool is_atom(std::string_view s) {
    if (s.empty()) {
        return false;
    }
    for (char c : s) {
        if (!chars::is_atom_char(c)) {
            return false;
        }
    }
    return true;
}

// capability = ("AUTH=" auth-type) / atom; flags start with "\" (RFC 9051 §9).
std::string atom_list(std::span<const std::string> words, bool flags) {
    std::string out;
    for (const std::string& word : words) {
        std::string_view w = word;
        if (flags && !w.empty() && w.front() == '\\') {
            w.remove_prefix(1);
        }
        if (!is_atom(w)) {
            throw Error(ErrorCode::internal, "IMAP response: not an atom: " + word);
        }
        if (!out.empty()) {
            out += ' ';
        }
        out += word;
    }
    return out;
}

void append_text(std::string& out, std::string_view text) {
    std::size_t start = out.size();
    for (char c : text) {
        out += chars::is_ctl(c) ? ' ' : c;
    }
    // resp-text = ["[" resp-text-code "]" SP] text: a leading "[" would read as a code.
    if (out.size() > start && out[start] == '[') {
        out.insert(start, 1, ' ');
    }
}

}  // namespace

ResponseCode ResponseCode::alert() {
    return ResponseCode("ALERT");
}
ResponseCode ResponseCode::capability(std::span<const std::string> capabilities) {
    return ResponseCode("CAPABILITY " + atom_list(capabilities, false));
}
ResponseCode ResponseCode::uid_validity(std::uint32_t value) {
    return ResponseCode("UIDVALIDITY " + std::to_string(value));
}
ResponseCode ResponseCode::uid_next(std::uint32_t value) {
    return ResponseCode("UIDNEXT " + std::to_string(value));
}
ResponseCode ResponseCode::unseen(std::uint32_t value) {
    return ResponseCode("UNSEEN " + std::to_string(value));
}
ResponseCode ResponseCode::permanent_flags(std::span<const std::string> flags, bool any_keyword) {
    std::string list = atom_list(flags, true);
    if (any_keyword) {  // flag-perm = flag / "\*"
        list += list.empty() ? "\\*" : " \\*";
    }
    return ResponseCode("PERMANENTFLAGS (" + list + ")");
}
ResponseCode ResponseCode::read_only() {
    return ResponseCode("READ-ONLY");
}
ResponseCode ResponseCode::read_write() {
    return ResponseCode("READ-WRITE");
}
ResponseCode ResponseCode::try_create() {
    return ResponseCode("TRYCREATE");
}
ResponseCode ResponseCode::append_uid(std::uint32_t uid_validity, std::uint32_t uid) {
    return ResponseCode("APPENDUID " + std::to_string(uid_validity) + " " + std::to_string(uid));
}
ResponseCode ResponseCode::append_uid(std::uint32_t uid_validity,
                                      std::span<const std::uint32_t> uids) {
    std::string set;
    for (std::uint32_t uid : uids) {
        set += (set.empty() ? "" : ",") + std::to_string(uid);
    }
    return ResponseCode("APPENDUID " + std::to_string(uid_validity) + " " + set);
}
ResponseCode ResponseCode::copy_uid(std::uint32_t uid_validity, std::span<const std::uint32_t> from,
                                    std::span<const std::uint32_t> to) {
    // RFC 4315 §3: the two sets pair up in order, so keep the client's order when it is not
    // ascending; compress only what stays in order.
    auto ordered = [](std::span<const std::uint32_t> v) {
        for (std::size_t i = 1; i < v.size(); ++i) {
            if (v[i] <= v[i - 1]) {
                return false;
            }
        }
        return true;
    };
    auto set = [&](std::span<const std::uint32_t> v) {
        if (ordered(from) && ordered(to)) {
            return compress_numbers(v);
        }
        std::string out;
        for (std::uint32_t n : v) {
            out += (out.empty() ? "" : ",") + std::to_string(n);
        }
        return out;
    };
    return ResponseCode("COPYUID " + std::to_string(uid_validity) + " " + set(from) + " " +
                        set(to));
}
ResponseCode ResponseCode::highest_modseq(std::uint64_t value) {
    return ResponseCode("HIGHESTMODSEQ " + std::to_string(value));
}
ResponseCode ResponseCode::no_modseq() {
    return ResponseCode("NOMODSEQ");
}
ResponseCode ResponseCode::modified(std::span<const std::uint32_t> set) {
    if (set.empty()) {
        throw Error(ErrorCode::internal, "IMAP response: MODIFIED with an empty set");
    }
    return ResponseCode("MODIFIED " + compress_numbers(set));
}
ResponseCode ResponseCode::mailbox_id(std::string_view id) {
    if (!is_atom(id)) {
        throw Error(ErrorCode::internal, "IMAP response: MAILBOXID is not an atom");
    }
    return ResponseCode("MAILBOXID (" + std::string(id) + ")");
}
ResponseCode ResponseCode::bad_charset(std::span<const std::string> charsets) {
    return ResponseCode("BADCHARSET (" + atom_list(charsets, false) + ")");
}
ResponseCode ResponseCode::closed() {
    return ResponseCode("CLOSED");
}
ResponseCode ResponseCode::bad_event(std::span<const std::string> events) {
    return ResponseCode("BADEVENT (" + atom_list(events, false) + ")");
}
ResponseCode ResponseCode::metadata_long_entries(std::uint64_t size) {
    return ResponseCode("METADATA LONGENTRIES " + std::to_string(size));
}
ResponseCode ResponseCode::metadata_max_size(std::uint64_t size) {
    return ResponseCode("METADATA MAXSIZE " + std::to_string(size));
}
ResponseCode ResponseCode::metadata_too_many() {
    return ResponseCode("METADATA TOOMANY");
}
ResponseCode ResponseCode::simple(std::string_view atom) {
    if (!is_atom(atom)) {
        throw Error(ErrorCode::internal, "IMAP response code is not an atom");
    }
    return ResponseCode(std::string(atom));
}

std::string status_response(std::string_view tag, Condition condition, const ResponseCode& code,
                            std::string_view text) {
    bool untagged = tag == "*";
    if (!untagged) {
        bool valid = !tag.empty();
        for (char c : tag) {
            valid = valid && chars::is_tag_char(c);
        }
        if (!valid || condition == Condition::preauth || condition == Condition::bye) {
            throw Error(ErrorCode::internal, "IMAP response: invalid tag or tagged PREAUTH/BYE");
        }
    }
    static constexpr std::string_view kNames[] = {"OK", "NO", "BAD", "PREAUTH", "BYE"};
    std::string out(tag);
    out += ' ';
    out += kNames[static_cast<int>(condition)];
    out += ' ';
    if (!code.empty()) {
        out += '[' + code.str() + "] ";
    }
    // text = 1*TEXT-CHAR: never empty.
    append_text(out, text.empty() ? std::string_view("done") : text);
    out += "\r\n";
    return out;
}

std::string continuation(std::string_view text) {
    std::string out = "+ ";
    append_text(out, text.empty() ? std::string_view("Ready") : text);
    out += "\r\n";
    return out;
}

std::string capability_response(std::span<const std::string> capabilities) {
    return "* CAPABILITY " + atom_list(capabilities, false) + "\r\n";
}

std::string enabled_response(std::span<const std::string> capabilities) {
    std::string list = atom_list(capabilities, false);
    return list.empty() ? "* ENABLED\r\n" : "* ENABLED " + list + "\r\n";
}

}  // namespace sealbox::imap
