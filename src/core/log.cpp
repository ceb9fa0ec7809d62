#include "core/log.h"

#include <arpa/inet.h>
#include <sodium.h>
#include <spdlog/sinks/basic_file_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <array>
#include <atomic>
#include <cstring>
#include <mutex>

#include "core/error.h"

namespace sealbox {
namespace {

std::atomic<ClientIpLogging> g_client_ip{ClientIpLogging::full};

const std::array<unsigned char, crypto_generichash_KEYBYTES>& process_hash_key() {
    static const auto key = [] {
        std::array<unsigned char, crypto_generichash_KEYBYTES> k{};
        if (sodium_init() < 0) {
            throw Error(ErrorCode::internal, "libsodium failed to initialise");
        }
        randombytes_buf(k.data(), k.size());
        return k;
    }();
    return key;
}

std::string truncated(std::string_view ip) {
    std::string text(ip);
    unsigned char bytes[16];
    char out[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, text.c_str(), bytes) == 1) {
        bytes[3] = 0;
        return inet_ntop(AF_INET, bytes, out, sizeof out) ? std::string(out) : "?";
    }
    if (inet_pton(AF_INET6, text.c_str(), bytes) == 1) {
        std::memset(bytes + 6, 0, 10);
        return inet_ntop(AF_INET6, bytes, out, sizeof out) ? std::string(out) : "?";
    }
    return "?";
}

std::string hashed(std::string_view ip) {
    const auto& key = process_hash_key();
    constexpr std::size_t kDigestBytes = 8;
    std::array<unsigned char, kDigestBytes> digest{};
    crypto_generichash(digest.data(), digest.size(), reinterpret_cast<const unsigned char*>(ip.data()),
                       ip.size(), key.data(), key.size());
    char hex[kDigestBytes * 2 + 1];
    sodium_bin2hex(hex, sizeof hex, digest.data(), digest.size());
    return std::string("ip-") + hex;
}

}  // namespace

void init_logging(const LogConfig& config) {
    spdlog::drop("sealbox");
    std::shared_ptr<spdlog::logger> logger;
    if (config.file.empty()) {
        logger = spdlog::stderr_color_mt("sealbox");
    } else {
        try {
            logger = spdlog::basic_logger_mt("sealbox", config.file.string());
        } catch (const spdlog::spdlog_ex& e) {
            throw Error(ErrorCode::config, "log.file: " + config.file.string() + ": " + e.what());
        }
    }
    logger->set_level(spdlog::level::from_str(config.level));
    // Every line reaches the file at once: an administrator tailing it, or a crash, sees it all.
    logger->flush_on(spdlog::level::trace);
    spdlog::set_default_logger(logger);
    g_client_ip = config.client_ip;
    if (config.client_ip == ClientIpLogging::hashed) {
        process_hash_key();
    }
}

std::string loggable_ip(std::string_view ip, ClientIpLogging mode) {
    switch (mode) {
        case ClientIpLogging::full:
            return std::string(ip);
        case ClientIpLogging::truncated:
            return truncated(ip);
        case ClientIpLogging::hashed:
            return hashed(ip);
    }
    return "?";
}

std::string loggable_ip(std::string_view ip) { return loggable_ip(ip, g_client_ip.load()); }

}  // namespace sealbox
