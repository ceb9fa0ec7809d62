#pragma once
// The whole configuration: one TOML file (docs/CONFIG.md documents every key and its default).
// Without a file, default_config() is the embedded default: data in ./data, every listener on
// 127.0.0.1 at 10000 + its standard port, and a demo account.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox {

struct ServerConfig {
    std::string hostname = "localhost";
    std::filesystem::path data_dir = "./data";
    int io_threads = 2;
    int worker_threads = 4;          // SQLite, Argon2id and fsync run here, never on an I/O thread
    std::filesystem::path key_file;  // empty: data_dir/server.key
};

struct TlsConfig {
    std::filesystem::path certificate;  // empty: a self-signed certificate under data_dir/tls
    std::filesystem::path private_key;
    std::string min_version = "1.2";  // "1.2" or "1.3"
};

struct ListenerConfig {
    bool enabled = true;
    std::string address = "127.0.0.1";
    int port = 0;
    int max_connections = 1000;
    int max_connections_per_ip = 20;
    std::chrono::milliseconds idle_timeout = std::chrono::minutes(5);
    int max_line_length = 8192;
    int max_bad_commands = 10;
};

struct AccountsConfig {
    std::uint64_t default_quota = 1ULL << 30;  // 0: unlimited
    std::uint64_t argon2_opslimit = 3;
    std::size_t argon2_memlimit = 64ULL << 20;
    std::chrono::milliseconds unlock_idle = std::chrono::minutes(15);
};

struct DeliveryConfig {
    std::uint64_t max_message_size = 50ULL << 20;
};

struct SmtpConfig {
    int max_recipients = 100;  // per message (RFC 5321 §4.5.3.1.8 asks for at least 100)
    // What a bare CR or LF in message data gets: refused ("reject"), or made a CRLF.
    bool normalize_bare_line_endings = false;
};

// Per-account sending limits of submission (RFC 6409 §6.2 lets a submission server enforce them).
struct SubmissionConfig {
    int messages_per_hour = 500;  // per account; 0: unlimited
    int recipients_per_message = 100;
};

struct QueueConfig {
    std::chrono::milliseconds first_retry = std::chrono::minutes(5);
    std::chrono::milliseconds max_retry_interval = std::chrono::hours(4);
    std::chrono::milliseconds max_age = std::chrono::hours(24 * 5);
    std::chrono::milliseconds delay_warning = std::chrono::hours(4);
    int max_connections = 20;  // outbound connections in all
    int max_connections_per_domain = 4;
    int remote_port = 25;      // where remote MX hosts listen; only tests change it
    bool require_tls = false;  // refuse to deliver over a connection without TLS
    bool dane = true;     // RFC 7672: MX hosts with DNSSEC-validated TLSA records must match them
    bool mta_sts = true;  // RFC 8461: apply recipient domains' MTA-STS policies
    int mta_sts_port = 443;                 // where policy hosts listen; only tests change it
    std::filesystem::path mta_sts_ca_file;  // empty: the system's CA store verifies policy hosts
    std::chrono::milliseconds connect_timeout = std::chrono::seconds(30);
};

// A smart host: everything outbound goes through it instead of each domain's MX, always with
// STARTTLS and a verified certificate.
struct RelayConfig {
    std::string host;  // empty: no smart host
    int port = 587;
    std::string username;
    std::filesystem::path password_file;  // the password, so that the config file holds none
    std::filesystem::path ca_file;        // empty: the system's CA store verifies the relay
};

// The resolver of the outbound queue and of mail authentication (libunbound).
struct DnsConfig {
    std::vector<std::string> upstream;  // "ip" or "ip@port"; empty: full recursion from the root
    std::chrono::milliseconds timeout = std::chrono::seconds(10);  // per query
    bool dnssec = true;
    std::filesystem::path trust_anchor_file = "/usr/share/dns/root.key";
    std::vector<std::string> local_data;   // resource records in zone-file format
    std::vector<std::string> local_zones;  // "name type", e.g. "example.test static"
};

enum class ClientIpLogging { full, truncated, hashed };

struct LogConfig {
    std::string level = "info";  // trace, debug, info, warn, error, off
    std::filesystem::path file;  // empty: standard error
    ClientIpLogging client_ip = ClientIpLogging::full;
};

// Sealbox's own MTA-STS policy (RFC 8461 §3.2), served by the `https` listener as
// https://mta-sts.<domain>/.well-known/mta-sts.txt for every domain it hosts.
struct MtaStsConfig {
    std::string mode = "testing";  // "enforce", "testing" or "none"
    std::vector<std::string> mx;   // MX host patterns; empty: server.hostname
    std::chrono::milliseconds max_age = std::chrono::hours(24 * 7);
};

// Inbound mail authentication (SPF RFC 7208, DKIM RFC 6376, ARC RFC 8617, DMARC RFC 7489) on the
// `smtp` listener, and DKIM signing of what authenticated users submit.
struct MailAuthConfig {
    std::string authserv_id;  // empty: server.hostname (RFC 8601 §2.5)
    bool spf = true;
    bool dkim = true;
    bool arc = true;
    bool dmarc = true;
    bool dmarc_reject = true;      // p=reject failures are refused with 550 5.7.1
    bool dmarc_quarantine = true;  // p=quarantine failures are delivered to Junk
    // ARC sealers (domains, lower case) trusted to say a message passed DMARC before they
    // changed it (RFC 8617 §7.2.1); none by default.
    std::vector<std::string> arc_trusted_sealers;
    bool dkim_sign = true;         // submissions are signed with their From domain's keys
};

// The daily aggregate reports Sealbox sends: DMARC (RFC 7489 §7.2) and TLS-RPT (RFC 8460).
struct ReportsConfig {
    bool dmarc = true;
    bool tls = true;
    std::string org_name;  // empty: server.hostname
    std::string from;      // the reports' From and envelope sender; empty: postmaster@hostname
};

struct DemoConfig {
    bool enabled = false;
    std::string domain = "example.test";
    std::string account = "demo";
};

struct Config {
    ServerConfig server;
    TlsConfig tls;
    std::map<std::string, ListenerConfig, std::less<>> listeners;  // by protocol name
    AccountsConfig accounts;
    DeliveryConfig delivery;
    SmtpConfig smtp;
    SubmissionConfig submission;
    QueueConfig queue;
    RelayConfig relay;
    DnsConfig dns;
    LogConfig log;
    MtaStsConfig mta_sts;
    MailAuthConfig mailauth;
    ReportsConfig reports;
    DemoConfig demo;
};

// The listener names and their default ports: 10000 + the protocol's standard port.
const std::map<std::string, int, std::less<>>& default_listener_ports();

// The embedded default used when no file is given (demo account enabled).
Config default_config();

// Parses TOML text; `source` names it in errors. Every error is Error(config) reading
// "<source>:<line>: <key>: <what is wrong>". Unknown keys are errors, not warnings.
Config parse_config(std::string_view toml_text, const std::string& source);
Config load_config(const std::filesystem::path& file);

}  // namespace sealbox
