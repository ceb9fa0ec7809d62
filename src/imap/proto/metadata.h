#pragma once
// RFC 5464 METADATA on the wire: entry names (§3.2), the arguments of GETMETADATA (§4.2) and
// SETMETADATA (§4.3) as the command parser reads them, and the METADATA response (§4.4.1).

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/lexer.h"

namespace sealbox::imap {

// An entry and its value: octets, NUL included (RFC 5464 §5: value = nstring / literal8).
// No value is NIL: in SETMETADATA it removes the entry, in a METADATA response the entry has
// none.
struct MetadataEntry {
    std::string name;
    std::optional<std::string> value;
    bool operator==(const MetadataEntry&) const = default;
};

enum class MetadataDepth { zero, one, infinity };  // RFC 5464 §4.2.2

// getmetadata = "GETMETADATA" [SP getmetadata-options] SP mailbox SP entries (RFC 5464 §5; the
// options come first, errata 2785).
struct GetMetadata {
    std::optional<std::uint32_t> max_size;  // §4.2.1 MAXSIZE
    MetadataDepth depth = MetadataDepth::zero;
    std::string mailbox;               // "": the server's annotations
    std::vector<std::string> entries;  // lower case; "/private" and "/shared" may stand alone
};

// setmetadata = "SETMETADATA" SP mailbox SP entry-values (RFC 5464 §5)
struct SetMetadata {
    std::string mailbox;
    std::vector<MetadataEntry> entries;  // lower-case names, in the order sent
};

// RFC 5464 §3.2: "/private" or "/shared" followed by "/"-separated non-empty components, in
// ASCII without controls, "*" or "%". Names are case-insensitive: returns the lower-case form,
// or nullopt for an invalid name (a BAD in any command). With scope_alone, "/private" and
// "/shared" by themselves are valid too, as GETMETADATA roots for DEPTH.
std::optional<std::string> metadata_entry_name(std::string_view name, bool scope_alone);

// Whether entry `name` is `root` or, under `depth`, below it (RFC 5464 §4.2.2).
bool metadata_entry_within(std::string_view name, std::string_view root, MetadataDepth depth);

// getmetadata-options = "(" getmetadata-option *(SP getmetadata-option) ")", each of MAXSIZE
// and DEPTH at most once; anything else is a SyntaxError.
void read_metadata_options(Lexer& lexer, GetMetadata& out);
// entries = entry / "(" entry *(SP entry) ")", each a valid name (scopes allowed).
std::vector<std::string> read_metadata_entries(Lexer& lexer);
// entry-values = "(" entry-value *(SP entry-value) ")"; entry-value = entry SP value. A string
// value must end its lines with CRLF (§3.2); a literal8 value is octets and may hold anything.
std::vector<MetadataEntry> read_metadata_values(Lexer& lexer);

// "* METADATA mailbox (entry value ...)\r\n" (RFC 5464 §4.4.1): values quoted, as literals, or
// as literal8 when they hold NUL; NIL when absent. `entries` must not be empty.
std::string metadata_response(std::string_view mailbox, std::span<const MetadataEntry> entries,
                              bool utf8);

}  // namespace sealbox::imap
