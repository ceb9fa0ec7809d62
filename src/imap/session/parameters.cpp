// Parsers of the arguments the command parser keeps raw, and LIST's pattern matching.

#include "imap/session/parameters.h"

#include "imap/proto/chars.h"

namespace sealbox::imap {
namespace {

std::string upper(std::string_view s) {
    std::string out(s);
    for (char& c : out) {
        c = chars::to_upper(c);
    }
    return out;
}

StatusItem status_item(const std::string& name) {
    static const std::pair<const char*, StatusItem> kItems[] = {
        {"MESSAGES", StatusItem::messages},
        {"UIDNEXT", StatusItem::uid_next},
        {"UIDVALIDITY", StatusItem::uid_validity},
        {"UNSEEN", StatusItem::unseen},
        {"DELETED", StatusItem::deleted},
        {"SIZE", StatusItem::size},
        {"RECENT", StatusItem::recent},
        {"HIGHESTMODSEQ", StatusItem::highest_modseq},
        {"APPENDLIMIT", StatusItem::append_limit},
        {"MAILBOXID", StatusItem::mailbox_id},
    };
    for (const auto& [n, item] : kItems) {
        if (name == n) {
            return item;
        }
    }
    throw SyntaxError("Unknown STATUS item " + name);
}

}  // namespace

SelectParameters parse_select_parameters(std::string_view raw) {
    SelectParameters out;
    if (raw.empty()) {
        return out;
    }
    Lexer lexer(raw, Limits{}, false);
    lexer.open_paren();
    do {
        std::string name = upper(lexer.atom());
        if (name == "CONDSTORE") {
            out.condstore = true;
        } else if (name == "QRESYNC") {
            Qresync q;
            lexer.sp();
            lexer.open_paren();
            q.uid_validity = lexer.nz_number();
            lexer.sp();
            q.modseq = lexer.number64();
            if (lexer.take(' ')) {
                if (lexer.peek() != '(') {
                    q.known_uids = lexer.sequence_set();
                    lexer.take(' ');
                }
                if (lexer.peek() == '(') {  // seq-match-data: a hint we do not need
                    lexer.open_paren();
                    lexer.sequence_set();
                    lexer.sp();
                    lexer.sequence_set();
                    lexer.close_paren();
                }
            }
            lexer.close_paren();
            out.qresync = q;
        } else {
            throw SyntaxError("Unknown SELECT parameter " + name);
        }
    } while (lexer.take(' '));
    lexer.close_paren();
    lexer.expect_end();
    return out;
}

ListOptions parse_list_options(std::string_view raw_selection, std::string_view raw_return) {
    ListOptions o;
    Limits limits;
    if (!raw_selection.empty()) {
        Lexer lexer(raw_selection, limits, false);
        lexer.open_paren();
        bool base = false;
        while (lexer.peek() != ')') {
            std::string option = upper(lexer.atom());
            if (option == "SUBSCRIBED") {
                o.subscribed_only = base = true;
                o.return_subscribed = true;  // RFC 5258 §3.1: implies RETURN (SUBSCRIBED)
            } else if (option == "SPECIAL-USE") {
                o.special_use_only = base = true;
            } else if (option == "REMOTE") {
                // RFC 5258 §3.1: no remote mailboxes here; nothing to add
            } else if (option == "RECURSIVEMATCH") {
                o.recursive = true;
            } else {
                throw SyntaxError("Unknown LIST selection option " + option);
            }
            lexer.take(' ');
        }
        lexer.close_paren();
        if (o.recursive && !base) {
            throw SyntaxError("RECURSIVEMATCH needs another selection option");  // RFC 5258 §3
        }
    }
    if (!raw_return.empty()) {
        Lexer lexer(raw_return, limits, false);
        lexer.open_paren();
        while (lexer.peek() != ')') {
            std::string option = upper(lexer.atom());
            if (option == "SUBSCRIBED") {
                o.return_subscribed = true;
            } else if (option == "CHILDREN" || option == "SPECIAL-USE") {
                // always sent
            } else if (option == "STATUS") {
                lexer.sp();
                lexer.open_paren();
                do {
                    o.status.push_back(status_item(upper(lexer.atom())));
                } while (lexer.take(' '));
                lexer.close_paren();
            } else {
                throw SyntaxError("Unknown LIST return option " + option);
            }
            lexer.take(' ');
        }
        lexer.close_paren();
    }
    return o;
}

// RFC 9051 §6.3.9: "*" matches anything, "%" anything but the hierarchy delimiter.

std::string parse_create_use(std::string_view raw) {
    if (raw.empty()) {
        return "";
    }
    Lexer lexer(raw, Limits{}, false);
    lexer.open_paren();
    std::string name(lexer.atom());
    for (char& c : name) {
        c = chars::to_upper(c);
    }
    if (name != "USE") {
        throw SyntaxError("Unknown CREATE parameter " + name);
    }
    lexer.sp();
    lexer.open_paren();
    std::string use = lexer.flag();
    if (lexer.peek() != ')') {
        throw SyntaxError("Only one special use per mailbox");
    }
    lexer.close_paren();
    lexer.close_paren();
    lexer.expect_end();
    return use;
}

// A dynamic program over (pattern, name) positions: linear in their product, so no pattern of
// wildcards can make it backtrack exponentially.
bool list_matches(std::string_view pattern, std::string_view name) {
    std::vector<char> matched(name.size() + 1, 0);  // pattern so far matches name[0, j)
    std::vector<char> next(name.size() + 1, 0);
    matched[0] = 1;
    for (char p : pattern) {
        bool run = false;
        for (std::size_t j = 0; j <= name.size(); ++j) {
            if (p == '*') {
                run = run || matched[j];
                next[j] = run;
            } else if (p == '%') {
                run = matched[j] || (run && name[j - 1] != kHierarchyDelimiter);
                next[j] = run;
            } else {
                next[j] = j > 0 && matched[j - 1] && name[j - 1] == p;
            }
        }
        matched.swap(next);
    }
    return matched[name.size()];
}

std::string list_pattern(std::string_view reference, std::string_view pattern) {
    std::string out = std::string(reference) + std::string(pattern);
    if (out.size() >= 5 && upper(out.substr(0, 5)) == "INBOX" &&
        (out.size() == 5 || out[5] == kHierarchyDelimiter || out[5] == '*' || out[5] == '%')) {
        out.replace(0, 5, "INBOX");
    }
    return out;
}

}  // namespace sealbox::imap
