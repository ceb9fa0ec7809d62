#pragma once
// Status responses (RFC 9051 §7.1) and their response codes. Text may hold client data (a
// mailbox name, a parse error quoting input); status_response() defuses it so that no text can
// end the line or pose as a response code.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/sequence_set.h"

namespace sealbox::imap {

// resp-cond-state, resp-cond-bye and resp-cond-auth (RFC 9051 §9).
enum class Condition { ok, no, bad, preauth, bye };

// resp-text-code (RFC 9051 §7.1), built only by the functions below so its contents are
// always well-formed.
class ResponseCode {
  public:
    ResponseCode() = default;  // none
    bool empty() const { return text_.empty(); }
    const std::string& str() const { return text_; }  // without the brackets

    static ResponseCode alert();
    static ResponseCode capability(std::span<const std::string> capabilities);
    static ResponseCode uid_validity(std::uint32_t value);
    static ResponseCode uid_next(std::uint32_t value);
    static ResponseCode unseen(std::uint32_t value);  // RFC 3501 only
    static ResponseCode permanent_flags(std::span<const std::string> flags, bool any_keyword);
    static ResponseCode read_only();
    static ResponseCode read_write();
    static ResponseCode try_create();
    static ResponseCode append_uid(std::uint32_t uid_validity, std::uint32_t uid);  // RFC 4315 §3
    // MULTIAPPEND (RFC 4315 §3 append-uid = uid-set), uids in the order appended.
    static ResponseCode append_uid(std::uint32_t uid_validity, std::span<const std::uint32_t> uids);
    static ResponseCode copy_uid(std::uint32_t uid_validity, std::span<const std::uint32_t> from,
                                 std::span<const std::uint32_t> to);
    static ResponseCode highest_modseq(std::uint64_t value);  // RFC 7162 §3.1.2.1
    static ResponseCode no_modseq();
    // RFC 7162 §3.1.3: the messages UNCHANGEDSINCE refused, as a sequence-set; set must be
    // non-empty.
    static ResponseCode modified(std::span<const std::uint32_t> set);
    static ResponseCode mailbox_id(std::string_view id);  // RFC 8474 §4; id is 1*ATOM-CHAR
    // RFC 9051 §7.1 "BADCHARSET" with the charsets SEARCH takes.
    static ResponseCode bad_charset(std::span<const std::string> charsets);
    static ResponseCode closed();  // RFC 7162 §3.2.11
    // RFC 5464 §4.2.1 [METADATA LONGENTRIES n], §4.3 [METADATA MAXSIZE n] and [METADATA TOOMANY]
    static ResponseCode metadata_long_entries(std::uint64_t size);
    static ResponseCode metadata_max_size(std::uint64_t size);
    static ResponseCode metadata_too_many();
    // RFC 5465 §5: "BADEVENT" with the events NOTIFY supports; each 1*ATOM-CHAR.
    static ResponseCode bad_event(std::span<const std::string> events);
    // The RFC 5530 codes and others without arguments: AUTHENTICATIONFAILED, NONEXISTENT,
    // ALREADYEXISTS, OVERQUOTA, LIMIT, CANNOT, SERVERBUG, PRIVACYREQUIRED, ... `atom` must be
    // 1*ATOM-CHAR; throws sealbox::Error(internal) otherwise (a bug).
    static ResponseCode simple(std::string_view atom);

  private:
    explicit ResponseCode(std::string text) : text_(std::move(text)) {}
    std::string text_;
};

// "tag OK [code] text\r\n"; tag "*" for untagged. Throws sealbox::Error(internal) for a tag that
// is neither "*" nor a valid tag, or for a tagged PREAUTH/BYE (RFC 9051 §7.1.4-5): both bugs.
// CR, LF and other controls in text become spaces, and a text starting with "[" is kept from
// looking like a response code.
std::string status_response(std::string_view tag, Condition condition, const ResponseCode& code,
                            std::string_view text);
inline std::string status_response(std::string_view tag, Condition condition,
                                   std::string_view text) {
    return status_response(tag, condition, ResponseCode{}, text);
}

// "+ text\r\n" (RFC 9051 §7.5), text defused the same way.
std::string continuation(std::string_view text);

// "* CAPABILITY ...\r\n" / "* ENABLED ...\r\n" (RFC 9051 §7.2.2, RFC 5161 §3.2); each word
// must be 1*ATOM-CHAR.
std::string capability_response(std::span<const std::string> capabilities);
std::string enabled_response(std::span<const std::string> capabilities);

}  // namespace sealbox::imap
