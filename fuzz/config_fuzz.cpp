// The configuration parser on arbitrary text: it either returns a Config or throws
// Error(config) whose message starts with the source name; anything else is a bug.

#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/config.h"
#include "core/error.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        sealbox::Config config = sealbox::parse_config(text, "fuzz.toml");
        for (const auto& [name, listener] : config.listeners) {
            if (listener.port < 1 || listener.port > 65535) {
                std::abort();
            }
        }
    } catch (const sealbox::Error& e) {
        if (e.code() != sealbox::ErrorCode::config ||
            std::string_view(e.what()).substr(0, 10) != "fuzz.toml:") {
            std::abort();
        }
    }
    return 0;
}
