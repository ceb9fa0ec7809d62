// THREAD=ORDEREDSUBJECT and THREAD=REFERENCES (RFC 5256 §3) over hostile header values: one
// message per line, "subject\tmessage-id\treference reference ...". Whatever the ids claim
// (loops, self references, duplicates), each thread answer holds every message exactly once,
// and the base subject is a fixed point of its own rules.

#include <cstdint>
#include <cstdlib>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_check.h"
#include "imap/thread/base_subject.h"
#include "imap/thread/threading.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox;

void count(const std::vector<imap::ThreadNode>& nodes, std::map<std::uint32_t, int>& seen) {
    for (const auto& node : nodes) {
        if (node.number != 0) {
            ++seen[node.number];
        }
        count(node.children, seen);
    }
}

void check_each_once(const std::vector<imap::ThreadNode>& threads, std::size_t messages) {
    std::map<std::uint32_t, int> seen;
    count(threads, seen);
    check(seen.size() == messages);
    for (const auto& [number, times] : seen) {
        check(times == 1 && number >= 1 && number <= messages);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream lines(std::string(reinterpret_cast<const char*>(data), size));
    std::vector<imap::ThreadInput> messages;
    std::string line;
    while (std::getline(lines, line) && messages.size() < 200) {
        imap::ThreadInput message;
        message.number = static_cast<std::uint32_t>(messages.size() + 1);
        message.sent = static_cast<std::int64_t>(line.size() % 7);  // many equal dates
        std::istringstream fields(line);
        std::string subject;
        std::getline(fields, subject, '\t');
        message.subject = imap::base_subject(subject);
        check(imap::base_subject(message.subject.text).text == message.subject.text);
        std::getline(fields, message.message_id, '\t');
        for (std::string id; fields >> id;) {
            message.references.push_back(id);
        }
        messages.push_back(std::move(message));
    }
    check_each_once(imap::thread_ordered_subject(messages), messages.size());
    check_each_once(imap::thread_references(messages), messages.size());
    (void)imap::thread_response(imap::thread_references(messages));
    return 0;
}
