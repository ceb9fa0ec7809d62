#include "core/config.h"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <toml++/toml.h>

#include <fstream>
#include <functional>
#include <limits>
#include <set>
#include <sstream>
#include <type_traits>

#include "core/address.h"
#include "core/error.h"
#include "core/units.h"

namespace sealbox {
namespace {

// Walks one TOML table: each known key is read by a field() call, and finish() rejects whatever
// key no call claimed, so a misspelt key is an error at start rather than a silently ignored one.
class TableReader {
  public:
    TableReader(const toml::table& table, std::string path, const std::string& source)
        : table_(table), path_(std::move(path)), source_(source) {}

    template <typename Read>
    void field(std::string_view key, Read&& read) {
        claimed_.insert(std::string(key));
        if (const toml::node* node = table_.get(key)) {
            current_ = node;
            current_key_ = path_.empty() ? std::string(key) : path_ + "." + std::string(key);
            read(*node);
        }
    }

    void finish() const {
        for (const auto& [key, node] : table_) {
            if (!claimed_.contains(std::string(key.str()))) {
                std::string full =
                    path_.empty() ? std::string(key.str()) : path_ + "." + std::string(key.str());
                throw error_at(node, full, "unknown key");
            }
        }
    }

    [[noreturn]] void fail(const std::string& message) const {
        throw error_at(*current_, current_key_, message);
    }

    const std::string& source() const { return source_; }

    std::string string(const toml::node& node) const {
        if (auto value = node.value_exact<std::string>()) {
            return *value;
        }
        fail("expected a string");
    }

    bool boolean(const toml::node& node) const {
        if (auto value = node.value_exact<bool>()) {
            return *value;
        }
        fail("expected true or false");
    }

    std::int64_t integer(const toml::node& node, std::int64_t min, std::int64_t max) const {
        auto value = node.value_exact<std::int64_t>();
        if (!value) {
            fail("expected an integer");
        }
        if (*value < min || *value > max) {
            fail(fmt::format("{} is out of range {}..{}", *value, min, max));
        }
        return *value;
    }

    std::vector<std::string> strings(const toml::node& node) const {
        const toml::array* array = node.as_array();
        if (array == nullptr) {
            fail("expected a list of strings");
        }
        std::vector<std::string> values;
        for (const toml::node& element : *array) {
            auto value = element.value_exact<std::string>();
            if (!value) {
                fail("expected a list of strings");
            }
            values.push_back(*value);
        }
        return values;
    }

    // A size is "64M" or a plain integer of bytes.
    std::uint64_t size(const toml::node& node) const {
        if (auto bytes = node.value_exact<std::int64_t>()) {
            if (*bytes < 0) {
                fail("a size cannot be negative");
            }
            return static_cast<std::uint64_t>(*bytes);
        }
        return convert(node, [](std::string_view s) { return parse_size(s); });
    }

    // A duration is "15m" or a plain integer of seconds.
    std::chrono::milliseconds duration(const toml::node& node) const {
        if (auto seconds = node.value_exact<std::int64_t>()) {
            if (*seconds < 0) {
                fail("a duration cannot be negative");
            }
            return parse_duration(std::to_string(*seconds));
        }
        return convert(node, [](std::string_view s) { return parse_duration(s); });
    }

    static Error error_at(const toml::node& node, const std::string& key,
                          const std::string& message, const std::string& source) {
        return Error(ErrorCode::config,
                     fmt::format("{}:{}: {}: {}", source, node.source().begin.line, key, message));
    }

  private:
    Error error_at(const toml::node& node, const std::string& key,
                   const std::string& message) const {
        return error_at(node, key, message, source_);
    }

    template <typename Parse>
    std::invoke_result_t<Parse, std::string_view> convert(const toml::node& node,
                                                          Parse&& parse) const {
        std::string text = string(node);
        try {
            return parse(text);
        } catch (const Error& e) {
            fail(e.what());
        }
    }

    const toml::table& table_;
    std::string path_;
    const std::string& source_;
    std::set<std::string, std::less<>> claimed_;
    const toml::node* current_ = nullptr;
    std::string current_key_;
};

const toml::table& table_of(const toml::node& node, const std::string& key,
                            const std::string& source) {
    if (const auto* table = node.as_table()) {
        return *table;
    }
    throw TableReader::error_at(node, key, "expected a table", source);
}

void read_server(const toml::table& t, ServerConfig& c, const std::string& source) {
    TableReader r(t, "server", source);
    r.field("hostname", [&](auto& n) {
        c.hostname = r.string(n);
        if (c.hostname.empty() || c.hostname.size() > 253) {
            r.fail("expected a host name of 1 to 253 characters");
        }
    });
    r.field("data_dir", [&](auto& n) {
        c.data_dir = r.string(n);
        if (c.data_dir.empty()) {
            r.fail("must not be empty");
        }
    });
    r.field("io_threads", [&](auto& n) { c.io_threads = static_cast<int>(r.integer(n, 1, 256)); });
    r.field("worker_threads",
            [&](auto& n) { c.worker_threads = static_cast<int>(r.integer(n, 1, 256)); });
    r.field("key_file", [&](auto& n) { c.key_file = r.string(n); });
    r.finish();
}

void read_tls(const toml::table& t, TlsConfig& c, const std::string& source) {
    TableReader r(t, "tls", source);
    r.field("certificate", [&](auto& n) { c.certificate = r.string(n); });
    r.field("private_key", [&](auto& n) { c.private_key = r.string(n); });
    r.field("min_version", [&](auto& n) {
        c.min_version = r.string(n);
        if (c.min_version != "1.2" && c.min_version != "1.3") {
            r.fail("expected \"1.2\" or \"1.3\"");
        }
    });
    r.finish();
    if (c.certificate.empty() != c.private_key.empty()) {
        throw Error(ErrorCode::config,
                    fmt::format("{}:{}: tls: certificate and private_key go together", source,
                                t.source().begin.line));
    }
}

void read_listener(const toml::table& t, const std::string& path, ListenerConfig& c,
                   const std::string& source) {
    TableReader r(t, path, source);
    r.field("enabled", [&](auto& n) { c.enabled = r.boolean(n); });
    r.field("address", [&](auto& n) {
        c.address = r.string(n);
        if (c.address.empty()) {
            r.fail("must not be empty");
        }
    });
    r.field("port", [&](auto& n) { c.port = static_cast<int>(r.integer(n, 1, 65535)); });
    r.field("max_connections",
            [&](auto& n) { c.max_connections = static_cast<int>(r.integer(n, 1, 1'000'000)); });
    r.field("max_connections_per_ip", [&](auto& n) {
        c.max_connections_per_ip = static_cast<int>(r.integer(n, 1, 1'000'000));
    });
    r.field("idle_timeout", [&](auto& n) {
        c.idle_timeout = r.duration(n);
        if (c.idle_timeout < std::chrono::seconds(1)) {
            r.fail("must be at least 1s");
        }
    });
    // RFC 5321 §4.5.3.1.4: a command line is at least 512 octets; IMAP needs far more.
    r.field("max_line_length",
            [&](auto& n) { c.max_line_length = static_cast<int>(r.integer(n, 512, 1 << 20)); });
    r.field("max_bad_commands",
            [&](auto& n) { c.max_bad_commands = static_cast<int>(r.integer(n, 1, 1000)); });
    r.finish();
}

void read_listeners(const toml::table& t, Config& config, const std::string& source) {
    for (const auto& [key, node] : t) {
        std::string name(key.str());
        std::string path = "listeners." + name;
        auto it = config.listeners.find(name);
        if (it == config.listeners.end()) {
            throw TableReader::error_at(node, path, "unknown listener", source);
        }
        read_listener(table_of(node, path, source), path, it->second, source);
    }
}

void read_accounts(const toml::table& t, AccountsConfig& c, const std::string& source) {
    TableReader r(t, "accounts", source);
    r.field("default_quota", [&](auto& n) { c.default_quota = r.size(n); });
    // Bounds of libsodium's crypto_pwhash for Argon2id.
    r.field("argon2_opslimit",
            [&](auto& n) { c.argon2_opslimit = static_cast<std::uint64_t>(r.integer(n, 1, 100)); });
    r.field("argon2_memlimit", [&](auto& n) {
        c.argon2_memlimit = r.size(n);
        if (c.argon2_memlimit < 8192 || c.argon2_memlimit > (std::uint64_t{4} << 30)) {
            r.fail("must be between 8K and 4G");
        }
    });
    r.field("unlock_idle", [&](auto& n) { c.unlock_idle = r.duration(n); });
    r.finish();
}

void read_delivery(const toml::table& t, DeliveryConfig& c, const std::string& source) {
    TableReader r(t, "delivery", source);
    r.field("max_message_size", [&](auto& n) {
        c.max_message_size = r.size(n);
        if (c.max_message_size < 1024) {
            r.fail("must be at least 1K");
        }
    });
    r.finish();
}

void read_smtp(const toml::table& t, SmtpConfig& c, const std::string& source) {
    TableReader r(t, "smtp", source);
    // RFC 5321 §4.5.3.1.8: a server must take at least 100 recipients; lower is for tests.
    r.field("max_recipients",
            [&](auto& n) { c.max_recipients = static_cast<int>(r.integer(n, 1, 100'000)); });
    r.field("bare_line_endings", [&](auto& n) {
        std::string policy = r.string(n);
        if (policy != "reject" && policy != "normalize") {
            r.fail("expected \"reject\" or \"normalize\"");
        }
        c.normalize_bare_line_endings = policy == "normalize";
    });
    r.finish();
}

void read_submission(const toml::table& t, SubmissionConfig& c, const std::string& source) {
    TableReader r(t, "submission", source);
    r.field("messages_per_hour",
            [&](auto& n) { c.messages_per_hour = static_cast<int>(r.integer(n, 0, 1'000'000)); });
    r.field("recipients_per_message", [&](auto& n) {
        c.recipients_per_message = static_cast<int>(r.integer(n, 1, 100'000));
    });
    r.finish();
}

void read_queue(const toml::table& t, QueueConfig& c, const std::string& source) {
    TableReader r(t, "queue", source);
    auto positive_duration = [&](const toml::node& n) {
        auto d = r.duration(n);
        if (d < std::chrono::seconds(1)) {
            r.fail("must be at least 1s");
        }
        return d;
    };
    r.field("first_retry", [&](auto& n) { c.first_retry = positive_duration(n); });
    r.field("max_retry_interval", [&](auto& n) { c.max_retry_interval = positive_duration(n); });
    r.field("max_age", [&](auto& n) { c.max_age = positive_duration(n); });
    r.field("delay_warning", [&](auto& n) { c.delay_warning = positive_duration(n); });
    r.field("max_connections",
            [&](auto& n) { c.max_connections = static_cast<int>(r.integer(n, 1, 10'000)); });
    r.field("max_connections_per_domain", [&](auto& n) {
        c.max_connections_per_domain = static_cast<int>(r.integer(n, 1, 1'000));
    });
    r.field("remote_port",
            [&](auto& n) { c.remote_port = static_cast<int>(r.integer(n, 1, 65535)); });
    r.field("require_tls", [&](auto& n) { c.require_tls = r.boolean(n); });
    r.field("dane", [&](auto& n) { c.dane = r.boolean(n); });
    r.field("mta_sts", [&](auto& n) { c.mta_sts = r.boolean(n); });
    r.field("mta_sts_port",
            [&](auto& n) { c.mta_sts_port = static_cast<int>(r.integer(n, 1, 65535)); });
    r.field("mta_sts_ca_file", [&](auto& n) { c.mta_sts_ca_file = r.string(n); });
    r.field("connect_timeout", [&](auto& n) { c.connect_timeout = positive_duration(n); });
    r.finish();
}

void read_relay(const toml::table& t, RelayConfig& c, const std::string& source) {
    TableReader r(t, "relay", source);
    r.field("host", [&](auto& n) { c.host = r.string(n); });
    r.field("port", [&](auto& n) { c.port = static_cast<int>(r.integer(n, 1, 65535)); });
    r.field("username", [&](auto& n) { c.username = r.string(n); });
    r.field("password_file", [&](auto& n) { c.password_file = r.string(n); });
    r.field("ca_file", [&](auto& n) { c.ca_file = r.string(n); });
    r.finish();
    if (c.username.empty() != c.password_file.empty()) {
        throw Error(ErrorCode::config,
                    fmt::format("{}:{}: relay: username and password_file go together", source,
                                t.source().begin.line));
    }
}

// "192.0.2.1", "2001:db8::1" or either with "@port", the form ub_ctx_set_fwd() takes.
bool is_upstream_address(const std::string& text) {
    std::string ip = text;
    if (auto at = text.rfind('@'); at != std::string::npos) {
        ip = text.substr(0, at);
        std::string port = text.substr(at + 1);
        if (port.empty() || port.size() > 5 ||
            port.find_first_not_of("0123456789") != std::string::npos || std::stoi(port) < 1 ||
            std::stoi(port) > 65535) {
            return false;
        }
    }
    unsigned char address[16];
    return inet_pton(AF_INET, ip.c_str(), address) == 1 ||
           inet_pton(AF_INET6, ip.c_str(), address) == 1;
}

void read_mta_sts(const toml::table& t, MtaStsConfig& c, const std::string& source) {
    TableReader r(t, "mta_sts", source);
    r.field("mode", [&](auto& n) {
        c.mode = r.string(n);
        if (c.mode != "enforce" && c.mode != "testing" && c.mode != "none") {
            r.fail("must be \"enforce\", \"testing\" or \"none\"");
        }
    });
    r.field("mx", [&](auto& n) { c.mx = r.strings(n); });
    r.field("max_age", [&](auto& n) {
        c.max_age = r.duration(n);
        if (c.max_age > std::chrono::seconds(31557600)) {  // RFC 8461 §3.2
            r.fail("must be at most 31557600 seconds");
        }
    });
    r.finish();
}

void read_dns(const toml::table& t, DnsConfig& c, const std::string& source) {
    TableReader r(t, "dns", source);
    r.field("upstream", [&](auto& n) {
        c.upstream = r.strings(n);
        for (const auto& upstream : c.upstream) {
            if (!is_upstream_address(upstream)) {
                r.fail(fmt::format("\"{}\" is not an IP address, optionally with @port", upstream));
            }
        }
    });
    r.field("timeout", [&](auto& n) {
        c.timeout = r.duration(n);
        if (c.timeout < std::chrono::milliseconds(100)) {
            r.fail("must be at least 100ms");
        }
    });
    r.field("dnssec", [&](auto& n) { c.dnssec = r.boolean(n); });
    r.field("trust_anchor_file", [&](auto& n) { c.trust_anchor_file = r.string(n); });
    // The records themselves are checked by libunbound when the resolver starts.
    r.field("local_data", [&](auto& n) {
        c.local_data = r.strings(n);
        for (const auto& record : c.local_data) {
            if (record.empty()) {
                r.fail("a record cannot be empty");
            }
        }
    });
    r.field("local_zones", [&](auto& n) {
        c.local_zones = r.strings(n);
        // The zone types of libunbound's ub_ctx_zone_add() that answer without logging.
        static const std::set<std::string, std::less<>> kTypes{
            "transparent", "typetransparent",    "static",        "redirect",        "deny",
            "refuse",      "always_transparent", "always_refuse", "always_nxdomain", "always_null",
            "nodefault"};
        for (const auto& zone : c.local_zones) {
            std::istringstream words(zone);
            std::string name, type, extra;
            if (!(words >> name >> type) || (words >> extra) || !kTypes.contains(type)) {
                r.fail(
                    fmt::format("\"{}\" is not \"name type\" with type static, transparent, "
                                "redirect, deny, refuse, always_nxdomain, ...",
                                zone));
            }
        }
    });
    r.finish();
    if (c.dnssec && c.trust_anchor_file.empty()) {
        throw Error(ErrorCode::config, fmt::format("{}:{}: dns: dnssec needs a trust_anchor_file",
                                                   source, t.source().begin.line));
    }
}

void read_log(const toml::table& t, LogConfig& c, const std::string& source) {
    TableReader r(t, "log", source);
    r.field("level", [&](auto& n) {
        c.level = r.string(n);
        static const std::set<std::string, std::less<>> kLevels{"trace", "debug", "info",
                                                                "warn",  "error", "off"};
        if (!kLevels.contains(c.level)) {
            r.fail("expected trace, debug, info, warn, error or off");
        }
    });
    r.field("file", [&](auto& n) { c.file = r.string(n); });
    r.field("client_ip", [&](auto& n) {
        std::string mode = r.string(n);
        if (mode == "full") {
            c.client_ip = ClientIpLogging::full;
        } else if (mode == "truncated") {
            c.client_ip = ClientIpLogging::truncated;
        } else if (mode == "hashed") {
            c.client_ip = ClientIpLogging::hashed;
        } else {
            r.fail("expected full, truncated or hashed");
        }
    });
    r.finish();
}

void read_mailauth(const toml::table& t, MailAuthConfig& c, const std::string& source) {
    TableReader r(t, "mailauth", source);
    r.field("authserv_id", [&](auto& n) { c.authserv_id = r.string(n); });
    r.field("spf", [&](auto& n) { c.spf = r.boolean(n); });
    r.field("dkim", [&](auto& n) { c.dkim = r.boolean(n); });
    r.field("arc", [&](auto& n) { c.arc = r.boolean(n); });
    r.field("dmarc", [&](auto& n) { c.dmarc = r.boolean(n); });
    r.field("dmarc_reject", [&](auto& n) { c.dmarc_reject = r.boolean(n); });
    r.field("dmarc_quarantine", [&](auto& n) { c.dmarc_quarantine = r.boolean(n); });
    r.field("arc_trusted_sealers", [&](auto& n) {
        for (const auto& name : r.strings(n)) {
            auto domain = normalize_domain(name);
            if (!domain) {
                r.fail("\"" + name + "\" is not a domain name");
            }
            c.arc_trusted_sealers.push_back(*domain);
        }
    });
    r.field("dkim_sign", [&](auto& n) { c.dkim_sign = r.boolean(n); });
    r.finish();
}

void read_reports(const toml::table& t, ReportsConfig& c, const std::string& source) {
    TableReader r(t, "reports", source);
    r.field("dmarc", [&](auto& n) { c.dmarc = r.boolean(n); });
    r.field("tls", [&](auto& n) { c.tls = r.boolean(n); });
    r.field("org_name", [&](auto& n) { c.org_name = r.string(n); });
    r.field("from", [&](auto& n) {
        c.from = r.string(n);
        auto at = c.from.find('@');
        if (!c.from.empty() && (at == std::string::npos || at == 0 || at + 1 == c.from.size())) {
            r.fail("must be an address, local@domain");
        }
    });
    r.finish();
}

void read_demo(const toml::table& t, DemoConfig& c, const std::string& source) {
    TableReader r(t, "demo", source);
    r.field("enabled", [&](auto& n) { c.enabled = r.boolean(n); });
    r.field("domain", [&](auto& n) { c.domain = r.string(n); });
    r.field("account", [&](auto& n) { c.account = r.string(n); });
    r.finish();
}

// Two enabled listeners on one address and port would fail at bind; say so before starting.
void check_listeners_distinct(const Config& config, const std::string& source) {
    std::map<std::pair<std::string, int>, std::string> used;
    for (const auto& [name, listener] : config.listeners) {
        if (!listener.enabled) {
            continue;
        }
        auto [it, inserted] = used.try_emplace({listener.address, listener.port}, name);
        if (!inserted) {
            throw Error(ErrorCode::config,
                        fmt::format("{}: listeners.{}.port: {}:{} is already used by listeners.{}",
                                    source, name, listener.address, listener.port, it->second));
        }
    }
}

Config base_config() {
    Config config;
    for (const auto& [name, port] : default_listener_ports()) {
        config.listeners[name].port = port;
    }
    return config;
}

}  // namespace

const std::map<std::string, int, std::less<>>& default_listener_ports() {
    static const std::map<std::string, int, std::less<>> kPorts{
        {"smtp", 10025}, {"submission", 10587}, {"submissions", 10465},
        {"lmtp", 10024}, {"imap", 10143},       {"imaps", 10993},
        {"pop3", 10110}, {"pop3s", 10995},      {"https", 10443},
    };
    return kPorts;
}

Config default_config() {
    Config config = base_config();
    config.demo.enabled = true;
    return config;
}

Config parse_config(std::string_view toml_text, const std::string& source) {
    toml::table root;
    try {
        root = toml::parse(toml_text, source);
    } catch (const toml::parse_error& e) {
        throw Error(ErrorCode::config,
                    fmt::format("{}:{}: {}", source, e.source().begin.line, e.description()));
    }
    Config config = base_config();
    TableReader r(root, "", source);
    r.field("server",
            [&](auto& n) { read_server(table_of(n, "server", source), config.server, source); });
    r.field("tls", [&](auto& n) { read_tls(table_of(n, "tls", source), config.tls, source); });
    r.field("listeners",
            [&](auto& n) { read_listeners(table_of(n, "listeners", source), config, source); });
    r.field("accounts", [&](auto& n) {
        read_accounts(table_of(n, "accounts", source), config.accounts, source);
    });
    r.field("delivery", [&](auto& n) {
        read_delivery(table_of(n, "delivery", source), config.delivery, source);
    });
    r.field("smtp", [&](auto& n) { read_smtp(table_of(n, "smtp", source), config.smtp, source); });
    r.field("submission", [&](auto& n) {
        read_submission(table_of(n, "submission", source), config.submission, source);
    });
    r.field("queue",
            [&](auto& n) { read_queue(table_of(n, "queue", source), config.queue, source); });
    r.field("relay",
            [&](auto& n) { read_relay(table_of(n, "relay", source), config.relay, source); });
    r.field("dns", [&](auto& n) { read_dns(table_of(n, "dns", source), config.dns, source); });
    r.field("log", [&](auto& n) { read_log(table_of(n, "log", source), config.log, source); });
    r.field("mta_sts",
            [&](auto& n) { read_mta_sts(table_of(n, "mta_sts", source), config.mta_sts, source); });
    r.field("mailauth", [&](auto& n) {
        read_mailauth(table_of(n, "mailauth", source), config.mailauth, source);
    });
    r.field("reports",
            [&](auto& n) { read_reports(table_of(n, "reports", source), config.reports, source); });
    r.field("demo", [&](auto& n) { read_demo(table_of(n, "demo", source), config.demo, source); });
    r.finish();
    check_listeners_distinct(config, source);
    return config;
}

Config load_config(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw Error(ErrorCode::config,
                    fmt::format("{}: cannot read the configuration file", file.string()));
    }
    std::ostringstream text;
    text << in.rdbuf();
    return parse_config(text.str(), file.string());
}

}  // namespace sealbox
