#pragma once
// MTA-STS wire formats (RFC 8461), pure and fuzzed: the `_mta-sts.<domain>` TXT record that
// says a policy exists and which version it is (§3.1), the policy file fetched over HTTPS
// (§3.2), and the matching of MX host names against its patterns (§4.1).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sealbox::mtasts {

// RFC 8461 §3.1: "v=STSv1; id=20160831085700Z;".
struct StsRecord {
    std::string id;  // 1 to 32 letters and digits; a new id means a new policy
};

// One TXT record's text; nullopt when it is not a valid STSv1 record.
std::optional<StsRecord> parse_sts_record(std::string_view text);

// RFC 8461 §3.1: of all the TXT records at _mta-sts.<domain>, those not starting with
// "v=STSv1;" are ignored; the rest must be exactly one valid record, else there is no policy.
std::optional<StsRecord> select_sts_record(const std::vector<std::string>& texts);

enum class Mode { enforce, testing, none };

std::string_view to_string(Mode mode);

// RFC 8461 §3.2: max_age is at most 31557600 seconds (about a year).
inline constexpr std::int64_t kMaxPolicyAge = 31557600;

struct Policy {
    Mode mode = Mode::none;
    std::int64_t max_age = 0;  // seconds
    // "mail.example.com" or "*.example.net" (one label), lowercase, without a final dot.
    std::vector<std::string> mx;
};

struct PolicyParse {
    std::optional<Policy> policy;
    std::string error;  // why not, for logs and TLS reports
};

// The body of https://mta-sts.<domain>/.well-known/mta-sts.txt. Lines end in LF or CRLF;
// unknown fields are ignored (§3.2); a field other than mx given twice counts once, first.
PolicyParse parse_policy(std::string_view body);

// The policy file's text for a policy, as Sealbox serves its own.
std::string to_text(const Policy& policy);

// RFC 8461 §4.1: whether an MX host name matches one of the policy's patterns; "*.example.net"
// stands for exactly one leftmost label. Without regard to ASCII case or a final dot.
bool mx_matches(const Policy& policy, std::string_view host);

}  // namespace sealbox::mtasts
