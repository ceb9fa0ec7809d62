#pragma once
// The arguments the command parser keeps raw for the session (SELECT's CONDSTORE/QRESYNC,
// RFC 7162 §3.1.8, §3.2.5; LIST's selection and return options, RFC 5258 §6, RFC 5819; CREATE's
// USE, RFC 6154 §3) and LIST's wildcards. Pure: every parse_* throws SyntaxError on bad input.
// Fuzzed by fuzz/imap_session_parameters_fuzz.cpp.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "imap/proto/command.h"
#include "imap/proto/lexer.h"
#include "imap/service.h"

namespace sealbox::imap {

struct Qresync {  // (QRESYNC (uidvalidity modseq [known-uids [seq-match-data]]))
    std::uint32_t uid_validity = 0;
    ModSeq modseq = 0;
    std::optional<SequenceSet> known_uids;
};

struct SelectParameters {
    bool condstore = false;
    std::optional<Qresync> qresync;
};

// raw: Select::raw_parameters, possibly empty.
SelectParameters parse_select_parameters(std::string_view raw);

struct ListOptions {
    bool subscribed_only = false;   // selection SUBSCRIBED
    bool special_use_only = false;  // selection SPECIAL-USE (RFC 6154 §3)
    bool recursive = false;         // RECURSIVEMATCH
    bool return_subscribed = false;
    bool return_special_use = true;  // RFC 6154 §2: sent in every LIST anyway
    std::vector<StatusItem> status;  // RETURN STATUS (RFC 5819)
};

ListOptions parse_list_options(std::string_view raw_selection, std::string_view raw_return);

// "(USE (\Drafts))" -> "\Drafts"; "" for no parameters. One use per mailbox (the store keeps one).
std::string parse_create_use(std::string_view raw);

// RFC 9051 §6.3.9: "*" matches anything, "%" anything but the hierarchy delimiter. Time is
// bounded by the product of the lengths, whatever the pattern.
bool list_matches(std::string_view pattern, std::string_view name);
// Reference and pattern as one pattern, "INBOX" in it matched in any case (RFC 9051 §5.1).
std::string list_pattern(std::string_view reference, std::string_view pattern);

}  // namespace sealbox::imap
