#pragma once
// IMAP commands as the client sends them (RFC 9051 §6, RFC 3501 §6 and the extensions named
// beside each struct). Parsing only: whether a command is allowed in the current state, or
// whether the server advertised the extension it belongs to, is the session's decision.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "imap/proto/fetch_attribute.h"
#include "imap/proto/limits.h"
#include "imap/proto/metadata.h"
#include "imap/proto/notify.h"
#include "imap/proto/search_key.h"
#include "imap/proto/sequence_set.h"
#include "imap/thread/sorting.h"

namespace sealbox::imap {

struct Capability {};
struct Noop {};
struct Logout {};
struct StartTls {};
struct Authenticate {       // RFC 9051 §6.2.2, SASL-IR RFC 4959 §3
    std::string mechanism;  // upper case
    // Absent: none sent. Empty: "=" was sent (an empty response). Otherwise still base64.
    std::optional<std::string> initial_response;
};
struct Login {  // RFC 9051 §6.2.3
    std::string user;
    std::string password;
};
struct Enable {                             // RFC 5161 §3.1
    std::vector<std::string> capabilities;  // upper case
};
struct Select {  // SELECT and EXAMINE, RFC 9051 §6.3.2-3
    std::string mailbox;
    bool read_only = false;  // EXAMINE
    // RFC 7162 §3.1.8, §3.2.5: "(CONDSTORE)" or "(QRESYNC (...))", as sent; parsed later.
    std::string raw_parameters;
};
struct Create {  // RFC 9051 §6.3.4
    std::string mailbox;
    std::string raw_parameters;  // e.g. "(USE (\Drafts))", RFC 6154 §3
};
struct Delete {
    std::string mailbox;
};
struct Rename {
    std::string from;
    std::string to;
};
struct Subscribe {
    std::string mailbox;
};
struct Unsubscribe {
    std::string mailbox;
};
struct List {  // RFC 9051 §6.3.9 (basic form; selection and return options kept raw)
    std::string reference;
    std::vector<std::string> patterns;  // one, or several in "(...)" (RFC 5258 §3)
    std::string raw_selection;          // "(SUBSCRIBED ...)" as sent, or empty
    std::string raw_return;             // "(CHILDREN STATUS (...))" as sent, or empty
};
struct Lsub {  // RFC 3501 §6.3.9
    std::string reference;
    std::string pattern;
};
struct Namespace {};  // RFC 2342
struct Check {};      // RFC 3501 §6.4.1 (IMAP4rev1 only; a NOOP in effect)
struct Id {           // RFC 2971 §3.1: "ID" SP ("(" field value *(SP field value) ")" / NIL)
    std::vector<std::pair<std::string, std::optional<std::string>>> fields;  // empty for NIL
};
struct GetQuota {  // RFC 9208 §4.2
    std::string root;
};
struct GetQuotaRoot {  // RFC 9208 §4.3
    std::string mailbox;
};
enum class StatusItem {
    messages,
    uid_next,
    uid_validity,
    unseen,
    deleted,         // RFC 9051 §6.3.11
    size,            // RFC 8438
    recent,          // RFC 3501 only
    highest_modseq,  // RFC 7162 §3.1.6
    append_limit,    // RFC 7889 §4
    mailbox_id,      // RFC 8474 §4
};
struct Status {
    std::string mailbox;
    std::vector<StatusItem> items;
};
struct AppendMessage {  // RFC 9051 §6.3.12; several per command with MULTIAPPEND (RFC 3502)
    std::vector<std::string> flags;
    std::optional<std::string> date_time;  // date-time as sent, quotes removed
    std::string data;
    bool binary = false;  // sent as literal8 (RFC 3516 §4.2)
};
struct Append {
    std::string mailbox;
    std::vector<AppendMessage> messages;
};
struct Idle {};  // RFC 2177; "DONE" is the session's to read
struct Close {};
struct Unselect {};  // RFC 3691
struct Expunge {
    std::optional<SequenceSet> uids;  // UID EXPUNGE (RFC 4315 §2.1)
};
struct Copy {
    bool uid = false;
    SequenceSet set;
    std::string mailbox;
};
struct Move {  // RFC 6851
    bool uid = false;
    SequenceSet set;
    std::string mailbox;
};
struct Store {  // RFC 9051 §6.4.6
    enum class Mode { replace, add, remove };
    bool uid = false;
    SequenceSet set;
    std::optional<std::uint64_t> unchanged_since;  // RFC 7162 §3.1.3
    Mode mode = Mode::replace;
    bool silent = false;
    std::vector<std::string> flags;
};
struct Fetch {  // RFC 9051 §6.4.5
    bool uid = false;
    SequenceSet set;
    std::vector<FetchAttribute> attributes;
    std::optional<std::uint64_t> changed_since;  // RFC 7162 §3.1.4.1
    bool vanished = false;                       // RFC 7162 §3.2.6
};

struct Search {  // RFC 9051 §6.4.4
    bool uid = false;
    // RFC 4731 §3 / RFC 9051: "RETURN (MIN MAX ALL COUNT SAVE)", upper-cased; return_given is
    // true even for "RETURN ()", which asks for ALL in ESEARCH form.
    bool return_given = false;
    std::vector<std::string> return_options;
    std::optional<std::string> charset;
    SearchKey criteria;  // an all_of
};

// RFC 5256 §3: unlike SEARCH, SORT and THREAD always name the charset of their search keys.
struct Sort {  // sort keys of RFC 5256 §3 and RFC 5957 §3 (DISPLAYFROM, DISPLAYTO)
    bool uid = false;
    std::vector<SortCriterion> criteria;
    std::string charset;
    SearchKey search;  // an all_of
};
enum class ThreadAlgorithm { ordered_subject, references };
struct Thread {
    bool uid = false;
    ThreadAlgorithm algorithm = ThreadAlgorithm::ordered_subject;
    std::string charset;
    SearchKey search;  // an all_of
};
struct Compress {           // RFC 4978 §3
    std::string mechanism;  // upper case; the session knows only DEFLATE
};

using Command =
    std::variant<Capability, Noop, Logout, StartTls, Authenticate, Login, Enable, Select, Create,
                 Delete, Rename, Subscribe, Unsubscribe, List, Lsub, Namespace, Status, Append,
                 Idle, Close, Unselect, Expunge, Copy, Move, Store, Fetch, Search, Check, Id,
                 GetQuota, GetQuotaRoot, Sort, Thread, Compress, Notify, GetMetadata, SetMetadata>;

struct TaggedCommand {
    std::string tag;
    Command command;
};

// The server answers "tag BAD text" (or "* BAD text" when tag is empty).
struct ParseError {
    std::string tag;
    std::string text;
};

using ParseResult = std::variant<TaggedCommand, ParseError>;

struct ParseOptions {
    Limits limits;
    // IMAP4rev2 or UTF8=ACCEPT is enabled: mailbox names and quoted strings are UTF-8;
    // otherwise names are modified UTF-7 (RFC 3501 §5.1.3). Names come back as UTF-8 either way.
    bool utf8 = false;
};

// input: CommandReader::command(), a whole command without its final CRLF.
ParseResult parse_command(std::string_view input, const ParseOptions& options = {});

}  // namespace sealbox::imap
