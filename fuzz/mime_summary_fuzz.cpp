// summarize() on any octets: it returns, its offsets stay inside the message and inside each
// parent's body, and serialize→deserialize gives the same summary back. deserialize() on the same
// octets, and on a damaged serialization, fails only with Error(corrupt).

#include <cstdint>
#include <cstdlib>
#include <span>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "fuzz_check.h"
#include "mime/message_summary.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox;
using namespace sealbox::mime;

void check_part(const BodyPart& part, std::uint64_t begin, std::uint64_t end, int depth) {
    check(depth <= kMaxDepth);
    check(begin <= part.header_offset);
    check(part.header_offset + part.header_size == part.body_offset);
    check(part.body_offset + part.body_size <= end);
    std::uint64_t next = part.body_offset;
    for (const BodyPart& child : part.children) {
        check(next <= child.header_offset);
        check_part(child, part.body_offset, part.body_offset + part.body_size, depth + 1);
        next = child.body_offset + child.body_size;
    }
    if (part.envelope) {
        check(part.children.size() == 1 && part.children[0].header_offset == part.body_offset);
    }
}

// Only Error(corrupt) may come out; anything else escapes and libFuzzer reports it.
void decode_or_reject(std::span<const std::uint8_t> bytes) {
    try {
        const MessageSummary decoded = deserialize(bytes);
        check(deserialize(serialize(decoded)) == decoded);
    } catch (const Error& e) {
        check(e.code() == ErrorCode::corrupt);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const MessageSummary summary = summarize(raw);
    check(summary.root.header_offset == 0);
    check_part(summary.root, 0, raw.size(), 0);

    std::vector<std::uint8_t> bytes = serialize(summary);
    check(deserialize(bytes) == summary);

    decode_or_reject(std::span(data, size));
    if (size >= 2) {
        // Damage one octet of a real serialization, chosen by the input, to reach deep fields.
        bytes[(data[0] | data[1] << 8) % bytes.size()] ^= data[size - 1] | 1;
        decode_or_reject(bytes);
    }
    return 0;
}
