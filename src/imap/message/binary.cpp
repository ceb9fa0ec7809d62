// BINARY[part] and BINARY.SIZE[part] (RFC 3516): a part's body with its
// Content-Transfer-Encoding undone by GMime's decoders.

#include <gmime/gmime.h>

#include <algorithm>

#include "imap/message/parts.h"
#include "imap/message/render.h"

namespace sealbox::imap {

namespace {

enum class Decoding { identity, decode, unknown };

Decoding decoding_for(const std::string& encoding, GMimeContentEncoding& gmime_encoding) {
    if (encoding == "7bit" || encoding == "8bit" || encoding == "binary") {
        return Decoding::identity;
    }
    if (encoding == "base64") {
        gmime_encoding = GMIME_CONTENT_ENCODING_BASE64;
        return Decoding::decode;
    }
    if (encoding == "quoted-printable") {
        gmime_encoding = GMIME_CONTENT_ENCODING_QUOTEDPRINTABLE;
        return Decoding::decode;
    }
    return Decoding::unknown;
}

// Calls sink(decoded chunk) over the body of the part, in bounded chunks so that BINARY.SIZE
// of a large attachment needs no copy of it. False when the encoding is unknown.
template <typename Sink>
bool decode_part(std::string_view raw, const mime::MessageSummary& summary,
                 const std::vector<std::uint32_t>& part_number, Sink&& sink) {
    if (part_number.empty()) {
        sink(raw);  // the whole message: its header has no transfer encoding to undo
        return true;
    }
    const mime::BodyPart* part = find_part(summary.root, part_number);
    if (!part) {
        return true;  // as BODY[] of a missing part: empty
    }
    const std::string_view body = cut(raw, part->body_offset, part->body_size);
    GMimeContentEncoding encoding = GMIME_CONTENT_ENCODING_DEFAULT;
    switch (decoding_for(part->encoding, encoding)) {
        case Decoding::unknown:
            return false;
        case Decoding::identity:
            sink(body);
            return true;
        case Decoding::decode:
            break;
    }
    // Damaged content still decodes, as GMime's decoders make of it: octets outside the base64
    // alphabet are ignored (RFC 2045 §6.8), an incomplete last quantum and malformed
    // quoted-printable escapes are dropped.
    GMimeEncoding state;
    g_mime_encoding_init_decode(&state, encoding);
    constexpr std::size_t kChunk = 64 * 1024;
    std::vector<char> decoded(g_mime_encoding_outlen(&state, kChunk));
    for (std::size_t pos = 0;;) {
        const std::size_t length = std::min(kChunk, body.size() - pos);
        const bool last = pos + length == body.size();
        const std::size_t written =
            last ? g_mime_encoding_flush(&state, body.data() + pos, length, decoded.data())
                 : g_mime_encoding_step(&state, body.data() + pos, length, decoded.data());
        sink(std::string_view(decoded.data(), written));
        if (last) {
            return true;
        }
        pos += length;
    }
}

}  // namespace

std::optional<std::string> binary_content(std::string_view raw, const mime::MessageSummary& summary,
                                          const std::vector<std::uint32_t>& part) {
    std::string out;
    if (!decode_part(raw, summary, part, [&](std::string_view chunk) { out.append(chunk); })) {
        return std::nullopt;
    }
    return out;
}

std::optional<std::uint64_t> binary_size(std::string_view raw, const mime::MessageSummary& summary,
                                         const std::vector<std::uint32_t>& part) {
    std::uint64_t size = 0;
    if (!decode_part(raw, summary, part, [&](std::string_view chunk) { size += chunk.size(); })) {
        return std::nullopt;
    }
    return size;
}

}  // namespace sealbox::imap
