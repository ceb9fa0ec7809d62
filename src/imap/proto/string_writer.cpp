#include "imap/proto/string_writer.h"

#include "imap/proto/chars.h"
#include "imap/proto/mailbox_name.h"

namespace sealbox::imap {
namespace {

// Longer strings go as literals: easier for clients, and no escaping to get wrong.
constexpr std::size_t kMaxQuoted = 1024;

bool quotable(std::string_view text, bool utf8) {
    if (text.size() > kMaxQuoted) {
        return false;
    }
    for (char c : text) {
        if (c == '\r' || c == '\n' || c == '\0' || (chars::is_8bit(c) && !utf8)) {
            return false;
        }
    }
    return !utf8 || valid_utf8(text);
}

}  // namespace

void write_string(std::string& out, std::string_view text, bool utf8) {
    if (quotable(text, utf8)) {
        out += '"';
        for (char c : text) {
            if (chars::is_quoted_special(c)) {
                out += '\\';
            }
            out += c;
        }
        out += '"';
        return;
    }
    out += '{';
    out += std::to_string(text.size());
    out += "}\r\n";
    out.append(text);
}

void write_nstring(std::string& out, const std::optional<std::string_view>& text, bool utf8) {
    if (!text) {
        out += "NIL";
        return;
    }
    write_string(out, *text, utf8);
}

void write_astring(std::string& out, std::string_view text, bool utf8) {
    bool atom = !text.empty() && !chars::iequals(text, "NIL");
    for (char c : text) {
        atom = atom && chars::is_astring_char(c);
    }
    if (atom) {
        out.append(text);
    } else {
        write_string(out, text, utf8);
    }
}

void write_mailbox(std::string& out, std::string_view name, bool utf8) {
    write_astring(out, mailbox_to_wire(name, utf8), utf8);
}

void write_literal8(std::string& out, std::string_view octets) {
    out += "~{";
    out += std::to_string(octets.size());
    out += "}\r\n";
    out.append(octets);
}

}  // namespace sealbox::imap
