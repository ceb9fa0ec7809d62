#pragma once
// The structured header fields a summary needs, parsed by GMime. Values come in unfolded.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "mime/message_summary.h"

typedef struct _GMimeParserOptions GMimeParserOptions;

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

// One per summarize() call: it carries GMime's options and learns from them whether the last
// Content-Type was valid, so it must not be shared between threads.
class FieldParser {
  public:
    FieldParser();
    ~FieldParser();
    FieldParser(const FieldParser&) = delete;
    FieldParser& operator=(const FieldParser&) = delete;

    // nullopt when the value is not a syntactically valid media type.
    std::optional<MediaType> content_type(const std::string& value);
    Disposition content_disposition(const std::string& value);
    // RFC 5322 §3.4 address-list, groups flattened as Address documents; empty when unparsable.
    std::vector<Address> addresses(const std::string& value);
    // RFC 5322 §3.6.4 msg-ids, each with its angle brackets.
    std::vector<std::string> message_ids(const std::string& value);

  private:
    GMimeParserOptions* options_;
    bool invalid_content_type_ = false;
};

}  // namespace sealbox::mime
