#pragma once
// The DMARC policy record (RFC 7489 §6.3, grammar §6.4), published as TXT at _dmarc.<domain>.
// Pure, and fed straight from DNS: fuzzed (fuzz/dmarc_record_fuzz.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mailauth::dmarc {

// RFC 7489 §6.3 "p": what the Domain Owner asks receivers to do with mail that fails.
enum class Policy { none, quarantine, reject };

// RFC 7489 §3.1.1/§3.1.2 "adkim"/"aspf".
enum class Alignment { relaxed, strict };

// RFC 7489 §6.2/§6.4 dmarc-uri: a URI and an optional size limit ("!10m").
struct ReportUri {
    std::string uri;
    std::optional<std::uint64_t> max_size;  // in octets

    bool operator==(const ReportUri&) const = default;
};

struct Record {
    Policy policy = Policy::none;
    // "sp" (defaults to p when absent, §6.3) and "np" (RFC 9091 §4.1, defaults to sp).
    std::optional<Policy> subdomain_policy;
    std::optional<Policy> nonexistent_policy;
    Alignment dkim_alignment = Alignment::relaxed;
    Alignment spf_alignment = Alignment::relaxed;
    int percent = 100;
    std::vector<ReportUri> aggregate_uris;            // rua
    std::vector<ReportUri> failure_uris;              // ruf
    std::string failure_options = "0";                // fo, as written without blanks ("0", "1:d")
    std::vector<std::string> report_formats{"afrf"};  // rf
    std::uint32_t report_interval = 86400;            // ri, seconds
    // §6.6.3 step 6: p or sp was missing or invalid but rua was usable, so the record stands
    // as "p=none" (sp, np then follow it).
    bool policy_defaulted = false;

    // The policy for mail from the organizational domain (p) or one of its subdomains (sp),
    // and for a subdomain that does not exist (np, RFC 9091 §4.2).
    Policy policy_for_subdomain() const { return subdomain_policy.value_or(policy); }
    Policy policy_for_nonexistent() const {
        return nonexistent_policy.value_or(policy_for_subdomain());
    }
};

// Whether a TXT record claims to be DMARC: it starts with the tag "v=DMARC1" (§6.6.3 steps 2
// and 4 discard every other record before counting).
bool is_dmarc_record(std::string_view text);

enum class RecordProblem {
    syntax,          // v=DMARC1 not first, not a tag-list, or a known tag with an invalid value
    invalid_policy,  // p missing or invalid (or sp, np invalid), and no usable rua
};

// nullopt when `text` is not a valid DMARC record, with the reason in `problem` if given.
// Unknown tags are ignored (§6.3). A record without a valid p or sp but with a valid rua is
// read as p=none (§6.6.3 step 6.1); without a valid rua it is invalid_policy (step 6.2: no
// DMARC processing).
std::optional<Record> parse_record(std::string_view text, RecordProblem* problem = nullptr);

std::string_view to_string(Policy policy);

}  // namespace sealbox::mailauth::dmarc
