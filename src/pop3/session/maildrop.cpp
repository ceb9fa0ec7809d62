// The TRANSACTION state's listing commands: STAT, LIST, DELE, RSET (RFC 1939 §5) and UIDL
// (RFC 1939 §7). Messages marked by DELE are left out of every answer until RSET.

#include <algorithm>

#include "pop3/session/session.h"

namespace sealbox::pop3 {

// The index of message `number`, or nullopt with the -ERR queued (RFC 1939 §5: a message
// marked as deleted may not be referred to).
std::optional<std::size_t> Session::message_index(std::uint32_t number) {
    if (number == 0 || number > maildrop_->entries().size()) {
        respond(err("No such message"));
        return std::nullopt;
    }
    std::size_t index = number - 1;
    if (deleted_[index]) {
        respond(err("Message " + std::to_string(number) + " already deleted"));
        return std::nullopt;
    }
    return index;
}

std::size_t Session::messages_left() const {
    return static_cast<std::size_t>(std::count(deleted_.begin(), deleted_.end(), false));
}

std::uint64_t Session::octets_left() const {
    std::uint64_t total = 0;
    for (std::size_t i = 0; i < deleted_.size(); ++i) {
        if (!deleted_[i]) {
            total += maildrop_->entries()[i].size;
        }
    }
    return total;
}

void Session::on_stat() {
    // RFC 1939 §5: "+OK nn mm", exactly, for clients that parse it.
    respond(ok(std::to_string(messages_left()) + " " + std::to_string(octets_left())));
}

void Session::on_list(const List& list) {
    const auto& entries = maildrop_->entries();
    if (list.message) {
        if (auto index = message_index(*list.message)) {
            respond(ok(std::to_string(*list.message) + " " + std::to_string(entries[*index].size)));
        }
        return;
    }
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!deleted_[i]) {
            lines.push_back(std::to_string(i + 1) + " " + std::to_string(entries[i].size));
        }
    }
    respond(multi_line(std::to_string(messages_left()) + " messages (" +
                           std::to_string(octets_left()) + " octets)",
                       lines));
}

void Session::on_uidl(const Uidl& uidl) {
    const auto& entries = maildrop_->entries();
    if (uidl.message) {
        if (auto index = message_index(*uidl.message)) {
            respond(ok(std::to_string(*uidl.message) + " " + entries[*index].unique_id));
        }
        return;
    }
    std::vector<std::string> lines;
    for (std::size_t i = 0; i < entries.size(); ++i) {
        if (!deleted_[i]) {
            lines.push_back(std::to_string(i + 1) + " " + entries[i].unique_id);
        }
    }
    respond(multi_line("Unique-id listing follows", lines));
}

// Only a mark: the message goes at QUIT (RFC 1939 §6), and not at all if the session ends
// any other way.
void Session::on_dele(const Dele& dele) {
    if (auto index = message_index(dele.message)) {
        deleted_[*index] = true;
        respond(ok("Message " + std::to_string(dele.message) + " deleted"));
    }
}

void Session::on_rset() {
    deleted_.assign(deleted_.size(), false);
    respond(ok("Maildrop has " + std::to_string(messages_left()) + " messages (" +
               std::to_string(octets_left()) + " octets)"));
}

}  // namespace sealbox::pop3
