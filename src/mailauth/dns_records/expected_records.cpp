#include "mailauth/dns_records/expected_records.h"

#include <fmt/format.h>
#include <sodium.h>

#include <chrono>

namespace sealbox::mailauth::dns_records {
namespace {

constexpr std::size_t kMaxCharacterString = 255;  // RFC 1035 §3.3: one length octet

bool listening(const Config& config, std::string_view name) {
    auto it = config.listeners.find(name);
    return it != config.listeners.end() && it->second.enabled;
}

std::string absolute(std::string_view host) {
    return host == "." ? std::string(host) : std::string(host) + ".";
}

// "text" with the two characters a zone file escapes inside quotes (RFC 1035 §5.1).
std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char c : text) {
        if (c == '"' || c == '\\') {
            out += '\\';
        }
        out += c;
    }
    return out + '"';
}

// RFC 6186 §3.1 (RFC 8314 §5.1 for submissions): a service the server offers points at it; one
// it does not offer has the target "." (RFC 6186 §4), so that clients do not try it.
ExpectedRecord service(const Config& config, std::string_view domain, std::string_view listener) {
    ExpectedRecord r;
    r.name = fmt::format("_{}._tcp.{}", listener, domain);
    r.type = RecordType::srv;
    if (listening(config, listener)) {
        r.target = config.server.hostname;
        r.weight = 1;
        r.port = config.listeners.find(listener)->second.port;
        r.comment =
            fmt::format("mail clients set themselves up from these (RFC 6186 §3): {}", listener);
    } else {
        r.target = ".";
        r.comment = fmt::format("{} is not offered (RFC 6186 §4)", listener);
    }
    return r;
}

}  // namespace

std::string_view to_string(RecordType type) {
    switch (type) {
        case RecordType::mx:
            return "MX";
        case RecordType::txt:
            return "TXT";
        case RecordType::cname:
            return "CNAME";
        case RecordType::srv:
            return "SRV";
    }
    return "?";
}

std::string mta_sts_id(const Config& config) {
    const auto& c = config.mta_sts;
    std::string settings = fmt::format(
        "{}\n{}\n{}", c.mode, std::chrono::duration_cast<std::chrono::seconds>(c.max_age).count(),
        c.mx.empty() ? config.server.hostname : fmt::format("{}", fmt::join(c.mx, "\n")));
    unsigned char digest[10];
    crypto_generichash(digest, sizeof digest,
                       reinterpret_cast<const unsigned char*>(settings.data()), settings.size(),
                       nullptr, 0);
    char hex[2 * sizeof digest + 1];
    sodium_bin2hex(hex, sizeof hex, digest, sizeof digest);
    return hex;
}

std::vector<ExpectedRecord> expected_records(const Config& config, std::string_view domain,
                                             const std::vector<DkimRecord>& dkim) {
    const std::string d(domain);
    const std::string& host = config.server.hostname;
    std::vector<ExpectedRecord> records;

    ExpectedRecord mx;
    mx.name = d;
    mx.type = RecordType::mx;
    mx.target = host;
    mx.priority = 10;
    mx.comment = "RFC 5321 §5.1: mail for the domain goes to this server";
    records.push_back(std::move(mx));

    records.push_back(ExpectedRecord{d, RecordType::txt, "v=spf1 mx -all", "", 0, 0, 0,
                                     "SPF (RFC 7208): only the MX host sends the domain's mail"});

    for (const auto& key : dkim) {
        records.push_back(ExpectedRecord{key.selector + "._domainkey." + d, RecordType::txt,
                                         key.text, "", 0, 0, 0,
                                         "DKIM key (RFC 6376 §3.6.1), selector " + key.selector});
    }

    records.push_back(
        ExpectedRecord{"_dmarc." + d, RecordType::txt,
                       "v=DMARC1; p=quarantine; rua=mailto:dmarc-reports@" + d, "", 0, 0, 0,
                       "DMARC (RFC 7489 §6.3): aggregate reports go to dmarc-reports@" + d +
                           ", which must exist (an alias will do)"});

    if (listening(config, "https")) {
        records.push_back(ExpectedRecord{"_mta-sts." + d, RecordType::txt,
                                         "v=STSv1; id=" + mta_sts_id(config), "", 0, 0, 0,
                                         "MTA-STS (RFC 8461 §3.1): a policy exists, this version"});
        if ("mta-sts." + d != host) {
            ExpectedRecord policy_host;
            policy_host.name = "mta-sts." + d;
            policy_host.type = RecordType::cname;
            policy_host.target = host;
            policy_host.comment =
                "RFC 8461 §3.3: the https listener serves the policy here (or A/AAAA records to "
                "this server); the TLS certificate must name mta-sts." +
                d;
            records.push_back(std::move(policy_host));
        }
    }

    records.push_back(ExpectedRecord{"_smtp._tls." + d, RecordType::txt,
                                     "v=TLSRPTv1; rua=mailto:tls-reports@" + d, "", 0, 0, 0,
                                     "TLS-RPT (RFC 8460 §3): TLS reports go to tls-reports@" + d});

    for (std::string_view listener :
         {"submissions", "submission", "imaps", "imap", "pop3s", "pop3"}) {
        records.push_back(service(config, d, listener));
    }
    return records;
}

std::string zone_data(const ExpectedRecord& record) {
    switch (record.type) {
        case RecordType::mx:
            return fmt::format("{} {}", record.priority, absolute(record.target));
        case RecordType::cname:
            return absolute(record.target);
        case RecordType::srv:
            return fmt::format("{} {} {} {}", record.priority, record.weight, record.port,
                               absolute(record.target));
        case RecordType::txt:
            break;
    }
    std::string_view text = record.text;
    std::string out;
    do {
        auto piece = text.substr(0, kMaxCharacterString);
        text.remove_prefix(piece.size());
        out += (out.empty() ? "" : " ") + quoted(piece);
    } while (!text.empty());
    return out;
}

std::string zone_line(const ExpectedRecord& record) {
    return fmt::format("{}.\t3600\tIN\t{}\t{}", record.name, to_string(record.type),
                       zone_data(record));
}

}  // namespace sealbox::mailauth::dns_records
