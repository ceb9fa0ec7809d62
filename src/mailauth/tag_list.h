#pragma once
// The tag=value lists of DKIM signatures and key records (RFC 6376 §3.2), which ARC headers
// (RFC 8617 §4.1) and DMARC records (RFC 7489 §6.4) share. Pure.

#include <optional>
#include <string_view>
#include <vector>

namespace sealbox::mailauth {

struct Tag {
    std::string_view name;
    // Without the whitespace around it; whitespace inside is kept (b= and p= values must drop
    // it themselves, RFC 6376 §3.5).
    std::string_view value;
};

// Views into the text it was parsed from, which must outlive it.
class TagList {
  public:
    // nullopt when the text is not a tag-list, or names a tag twice (RFC 6376 §3.2: "Tags with
    // duplicate names MUST NOT occur within a single tag-list").
    static std::optional<TagList> parse(std::string_view text);

    const std::vector<Tag>& tags() const { return tags_; }
    // Tag names compare case-sensitively (RFC 6376 §3.2).
    std::optional<std::string_view> find(std::string_view name) const;

  private:
    std::vector<Tag> tags_;
};

}  // namespace sealbox::mailauth
