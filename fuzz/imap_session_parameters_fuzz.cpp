// The IMAP session's own parsers of raw command arguments (SELECT parameters, LIST options,
// CREATE's USE) and LIST's wildcard matcher: any input either parses or throws SyntaxError,
// and matching stays fast (the matcher is a dynamic program, never backtracking).

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "imap/session/parameters.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::imap;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) {
        return 0;
    }
    std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
    try {
        switch (data[0] % 4) {
            case 0:
                parse_select_parameters(input);
                break;
            case 1: {
                std::size_t split = input.find('\n');
                parse_list_options(input.substr(0, split),
                                   split == std::string_view::npos ? "" : input.substr(split + 1));
                break;
            }
            case 2:
                parse_create_use(input);
                break;
            default: {
                std::size_t split = input.find('\n');
                std::string_view pattern = input.substr(0, split);
                std::string_view name =
                    split == std::string_view::npos ? "" : input.substr(split + 1);
                bool matched = list_matches(pattern, name);
                // A pattern without wildcards matches exactly itself.
                if (pattern.find_first_of("*%") == std::string_view::npos) {
                    check(matched == (pattern == name));
                }
                check(list_matches("*", name));
                break;
            }
        }
    } catch (const SyntaxError&) {
        // refused: the session answers BAD
    }
    return 0;
}
