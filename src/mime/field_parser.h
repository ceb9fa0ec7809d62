#pragma once
// The structured header fields a summary needs, parsed by GMime where it has a parser. Values
// come in unfolded. GMime's default parser options are used: setting a warning callback would
// make its duplicate-parameter check run, which is quadratic in the number of parameters.

#include <optional>
#include <string>
#include <vector>

#include "mime/message_summary.h"

namespace sealbox::mime {

struct MediaType {
    std::string type;  // lower-case
    std::string subtype;
    Parameters params;  // RFC 2231 decoded; names lower-case
};

struct Disposition {
    std::string type;  // lower-case
    Parameters params;
};

// g_mime_init(), once per process; every user of GMime calls it first.
void initialize_gmime();

// nullopt when the value is not a syntactically valid media type.
std::optional<MediaType> parse_content_type(const std::string& value);
Disposition parse_content_disposition(const std::string& value);
// RFC 5322 §3.4 address-list, groups flattened as Address documents; empty when unparsable.
std::vector<Address> parse_address_list(const std::string& value);
// RFC 5322 §3.6.4 msg-ids, each with its angle brackets.
std::vector<std::string> parse_message_ids(const std::string& value);
// RFC 2045 §6.1 mechanism, lower-case; 7bit when absent.
std::string parse_transfer_encoding(const std::string& value);
// RFC 3282 language tags.
std::vector<std::string> parse_languages(const std::string& value);

}  // namespace sealbox::mime
