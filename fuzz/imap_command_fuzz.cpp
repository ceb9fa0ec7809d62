// Drives the IMAP command reader the way a session does (lines split at CRLF, literal octets
// taken raw when the reader asks for them) and parses every command it frames. Checks what can
// be checked without a second implementation: error replies stay one line, sequence sets and
// mailbox names survive a round trip, and strings the server writes read back unchanged.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz_check.h"
#include "imap/proto/command.h"
#include "imap/proto/command_reader.h"
#include "imap/proto/lexer.h"
#include "imap/proto/mailbox_name.h"
#include "imap/proto/metadata.h"
#include "imap/proto/response.h"
#include "imap/proto/string_writer.h"

using sealbox::fuzz::check;

namespace {

using namespace sealbox::imap;

void check_one_line(const std::string& wire) {
    check(wire.size() >= 2 && wire.find("\r\n") == wire.size() - 2);
    check(wire.find('\r') == wire.size() - 2 && wire.find('\n') == wire.size() - 1);
}

void check_string_roundtrip(std::string_view text, bool utf8) {
    std::string wire;
    write_astring(wire, text, utf8);
    Limits limits;
    Lexer lexer(wire, limits, utf8);
    check(lexer.astring() == text);
    check(lexer.at_end());
}

void check_mailbox(const std::string& name, bool utf8) {
    check(valid_utf8(name));
    check(mailbox_from_wire(mailbox_to_wire(name, utf8), utf8) == name || name == "INBOX");
    check_string_roundtrip(name, utf8);
}

void check_command(const Command& command, bool utf8) {
    if (auto* login = std::get_if<Login>(&command)) {
        check_string_roundtrip(login->user, utf8);
        check_string_roundtrip(login->password, utf8);
    } else if (auto* select = std::get_if<Select>(&command)) {
        check_mailbox(select->mailbox, utf8);
    } else if (auto* get = std::get_if<GetMetadata>(&command)) {  // RFC 5464 §3.2, §5
        check_mailbox(get->mailbox, utf8);
        check(!get->entries.empty());
        for (const auto& entry : get->entries) {
            check(metadata_entry_name(entry, true) == entry);
        }
    } else if (auto* set = std::get_if<SetMetadata>(&command)) {
        check_mailbox(set->mailbox, utf8);
        check(!set->entries.empty());
        for (const auto& entry : set->entries) {
            check(metadata_entry_name(entry.name, false) == entry.name);
        }
        std::string response = metadata_response(set->mailbox, set->entries, utf8);
        check(response.starts_with("* METADATA ") && response.ends_with(")\r\n"));
    } else if (auto* rename = std::get_if<Rename>(&command)) {
        check_mailbox(rename->from, utf8);
        check_mailbox(rename->to, utf8);
    } else if (auto* copy = std::get_if<Copy>(&command)) {
        check(parse_sequence_set(copy->set.str()) == copy->set);
        check_mailbox(copy->mailbox, utf8);
    } else if (auto* fetch = std::get_if<Fetch>(&command)) {
        check(parse_sequence_set(fetch->set.str()) == fetch->set);
        check(!fetch->attributes.empty());
    } else if (auto* append = std::get_if<Append>(&command)) {
        check(!append->messages.empty());
    } else if (auto* sort = std::get_if<Sort>(&command)) {  // RFC 5256 §5: 1* of each
        check(!sort->criteria.empty() && !sort->search.children.empty());
    } else if (auto* thread = std::get_if<Thread>(&command)) {
        check(!thread->search.children.empty());
    } else if (auto* notify = std::get_if<Notify>(&command)) {  // RFC 5465 §8
        check(notify->none == notify->groups.empty());
        for (const NotifyGroup& group : notify->groups) {
            for (const std::string& name : group.mailboxes) {
                check_mailbox(name, utf8);
            }
            check(group.fetch.empty() || group.is_selected());
        }
    }
}

void parse_framed(std::string_view framed) {
    for (bool utf8 : {false, true}) {
        ParseOptions options;
        options.utf8 = utf8;
        options.limits.max_depth = 8;
        ParseResult result = parse_command(framed, options);
        if (auto* error = std::get_if<ParseError>(&result)) {
            check_one_line(status_response(error->tag.empty() ? "*" : error->tag, Condition::bad,
                                           error->text));
            continue;
        }
        check_command(std::get<TaggedCommand>(result).command, utf8);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::string_view input(reinterpret_cast<const char*>(data), size);
    Limits limits;
    limits.max_line = 4096;
    limits.max_literal = 8192;
    limits.max_command = 16384;
    CommandReader reader(limits);
    while (!input.empty()) {
        if (reader.need() == CommandReader::Need::literal) {
            input.remove_prefix(reader.feed_literal(input));
            continue;
        }
        std::size_t end = input.find("\r\n");
        std::string_view line = input.substr(0, end);
        input.remove_prefix(end == std::string_view::npos ? input.size() : end + 2);
        CommandReader::Need need = reader.feed_line(line);
        if (need == CommandReader::Need::complete) {
            parse_framed(reader.command());
            reader.reset();
        } else if (need == CommandReader::Need::error) {
            check(!reader.error().empty());
            check_one_line(status_response("*", Condition::bad, reader.error()));
            if (reader.close_connection()) {
                break;
            }
            reader.reset();
        }
    }
    return 0;
}
