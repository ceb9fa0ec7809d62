#pragma once
// The parsed structure of a message, computed once at delivery and stored (encrypted) beside it,
// so that IMAP FETCH ENVELOPE/BODYSTRUCTURE/BODY[section] and JMAP never re-parse the raw bytes.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace sealbox::mime {

// One entry of an address list, in the shape of RFC 9051 §7.5.2 (ENVELOPE addresses): a group
// is a group_start entry carrying the group's name in `mailbox`, its members, then a group_end.
struct Address {
    enum class Kind : std::uint8_t { mailbox, group_start, group_end };
    Kind kind = Kind::mailbox;
    std::string name;     // display name as written (encoded-words kept), unquoted
    std::string mailbox;  // local part, or the group's name for group_start
    std::string host;     // domain; empty for groups
    bool operator==(const Address&) const = default;
};

// Header fields as IMAP's ENVELOPE needs them: unfolded raw values, empty when absent.
struct Envelope {
    std::string date;
    std::string subject;
    std::vector<Address> from, sender, reply_to, to, cc, bcc;
    std::string in_reply_to;
    std::string message_id;
    bool operator==(const Envelope&) const = default;
};

using Parameters = std::vector<std::pair<std::string, std::string>>;

// A MIME entity. Offsets are byte offsets into the raw message; for the root part the header
// starts at 0. A message/rfc822 part has `envelope` set and exactly one child, the encapsulated
// message's root part, whose header starts at this part's body_offset.
struct BodyPart {
    std::string type = "text";  // lower-case
    std::string subtype = "plain";
    Parameters params;  // Content-Type parameters, RFC 2231 decoded; names lower-case
    std::string content_id;
    std::string description;
    std::string encoding = "7bit";  // Content-Transfer-Encoding, lower-case
    std::string md5;
    std::string disposition;  // lower-case, empty when absent
    Parameters disposition_params;
    std::vector<std::string> language;
    std::string location;

    std::uint64_t header_offset = 0;
    std::uint64_t header_size = 0;  // including the blank line that ends the header
    std::uint64_t body_offset = 0;
    std::uint64_t body_size = 0;
    std::uint64_t body_lines = 0;

    std::optional<Envelope> envelope;  // message/rfc822 and message/global only
    std::vector<BodyPart> children;    // multipart/*: the parts; message/rfc822: one part

    bool is_multipart() const { return type == "multipart"; }
    bool operator==(const BodyPart&) const = default;
};

struct MessageSummary {
    Envelope envelope;
    BodyPart root;
    std::vector<std::string> references;  // message-ids of References, in order, with <>
    bool has_attachment = false;
    bool operator==(const MessageSummary&) const = default;
};

// Never throws for any input: malformed messages get a best-effort structure (a message that is
// not MIME at all is one text/plain part). Nesting deeper than kMaxDepth is treated as a leaf.
inline constexpr int kMaxDepth = 64;
MessageSummary summarize(std::string_view raw);

// A compact, versioned binary form for storage. deserialize throws Error(corrupt) on bad input.
std::vector<std::uint8_t> serialize(const MessageSummary& summary);
MessageSummary deserialize(std::span<const std::uint8_t> bytes);

}  // namespace sealbox::mime
