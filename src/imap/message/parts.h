#pragma once
// Helpers over summarized parts shared by the FETCH renderers (internal to imap/message).

#include <algorithm>
#include <cstdint>
#include <string_view>

#include "mime/message_summary.h"

namespace sealbox::imap {

// message/rfc822 and message/global (RFC 9051 §7.5.2 body-type-msg): parts that encapsulate a
// message, whose parts are numbered below them.
inline bool is_encapsulated(const mime::BodyPart& part) {
    return part.type == "message" && (part.subtype == "rfc822" || part.subtype == "global");
}

// The range [offset, offset + size) of raw, clipped to it: `raw` may be only the header, and a
// stored summary is not trusted to fit the octets it is given.
inline std::string_view cut(std::string_view raw, std::uint64_t offset, std::uint64_t size) {
    if (offset >= raw.size()) {
        return {};
    }
    return raw.substr(offset, std::min<std::uint64_t>(size, raw.size() - offset));
}

}  // namespace sealbox::imap
