#pragma once
// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3) over what the store knows of each
// message, and the thread-list response they give.

#include <cstdint>
#include <string>
#include <vector>

#include "imap/thread/base_subject.h"

namespace sealbox::imap {

struct ThreadInput {
    std::uint32_t number = 0;  // what the response shows: a sequence number or a UID
    std::int64_t sent = 0;     // RFC 5256 §2.2 sent date (Date:, or INTERNALDATE), Unix seconds
    BaseSubject subject;
    std::string message_id;               // with <>; empty when absent or invalid
    std::vector<std::string> references;  // References:, or the first id of In-Reply-To
};

// A node of a thread tree; number 0 is a placeholder for a message not in the mailbox (a
// "dummy" of RFC 5256 §3 step 4 that holds several children).
struct ThreadNode {
    std::uint32_t number = 0;
    std::vector<ThreadNode> children;
};

// Input in mailbox order (ascending sequence number); ties in sent date keep that order.
std::vector<ThreadNode> thread_ordered_subject(const std::vector<ThreadInput>& messages);
std::vector<ThreadNode> thread_references(const std::vector<ThreadInput>& messages);

// "* THREAD (1 2)(3 (4)(5))\r\n" (RFC 5256 §4).
std::string thread_response(const std::vector<ThreadNode>& threads);

}  // namespace sealbox::imap
