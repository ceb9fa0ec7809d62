#include "imap/proto/metadata.h"

#include "imap/proto/chars.h"
#include "imap/proto/string_writer.h"

namespace sealbox::imap {
namespace {

// RFC 5464 §3.2: "Clients MUST use the CRLF (0x0D 0x0A) character octet sequence to represent
// line ends in a multi-line string value."
bool crlf_line_ends(std::string_view value) {
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == '\r' && (i + 1 == value.size() || value[i + 1] != '\n')) {
            return false;
        }
        if (value[i] == '\n' && (i == 0 || value[i - 1] != '\r')) {
            return false;
        }
    }
    return true;
}

std::string entry(Lexer& lexer, bool scope_alone) {
    auto name = metadata_entry_name(lexer.astring(), scope_alone);
    if (!name) {
        throw SyntaxError(scope_alone ? "Invalid entry name (RFC 5464 §3.2)"
                                      : "Invalid entry name (RFC 5464 §3.2): it needs a name "
                                        "below /private or /shared");
    }
    return *name;
}

}  // namespace

std::optional<std::string> metadata_entry_name(std::string_view name, bool scope_alone) {
    std::string lower;
    for (char c : name) {
        if (chars::is_ctl(c) || chars::is_8bit(c) || chars::is_list_wildcard(c)) {
            return std::nullopt;
        }
        lower += chars::to_lower(c);
    }
    std::string_view below = lower;
    if (below.starts_with("/private")) {
        below.remove_prefix(8);
    } else if (below.starts_with("/shared")) {
        below.remove_prefix(7);
    } else {
        return std::nullopt;
    }
    if (below.empty()) {
        return scope_alone ? std::optional(lower) : std::nullopt;
    }
    if (below.front() != '/' || below.back() == '/' || below.find("//") != std::string::npos) {
        return std::nullopt;
    }
    return lower;
}

bool metadata_entry_within(std::string_view name, std::string_view root, MetadataDepth depth) {
    if (name == root) {
        return true;
    }
    if (depth == MetadataDepth::zero || name.size() <= root.size() + 1 || !name.starts_with(root) ||
        name[root.size()] != '/') {
        return false;
    }
    // DEPTH 1: "only entries immediately below the specified entry"
    return depth == MetadataDepth::infinity ||
           name.find('/', root.size() + 1) == std::string_view::npos;
}

// getmetadata-option = maxsize-opt / scope-opt; maxsize-opt = "MAXSIZE" SP number;
// scope-opt = "DEPTH" SP ("0" / "1" / "infinity") (RFC 5464 §5).
void read_metadata_options(Lexer& lexer, GetMetadata& out) {
    lexer.open_paren();
    bool depth_given = false;
    do {
        std::string option(lexer.atom());
        if (chars::iequals(option, "MAXSIZE") && !out.max_size) {
            lexer.sp();
            out.max_size = lexer.number();
        } else if (chars::iequals(option, "DEPTH") && !depth_given) {
            lexer.sp();
            depth_given = true;
            std::string_view depth = lexer.atom();
            if (depth == "0") {
                out.depth = MetadataDepth::zero;
            } else if (depth == "1") {
                out.depth = MetadataDepth::one;
            } else if (chars::iequals(depth, "infinity")) {
                out.depth = MetadataDepth::infinity;
            } else {
                throw SyntaxError("DEPTH must be 0, 1 or infinity");
            }
        } else {
            throw SyntaxError("Unknown or repeated GETMETADATA option " + option);
        }
    } while (lexer.take(' '));
    lexer.close_paren();
}

std::vector<std::string> read_metadata_entries(Lexer& lexer) {
    std::vector<std::string> out;
    if (lexer.peek() != '(') {
        out.push_back(entry(lexer, true));
        return out;
    }
    lexer.open_paren();
    do {
        out.push_back(entry(lexer, true));
    } while (lexer.take(' '));
    lexer.close_paren();
    return out;
}

std::vector<MetadataEntry> read_metadata_values(Lexer& lexer) {
    std::vector<MetadataEntry> out;
    lexer.open_paren();
    do {
        MetadataEntry e;
        e.name = entry(lexer, false);
        lexer.sp();
        if (lexer.next_is_string()) {  // value = nstring / literal8
            bool literal8 = false;
            e.value = lexer.string(true, &literal8);
            if (!literal8 && !crlf_line_ends(*e.value)) {
                throw SyntaxError("Lines of a value must end with CRLF (RFC 5464 §3.2)");
            }
        } else {
            std::string ignored;
            lexer.nstring(ignored);  // NIL, or a SyntaxError for anything else
        }
        out.push_back(std::move(e));
    } while (lexer.take(' '));
    lexer.close_paren();
    return out;
}

std::string metadata_response(std::string_view mailbox, std::span<const MetadataEntry> entries,
                              bool utf8) {
    std::string out = "* METADATA ";
    write_mailbox(out, mailbox, utf8);
    out += " (";
    for (const MetadataEntry& e : entries) {
        if (&e != &entries.front()) {
            out += ' ';
        }
        write_astring(out, e.name, utf8);
        out += ' ';
        if (!e.value) {
            out += "NIL";
        } else if (e.value->find('\0') != std::string::npos) {
            write_literal8(out, *e.value);
        } else {
            write_string(out, *e.value, utf8);
        }
    }
    out += ")\r\n";
    return out;
}

}  // namespace sealbox::imap
