// `sealbox queue`: see and steer the outbound queue, also while `sealbox serve` runs (SQLite WAL
// lets both open it; the server picks up a retry within its next poll).

#include <fmt/format.h>

#include <ctime>
#include <iostream>
#include <memory>

#include "cli/commands.h"
#include "core/date.h"
#include "core/error.h"
#include "queue/queue_store.h"

namespace sealbox::cli {
namespace {

const char* state_name(queue::RecipientState state) {
    switch (state) {
        case queue::RecipientState::queued:
            return "queued";
        case queue::RecipientState::delivered:
            return "delivered";
        case queue::RecipientState::failed:
            return "failed";
    }
    return "?";
}

std::string sender_of(const queue::Message& m) {
    return "<" + m.envelope.sender + ">";
}

}  // namespace

void add_queue_commands(CLI::App& app, Runtime& rt) {
    auto id = std::make_shared<std::string>();
    auto* queue = app.add_subcommand("queue", "See and steer the outbound queue");
    queue->require_subcommand(1);
    auto open = [&rt] { return queue::open_queue_store(rt.config(), false); };

    queue->add_subcommand("list", "One line per queued message: id, age, size, sender, recipients")
        ->callback([open] {
            auto now = std::time(nullptr);
            for (const auto& m : open()->list()) {
                int waiting = 0;
                for (const auto& r : m.recipients) {
                    waiting += r.state == queue::RecipientState::queued ? 1 : 0;
                }
                std::cout << fmt::format("{}\t{}m\t{}\t{}\t{} of {} waiting\n", m.envelope.queue_id,
                                         (now - m.created) / 60, m.size, sender_of(m), waiting,
                                         m.recipients.size());
            }
        });

    auto* show =
        queue->add_subcommand("show", "Every recipient of one message, with its last answer");
    show->add_option("id", *id, "Queue id, as `queue list` prints it")->required();
    show->callback([open, id] {
        auto m = open()->find(*id);
        if (!m) {
            throw Error(ErrorCode::not_found, "no queued message " + *id);
        }
        std::cout << fmt::format("id:       {}\nfrom:     {}\nqueued:   {}\nsize:     {}\n",
                                 m->envelope.queue_id, sender_of(*m), rfc5322_date(m->created),
                                 m->size);
        if (!m->envelope.account.empty()) {
            std::cout << "reports:  " << m->envelope.account << '\n';
        }
        for (const auto& r : m->recipients) {
            std::cout << fmt::format("<{}>\t{}\tattempts {}", r.address, state_name(r.state),
                                     r.attempts);
            if (r.state == queue::RecipientState::queued) {
                std::cout << "\tnext " << rfc5322_date(r.next_attempt);
            }
            if (!r.last_reply.empty()) {
                std::cout << "\t" << (r.remote_host.empty() ? "" : r.remote_host + ": ")
                          << r.last_reply;
            }
            std::cout << '\n';
        }
    });

    auto* retry =
        queue->add_subcommand("retry", "Try a message (or, without an id, every one) now");
    retry->add_option("id", *id, "Queue id");
    retry->callback([open, id] {
        int n = open()->retry_now(*id, std::time(nullptr));
        if (n == 0 && !id->empty()) {
            throw Error(ErrorCode::not_found, "no queued message " + *id + " waits for a retry");
        }
        std::cout << n << " recipient(s) will be tried now\n";
    });

    auto* remove = queue->add_subcommand(
        "delete", "Remove a message from the queue; nobody is told, not even its sender");
    remove->add_option("id", *id, "Queue id")->required();
    remove->callback([open, id] {
        if (!open()->remove(*id)) {
            throw Error(ErrorCode::not_found, "no queued message " + *id);
        }
        std::cout << "deleted " << *id << '\n';
    });
}

}  // namespace sealbox::cli
