// Incoming Authentication-Results fields are written by anyone (RFC 8601 §5): reading their
// authserv-id and finding our own must never crash, and what is removed must be whole fields.

#include <cctype>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "mailauth/auth_results.h"

using sealbox::fuzz::check;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace sealbox::mailauth;
    std::string_view input(reinterpret_cast<const char*>(data), size);
    if (auto id = read_authserv_id(input)) {
        check(!id->empty() || input.find('"') != std::string_view::npos);
        // Whatever id a field claims, a field written with it reads back the same id.
        auto field = format_authentication_results(*id, {});
        auto again = read_authserv_id(std::string_view(field).substr(field.find(':') + 1));
        std::string cleaned;
        for (char c : *id) {
            if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
                cleaned += c;
            }
        }
        check(again == cleaned);
    }
    if (auto read = read_authentication_results(input)) {
        // What was read is written again, and reads back the same.
        auto again = read_authentication_results(format_results(read->results).insert(0, "x;"));
        check(again.has_value() || read->results.empty());
        if (again) {
            check(again->results.size() == read->results.size());
        }
    }
    auto spans = find_own_authentication_results(input, "mx.sealbox.test");
    std::size_t last_end = 0;
    std::size_t removed = 0;
    for (const auto& span : spans) {
        check(span.offset >= last_end && span.offset + span.length <= input.size());
        std::string name(input.substr(span.offset, 22));
        for (char& c : name) {
            c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        check(name == "authentication-results");
        last_end = span.offset + span.length;
        removed += span.length;
    }
    check(remove_fields(input, spans).size() == input.size() - removed);
    return 0;
}
