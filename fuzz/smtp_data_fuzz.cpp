// The DATA reader against a plain reference, under both bare-line-ending policies and with
// the input cut into chunks in several ways. The first input octet picks the chunking and the
// size limit; the rest is what the client sent after 354.

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "smtp/proto/data_reader.h"
#include "smtp/proto/line_endings.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::smtp;

struct Run {
    std::string out;
    std::size_t consumed = 0;
    bool done = false;
    bool bare_cr = false;
    bool bare_lf = false;
    bool too_big = false;
    bool accepted = false;
    std::uint64_t size = 0;
    std::size_t longest = 0;

    bool operator==(const Run&) const = default;
};

Run run(std::string_view input, const std::vector<std::size_t>& chunks, DataReaderOptions o) {
    DataReader reader(o);
    Run r;
    std::size_t pos = 0;
    std::size_t k = 0;
    while (pos < input.size() && !reader.done()) {
        std::size_t n = chunks.empty() ? input.size() - pos
                                       : std::min(chunks[k++ % chunks.size()], input.size() - pos);
        FeedResult f = reader.feed(std::span<const char>(input.data() + pos, n), r.out);
        check(f.consumed <= n);
        check(f.done == reader.done());
        check(f.done || f.consumed == n);  // nothing is left behind before the end
        pos += f.consumed;
    }
    r.consumed = pos;
    r.done = reader.done();
    r.bare_cr = reader.saw_bare_cr();
    r.bare_lf = reader.saw_bare_lf();
    r.too_big = reader.size_exceeded();
    r.accepted = reader.accepted();
    r.size = reader.message_size();
    r.longest = reader.longest_line();
    check(r.accepted == (r.done && !r.too_big &&
                         (o.policy == BareLineEndings::normalize || !(r.bare_cr || r.bare_lf))));
    check(reader.error_reply().has_value() == (r.done && !r.accepted));
    return r;
}

// Where the data really ends: just after the first <CRLF>.<CRLF>, the start counting as CRLF.
std::size_t real_end(std::string_view input) {
    if (input.substr(0, 3) == ".\r\n") {
        return 3;
    }
    std::size_t at = input.find("\r\n.\r\n");
    return at == std::string_view::npos ? std::string_view::npos : at + 5;
}

// Unstuffing done the obvious way, for data with only CRLF line ends.
std::string reference_unstuff(std::string_view data) {
    std::string out;
    while (!data.empty()) {
        std::size_t end = data.find("\r\n");
        std::string_view line = data.substr(0, end);
        if (line.size() > 1 && line.front() == '.') {
            line.remove_prefix(1);
        }
        out += line;
        if (end == std::string_view::npos) {
            break;
        }
        out += "\r\n";
        data.remove_prefix(end + 2);
    }
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::uint8_t knob = data[0];
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

    // Chunk sizes from a small generator seeded by the knob and the length.
    std::vector<std::size_t> random_chunks;
    std::uint32_t state = knob * 2654435761u + static_cast<std::uint32_t>(size);
    for (int i = 0; i < 16; ++i) {
        state = state * 1664525u + 1013904223u;
        random_chunks.push_back((state >> 24) % 9);  // zero-length feeds included
    }
    random_chunks.push_back(1);  // so the loop always moves

    const std::size_t end = real_end(input);
    for (BareLineEndings policy : {BareLineEndings::reject, BareLineEndings::normalize}) {
        const DataReaderOptions unlimited{policy};
        const Run whole = run(input, {}, unlimited);
        check(run(input, {1}, unlimited) == whole);
        check(run(input, random_chunks, unlimited) == whole);

        // Only <CRLF>.<CRLF> ends the data, and the first one does.
        check(whole.done == (end != std::string_view::npos));
        check(whole.consumed == (whole.done ? end : input.size()));

        const std::string_view body = whole.done ? input.substr(0, end == 3 ? 0 : end - 3) : input;
        const LineEndingReport bare = scan_line_endings(body);
        if (whole.done) {
            check(whole.bare_cr == bare.bare_cr);
            check(whole.bare_lf == bare.bare_lf);
        }
        if (policy == BareLineEndings::normalize) {
            // No bare CR or LF ever reaches the output.
            LineEndingReport out = scan_line_endings(whole.out);
            check(!out.bare_cr && !out.bare_lf);
        }
        if (whole.done && !bare.bare_cr && !bare.bare_lf) {
            check(whole.accepted);
            check(whole.out == reference_unstuff(body));
        }

        // A size limit changes what is kept, never where the data ends.
        const DataReaderOptions limited{policy, knob};
        const Run small = run(input, random_chunks, limited);
        check(small.consumed == whole.consumed && small.done == whole.done);
        check(small.size == whole.size);
        check(small.too_big == (whole.size > knob));
        if (policy == BareLineEndings::normalize) {
            check(small.out == whole.out.substr(0, std::min<std::size_t>(knob, whole.out.size())));
        }
    }
    return 0;
}
