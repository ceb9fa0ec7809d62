#pragma once
// Logging goes through spdlog. What is logged is metadata only: never message content, subjects
// or passwords. Client addresses are written as the administrator chose (log.client_ip).

#include <string>
#include <string_view>

#include "core/config.h"

namespace sealbox {

// Sets the level and the sink (standard error, or log.file) and remembers log.client_ip.
void init_logging(const LogConfig& config);

// A client's IP address as it may appear in logs: unchanged (full), with the host part zeroed
// (truncated: IPv4 /24, IPv6 /48), or as a keyed hash whose key lives only in this process, so
// lines of one run can be correlated but the address cannot be recovered by trying all of them.
std::string loggable_ip(std::string_view ip, ClientIpLogging mode);
std::string loggable_ip(std::string_view ip);  // with the mode init_logging was given

}  // namespace sealbox
