#include "core/config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "core/error.h"

namespace sealbox {
namespace {

std::string config_error(std::string_view text) {
    try {
        parse_config(text, "test.toml");
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        return e.what();
    }
    ADD_FAILURE() << "accepted: " << text;
    return {};
}

std::string read(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(Config, EmbeddedDefaultListensOnLoopbackHighPorts) {
    Config c = default_config();
    EXPECT_TRUE(c.demo.enabled);
    const std::map<std::string, int> expected{
        {"smtp", 10025}, {"submission", 10587}, {"submissions", 10465},
        {"lmtp", 10024}, {"imap", 10143},       {"imaps", 10993},
        {"pop3", 10110}, {"pop3s", 10995},      {"https", 10443}};
    ASSERT_EQ(c.listeners.size(), expected.size());
    for (const auto& [name, port] : expected) {
        EXPECT_EQ(c.listeners.at(name).port, port) << name;
        EXPECT_EQ(c.listeners.at(name).address, "127.0.0.1") << name;
        EXPECT_TRUE(c.listeners.at(name).enabled) << name;
    }
}

TEST(Config, ReadsEveryKindOfValue) {
    Config c = parse_config(R"(
[server]
hostname = "mail.example.org"
data_dir = "/var/lib/sealbox"
io_threads = 3
[tls]
certificate = "/etc/ssl/a.crt"
private_key = "/etc/ssl/a.key"
min_version = "1.3"
[listeners.imap]
address = "::1"
port = 143
idle_timeout = "30m"
[listeners.pop3]
enabled = false
[accounts]
default_quota = "2G"
argon2_memlimit = 8388608
unlock_idle = 90
[delivery]
max_message_size = "10M"
[smtp]
max_recipients = 250
bare_line_endings = "normalize"
[log]
client_ip = "hashed"
)",
                            "t.toml");
    EXPECT_EQ(c.server.hostname, "mail.example.org");
    EXPECT_EQ(c.server.data_dir, "/var/lib/sealbox");
    EXPECT_EQ(c.server.io_threads, 3);
    EXPECT_EQ(c.tls.min_version, "1.3");
    EXPECT_EQ(c.listeners.at("imap").address, "::1");
    EXPECT_EQ(c.listeners.at("imap").port, 143);
    EXPECT_EQ(c.listeners.at("imap").idle_timeout, std::chrono::minutes(30));
    EXPECT_FALSE(c.listeners.at("pop3").enabled);
    EXPECT_EQ(c.listeners.at("smtp").port, 10025);
    EXPECT_EQ(c.accounts.default_quota, 2ULL << 30);
    EXPECT_EQ(c.accounts.argon2_memlimit, 8388608U);
    EXPECT_EQ(c.accounts.unlock_idle, std::chrono::seconds(90));
    EXPECT_EQ(c.delivery.max_message_size, 10ULL << 20);
    EXPECT_EQ(c.smtp.max_recipients, 250);
    EXPECT_TRUE(c.smtp.normalize_bare_line_endings);
    EXPECT_EQ(c.log.client_ip, ClientIpLogging::hashed);
    EXPECT_FALSE(c.demo.enabled);
}

TEST(Config, ErrorsNameTheFileLineAndKey) {
    auto unknown = config_error("[server]\nhostname = \"x\"\n\n[log]\nlevle = \"info\"\n");
    EXPECT_EQ(unknown, "test.toml:5: log.levle: unknown key");
    EXPECT_EQ(config_error("[listeners.imap]\nport = 70000\n"),
              "test.toml:2: listeners.imap.port: 70000 is out of range 1..65535");
    EXPECT_EQ(config_error("[accounts]\n\ndefault_quota = \"12Q\"\n").substr(0, 36),
              "test.toml:3: accounts.default_quota:");
    EXPECT_NE(
        config_error("[listeners.imap4]\nport = 1\n").find("listeners.imap4: unknown listener"),
        std::string::npos);
    EXPECT_NE(config_error("[log]\nlevel = 3\n").find("log.level: expected a string"),
              std::string::npos);
    EXPECT_NE(config_error("server = 1\n").find("test.toml:1: server: expected a table"),
              std::string::npos);
    EXPECT_NE(config_error("[server\n").find("test.toml:1:"), std::string::npos);
    EXPECT_NE(config_error("[tls]\ncertificate = \"a.crt\"\n").find("private_key"),
              std::string::npos);
    EXPECT_NE(config_error("[listeners.pop3]\nport = 10143\n").find("already used by"),
              std::string::npos);
    EXPECT_NE(config_error("[log]\nclient_ip = \"partial\"\n").find("log.client_ip"),
              std::string::npos);
    EXPECT_NE(config_error("[accounts]\nunlock_idle = -4\n").find("accounts.unlock_idle"),
              std::string::npos);
    EXPECT_EQ(config_error("[smtp]\nbare_line_endings = \"strip\"\n"),
              "test.toml:2: smtp.bare_line_endings: expected \"reject\" or \"normalize\"");
    EXPECT_EQ(config_error("[smtp]\nmax_recipients = 0\n"),
              "test.toml:2: smtp.max_recipients: 0 is out of range 1..100000");
    EXPECT_NE(config_error("[smtp]\ngreeting = \"hi\"\n").find("smtp.greeting: unknown key"),
              std::string::npos);
}

TEST(Config, ReadsTheDnsSection) {
    Config c = parse_config(R"(
[dns]
upstream = ["127.0.0.1@5353", "::1"]
timeout = "500ms"
dnssec = false
local_data = ["mx.example.test. 300 IN A 192.0.2.25", "example.test. MX 10 mx.example.test."]
local_zones = ["example.test static", "corp.example transparent"]
)",
                            "t.toml");
    EXPECT_EQ(c.dns.upstream, (std::vector<std::string>{"127.0.0.1@5353", "::1"}));
    EXPECT_EQ(c.dns.timeout, std::chrono::milliseconds(500));
    EXPECT_FALSE(c.dns.dnssec);
    EXPECT_EQ(c.dns.local_data.size(), 2U);
    EXPECT_EQ(c.dns.local_zones.at(1), "corp.example transparent");
    EXPECT_EQ(default_config().dns.trust_anchor_file, "/usr/share/dns/root.key");
    EXPECT_TRUE(default_config().dns.dnssec);
    EXPECT_TRUE(default_config().dns.upstream.empty());

    EXPECT_EQ(config_error("[dns]\nupstream = \"192.0.2.53\"\n"),
              "test.toml:2: dns.upstream: expected a list of strings");
    EXPECT_EQ(config_error("[dns]\nupstream = [\"resolver.example\"]\n"),
              "test.toml:2: dns.upstream: \"resolver.example\" is not an IP address, optionally "
              "with @port");
    EXPECT_NE(config_error("[dns]\nupstream = [\"192.0.2.53@0\"]\n").find("dns.upstream"),
              std::string::npos);
    EXPECT_NE(config_error("[dns]\nupstream = [\"::1@99999\"]\n").find("dns.upstream"),
              std::string::npos);
    EXPECT_NE(config_error("[dns]\nupstream = [1]\n").find("expected a list of strings"),
              std::string::npos);
    EXPECT_EQ(config_error("[dns]\ntimeout = \"10ms\"\n"),
              "test.toml:2: dns.timeout: must be at least 100ms");
    EXPECT_NE(config_error("[dns]\nlocal_zones = [\"example.test\"]\n").find("dns.local_zones"),
              std::string::npos);
    EXPECT_NE(
        config_error("[dns]\nlocal_zones = [\"example.test nowhere\"]\n").find("dns.local_zones"),
        std::string::npos);
    EXPECT_NE(config_error("[dns]\nlocal_data = [\"\"]\n").find("dns.local_data"),
              std::string::npos);
    EXPECT_NE(config_error("[dns]\ntrust_anchor_file = \"\"\n").find("trust_anchor_file"),
              std::string::npos);
    EXPECT_NO_THROW(parse_config("[dns]\ndnssec = false\ntrust_anchor_file = \"\"\n", "t"));
}

TEST(Config, ArcTrustedSealersAreDomainNames) {
    auto config = parse_config(
        "[mailauth]\narc_trusted_sealers = [\"Google.COM\", \"lists.example.org.\"]\n", "t");
    EXPECT_EQ(config.mailauth.arc_trusted_sealers,
              (std::vector<std::string>{"google.com", "lists.example.org"}));
    EXPECT_TRUE(parse_config("", "t").mailauth.arc_trusted_sealers.empty());
    try {
        parse_config("[mailauth]\narc_trusted_sealers = [\"not a domain\"]\n", "t");
        FAIL() << "accepted";
    } catch (const Error& e) {
        EXPECT_NE(std::string(e.what()).find("\"not a domain\" is not a domain name"),
                  std::string::npos)
            << e.what();
    }
}

TEST(Config, MissingFileIsAClearError) {
    try {
        load_config("/nonexistent/sealbox.toml");
        FAIL();
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), ErrorCode::config);
        EXPECT_NE(std::string(e.what()).find("/nonexistent/sealbox.toml"), std::string::npos);
    }
}

// The example file documents every default: parsing it must give exactly the built-in values.
TEST(Config, ExampleFileSetsEveryKeyToItsDefault) {
    Config example = load_config(SEALBOX_SOURCE_DIR "/docs/sealbox.example.toml");
    Config defaults = parse_config("", "empty");
    EXPECT_EQ(example.server.hostname, defaults.server.hostname);
    EXPECT_EQ(example.server.data_dir, defaults.server.data_dir);
    EXPECT_EQ(example.server.io_threads, defaults.server.io_threads);
    EXPECT_EQ(example.server.worker_threads, defaults.server.worker_threads);
    EXPECT_EQ(example.tls.min_version, defaults.tls.min_version);
    EXPECT_EQ(example.accounts.default_quota, defaults.accounts.default_quota);
    EXPECT_EQ(example.accounts.argon2_opslimit, defaults.accounts.argon2_opslimit);
    EXPECT_EQ(example.accounts.argon2_memlimit, defaults.accounts.argon2_memlimit);
    EXPECT_EQ(example.accounts.unlock_idle, defaults.accounts.unlock_idle);
    EXPECT_EQ(example.delivery.max_message_size, defaults.delivery.max_message_size);
    EXPECT_EQ(example.smtp.max_recipients, defaults.smtp.max_recipients);
    EXPECT_EQ(example.smtp.normalize_bare_line_endings, defaults.smtp.normalize_bare_line_endings);
    EXPECT_EQ(example.server.key_file, defaults.server.key_file);
    EXPECT_EQ(example.submission.messages_per_hour, defaults.submission.messages_per_hour);
    EXPECT_EQ(example.submission.recipients_per_message,
              defaults.submission.recipients_per_message);
    EXPECT_EQ(example.queue.first_retry, defaults.queue.first_retry);
    EXPECT_EQ(example.queue.max_retry_interval, defaults.queue.max_retry_interval);
    EXPECT_EQ(example.queue.max_age, defaults.queue.max_age);
    EXPECT_EQ(example.queue.delay_warning, defaults.queue.delay_warning);
    EXPECT_EQ(example.queue.max_connections, defaults.queue.max_connections);
    EXPECT_EQ(example.queue.max_connections_per_domain, defaults.queue.max_connections_per_domain);
    EXPECT_EQ(example.queue.remote_port, defaults.queue.remote_port);
    EXPECT_EQ(example.queue.require_tls, defaults.queue.require_tls);
    EXPECT_EQ(example.queue.dane, defaults.queue.dane);
    EXPECT_EQ(example.queue.mta_sts, defaults.queue.mta_sts);
    EXPECT_EQ(example.queue.mta_sts_port, defaults.queue.mta_sts_port);
    EXPECT_EQ(example.queue.mta_sts_ca_file, defaults.queue.mta_sts_ca_file);
    EXPECT_EQ(example.queue.connect_timeout, defaults.queue.connect_timeout);
    EXPECT_EQ(example.relay.host, defaults.relay.host);
    EXPECT_EQ(example.relay.port, defaults.relay.port);
    EXPECT_EQ(example.relay.username, defaults.relay.username);
    EXPECT_EQ(example.relay.password_file, defaults.relay.password_file);
    EXPECT_EQ(example.relay.ca_file, defaults.relay.ca_file);
    EXPECT_EQ(example.dns.upstream, defaults.dns.upstream);
    EXPECT_EQ(example.dns.timeout, defaults.dns.timeout);
    EXPECT_EQ(example.dns.dnssec, defaults.dns.dnssec);
    EXPECT_EQ(example.dns.trust_anchor_file, defaults.dns.trust_anchor_file);
    EXPECT_EQ(example.dns.local_data, defaults.dns.local_data);
    EXPECT_EQ(example.dns.local_zones, defaults.dns.local_zones);
    EXPECT_EQ(example.log.level, defaults.log.level);
    EXPECT_EQ(example.log.client_ip, defaults.log.client_ip);
    EXPECT_EQ(example.mta_sts.mode, defaults.mta_sts.mode);
    EXPECT_EQ(example.mta_sts.mx, defaults.mta_sts.mx);
    EXPECT_EQ(example.mta_sts.max_age, defaults.mta_sts.max_age);
    EXPECT_EQ(example.demo.enabled, defaults.demo.enabled);
    for (const auto& [name, listener] : defaults.listeners) {
        const auto& e = example.listeners.at(name);
        EXPECT_EQ(e.port, listener.port) << name;
        EXPECT_EQ(e.address, listener.address) << name;
        EXPECT_EQ(e.max_connections, listener.max_connections) << name;
        EXPECT_EQ(e.max_connections_per_ip, listener.max_connections_per_ip) << name;
        EXPECT_EQ(e.idle_timeout, listener.idle_timeout) << name;
        EXPECT_EQ(e.max_line_length, listener.max_line_length) << name;
        EXPECT_EQ(e.max_bad_commands, listener.max_bad_commands) << name;
    }
}

// docs/CONFIG.md lists every key; each listed key must be accepted by the parser.
TEST(Config, EveryDocumentedKeyIsAccepted) {
    std::string doc = read(SEALBOX_SOURCE_DIR "/docs/CONFIG.md");
    std::regex row(R"(\| `([a-z_]+)\.(NAME\.)?([a-z_0-9]+)` \|)");
    int keys = 0;
    for (std::sregex_iterator it(doc.begin(), doc.end(), row), end; it != end; ++it) {
        std::string section = (*it)[1];
        std::string key = (*it)[3];
        if ((*it)[2].matched) {
            section = "listeners.smtp";
        }
        std::string value = "1";
        if (key == "hostname" || key == "data_dir" || key == "address" || key == "account" ||
            key == "domain" || key == "file" || key == "key_file" || key == "host" ||
            key == "org_name") {
            value = "\"x\"";
        } else if (key == "enabled" || key == "require_tls" || key == "dane" || key == "mta_sts" ||
                   (section == "mailauth" && key != "authserv_id" &&
                    key != "arc_trusted_sealers") ||
                   (section == "reports" && (key == "dmarc" || key == "tls"))) {
            value = "true";
        } else if (key == "from") {
            value = "\"reports@example.test\"";
        } else if (key == "authserv_id") {
            value = "\"mx.example.test\"";
        } else if (key == "min_version") {
            value = "\"1.3\"";
        } else if (key == "mode") {
            value = "\"enforce\"";
        } else if (key == "mx") {
            value = "[\"mx.example.test\"]";
        } else if (key == "level") {
            value = "\"warn\"";
        } else if (key == "bare_line_endings") {
            value = "\"normalize\"";
        } else if (key == "client_ip") {
            value = "\"truncated\"";
        } else if (key == "max_line_length") {
            value = "1000";
        } else if (key == "default_quota" || key == "argon2_memlimit" ||
                   key == "max_message_size") {
            value = "\"1M\"";
        } else if (key == "certificate" || key == "private_key" || key == "username" ||
                   key == "password_file" || key == "ca_file" || key == "mta_sts_ca_file") {
            value = "\"\"";
        } else if (key == "port" || key == "remote_port" || key == "mta_sts_port") {
            value = "2525";
        } else if (key == "dnssec") {
            value = "false";
        } else if (key == "trust_anchor_file") {
            value = "\"/etc/unbound/root.key\"";
        } else if (key == "upstream") {
            value = "[\"192.0.2.53\", \"2001:db8::53@5353\"]";
        } else if (key == "local_data") {
            value = "[\"a.example.test. IN A 192.0.2.1\"]";
        } else if (key == "local_zones") {
            value = "[\"example.test static\"]";
        } else if (key == "arc_trusted_sealers") {
            value = "[\"google.com\"]";
        }
        std::string text = "[" + section + "]\n" + key + " = " + value + "\n";
        EXPECT_NO_THROW(parse_config(text, "doc")) << text;
        ++keys;
    }
    EXPECT_GE(keys, 25);
}

}  // namespace
}  // namespace sealbox
