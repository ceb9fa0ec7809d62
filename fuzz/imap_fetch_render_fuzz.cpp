// FETCH data from any octets: summarize() them, then render ENVELOPE, BODY and BODYSTRUCTURE in
// both string modes and every section and BINARY of every part. It returns; BODY[] is the
// message; each part's MIME header and body are its octets at the recorded offsets; BINARY.SIZE
// agrees with BINARY.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "imap/message/render.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox;
using namespace sealbox::imap;
using Text = Section::Text;

void render_part(std::string_view raw, const mime::MessageSummary& summary,
                 const std::vector<std::uint32_t>& number) {
    const mime::BodyPart* part = find_part(summary.root, number);
    check(part != nullptr);
    const std::string mime = section_content(raw, summary, Section{number, Text::mime, {}});
    const std::string body = section_content(raw, summary, Section{number, Text::all, {}});
    check(mime + body == raw.substr(part->header_offset, part->header_size + part->body_size));
    for (Text text : {Text::header, Text::text}) {
        section_content(raw, summary, Section{number, text, {}});
    }
    section_content(raw, summary, Section{number, Text::header_fields, {"SUBJECT", "FROM"}});
    section_content(raw, summary, Section{number, Text::header_fields_not, {"RECEIVED"}});
    const std::optional<std::string> binary = binary_content(raw, summary, number);
    const std::optional<std::uint64_t> size = binary_size(raw, summary, number);
    check(binary.has_value() == size.has_value() && (!binary || binary->size() == *size));
}

// Every part that exists, found by counting up at each level until find_part says there is no
// such part.
void render_parts(std::string_view raw, const mime::MessageSummary& summary,
                  std::vector<std::uint32_t>& number) {
    number.push_back(1);
    while (find_part(summary.root, number)) {
        render_part(raw, summary, number);
        render_parts(raw, summary, number);
        ++number.back();
    }
    number.pop_back();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view raw(reinterpret_cast<const char*>(data), size);
    const mime::MessageSummary summary = mime::summarize(raw);
    for (bool utf8 : {false, true}) {
        std::string out;
        write_envelope(out, summary.envelope, utf8);
        write_body_structure(out, summary.root, false, utf8);
        write_body_structure(out, summary.root, true, utf8);
        check(out.find('\0') == std::string::npos);
    }
    check(section_content(raw, summary, Section{}) == raw);
    const std::string header = section_content(raw, summary, Section{{}, Text::header, {}});
    check(header + section_content(raw, summary, Section{{}, Text::text, {}}) == raw);
    // The session may pass only the header for header fetches of the whole message.
    section_content(header, summary, Section{{}, Text::header_fields, {"DATE", "TO"}});
    section_content(header, summary, Section{{}, Text::header_fields_not, {"DATE"}});
    if (size >= 2) {
        apply_partial(raw, Partial{data[0], data[1]});
    }
    std::vector<std::uint32_t> number;
    render_parts(raw, summary, number);
    return 0;
}
