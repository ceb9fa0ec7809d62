#pragma once
// FETCH data computed from a stored message (RFC 9051 §7.5.2): ENVELOPE and BODYSTRUCTURE from
// the summary made at delivery, body sections and BINARY from the raw octets at the summary's
// offsets. Pure: no I/O, never throws for a malformed message (the summary is best-effort).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/fetch_attribute.h"
#include "mime/message_summary.h"

namespace sealbox::imap {

// "(date subject from sender reply-to to cc bcc in-reply-to message-id)"; sender and reply-to
// default to from (RFC 9051 §7.5.2). utf8: 8-bit header text may be sent as is (UTF8=ACCEPT or
// IMAP4rev2), otherwise it goes out as a literal.
void write_envelope(std::string& out, const mime::Envelope& envelope, bool utf8);

// BODY (extensible = false) or BODYSTRUCTURE (true) of a message's root part.
void write_body_structure(std::string& out, const mime::BodyPart& root, bool extensible, bool utf8);

// The octets of BODY[section] (before any <partial>); an empty string for a part that does not
// exist (RFC 9051 §6.4.5 lets a server return "" there). `raw` is the whole message, or only
// its header when section.text is header/header_fields/header_fields_not and section.part is
// empty.
std::string section_content(std::string_view raw, const mime::MessageSummary& summary,
                            const Section& section);

// The part `part` numbers (RFC 9051 §6.4.5), or nullptr when there is none. `root` is the
// message's root part; an empty number is the root itself.
const mime::BodyPart* find_part(const mime::BodyPart& root, const std::vector<std::uint32_t>& part);

// BINARY[part] (RFC 3516 §4.2): the part's body with its Content-Transfer-Encoding undone.
// nullopt when the encoding is unknown: the session answers NO [UNKNOWN-CTE]. Damaged base64 or
// quoted-printable still decodes (RFC 2045 §6.8: octets outside the alphabet are ignored). An
// empty `part` gives the whole message as is; a part that does not exist, "".
std::optional<std::string> binary_content(std::string_view raw, const mime::MessageSummary& summary,
                                          const std::vector<std::uint32_t>& part);
// BINARY.SIZE[part] (RFC 3516 §4.2): the size binary_content would have, without building it.
std::optional<std::uint64_t> binary_size(std::string_view raw, const mime::MessageSummary& summary,
                                         const std::vector<std::uint32_t>& part);

// The <offset.count> cut of FETCH data (RFC 9051 §6.4.5): empty when offset is past the end.
std::string_view apply_partial(std::string_view data, const std::optional<Partial>& partial);

}  // namespace sealbox::imap
